/**
 * The screens outside the meeting, each in the same centred card: left, ended (seed 000:
 * participants are told the session has ended; hosts restart it with Start Session), started
 * again, removed, and failed to connect.
 *
 * The ended screen shows to those who were in the session when it ended, and to a late arrival
 * before they join (the room's status endpoint says it ended). Participants can stay: they hear
 * when it starts again, or (before joining) check again.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import type { RoomError } from '../../../client/room-connection.ts';
import type { EndReason } from '../../../protocol/types.ts';
import { icon, type IconName } from '../../shared/icons.ts';
import type { Screen } from '../phase.ts';

/** The card every screen sits in. */
function screen(mark: IconName, content: TemplateResult): TemplateResult {
  return html`<section class="screen" part="screen">
    <div class="screen-card"><span class="screen-icon" aria-hidden="true">${icon(mark)}</span>${content}</div>
  </section>`;
}

type Notice = TemplateResult | typeof nothing;

export function leftScreen(v: { title: string; joining: boolean; notice: Notice }, onRejoin: () => void): TemplateResult {
  return screen('leave', html`
    <h2 class="screen-title" data-focus-on-show tabindex="-1">You have left the session.</h2>
    <p class="screen-text">${v.title}</p>
    ${v.notice}
    <button class="link-btn" ?disabled=${v.joining} @click=${onRejoin}>
      ${v.joining ? 'Rejoining…' : 'Rejoin the session?'}
    </button>
  `);
}

/** Started again while the user was on the ended screen; `by`: who started it, when known. */
export function restartedScreen(by: string | undefined, onRejoin: () => void): TemplateResult {
  return screen('cam', html`
    <h2 class="screen-title" data-focus-on-show tabindex="-1">The session has started again.</h2>
    <p class="screen-text">${by ? `${by} started the session.` : 'The session is open.'}</p>
    <button class="btn primary" @click=${onRejoin}>Rejoin the session</button>
  `);
}

export function removedScreen(title: string): TemplateResult {
  return screen('alert', html`<h2 class="screen-title" data-focus-on-show tabindex="-1">You were removed from the session.</h2>
    <p class="screen-text">${title}</p>
    <p class="screen-hint">A host or moderator removed you. You can join again if a host starts the session again.</p>`);
}

export function failedScreen(v: { error: RoomError | null; joining: boolean }, onRetry: () => void): TemplateResult {
  const code = v.error?.code;
  const heading =
    code === 'replaced'
      ? 'You joined this session somewhere else.'
      : code === 'bad-token'
        ? 'Your link to this session is not valid.'
        : "Can't join the session.";
  return screen('alert', html`
    <h2 class="screen-title" data-focus-on-show tabindex="-1">${heading}</h2>
    <p class="screen-text" role="alert">${v.error?.message ?? 'The connection to the session failed.'}</p>
    ${code === 'bad-token'
      ? html`<p class="screen-hint">Reload the page to get a new link. If that does not help, contact your instructor.</p>`
      : html`<button class="btn primary" ?disabled=${v.joining} @click=${onRetry}>
          ${code === 'replaced' ? 'Join here instead' : 'Try again'}
        </button>`}
  `);
}

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
  notice: Notice;
  /** Before joining: a participant's way to ask whether it started again. */
  check?: { checking: boolean; stillEnded: boolean; onCheck: () => void };
}

export function endedScreen(o: EndedScreenOptions): TemplateResult {
  const hostAway = o.reason === 'host-away';
  return screen('power', html`<h2 class="screen-title" data-focus-on-show tabindex="-1">The session has ended.</h2>
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
        : html`<p class="screen-hint">You can close this page, or stay here: if the session starts again, you can rejoin.</p>`}`);
}

/** Why and how the session ended, as the ended screen says it. */
export interface EndedInfo {
  reason: EndReason | null;
  hostAwayMs: number | null;
  /** Before joining: a participant's way to ask whether it started again. */
  check?: { checking: boolean; stillEnded: boolean; onCheck: () => void };
}

export interface ScreenView {
  title: string;
  /** Joining (or rejoining) is under way. */
  joining: boolean;
  notice: Notice;
  /** Hosts and moderators (Start Session). */
  staff: boolean;
  /** Start Session was pressed and not answered yet. */
  starting: boolean;
  /** Why the connection failed. */
  error: RoomError | null;
  /** Who started the session again, when known. */
  restartedBy: string | undefined;
  ended: EndedInfo;
}

export interface ScreenActions {
  join: () => void;
  /** Back into a restarted session. */
  rejoin: () => void;
  start: () => void;
}

/** The screen outside the meeting for `screen`. */
export function outsideScreen(screen: Exclude<Screen, 'prejoin' | 'room'>, v: ScreenView, on: ScreenActions): TemplateResult {
  switch (screen) {
    case 'left':
      return leftScreen(v, on.join);
    case 'restarted':
      return restartedScreen(v.restartedBy, on.rejoin);
    case 'ended':
      return endedScreen({ ...v.ended, staff: v.staff, starting: v.starting, onStart: on.start, notice: v.notice });
    case 'failed':
      return failedScreen(v, on.join);
    case 'removed':
      return removedScreen(v.title);
  }
}

export const screenStyles = css`
  .screen {
    display: grid;
    place-items: center;
    padding: 3rem 1.25rem;
    min-height: 22rem;
    text-align: center;
    background: var(--kaltura-bg);
  }
  .screen-icon {
    display: grid;
    place-items: center;
    width: 3.5rem;
    height: 3.5rem;
    margin-bottom: 0.25rem;
    border-radius: 50%;
    background: color-mix(in srgb, var(--kaltura-accent) 12%, var(--kaltura-bg));
    color: var(--kaltura-accent);
  }
  .screen-icon .icon {
    width: 1.75rem;
    height: 1.75rem;
  }
  .screen-card {
    display: grid;
    justify-items: center;
    gap: 0.85rem;
    max-width: 30rem;
  }
  .screen-title {
    font-size: 1.375rem;
    line-height: 1.25;
  }
  .screen-text {
    margin: 0;
    color: var(--kaltura-text-muted);
  }
  .screen-hint {
    margin: 0;
    font-size: 0.875rem;
    color: var(--kaltura-text-muted);
  }
  .screen .notice {
    margin: 0;
  }
`;
