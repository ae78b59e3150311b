/**
 * Participants in a breakout room: the bar with the room's name, the remaining time and Call
 * moderator (Cancel call once called). Everything is derived from the room state (deadlines are
 * server times), so a reload or a reconnect shows the same room and remaining time.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import { locationOf, roomName } from '../../../protocol/breakout.ts';
import type { RoomState } from '../../../protocol/types.ts';
import { formatDuration } from '../../shared/format.ts';
import { icon } from '../../shared/icons.ts';

/** The breakout's remaining time ("14:59"), as the dashboard shows it; '' without a limit or while closing. */
export function remainingText(state: RoomState, now: number): string {
  const b = state.breakout;
  return b.endsAt !== null && b.closingAt === null ? formatDuration(b.endsAt - now, 'up') : '';
}

export interface BreakoutBarView {
  state: RoomState;
  selfId: string;
  /** Server time now. */
  now: number;
  /** A short note after a call was answered or dismissed. */
  callNote: string | undefined;
}

/** The bar, or nothing outside breakout rooms. `onCall(true)` calls a moderator, `onCall(false)` cancels. */
export function breakoutBar(v: BreakoutBarView, onCall: (call: boolean) => void): TemplateResult | typeof nothing {
  const { state, selfId } = v;
  const b = state.breakout;
  const here = locationOf(state, selfId);
  if (b.status !== 'running' || here === null) return nothing;
  const closing = b.closingAt !== null;
  const remaining = remainingText(state, v.now);
  const called = b.calls.some((c) => c.userId === selfId);
  const note = called ? 'A moderator has been called' : v.callNote;
  return html`<section class="bar" part="breakout-bar" aria-label="Breakout room">
<span class="bar-room"><span class="visually-hidden">You are in </span>${roomName(state, here)}</span>
${remaining ? html`<span class="bar-time">${icon('clock')}Remaining time <span class="time">${remaining}</span></span>` : nothing}
<span class="bar-end">${note ? html`<span>${note}</span>` : nothing}
<button class="btn compact ${called ? '' : 'primary'}" part="call-button" ?disabled=${closing}
  @click=${() => onCall(!called)}>${called ? 'Cancel call' : 'Call moderator'}</button></span>
</section>`;
}

/** The bars of breakout (this one and the moderators' control bar). One rule a line: CSS in templates ships unminified. */
export const barStyles = css`
  .bar { position: relative; display: flex; flex-wrap: wrap; align-items: center; gap: 0.35rem 0.75rem; padding: 0.4rem 0.75rem; background: var(--kaltura-bar-bg); color: var(--kaltura-bar-text); font-size: 0.875rem; }
  .bar :focus-visible { outline-color: var(--kaltura-bar-text); }
  .bar-start, .bar-end { display: flex; flex: 1 1 0; flex-wrap: wrap; align-items: center; gap: 0.35rem; }
  .bar-end { justify-content: flex-end; }
  .bar-time, .bar-room { display: inline-flex; align-items: center; gap: 0.4rem; white-space: nowrap; font-weight: 700; }
  .time { font-variant-numeric: tabular-nums; }
  @container room (max-width: 760px) { .bar-start, .bar-end { flex-basis: auto; } }
`;
