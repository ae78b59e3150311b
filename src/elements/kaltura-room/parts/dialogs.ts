/** The room's confirmations: Leave Session, End Session (hosts and moderators), Remove from session. */
import { html, nothing, type TemplateResult } from 'lit';
import type { Participant } from '../../../protocol/types.ts';
import type { MenuButton } from '../../../controllers/menu-button.ts';
import { askConfirm, confirmDialog } from '../../shared/confirm-dialog.ts';
import type { HeaderActions } from './header.ts';

type Host = HTMLElement & { renderRoot: ParentNode; updateComplete: Promise<unknown>; requestUpdate(): void };

export interface DialogActions {
  leave: () => Promise<void>;
  end: () => Promise<void>;
  /** Ask the server to remove `p`; resolves true when it did. */
  remove: (p: Participant) => Promise<boolean>;
  /** Say something through the status region. */
  announce: (text: string) => void;
}

/** Asks, and does what was confirmed; the element renders `render()`. */
export class RoomDialogs {
  /** Whom "Remove from session" is about. */
  removing: Participant | null = null;
  private readonly host: Host;
  private readonly on: DialogActions;

  constructor(host: Host, on: DialogActions) {
    this.host = host;
    this.on = on;
  }

  /** Leave Session: ask, then leave. */
  async confirmLeave(): Promise<void> {
    if (await this.ask('leave-dialog')) await this.on.leave();
  }

  /** End Session: ask, then end it for everyone. */
  async confirmEnd(): Promise<void> {
    if (await this.ask('end-dialog')) await this.on.end();
  }

  /** The top bar's End Session and its menu's Leave Session (`menu`): the menu closes, then they ask. */
  headerActions(menu: MenuButton): HeaderActions {
    return {
      end: () => {
        menu.close();
        void this.confirmEnd();
      },
      leave: () => {
        // The dialog gives focus back to what had it: the menu button, not the closed menu.
        menu.close(true);
        void this.confirmLeave();
      },
    };
  }

  /** "Remove from session" beside a person: ask, then ask the server. */
  async confirmRemove(p: Participant): Promise<void> {
    if ((await this.askRemove(p)) && (await this.on.remove(p))) this.on.announce(`${p.name} was removed from the session.`);
  }

  /** Open a confirmation once rendered; resolves true when the user confirms. */
  async ask(id: 'leave-dialog' | 'end-dialog' | 'remove-dialog'): Promise<boolean> {
    await this.host.updateComplete;
    return askConfirm(this.host.renderRoot.querySelector<HTMLDialogElement>(`#${id}`));
  }

  /** Ask whether to remove `p` from the session. */
  async askRemove(p: Participant): Promise<boolean> {
    this.removing = p;
    this.host.requestUpdate();
    const yes = await this.ask('remove-dialog');
    this.removing = null;
    this.host.requestUpdate();
    return yes;
  }

  render(staff: boolean): TemplateResult {
    return roomDialogs({ staff, removing: this.removing?.name ?? null });
  }
}

/** `removing`: the name of the person "Remove from session" is about, or null. */
export function roomDialogs(v: { staff: boolean; removing: string | null }): TemplateResult {
  return html`${confirmDialog({
      id: 'leave-dialog',
      heading: 'Confirm Leave Session',
      message: 'Do you want to leave the session?',
      confirmLabel: 'Yes',
      cancelLabel: 'No',
    })}
    ${v.removing === null
      ? nothing
      : confirmDialog({
          id: 'remove-dialog',
          heading: 'Remove from session',
          message: `Do you want to remove ${v.removing} from the session? They can join again only after a host starts the session again.`,
          confirmLabel: 'Yes, Remove',
          cancelLabel: 'No',
          danger: true,
          focusCancel: true,
        })}
    ${v.staff
      ? confirmDialog({
          id: 'end-dialog',
          heading: 'Confirm End Session',
          message: 'Do you want to end the session for everyone?',
          confirmLabel: 'Yes, End Session',
          cancelLabel: 'No',
          danger: true,
          focusCancel: true,
        })
      : nothing}`;
}
