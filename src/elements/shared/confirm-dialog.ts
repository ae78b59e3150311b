/**
 * Confirmation dialogs on the native `<dialog>` (opened with `showModal()`), so
 * focus is trapped and restored by the browser and Escape cancels.
 *
 * `confirmDialog()` renders one; `askConfirm()` opens it and resolves with the
 * user's answer.
 */
import { css, html, nothing, type TemplateResult } from 'lit';

export interface ConfirmDialogOptions {
  /** Unique within the shadow root; ids of the title and message derive from it. */
  id: string;
  heading: string;
  message: string;
  confirmLabel: string;
  cancelLabel: string;
  /** Style the confirm button as destructive. */
  danger?: boolean;
  /** Put initial focus on the cancel button (for actions that affect everyone). */
  focusCancel?: boolean;
  /** Show the cancel button first ("Cancel Delete", as the session editor's product text has it). */
  cancelFirst?: boolean;
}

export function confirmDialog(o: ConfirmDialogOptions): TemplateResult {
  const cancel = html`<button value="cancel" class="btn" part="dialog-cancel" ?autofocus=${!!o.focusCancel}>${o.cancelLabel}</button>`;
  return html`<dialog
    id=${o.id}
    class="confirm"
    part="dialog"
    aria-labelledby="${o.id}-title"
    aria-describedby="${o.id}-message"
  >
    <form method="dialog" class="confirm-form">
      <h2 id="${o.id}-title" class="confirm-title" part="dialog-title">${o.heading}</h2>
      <p id="${o.id}-message" class="confirm-message">${o.message}</p>
      <div class="confirm-actions">
        ${o.cancelFirst ? cancel : nothing}
        <button value="confirm" class="btn ${o.danger ? 'danger' : 'primary'}" part="dialog-confirm" ?autofocus=${!o.focusCancel}>
          ${o.confirmLabel}
        </button>
        ${o.cancelFirst ? nothing : cancel}
      </div>
    </form>
  </dialog>`;
}

/** Open a rendered confirm dialog; resolves true when the user confirms. */
export function askConfirm(dialog: HTMLDialogElement | null | undefined): Promise<boolean> {
  if (!dialog) return Promise.resolve(false);
  if (dialog.open) dialog.close('cancel');
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true });
    dialog.showModal();
  });
}

/** Close every open dialog in a root (when the view under them goes away). */
export function closeDialogs(root: ParentNode | null | undefined): void {
  root?.querySelectorAll('dialog[open]').forEach((d) => (d as HTMLDialogElement).close('cancel'));
}

export const confirmDialogStyles = css`
  dialog.confirm {
    border: none;
    border-radius: var(--kaltura-radius);
    padding: 0;
    width: min(26rem, calc(100vw - 2rem));
    background: var(--kaltura-bg);
    color: var(--kaltura-text);
    font: inherit;
    font-family: var(--kaltura-font);
    box-shadow: 0 24px 60px rgb(0 0 0 / 0.3);
  }
  dialog.confirm::backdrop {
    background: rgb(10 14 22 / 0.55);
  }
  .confirm-form {
    padding: 1.5rem;
    margin: 0;
  }
  .confirm-title {
    margin: 0 0 0.5rem;
    font-size: 1.125rem;
    line-height: 1.3;
  }
  .confirm-message {
    margin: 0 0 1.5rem;
    color: var(--kaltura-text-muted);
  }
  .confirm-actions {
    display: flex;
    flex-wrap: wrap;
    justify-content: flex-end;
    gap: 0.5rem;
  }
`;
