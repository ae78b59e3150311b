/**
 * Hosts and moderators, while breakout runs: the control bar (Broadcast, Remaining time, the
 * current room with the list of rooms to switch to, the help calls, Open dashboard, End
 * breakout). Its buttons open small panels (disclosure pattern); which one is open lives in
 * `ControlBar`, with what the panels do.
 */
import { css, html, nothing, type ReactiveController, type TemplateResult } from 'lit';
import { locationOf, roomName } from '../../../protocol/breakout.ts';
import type { ClientCommand, RoomEvent, RoomState } from '../../../protocol/types.ts';
import { icon } from '../../shared/icons.ts';
import { remainingText } from './breakout-bar.ts';

export type BarPanel = 'broadcast' | 'time' | 'rooms';

const FILES_NOTE = 'At this time we only support sending text messages and not files.';

type Host = HTMLElement & {
  renderRoot: ParentNode;
  updateComplete: Promise<unknown>;
  requestUpdate(): void;
  addController(c: ReactiveController): void;
};

export class ControlBar implements ReactiveController {
  /** The open panel. */
  panel: BarPanel | null = null;
  /** A note in the broadcast panel (files are not sent). */
  broadcastNote = '';
  private readonly host: Host;
  private readonly command: (command: ClientCommand) => Promise<boolean>;
  private readonly onDocPointerDown = (e: PointerEvent) => {
    const bar = this.host.renderRoot.querySelector('.control-bar');
    if (this.panel && bar && !e.composedPath().includes(bar)) this.shut();
  };

  /** `command` sends to the room (true when the server agreed). */
  constructor(host: Host, command: (command: ClientCommand) => Promise<boolean>) {
    this.host = host;
    this.command = command;
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('pointerdown', this.onDocPointerDown, true);
  }

  hostDisconnected(): void {
    document.removeEventListener('pointerdown', this.onDocPointerDown, true);
  }

  /** A room event reached the user: when they move to another room, the open panel closes. */
  heard(event: RoomEvent, selfId: string): void {
    if (event.type === 'breakout-moved' && Object.hasOwn(event.moved, selfId)) this.shut();
  }

  /** Close the open panel, focus staying where it is. */
  shut(): void {
    if (this.panel === null) return;
    this.panel = null;
    this.host.requestUpdate();
  }

  /** A bar button: open its panel (focus into it) or close it. */
  toggle(panel: BarPanel): void {
    this.broadcastNote = '';
    this.panel = this.panel === panel ? null : panel;
    this.host.requestUpdate();
    if (this.panel) void this.focusIn('#bar-panel :is(input, textarea, button)');
  }

  /** Close the open panel; focus goes back to its button. */
  close(): void {
    const panel = this.panel;
    this.shut();
    if (panel) void this.focusIn(`#cb-${panel}`);
  }

  readonly onKeydown = (e: KeyboardEvent): void => {
    if (e.key === 'Escape' && this.panel) {
      e.preventDefault();
      this.close();
    }
  };

  readonly onBroadcast = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const input = this.host.renderRoot.querySelector<HTMLTextAreaElement>('#broadcast-text');
    const text = input?.value.trim() ?? '';
    if (!input || !text) return input?.focus();
    if (await this.command({ type: 'breakout/broadcast', text })) {
      input.value = '';
      this.close();
    }
  };

  /** Broadcasts are text only: a dropped or pasted file gets a note instead. */
  readonly onBroadcastFiles = (e: DragEvent | ClipboardEvent): void => {
    const data = 'dataTransfer' in e ? e.dataTransfer : e.clipboardData;
    const types = [...(data?.types ?? [])];
    if (!types.includes('Files') || (e.type === 'paste' && types.includes('text/plain'))) return;
    e.preventDefault();
    if (e.type !== 'dragover') {
      this.broadcastNote = FILES_NOTE;
      this.host.requestUpdate();
    }
  };

  readonly onAddTime = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const minutes = Number(this.host.renderRoot.querySelector<HTMLInputElement>('#add-minutes')?.value);
    if (!Number.isInteger(minutes) || minutes < 1) return;
    // Focus goes back to Remaining time, whose name now says the new time.
    if (await this.command({ type: 'breakout/add-time', minutes })) this.close();
  };

  async joinRoom(to: string | null): Promise<void> {
    if (await this.command({ type: 'breakout/join', to })) this.close();
  }

  private async focusIn(selector: string): Promise<void> {
    await this.host.updateComplete;
    this.host.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }
}

