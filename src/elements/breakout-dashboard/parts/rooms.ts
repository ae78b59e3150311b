/**
 * The rooms of `<breakout-dashboard>`, as a render module: the Broadcast and Add time forms, the
 * Main room panel and one panel per breakout room, each listing who is there (and who left while
 * in it), the help calls, and for each movable name its "Move to" menu (the shared menu button
 * controller) and drag and drop.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { roomName } from '../../../protocol/breakout.ts';
import { isStaff, type HelpCall, type Participant, type RoomState } from '../../../protocol/types.ts';
import { icon } from '../../shared/icons.ts';
import type { MenuButton } from '../../../controllers/menu-button.ts';

/** The drag-and-drop type of a dragged name; its data is the user's id. */
export const MIME = 'application/x-kaltura-user';

/** The CSS selector of a person's movable name (their "Move to" menu button). */
export const chipSelector = (id: string): string => `button.chip[data-id="${CSS.escape(id)}"]`;

export interface RoomsView {
  state: RoomState;
  /** Our own user id. */
  me: string | undefined;
  /** Nested in `<kaltura-room>` (Join room), or a standalone console (Open room…). */
  nested: boolean;
  /** Nested: the room the moderator dragged their own name to, joined on Close. undefined: none. */
  selfTo: string | null | undefined;
  /** The panel under a dragged name: a room id, '' for the main room. */
  over: string | null;
  castOpen: boolean;
  castError: string;
  timeOpen: boolean;
  menu: MenuButton;
  /** The room a person is shown in. */
  where(id: string): string | null;
  nameOf(id: string): string;
  onCast(e: Event): void;
  onAddTime(e: Event): void;
  /** Text only: a file dragged or pasted onto the broadcast is refused. */
  noFiles(e: DragEvent | ClipboardEvent): void;
  onStay(): void;
  onGather(): void;
  onJoin(to: string | null, callId?: number): void;
  onDismiss(callId: number): void;
  onMove(id: string, to: string | null): void;
  /** dragover, dragleave and drop on a panel (`data-to`: room id, '' for the main room). */
  onZone(e: DragEvent): void;
  onDragEnd(): void;
}

export function renderRooms(v: RoomsView): TemplateResult {
  const s = v.state;
  const b = s.breakout;
  const live = b.status === 'running' && b.closingAt === null;
  const people = Object.values(s.participants).sort(
    (p, q) => Number(isStaff(p.role)) - Number(isStaff(q.role)) || p.name.localeCompare(q.name),
  );
  // The main room lists who is here; a breakout room also who left while in it.
  const inRoom = (to: string | null) => people.filter((p) => v.where(p.id) === to && (p.present || !!to));
  return html`${live && v.castOpen
      ? html`<form class="panel" part="broadcast" @submit=${v.onCast}>
          <label for="cast-text">Message</label>
          <textarea id="cast-text" name="text" rows="2" maxlength="2000" aria-describedby="cast-note cast-error"
            @dragover=${v.noFiles} @drop=${v.noFiles} @paste=${v.noFiles}></textarea>
          <p id="cast-note" class="hint">At this time we only support sending text messages and not files.</p>
          <p id="cast-error" class="err">${v.castError}</p>
          <button class="btn primary">Broadcast</button>
        </form>`
      : nothing}
    ${live && b.endsAt !== null && v.timeOpen
      ? html`<form class="panel" part="add-time" @submit=${v.onAddTime}>
          <label>Minutes <input name="minutes" type="number" min="1" max="120" value="5" required /></label>
          <button class="btn primary">Add time</button>
        </form>`
      : nothing}
    ${v.selfTo !== undefined
      ? html`<p class="notice">You will join ${roomName(s, v.selfTo)} when you close the dashboard.
          <button class="link" @click=${v.onStay}>Stay here</button></p>`
      : nothing}
    <p class="hint" id="dnd-hint">Drag a name to another room, or select it to choose a room.</p>
    <div class="rooms">
      ${renderPanel(v, null, 'Main room', inRoom(null), live && !b.gathered
        ? html`<button class="btn" part="gather-button" @click=${v.onGather}>Gather everyone</button>`
        : nothing)}
      <div class="grid">
        ${repeat(b.config!.rooms, (r) => r.id, (r) => renderPanel(v, r.id, r.name, inRoom(r.id), live
          ? html`<button class="btn" part="join-button" aria-describedby="n-${r.id}" @click=${() => v.onJoin(r.id)}>${v.nested ? 'Join room' : 'Open room…'}</button>`
          : nothing))}
      </div>
    </div>`;
}

