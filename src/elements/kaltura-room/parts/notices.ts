/**
 * Messages for the user: the dismissable notice (errors and refusals), and the banners on the
 * stage (reconnecting, the host has left).
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { ConnectionStatus } from '../../../client/room-connection.ts';
import type { RoomState } from '../../../protocol/types.ts';
import { formatTimeOfDay } from '../../shared/format.ts';
import { icon } from '../../shared/icons.ts';

/** A rendered notice, or nothing. */
export type Notice = TemplateResult | typeof nothing;

/** The notice area: one message with Dismiss; nothing when there is none. */
export function notice(text: string, onDismiss: () => void): Notice {
  if (!text) return nothing;
  return html`<div class="notice" part="notice" role="alert">
    ${icon('alert')}<span>${text}</span>
    <button class="icon-btn small" aria-label="Dismiss" @click=${onDismiss}>${icon('close')}</button>
  </div>`;
}

/** While the connection is being re-established. */
export function reconnectingBanner(status: ConnectionStatus): TemplateResult | typeof nothing {
  return status === 'reconnecting' || status === 'connecting'
    ? html`<div class="banner warn floating" part="notice">Connection lost. Reconnecting…</div>`
    : nothing;
}

/**
 * The host-away timer is invisible to participants, as the product describes: they only
 * learn that the host left. Hosts and moderators also see when the session would end.
 */
export function hostAwayBanner(state: RoomState, staff: boolean, clockOffset: number): TemplateResult | typeof nothing {
  if (state.hostAwayDeadline === null || state.status !== 'open') return nothing;
  if (!staff) return html`<div class="banner info" part="notice">The host has left.</div>`;
  const local = new Date(state.hostAwayDeadline - clockOffset);
  return html`<div class="banner info" part="notice">
    The host has left. If no host returns, the session ends at <time datetime=${local.toISOString()}>${formatTimeOfDay(local)}</time>.
  </div>`;
}
