import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import * as v from 'valibot';
import { SessionsApiController, type SessionsApiError } from '../../client/sessions-api.ts';
import {
  ATTACHMENT_ACCEPT,
  AttachmentEditSchema,
  attachmentNameProblem,
  formatFileSize,
  formFieldErrors,
  SESSION_WORDING as W,
  type Attachment,
  type FieldErrors,
} from '../../protocol/sessions.ts';
import { askConfirm, closeDialogs } from '../shared/confirm-dialog.ts';
import { icon } from '../shared/icons.ts';
import { KalturaElement } from '../shared/kaltura-element.ts';
import { MenuButton } from '../../controllers/menu-button.ts';
import { FileLinks } from '../session-editor/file-links.ts';
import { renderNotice, type Notice } from '../session-editor/notice.ts';
import { sicon } from '../session-editor/session-icons.ts';
import { renderAttachmentDialogs, type Draft } from './attachment-dialogs.ts';
import { styles } from './session-attachments.styles.ts';

interface UploadRow {
  key: number;
  name: string;
  loaded: number;
  total: number;
  error: string;
}

/**
 * @summary A session's attachments, as the Attachments tab of the Edit session page has them:
 * Upload (several files at once, each with its own progress bar), and for each attachment a menu
 * with Edit (title and description), Download, More info and Delete (after a confirmation).
 *
 * It loads the list for `session-id` itself and keeps working on a page left open: a Download
 * whose signed link expired asks for a fresh one first. `<session-editor>` shows it on its
 * Attachments tab; any page (or the room) can show it on its own with the same attributes.
 *
 * Keyboard: the Upload button opens the file chooser; each attachment's "three dots" menu is a
 * menu button (Enter, Space or ArrowDown open it, arrows move, Escape closes it); the dialogs are
 * modal (Escape cancels).
 *
 * @tag session-attachments
 *
 * @event kaltura-attachments-changed - An attachment was uploaded, edited or deleted here. `detail: { sessionId, change, attachment }`.
 * @event kaltura-attachments-loaded - The list was loaded or reloaded from the server. `detail: { sessionId, attachments }`.
 *
 * @csspart base - The outer wrapper.
 * @csspart upload-button - The Upload button.
 * @csspart upload - One upload in progress (name, progress bar) or refused (name, why).
 * @csspart progress - An upload's progress bar.
 * @csspart attachments - The attachment list.
 * @csspart attachment - One attachment row.
 * @csspart menu-button - An attachment's "three dots" button.
 * @csspart menu - An attachment's actions menu (Edit, Download, More info, Delete).
 * @csspart menu-item - Each menu item.
 * @csspart notice - Success and failure notices.
 * @csspart dialog - The dialogs (Edit details, More info, Delete attachment).
 * @csspart dialog-title - A dialog's heading.
 * @csspart dialog-confirm - The Delete attachment dialog's Delete button.
 * @csspart dialog-cancel - The Delete attachment dialog's Cancel button.
 *
 * @cssproperty [--kaltura-font=system-ui, sans-serif] - Font family.
 * @cssproperty [--kaltura-font-size=15px] - Base font size.
 * @cssproperty [--kaltura-bg=#ffffff] - Background of the dialogs and menus.
 * @cssproperty [--kaltura-surface-2=#e9ecf1] - The file type badge and hovered items.
 * @cssproperty [--kaltura-text=#1a1f29] - Text color.
 * @cssproperty [--kaltura-text-muted=#5a6373] - Secondary text color.
 * @cssproperty [--kaltura-border=#dde1e8] - Border color.
 * @cssproperty [--kaltura-accent=#1b64f2] - The Upload button, the dots and progress bars.
 * @cssproperty [--kaltura-accent-text=#ffffff] - Text on the accent color.
 * @cssproperty [--kaltura-danger=#d42a20] - Problems, failures and Delete.
 * @cssproperty [--kaltura-success=#1f9d55] - Success notices.
 * @cssproperty [--kaltura-radius=12px] - Corner radius of the dialogs.
 * @cssproperty [--kaltura-gap=12px] - Spacing between regions.
 * @cssproperty [--kaltura-focus-color=#1b64f2] - The focus outline color.
 */
export class SessionAttachments extends KalturaElement {
  static override styles = styles;

  /** Base URL of the server (http or https). Defaults to the page's origin. */
  @property({ reflect: true }) server = '';

  /** The event id (the `event` claim of the token). */
  @property({ reflect: true }) event = '';

  /** The event token the portal signed for the user (`Authorization: Bearer`). */
  @property() token = '';

  /** The session whose attachments show. */
  @property({ attribute: 'session-id', reflect: true }) sessionId = '';

  /** The session's attachments as shown (read it; the element keeps it up to date). */
  @property({ attribute: false }) attachments: Attachment[] = [];

  @state() private loading = false;
  @state() private loadError = '';
  @state() private notice: Notice | null = null;
  @state() private uploads: UploadRow[] = [];
  /** The attachment the open dialog is about. */
  @state() private att: Attachment | null = null;
  @state() private draft: Draft = { title: '', description: '' };
  @state() private draftErrors: FieldErrors = {};