function renderPanel(v: RoomsView, id: string | null, name: string, members: Participant[], action: unknown): TemplateResult {
  const key = id ?? '';
  const calls = v.state.breakout.calls.filter((c) => c.room === id);
  const over = v.over === key;
  return html`<section
    class="room ${over ? 'over' : ''}"
    part=${id ? (over ? 'room room-over' : 'room') : 'main-room'}
    data-to=${key}
    aria-labelledby="n-${id ?? 'main'}"
    @dragover=${v.onZone}
    @dragleave=${v.onZone}
    @drop=${v.onZone}
  >
    <h3 part="room-name" id="n-${id ?? 'main'}">${name} <span class="tag">${members.length}<span class="visually-hidden"> in the room</span></span></h3>
    <ul>
      ${calls
        .filter((c) => !members.some((p) => p.id === c.userId))
        .map((c) => html`<li class="calling" part="call">${icon('bell')} ${v.nameOf(c.userId)} ${renderCall(v, c)}</li>`)}
      ${repeat(members, (p) => p.id, (p) => renderMember(v, p, calls.filter((c) => c.userId === p.id)))}
    </ul>
    ${action}
  </section>`;
}

function renderCall(v: RoomsView, c: HelpCall): TemplateResult {
  // Standalone, the console cannot join: its button opens the room through the page, and says so.
  const label = v.nested ? 'Join' : 'Open room…';
  return html`<span class="acts"><button class="btn call" part="join-button" @click=${() => v.onJoin(c.room, c.id)}>${label}</button>
    <button class="icon-btn" aria-label="Dismiss call from ${v.nameOf(c.userId)}" @click=${() => v.onDismiss(c.id)}>
      ${icon('close')}
    </button></span>`;
}

function renderMember(v: RoomsView, p: Participant, calls: HelpCall[]): TemplateResult {
  const s = v.state;
  const b = s.breakout;
  const mine = p.id === v.me;
  const open = v.menu.isOpen(p.id);
  const marker = mine && v.selfTo !== undefined ? 'when you close' : b.moves[p.id] ? 'moving…' : p.present ? '' : 'away';
  const label = html`${calls.length ? icon('bell') : nothing}${p.name}${mine ? ' (You)' : ''}${calls.length
      ? html`<span class="visually-hidden">, asking for help</span>`
      : nothing}
    ${marker ? html`<span class="tag">${marker}</span>` : nothing}`;
  // While breakout runs anyone can be moved; before, only participants (staff move themselves).
  const movable = b.status === 'running' ? b.closingAt === null : !isStaff(p.role);
  const on = v.menu.buttonHandlers(p.id);
  return html`<li class=${calls.length ? 'calling' : ''} part=${calls.length ? 'member call' : 'member'} @focusout=${v.menu.onFocusOut}>
    ${movable
      ? html`<button
          class="chip"
          data-id=${p.id}
          draggable="true"
          aria-haspopup="menu"
          aria-expanded=${open}
          aria-describedby="dnd-hint"
          @click=${on.click}
          @keydown=${on.keydown}
          @dragstart=${(e: DragEvent) => e.dataTransfer?.setData(MIME, p.id)}
          @dragend=${v.onDragEnd}
        >${label}</button>`
      : html`<span class="chip">${label}</span>`}
    ${calls.map((c) => renderCall(v, c))}
    ${open
      ? html`<div class="menu" part="move-menu" role="menu" aria-label="Move ${p.name} to" @keydown=${v.menu.onMenuKeydown}>
          ${[null, ...b.config!.rooms.map((r) => r.id)]
            .filter((t) => t !== v.where(p.id))
            .map((t) => html`<button role="menuitem" tabindex="-1" @click=${() => v.onMove(p.id, t)}>${roomName(s, t)}</button>`)}
        </div>`
      : nothing}
  </li>`;
}