export interface ControlBarView {
  state: RoomState;
  selfId: string;
  /** Server time now. */
  now: number;
  /** The dashboard shows over the room. */
  inert: boolean;
}

export interface ControlBarActions {
  /** Open the dashboard (from the bell or Open dashboard). */
  openDashboard: (opener: EventTarget | null) => void;
  endBreakout: () => void;
}

/** The control bar, or nothing when breakout does not run. */
export function controlBar(bar: ControlBar, v: ControlBarView, on: ControlBarActions): TemplateResult | typeof nothing {
  const { state } = v;
  const b = state.breakout;
  if (b.status !== 'running') return nothing;
  const here = locationOf(state, v.selfId);
  const remaining = remainingText(state, v.now);
  const calls = b.calls.length;
  const closing = b.closingAt !== null;
  // A bar button that opens one of the bar's panels (disclosure pattern).
  const toggle = (panel: BarPanel, part: string, label: TemplateResult | string, disabled = false) =>
    html`<button id="cb-${panel}" class="btn compact bar-btn" part=${part} aria-expanded=${bar.panel === panel ? 'true' : 'false'}
  aria-controls="bar-panel" ?disabled=${disabled} @click=${() => bar.toggle(panel)}>${label}</button>`;
  const open = (e: Event) => on.openDashboard(e.currentTarget);
  return html`<section class="bar control-bar" part="control-bar" aria-label="Breakout controls" ?inert=${v.inert} @keydown=${bar.onKeydown}>
<div class="bar-start">
${toggle('broadcast', 'broadcast-button', html`${icon('megaphone')}<span class="bar-label">Broadcast</span>`)}
${remaining ? toggle('time', 'remaining-time', html`${icon('clock')}<span class="bar-label">Remaining time </span><span class="time">${remaining}</span>`) : nothing}
</div>
<div class="bar-center">${toggle('rooms', 'room-switch', html`${roomName(state, here)}<span class="visually-hidden">, switch rooms</span>`, closing)}</div>
<div class="bar-end">
${calls
  ? html`<button class="btn compact bar-btn bell" part="calls" @click=${open}>${icon('bell')}<span class="badge">${calls}</span><span
  class="visually-hidden"> ${calls === 1 ? 'call' : 'calls'} for a moderator, open dashboard</span></button>`
  : nothing}
<button class="btn compact bar-btn" part="dashboard-button" @click=${open}>Open dashboard</button>
<button class="btn compact danger" part="end-breakout" ?disabled=${closing} @click=${on.endBreakout}>End breakout</button>
</div>
${bar.panel ? barPanel(bar, state, bar.panel, here) : nothing}
</section>`;
}

