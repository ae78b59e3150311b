/**
 * The breakout actions in the top bar of `<breakout-dashboard>`, as a render module: Broadcast,
 * Remaining time (Add time), the closing countdown, Shuffle, Move to next room, Set up rooms,
 * Start breakout and End breakout, each when it applies.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { RoomState } from '../../../protocol/types.ts';
import { formatDuration } from '../../shared/format.ts';

/** Time left, as everywhere else (m:ss, h:mm:ss, or days and hours). */
export const clock = (ms: number): string => formatDuration(ms, 'up');

export type ToolCommand = 'breakout/shuffle' | 'breakout/rotate' | 'breakout/end';

export interface ToolbarView {
  breakout: RoomState['breakout'];
  /** Server time now. */
  now: number;
  castOpen: boolean;
  timeOpen: boolean;
  onToggle(which: 'castOpen' | 'timeOpen'): void;
  onCommand(type: ToolCommand): void;
  onSetUp(): void;
  onStart(): void;
}

export function renderToolbar(v: ToolbarView): TemplateResult {
  const b = v.breakout;
  const run = b.status === 'running';
  const closing = b.closingAt !== null;
  const live = run && !closing;
  const cmd = (label: string, type: ToolCommand, cls = '', part = '') =>
    html`<button class="btn ${cls}" part=${part || nothing} @click=${() => v.onCommand(type)}>${label}</button>`;
  return html`<div class="tools">
      ${live ? html`<button class="btn" aria-expanded=${v.castOpen} @click=${() => v.onToggle('castOpen')}>Broadcast</button>` : nothing}
      ${live && b.endsAt !== null
        ? html`<button class="btn" part="timer" aria-expanded=${v.timeOpen} @click=${() => v.onToggle('timeOpen')}>
            Remaining time <span class="time">${clock(b.endsAt - v.now)}</span>
          </button>`
        : nothing}
      ${closing ? html`<span class="closing" part="timer">Breakout ends in <span class="time">${clock(b.closingAt! - v.now)}</span></span>` : nothing}
    </div>
    <div class="tools end">
      ${closing ? nothing : [cmd('Shuffle', 'breakout/shuffle'), cmd('Move to next room', 'breakout/rotate')]}
      ${run ? nothing : html`<button class="btn" @click=${v.onSetUp}>Set up rooms</button>`}
      ${!run || (b.gathered && !closing) ? html`<button class="btn primary" part="start-button" @click=${v.onStart}>Start breakout</button>` : nothing}
      ${live ? cmd('End breakout', 'breakout/end', 'danger', 'end-button') : nothing}
    </div>`;
}
