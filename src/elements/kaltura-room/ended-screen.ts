/**
 * The "session has ended" screen (seed 000: participants are told the session has ended; hosts
 * restart it with Start Session). Shown to those who were in the session when it ended, and to
 * a late arrival before they join (the room's status endpoint says it ended). Participants can
 * stay: they hear when it starts again, or (before joining) check again.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { EndReason } from '../../protocol/types.ts';

/** How long the room waited for a host, in words ("15 minutes"). */
export function durationText(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes >= 1) return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  const seconds = Math.max(1, Math.round(ms / 1000));
  return seconds === 1 ? '1 second' : `${seconds} seconds`;
}

export interface EndedScreenOptions {
  reason: EndReason | null;
  /** The room's host-away wait (for the host-away wording); null when unknown. */
  hostAwayMs: number | null;
  /** Hosts and moderators get Start Session. */
  staff: boolean;
  starting: boolean;
  onStart: () => void;
  notice: TemplateResult | typeof nothing;
  /** Before joining: a participant's way to ask whether it started again. */
  check?: { checking: boolean; stillEnded: boolean; onCheck: () => void };
}

/** The screen's content (inside the room's screen card). */
export function endedScreen(o: EndedScreenOptions): TemplateResult {
  const hostAway = o.reason === 'host-away';
  return html`<h2 class="screen-title" data-focus-on-show tabindex="-1">The session has ended.</h2>
    <p class="screen-text">
      ${hostAway
        ? o.hostAwayMs
          ? `The host did not return within ${durationText(o.hostAwayMs)}, so the session ended for everyone.`
          : 'The host did not return in time, so the session ended for everyone.'
        : 'The session was ended for everyone.'}
    </p>
    ${o.notice}
    ${o.staff
      ? html`<button class="btn primary" ?disabled=${o.starting} aria-busy=${o.starting ? 'true' : 'false'} @click=${o.onStart}>
          Start Session
        </button>`
      : o.check
        ? html`<p class="screen-hint">You can close this page, or stay here: when the session starts again, you can join.</p>
            <button class="btn" ?disabled=${o.check.checking} aria-busy=${o.check.checking ? 'true' : 'false'} @click=${o.check.onCheck}>
              ${o.check.checking ? 'Checking…' : 'Check again'}
            </button>
            <p class="screen-hint" role="status">${o.check.stillEnded && !o.check.checking ? 'The session has not started again yet.' : ''}</p>`
        : html`<p class="screen-hint">You can close this page, or stay here: if the session starts again, you can rejoin.</p>`}`;
}