function barPanel(bar: ControlBar, state: RoomState, panel: BarPanel, here: string | null): TemplateResult {
  if (panel === 'broadcast') {
    return html`<form id="bar-panel" class="bar-panel" part="bar-panel" aria-label="Broadcast to all rooms" @submit=${bar.onBroadcast}>
<label for="broadcast-text">Message</label>
<textarea id="broadcast-text" rows="3" maxlength="2000"
  @dragover=${bar.onBroadcastFiles} @drop=${bar.onBroadcastFiles} @paste=${bar.onBroadcastFiles}></textarea>
${bar.broadcastNote ? html`<p class="panel-note" role="alert">${bar.broadcastNote}</p>` : nothing}
<button class="btn primary compact">Broadcast</button>
</form>`;
  }
  if (panel === 'time') {
    return html`<form id="bar-panel" class="bar-panel" part="bar-panel" aria-label="Add time" @submit=${bar.onAddTime}>
<label for="add-minutes">Minutes</label>
<input id="add-minutes" type="number" inputmode="numeric" min="1" max="120" step="1" value="5" required />
<button class="btn primary compact">Add time</button>
</form>`;
  }
  const ids = [null, ...(state.breakout.config?.rooms.map((r) => r.id) ?? [])];
  const present = Object.values(state.participants).filter((p) => p.present);
  return html`<div id="bar-panel" class="bar-panel rooms" part="bar-panel" role="group" aria-label="Rooms"><ul class="people room-list" part="room-list">
${ids.map((id) => {
  const name = roomName(state, id);
  const n = present.filter((p) => locationOf(state, p.id) === id).length;
  return html`<li><span>${name}</span> <span>${n} ${n === 1 ? 'person' : 'people'}</span>
${id === here
  ? html`<span class="room-here">You are here</span>`
  : html`<button class="btn compact" aria-label=${`Join room: ${name}`} @click=${() => bar.joinRoom(id)}>Join room</button>`}</li>`;
})}</ul></div>`;
}

/** One rule a line: CSS in templates ships unminified in the drop-in. */
export const controlBarStyles = css`
  .bar-btn { background: transparent; color: inherit; border-color: rgb(255 255 255 / 0.25); }
  .bar-btn:hover:not(:disabled), .bar-btn[aria-expanded='true'] { background: rgb(255 255 255 / 0.14); }
  .bell { border-color: var(--kaltura-call); color: var(--kaltura-call); }
  .bell .badge { background: var(--kaltura-call); color: #1a1f29; }
  .bar-panel { position: absolute; top: calc(100% + 0.35rem); z-index: 10; min-width: 12rem; background: var(--kaltura-bg); border: 1px solid var(--kaltura-border); border-radius: calc(var(--kaltura-radius) - 2px); box-shadow: 0 12px 32px rgb(16 19 26 / 0.18); }
  .bar-panel { left: 0.75rem; right: auto; display: grid; gap: 0.5rem; width: min(22rem, calc(100% - 1.5rem)); max-height: 20rem; overflow-y: auto; padding: 0.85rem; color: var(--kaltura-text); }
  .bar-panel.rooms { left: calc(50% - min(11rem, 50% - 0.75rem)); }
  .bar-panel :is(textarea, input) { font: inherit; color: inherit; min-height: 2.5rem; padding: 0.4rem 0.6rem; border-radius: calc(var(--kaltura-radius) - 4px); border: 1px solid var(--kaltura-border); background: var(--kaltura-bg); max-width: 100%; }
  .bar-panel label, .room-list span:first-child { font-weight: 600; }
  .bar-panel .btn { justify-self: end; }
  .panel-note { margin: 0; color: var(--kaltura-danger); }
  .room-list li { display: grid; grid-template-columns: 1fr auto; align-items: center; padding: 0.4rem 0.25rem; border-bottom: 1px solid var(--kaltura-border); }
  .room-list span + span { grid-row: 2; }
  .room-list .room-here, .room-list .btn { grid-area: 1 / 2 / 3; }
  .room-list span:not(:first-child) { color: var(--kaltura-text-muted); font-size: 0.8125rem; }
  @container room (max-width: 520px) {
    .control-bar .bar-label { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    .control-bar { gap: 0.35rem 0.4rem; padding: 0.35rem 0.5rem; }
    .control-bar .bar-start, .control-bar .bar-center, .control-bar .bar-end { display: contents; }
    .control-bar .bar-center .btn { max-width: 9rem; overflow: hidden; text-overflow: ellipsis; display: block; }
    .control-bar .btn.compact { padding: 0.3rem 0.6rem; }
  }
`;
