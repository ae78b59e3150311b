/**
 * Removing someone from the session: hosts and moderators get "Remove from session" beside each
 * person in the participants list (a moderator not beside a host, nobody beside themselves), with
 * a confirmation; the person removed sees "You were removed from the session." The server decides
 * (`participant/remove`); this only renders and asks.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { RoomSelf } from '../../client/room-connection.ts';
import { isStaff, type Participant } from '../../protocol/types.ts';
import { confirmDialog } from '../shared/confirm-dialog.ts';
import { icon } from '../shared/icons.ts';

/** Whether `self` may remove `p` (the server checks again). */
export function canRemove(self: RoomSelf | null, p: Participant): boolean {
  if (!self || !isStaff(self.role) || p.id === self.id || !p.present) return false;
  return !(p.role === 'host' && self.role !== 'host');
}

/** The button beside a person; `onRemove` asks for confirmation. */
export function removeButton(p: Participant, onRemove: (p: Participant) => void): TemplateResult {
  return html`<button class="icon-btn small person-remove" part="remove-button" aria-label="Remove ${p.name} from session"
    title="Remove from session" @click=${() => onRemove(p)}>${icon('close')}</button>`;
}

/** The confirmation, naming the person (rendered while one is chosen). */
export function removeDialog(name: string | null): TemplateResult | typeof nothing {
  if (name === null) return nothing;
  return confirmDialog({
    id: 'remove-dialog',
    heading: 'Remove from session',
    message: `Do you want to remove ${name} from the session? They can join again only after a host starts the session again.`,
    confirmLabel: 'Yes, Remove',
    cancelLabel: 'No',
    danger: true,
    focusCancel: true,
  });
}

/** The removed user's screen content. */
export function removedScreen(title: string): TemplateResult {
  return html`<h2 class="screen-title" data-focus-on-show tabindex="-1">You were removed from the session.</h2>
    <p class="screen-text">${title}</p>
    <p class="screen-hint">A host or moderator removed you. You can join again if a host starts the session again.</p>`;
}