  private readonly apiCtl = new SessionsApiController(this);
  /** Signed download links expire: Download asks for a fresh one when it has to. */
  private readonly links = new FileLinks(() => this.api);
  private readonly menu = new MenuButton(this, (id) => `#mb-${CSS.escape(id)}`);
  private loadedKey = '';
  /** The session whose attachments and uploads show. */
  private shown = '';
  private uploadSeq = 0;

  private get api() {
    return this.apiCtl.api;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    closeDialogs(this.renderRoot);
    this.loadedKey = '';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('sessionId') || changed.has('event') || changed.has('server') || changed.has('token')) void this.load();
  }

  /** Load the list again from the server. */
  async refresh(): Promise<void> {
    this.loadedKey = '';
    await this.load();
  }

  private async load(): Promise<void> {
    const key = `${this.server}|${this.event}|${this.sessionId}`;
    if (!this.apiCtl.ready || !this.sessionId || key === this.loadedKey) return;
    const session = this.sessionId;
    this.loadedKey = key;
    this.loadError = '';
    this.loading = true;
    if (session !== this.shown) {
      // Another session: nothing of the last one stays on screen.
      this.shown = session;
      this.attachments = [];
      this.uploads = [];
    }
    try {
      const list = await this.api.attachments(session);
      if (this.loadedKey !== key) return;
      this.attachments = list;
      this.emit('kaltura-attachments-loaded', { sessionId: session, attachments: list });
    } catch (err) {
      if (this.loadedKey !== key) return;
      this.loadedKey = '';
      if ((err as SessionsApiError).status !== -1) this.loadError = (err as Error).message;
    }
    this.loading = false;
  }

  private note(text: string, bad = false): void {
    this.notice = { text, bad };
  }

  private fail(what: string, err: unknown): void {
    this.note(`${what}: ${(err as Error).message}`, true);
  }

  // ---- upload ----

  private onFiles(e: Event): void {
    const input = e.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = '';
    for (const file of files) this.upload(file);
  }

  private upload(file: File): void {
    const session = this.sessionId;
    if (!session) return;
    const key = ++this.uploadSeq;
    const row: UploadRow = { key, name: file.name, loaded: 0, total: file.size, error: attachmentNameProblem(file.name) ?? '' };
    this.uploads = [...this.uploads, row];
    if (row.error) return this.note(row.error, true);
    const patch = (p: Partial<UploadRow>) => (this.uploads = this.uploads.map((r) => (r.key === key ? { ...r, ...p } : r)));
    this.api.uploadAttachment(session, file, (p) => patch(p)).done.then(
      (a) => {
        this.uploads = this.uploads.filter((r) => r.key !== key);
        if (this.sessionId === session) this.attachments = [...this.attachments, a];
        this.note(`${W.uploadDone} "${a.name}" is attached.`);
        this.emit('kaltura-attachments-changed', { sessionId: session, change: 'uploaded', attachment: a });
      },
      (err: SessionsApiError) => {
        if (err.status === -1) return;
        patch({ error: err.message });
        this.fail(`"${file.name}" was not uploaded`, err);
      },
    );
  }

  private dismissUpload(key: number): void {
    this.uploads = this.uploads.filter((r) => r.key !== key);
  }

  // ---- the menu's actions ----

  /** The attachment's current download link (the listing asked again), or null when it is gone. */
  private async freshDownloadUrl(a: Attachment): Promise<string | null> {
    try {
      this.attachments = await this.api.attachments(a.session);
    } catch (err) {
      this.fail(`Could not download "${a.name}"`, err);
      return null;
    }
    this.emit('kaltura-attachments-loaded', { sessionId: a.session, attachments: this.attachments });
    const now = this.attachments.find((x) => x.id === a.id);
    if (!now) this.note(`"${a.title}" is no longer attached.`, true);
    return now?.downloadUrl ?? null;
  }

  private async act(a: Attachment, action: 'edit' | 'info' | 'delete'): Promise<void> {
    // Focus goes back to the dots first: the dialog gives it back there when it closes.
    this.menu.close(true);
    this.att = a;
    if (action === 'delete') return this.confirmDelete(a);
    if (action === 'edit') {
      this.draft = { title: a.title, description: a.description };
      this.draftErrors = {};
    }
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLDialogElement>(`#${action}-dialog`)?.showModal();
  }

  private async confirmDelete(a: Attachment): Promise<void> {
    await this.updateComplete;
    if (!(await askConfirm(this.renderRoot.querySelector<HTMLDialogElement>('#delete-dialog')))) return;
    try {
      await this.api.deleteAttachment(a.session, a.id);
      this.attachments = this.attachments.filter((x) => x.id !== a.id);
      this.note(`${W.deleteDone} "${a.title}" is no longer attached.`);
      this.emit('kaltura-attachments-changed', { sessionId: a.session, change: 'deleted', attachment: a });
    } catch (err) {
      this.fail(`"${a.title}" was not deleted`, err);
    }
  }

  private onDraftInput(e: Event): void {
    const t = e.target as HTMLInputElement;
    this.draft = { ...this.draft, [t.name]: t.value };
    const r = v.safeParse(AttachmentEditSchema, this.draft);
    this.draftErrors = r.success ? {} : formFieldErrors(r.issues);
  }

  private async saveDraft(e: Event): Promise<void> {
    e.preventDefault();
    const a = this.att;
    const dialog = (e.target as HTMLElement).closest('dialog');
    const r = v.safeParse(AttachmentEditSchema, this.draft);
    if (!a || !r.success) {
      if (!r.success) this.draftErrors = formFieldErrors(r.issues);
      return;
    }
    try {
      const saved = await this.api.editAttachment(a.session, a.id, r.output);
      this.attachments = this.attachments.map((x) => (x.id === saved.id ? saved : x));
      dialog?.close();
      this.note(`Saved the details of "${saved.title}".`);
      this.emit('kaltura-attachments-changed', { sessionId: a.session, change: 'edited', attachment: saved });
    } catch (err) {
      const fields = (err as SessionsApiError).fields ?? {};
      this.draftErrors = Object.keys(fields).length ? fields : { '': [(err as Error).message] };
    }
  }

  // ---- rendering ----

  protected override render(): TemplateResult {
    return html`<div class="root" part="base">
      ${renderNotice(this.notice, () => (this.notice = null))}
      ${this.loadError
        ? html`<div class="notice bad" part="notice" role="alert">
            <span>The attachments could not be loaded: ${this.loadError}</span>
            <button class="btn" @click=${() => void this.refresh()}>Try again</button>
          </div>`
        : nothing}
      <div class="att-head">
        <p class="muted">Documents, presentations, spreadsheets, audio and video files and images your attendees can download.</p>
        <input id="att-file" type="file" multiple accept=${ATTACHMENT_ACCEPT} hidden @change=${this.onFiles} />
        <button class="btn primary" part="upload-button" ?disabled=${!this.sessionId}
          @click=${() => this.renderRoot.querySelector<HTMLInputElement>('#att-file')!.click()}>${sicon('upload')}Upload</button>
      </div>
      ${this.uploads.length ? html`<ul class="uploads">${this.uploads.map((u) => this.renderUpload(u))}</ul>` : nothing}
      ${this.attachments.length
        ? html`<ul class="attachments" part="attachments">
            ${this.attachments.map((a) => this.renderAttachment(a))}
          </ul>`
        : this.loading
          ? html`<p class="muted empty" role="status">Loading the attachments…</p>`
          : html`<p class="muted empty">No attachments yet.</p>`}
      ${renderAttachmentDialogs({
        att: this.att,
        draft: this.draft,
        draftErrors: this.draftErrors,
        onDraftInput: (e) => this.onDraftInput(e),
        onSave: (e) => void this.saveDraft(e),
      })}
    </div>`;
  }

  private renderUpload(u: UploadRow): TemplateResult {
    const pct = u.total ? Math.round((u.loaded / u.total) * 100) : 0;
    return html`<li class="upload" part="upload">
      <span class="name">${u.name}</span>
      ${u.error
        ? html`<span class="error">${u.error}</span>
            <button class="icon-btn small" aria-label="Dismiss ${u.name}" @click=${() => this.dismissUpload(u.key)}>${icon('close')}</button>`
        : html`<progress part="progress" max="100" .value=${pct} aria-label="Uploading ${u.name}"></progress>
            <span class="muted small">${pct}%</span>`}
    </li>`;
  }

  private renderAttachment(a: Attachment): TemplateResult {
    const menu = this.menu;
    const open = menu.isOpen(a.id);
    const on = menu.buttonHandlers(a.id);
    const item = (label: string, action: 'edit' | 'info' | 'delete') =>
      html`<button role="menuitem" tabindex="-1" class="menu-item" part="menu-item" @click=${() => this.act(a, action)}>${label}</button>`;
    return html`<li class="attachment" part="attachment">
      <span class="ext" aria-hidden="true">${a.extension}</span>
      <span class="att-text"><strong>${a.title}</strong><span class="muted small">${a.name} · ${formatFileSize(a.size)}</span></span>
      <div class="menu-wrap" @focusout=${menu.onFocusOut}>
        <button id="mb-${a.id}" class="icon-btn" part="menu-button" aria-label="Actions for ${a.title}" aria-haspopup="menu"
          aria-expanded=${open ? 'true' : 'false'} aria-controls="m-${a.id}" @click=${on.click} @keydown=${on.keydown}
        >${icon('more')}</button>
        <div id="m-${a.id}" class="menu" part="menu" role="menu" aria-labelledby="mb-${a.id}" ?hidden=${!open} @keydown=${menu.onMenuKeydown}>
          ${item('Edit', 'edit')}
          <a role="menuitem" tabindex="-1" class="menu-item" part="menu-item" href=${this.links.href(a.downloadUrl)} download=${a.name}
            @click=${(e: MouseEvent) => {
              menu.close(true);
              this.note(`Downloading "${a.name}".`);
              void this.links.download(e, a.downloadUrl, a.name, () => this.freshDownloadUrl(a));
            }}>Download</a>
          ${item('More info', 'info')}${item('Delete', 'delete')}
        </div>
      </div>
    </li>`;
  }
}
