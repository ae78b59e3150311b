/**
 * The participants list: everyone who is or was in the session, with their role, where they are
 * (their breakout room while breakout runs), their microphone and camera. Hosts and moderators get
 * "Remove from session" beside each person (a moderator not beside a host, nobody beside
 * themselves); the server decides (`participant/remove`), this only renders and asks.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { RoomSelf } from '../../../client/room-connection.ts';
import { locationOf, roomName } from '../../../protocol/breakout.ts';
import { isStaff, type Participant, type RoomState } from '../../../protocol/types.ts';
import { icon } from '../../shared/icons.ts';
import { initials, ROLE_TEXT } from './person.ts';

/** Whether `self` may remove `p` (the server checks again). */
export function canRemove(self: RoomSelf | null, p: Participant): boolean {
  if (!self || !isStaff(self.role) || p.id === self.id || !p.present) return false;
  return !(p.role === 'host' && self.role !== 'host');
}

export interface PeopleView {
  /** Everyone, in list order. */
  people: Participant[];
  state: RoomState;
  self: RoomSelf | null;
}

export function peoplePanel(v: PeopleView, onRemove: (p: Participant) => void): TemplateResult {
  const { state } = v;
  const selfId = v.self?.id ?? '';
  // While breakout runs, everyone is listed with the room they are in.
  const running = state.breakout.status === 'running';
  return html`<ul class="people" part="participants" aria-label="Participants">
    ${repeat(
      v.people,
      (p) => p.id,
      (p) => html`<li class="person ${p.present ? '' : 'away'}">
        <span class="avatar small" aria-hidden="true">${initials(p.name)}</span>
        <span class="person-main">
          <span class="person-name">${p.name}${p.id === selfId ? ' (You)' : ''}</span>
          <span class="person-meta">${ROLE_TEXT[p.role]} · ${p.present ? (running ? roomName(state, locationOf(state, p.id)) : 'In the room') : 'Left'}</span>
        </span>
        ${p.present
          ? html`<span class="person-media">
              <span class=${p.audio ? 'm-on' : 'm-off'}>${icon(p.audio ? 'mic' : 'micOff')}<span class="visually-hidden">${p.audio ? 'Microphone on' : 'Microphone off'}</span></span>
              <span class=${p.video ? 'm-on' : 'm-off'}>${icon(p.video ? 'cam' : 'camOff')}<span class="visually-hidden">${p.video ? 'Camera on' : 'Camera off'}</span></span>
            </span>`
          : nothing}
        ${canRemove(v.self, p)
          ? html`<button class="icon-btn small person-remove" part="remove-button" aria-label="Remove ${p.name} from session"
              title="Remove from session" @click=${() => onRemove(p)}>${icon('close')}</button>`
          : nothing}
      </li>`,
    )}
  </ul>`;
}
