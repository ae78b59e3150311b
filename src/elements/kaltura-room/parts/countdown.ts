/**
 * The countdown the user sees while breakout runs: their own pending move (over the stage), or,
 * in the main room, breakout closing (a banner). Shown every second, announced once.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import { roomName } from '../../../protocol/breakout.ts';
import type { RoomState } from '../../../protocol/types.ts';

export interface Countdown {
  /** Changes when another countdown starts (announce it once). */
  key: string;
  /** When it ends (server time). */
  at: number;
  /** "Moving to Room 2", "Breakout rooms close". */
  lead: string;
  /** The user's own move (an overlay), not breakout closing (a banner). */
  move: boolean;
}

/** The countdown for `selfId`, or null. */
export function countdownOf(state: RoomState, selfId: string): Countdown | null {
  const b = state.breakout;
  if (b.status !== 'running') return null;
  const timeUp =
    b.closingAt !== null && b.endsAt !== null && b.closingAt - (b.config?.countdownMs ?? 0) >= b.endsAt ? 'Time is up. ' : '';
  const move = b.moves[selfId];
  if (move) {
    const lead = move.to === null ? `${timeUp}Returning to the main room` : `Moving to ${roomName(state, move.to)}`;
    return { key: `${lead}@${move.at}`, at: move.at, lead, move: true };
  }
  if (b.closingAt !== null) return { key: `close@${b.closingAt}`, at: b.closingAt, lead: `${timeUp}Breakout rooms close`, move: false };
  return null;
}

/** Whole seconds from `now` to `at` (server times), at least 0. */
export function secondsTo(at: number, now: number): number {
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** What the status region says when a countdown starts. */
export function countdownAnnouncement(cd: Countdown, now: number): string {
  return `${cd.lead} in ${secondsTo(cd.at, now)} seconds.`;
}

export function countdown(cd: Countdown | null, now: number): TemplateResult | typeof nothing {
  if (!cd) return nothing;
  const n = secondsTo(cd.at, now);
  const text = n > 0 ? `${cd.lead} in ${n}…` : `${cd.lead}…`;
  // Shown every second, announced once (by the status region, when the countdown starts).
  if (!cd.move) return html`<div class="banner info floating" part="countdown">${text}</div>`;
  return html`<div class="countdown" part="countdown"><div>
<span class="countdown-n" aria-hidden="true">${n}</span><span class="countdown-text">${text}</span>
</div></div>`;
}

export const countdownStyles = css`
  .countdown { position: absolute; inset: 0; z-index: 5; display: grid; place-items: center; background: var(--kaltura-overlay-bg); }
  .countdown > div { display: grid; justify-items: center; margin: 1rem; padding: 1.5rem 2rem; border-radius: var(--kaltura-radius); background: var(--kaltura-bg); color: var(--kaltura-text); text-align: center; font-weight: 600; }
  .countdown-n { font-size: 2.5rem; color: var(--kaltura-accent); }
  .countdown ~ .controls { position: relative; z-index: 6; }
`;
