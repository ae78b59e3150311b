/**
 * The dialogs of `<session-attachments>` (native modal `<dialog>`s, so focus is trapped and
 * restored by the browser and Escape cancels): Edit details, More info and Delete attachment,
 * with the product text's wording.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { describeFileType, formatFileSize, SESSION_WORDING as W, type Attachment, type FieldErrors } from '../../protocol/sessions.ts';
import { confirmDialog } from '../shared/confirm-dialog.ts';
import { icon } from '../shared/icons.ts';

/** The Edit details form's values. */
export interface Draft {
  title: string;
  description: string;
}

export interface AttachmentDialogsView {
  /** The attachment the dialogs are about (the last one acted on). */
  att: Attachment | null;
  draft: Draft;
  /** Problems by field; '' for a problem of the whole edit. */
  draftErrors: FieldErrors;
  onDraftInput(e: Event): void;
  onSave(e: Event): void;
}

const closeX = html`<form method="dialog"><button class="icon-btn small" aria-label="Close" value="cancel">${icon('close')}</button></form>`;

function draftField(v: AttachmentDialogsView, name: 'title' | 'description', label: string): TemplateResult {
  const bad = v.draftErrors[name];
  const id = `d-${name}`;
  const invalid = bad ? 'true' : 'false';
  const describedby = bad ? `de-${name}` : nothing;
  return html`<div class="field">
    <label class="label" for=${id}>${label}</label>
    ${name === 'title'
      ? html`<input id=${id} name="title" .value=${live(v.draft.title)} aria-invalid=${invalid} aria-describedby=${describedby} />`
      : html`<textarea id=${id} name="description" .value=${live(v.draft.description)} aria-invalid=${invalid}
          aria-describedby=${describedby}></textarea>`}
    ${bad ? html`<p class="error" id="de-${name}">${bad.join(' ')}</p>` : nothing}
  </div>`;
}

export function renderAttachmentDialogs(v: AttachmentDialogsView): TemplateResult {
  const a = v.att;
  return html`${confirmDialog({
      id: 'delete-dialog',
      heading: W.deleteAttachmentHeading,
      message: W.deletePrompt(a?.title ?? ''),
      confirmLabel: W.delete,
      cancelLabel: W.cancel,
      danger: true,
      focusCancel: true,
      cancelFirst: true,
    })}
    <dialog id="edit-dialog" class="panel" part="dialog" aria-labelledby="edit-title">
      <div class="dialog-head"><h2 id="edit-title" part="dialog-title">Edit details</h2>${closeX}</div>
      <form @input=${v.onDraftInput} @submit=${v.onSave} novalidate>
        <p class="muted small">The title and description are visible to your attendees.</p>
        ${draftField(v, 'title', 'Title')}${draftField(v, 'description', 'Description (optional)')}
        ${v.draftErrors[''] ? html`<p class="error" role="alert">${v.draftErrors[''].join(' ')}</p>` : nothing}
        <div class="actions">
          <button type="button" class="btn" @click=${(e: Event) => (e.target as HTMLElement).closest('dialog')!.close()}>${W.cancel}</button>
          <button class="btn primary" ?disabled=${Object.keys(v.draftErrors).some((k) => k !== '')}>${W.saveChanges}</button>
        </div>
      </form>
    </dialog>
    <dialog id="info-dialog" class="panel" part="dialog" aria-labelledby="info-title">
      <div class="dialog-head"><h2 id="info-title" part="dialog-title">${a?.name}</h2>${closeX}</div>
      ${a
        ? html`<dl class="info">
            <dt>Title:</dt> <dd>${a.title}</dd>
            <dt>Description:</dt> <dd>${a.description || '—'}</dd>
            <dt>File type:</dt> <dd>${describeFileType(a)}</dd>
            <dt>Size:</dt> <dd>${formatFileSize(a.size)}</dd>
            <dt>Creation date:</dt> <dd>${new Date(a.createdAt).toLocaleDateString(undefined, { year: '2-digit', month: '2-digit', day: '2-digit' })}</dd>
          </dl>`
        : nothing}
    </dialog>`;
}
