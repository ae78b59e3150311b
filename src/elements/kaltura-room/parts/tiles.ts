/**
 * The video grid: a tile per person in the user's current room (the main room or a breakout
 * room), the user's own first when they are not yet listed. Helper of the stage until the stage
 * layouts (grid, speaker, shared content) replace it.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Participant } from '../../../protocol/types.ts';
import { icon } from '../../shared/icons.ts';
import { initials, ROLE_TEXT } from './person.ts';

export interface TilesView {
  /** The people on the stage, in order. */
  people: Participant[];
  selfId: string;
  /** The room's sound is on (remote tiles play audio). */
  soundOn: boolean;
  /** The user's own camera and microphone, as they are now (the state lags behind). */
  local: { stream: MediaStream | null; videoOn: boolean; audioOn: boolean };
  /** Someone else's camera as received, or null while it connects. */
  camera: (userId: string) => MediaStream | null;
}

/** Columns for `n` tiles in the wide layout. */
export function columns(n: number): number {
  return n <= 1 ? 1 : n <= 4 ? 2 : n <= 9 ? 3 : 4;
}

export function tiles(v: TilesView): TemplateResult {
  const cols = columns(Math.max(1, v.people.length));
  return html`<div class="grid" part="grid" style="--cols:${cols};--cols-narrow:${Math.min(cols, 2)}">
    ${repeat(v.people, (p) => p.id, (p) => tile(v, p, p.id === v.selfId))}
  </div>`;
}

function tile(v: TilesView, p: Participant, isSelf: boolean): TemplateResult {
  const stream = isSelf ? v.local.stream : v.camera(p.id);
  const videoOn = isSelf ? v.local.videoOn : p.video && !!stream;
  const audioOn = isSelf ? v.local.audioOn : p.audio;
  const name = isSelf ? `${p.name} (You)` : p.name;
  return html`<figure class="tile ${isSelf ? 'self' : ''} ${videoOn ? '' : 'no-video'}" part=${isSelf ? 'tile tile-self' : 'tile'}>
    <video part="video" .srcObject=${live(stream)} .muted=${isSelf || !v.soundOn} ?muted=${isSelf} autoplay playsinline></video>
    ${videoOn ? nothing : html`<div class="avatar" part="avatar" aria-hidden="true">${initials(p.name)}</div>`}
    ${!isSelf && !stream && (p.audio || p.video) ? html`<span class="tile-state">Connecting media…</span>` : nothing}
    <figcaption class="name" part="name">
      ${audioOn ? nothing : html`<span class="muted-badge" title="Microphone off">${icon('micOff')}<span class="visually-hidden">(microphone off)</span></span>`}
      <span class="name-text">${name}</span>
      ${p.role !== 'participant' ? html`<span class="role-badge">${ROLE_TEXT[p.role]}</span>` : nothing}
    </figcaption>
  </figure>`;
}
