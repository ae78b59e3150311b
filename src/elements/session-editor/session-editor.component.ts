import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { SessionsApiController, type SessionsApiError } from '../../client/sessions-api.ts';
import { TabsController } from '../../controllers/tabs.ts';
import {
  checkSessionField,
  checkSessionFields,
  headerNameProblem,
  SESSION_TYPE_LABELS,
  SESSION_WORDING as W,
  type EventInfo,
  type FieldErrors,
  type Session,
  type SessionField,
} from '../../protocol/sessions.ts';
import { askConfirm, closeDialogs } from '../shared/confirm-dialog.ts';
import { KalturaElement } from '../shared/kaltura-element.ts';
import { renderEditPage, type EditTab as Tab } from './edit-page.ts';
import { FileLinks } from './file-links.ts';
import { apiValues, emptyForm, FIELD_ORDER, formOf, type FormValues, type PickerKey } from './form-values.ts';
import { renderNotice, type Notice } from './notice.ts';
import { renderAssistantDialog, renderSessionForm } from './session-form.ts';
import { sicon } from './session-icons.ts';
import { SessionPickers } from './session-pickers.ts';
import { renderSessionTypes } from './session-types.ts';
import { sessionPageUrl } from './session-url.ts';
import { styles } from './session-editor.styles.ts';

const INVITES_ELSEWHERE = "Invitations are handled by the event's team. Ask them to invite this person.";
/**
 * @summary Create and edit an interactive session of an event: header image, title, description,
 * tags, date, time, duration, speakers, moderators, the AI assistant and visibility, and, for an
 * existing session, its attachments (upload with progress, edit, download, more info, delete).
 *
 * Without `session-id` it starts with the "Add session" types; Interactive room opens the New
 * session form, whose Create button turns on once the form is touched. After Create (or with
 * `session-id`) it shows the Edit session page: a Basics tab (Visit session page, Copy link, the
 * same fields, Save changes) and an Attachments tab (a `<session-attachments>`, whose parts are
 * the editor's parts too). Fields are checked as the user types with the same rules (and words)
 * as the server.
 *
 * @tag session-editor
 *
 * @event kaltura-request-invite - Cancelable. No speaker (or moderator) matched what the user typed and
 * they chose Invite speaker (Invite moderator). Call `preventDefault()` and route to your invite page;
 * otherwise the editor says invitations are handled by the event's team. `detail: { role, query }`.
 * @event kaltura-session-saved - The session was created (Create) or saved (Save changes). `detail: { session, created }`.
 * @event kaltura-attachments-changed - An attachment was uploaded, edited or deleted. `detail: { sessionId, change, attachment }`.
 * @event kaltura-attachments-loaded - The Attachments tab (re)loaded the list. `detail: { sessionId, attachments }`.
 *
 * @csspart base - The outer wrapper.
 * @csspart heading - The heading ("Add session", "New session", "Edit session").
 * @csspart type-option - Each session type in "Add session".
 * @csspart tabs - The Basics/Attachments tab list (edit mode).
 * @csspart tab - Each tab.
 * @csspart form - The session form.
 * @csspart thumbnail - The header image preview.
 * @csspart field - Each field's wrapper.
 * @csspart field-error - A problem shown under a field.
 * @csspart chip - A chosen tag, speaker or moderator.
 * @csspart listbox - The suggestions under Tags, Speakers and Moderators.
 * @csspart option - Each suggestion.
 * @csspart switch - The AI assistant switch.
 * @csspart submit - The Create / Save changes button.
 * @csspart notice - Success and failure notices.
 * @csspart upload-button - The Attachments tab's Upload button.
 * @csspart attachments - The attachment list.
 * @csspart attachment - One attachment row.
 * @csspart upload - One upload in progress (name, progress bar).
 * @csspart progress - An upload's progress bar.
 * @csspart menu-button - An attachment's "three dots" button.
 * @csspart menu - An attachment's actions menu (Edit, Download, More info, Delete).
 * @csspart menu-item - Each menu item.
 * @csspart dialog - The dialogs (AI assistant, Edit details, More info, Delete attachment).
 * @csspart dialog-title - A dialog's heading.
 * @csspart dialog-confirm - A confirmation dialog's confirming button.
 * @csspart dialog-cancel - A confirmation dialog's cancelling button.
 *
 * @cssproperty [--kaltura-font=system-ui, sans-serif] - Font family.
 * @cssproperty [--kaltura-font-size=15px] - Base font size.
 * @cssproperty [--kaltura-bg=#ffffff] - Background of the element and dialogs.
 * @cssproperty [--kaltura-surface=#f5f6f8] - Background of panels and the thumbnail.
 * @cssproperty [--kaltura-surface-2=#e9ecf1] - Chips and hovered items.
 * @cssproperty [--kaltura-text=#1a1f29] - Text color.
 * @cssproperty [--kaltura-text-muted=#5a6373] - Secondary text color.
 * @cssproperty [--kaltura-border=#dde1e8] - Border color.
 * @cssproperty [--kaltura-accent=#1b64f2] - Primary buttons, links, the switch and progress bars.
 * @cssproperty [--kaltura-accent-text=#ffffff] - Text on the accent color.
 * @cssproperty [--kaltura-danger=#d42a20] - Field problems, failures and Delete.
 * @cssproperty [--kaltura-success=#1f9d55] - Success notices.
 * @cssproperty [--kaltura-radius=12px] - Corner radius of the element and dialogs.
 * @cssproperty [--kaltura-gap=12px] - Spacing between regions.
 * @cssproperty [--kaltura-focus-color=#1b64f2] - The focus outline color.
 */
export class SessionEditor extends KalturaElement {
  static override styles = styles;

  /** Base URL of the server (http or https). Defaults to the page's origin. */
  @property({ reflect: true }) server = '';

  /** The event id (the `event` claim of the token). */
  @property({ reflect: true }) event = '';

  /** The event token the portal signed for the user (`Authorization: Bearer`). */
  @property() token = '';

  /** The session to edit. Empty: add a new session. Set after Create. */
  @property({ attribute: 'session-id', reflect: true }) sessionId = '';

  /**
   * The session page URL pattern for Visit session page and Copy link, with `{id}` (and `{event}`)
   * in it, e.g. `https://portal.example/sessions/{id}`. Without it those two links are not shown.
   */
  @property({ attribute: 'session-url' }) sessionUrl = '';

  @state() private step: 'types' | 'form' = 'types';
  @state() private tab: Tab = 'basics';
  @state() private info: EventInfo | null = null;
  @state() private session: Session | null = null;
  @state() private form: FormValues = emptyForm();
  @state() private errors: FieldErrors = {};
  @state() private dirty = false;
  @state() private busy = false;
  @state() private loading = false;
  @state() private loadError = '';
  @state() private conflict: Session | null = null;
  @state() private notice: Notice | null = null;
  @state() private headerFile: File | null = null;
  @state() private headerPreview = '';
  /** How many attachments the Attachments tab has (null until it says). */
  @state() private attachmentCount: number | null = null;

  private readonly apiCtl = new SessionsApiController(this);
  /** Signed file links expire: the header preview asks for a fresh one when it fails. */
  private readonly links = new FileLinks(() => this.api);
  private readonly pickers = new SessionPickers(this, {
    api: () => this.api,
    chosen: (key) => this.form[key],
    choose: (key, list) => this.change({ [key]: list }),
    problem: (key, message) => (this.errors = { ...this.errors, [key]: [message] }),
    invite: (key, query) => this.invite(key, query),
  });
  private readonly tabs = new TabsController<Tab>(this, {
    keys: () => ['basics', 'attachments'],
    selected: () => this.tab,
    select: (tab) => (this.tab = tab),
  });
  private loadedKey = '';

  private get api() {
    return this.apiCtl.api;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.headerPreview) URL.revokeObjectURL(this.headerPreview);
    this.headerPreview = '';
    this.headerFile = null;
    closeDialogs(this.renderRoot);
    this.loadedKey = '';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('sessionId') || changed.has('event') || changed.has('server') || changed.has('token')) void this.load();
  }

  // ---- loading ----

  private async load(): Promise<void> {
    const key = `${this.server}|${this.event}|${this.sessionId}`;
    if (!this.apiCtl.ready || key === this.loadedKey) return;
    this.loadedKey = key;
    this.loadError = '';
    const api = this.api;
    api.eventInfo().then(
      (info) => {
        if (this.loadedKey !== key) return;
        this.info = info;
        if (!this.sessionId && !this.dirty && !this.form.moderators.length) {
          this.form = { ...this.form, moderators: info.sessionDefaults.moderators };
        }
      },
      () => {},
    );
    if (!this.sessionId) {
      this.session = null;
      this.step = 'types';
      return;
    }
    if (this.session?.id === this.sessionId) return;
    this.loading = true;
    try {
      const session = await api.session(this.sessionId);
      if (this.loadedKey !== key) return;
      this.show(session);
      this.attachmentCount = null;
      this.tab = 'basics';
    } catch (err) {
      if (this.loadedKey !== key) return;
      this.loadedKey = '';
      if ((err as SessionsApiError).status !== -1) this.loadError = (err as Error).message;
    }
    this.loading = false;
  }

  /** Show a session's saved values in the form. */
  private show(s: Session): void {
    this.session = s;
    this.form = formOf(s);
    this.dirty = false;
    this.errors = {};
    this.conflict = null;
    this.clearHeader();
  }

  private note(text: string, bad = false): void {
    this.notice = { text, bad };
  }

  private fail(what: string, err: unknown): void {
    this.note(`${what}: ${(err as Error).message}`, true);
  }

  // ---- the form ----

  /** Change fields, mark the form touched and check the changed fields live. */
  private change(patch: Partial<FormValues>): void {
    this.form = { ...this.form, ...patch };
    this.dirty = true;
    this.notice = null;
    const values = apiValues(this.form, this.session?.type ?? 'interactive') as Record<string, unknown>;
    const errors = { ...this.errors };
    for (const field of Object.keys(patch)) {
      const problems = checkSessionField(field as SessionField, values[field]);
      if (problems.length) errors[field] = problems;
      else delete errors[field];
    }
    this.errors = errors;
  }

  private onInput(e: Event): void {
    const t = e.target as HTMLInputElement;
    if (t.name && t.name in this.form) this.change({ [t.name]: t.value } as Partial<FormValues>);
  }

  private async submit(e: Event): Promise<void> {
    e.preventDefault();
    this.pickers.closeAll();
    if (this.busy || !(this.dirty || this.headerFile)) return;
    const checked = checkSessionFields(apiValues(this.form, this.session?.type ?? 'interactive'));
    const errors: FieldErrors = checked.ok ? {} : { ...checked.fields };
    const headerProblem = this.headerFile && headerNameProblem(this.headerFile.name);
    if (headerProblem) errors.header = [headerProblem];
    this.errors = errors;
    if (!checked.ok || headerProblem) return this.focusFirstProblem();
    const fields = checked.value;
    this.busy = true;
    this.notice = null;
    const api = this.api;
    const before = this.session;
    let saved: Session;
    try {
      if (!before) saved = await api.createSession(fields);
      else saved = this.dirty ? await api.updateSession(before.id, fields, before.version) : before;
    } catch (err) {
      this.busy = false;
      return this.refused(err);
    }
    const created = !before;
    this.session = saved;
    this.dirty = false;
    let headerFailed: unknown = null;
    if (this.headerFile) {
      try {
        saved = await api.uploadHeader(saved.id, this.headerFile).done;
        this.session = saved;
        this.clearHeader();
      } catch (err) {
        headerFailed = err;
      }
    }
    this.busy = false;
    if (created) {
      this.loadedKey = `${this.server}|${this.event}|${saved.id}`;
      this.sessionId = saved.id;
      // A new session has no attachments yet.
      this.attachmentCount = 0;
      this.tab = 'basics';
      // The form was replaced by the edit page: put focus on its first tab.
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('#tab-basics')?.focus());
    }
    this.form = formOf(saved);
    this.emit('kaltura-session-saved', { session: saved, created });
    if (headerFailed) {
      this.errors = { header: [(headerFailed as Error).message] };
      this.fail(created ? 'The session was created, but its header image was not saved' : 'The header image was not saved', headerFailed);
    } else {
      this.note(created ? 'Session created. You can now add attachments.' : 'Changes saved.');
    }
  }

  /** A refused Create or Save: problems next to their fields, a conflict, or a notice. */
  private refused(err: unknown): void {
    const e = err as SessionsApiError;
    if (e.status === 409 && e.current) {
      this.conflict = e.current;
      return;
    }
    const fields = { ...e.fields };
    const general = fields[''];
    delete fields[''];
    if (Object.keys(fields).length) {
      this.errors = fields;
      void this.focusFirstProblem();
      if (general) this.note(general.join(' '), true);
    } else {
      this.fail(this.session ? 'Your changes were not saved' : 'The session was not created', err);
    }
  }

  private async focusFirstProblem(): Promise<void> {
    await this.updateComplete;
    const first = FIELD_ORDER.find((f) => this.errors[f]);
    this.renderRoot.querySelector<HTMLElement>(`[data-field="${first}"]`)?.focus();
  }

  private reloadTheirs(): void {
    if (this.conflict) this.show(this.conflict);
    this.note('Their version is loaded. Make your edits again, then save.');
  }

  private invite(key: Exclude<PickerKey, 'tags'>, query: string): void {
    const role = key === 'speakers' ? 'speaker' : 'moderator';
    const request = this.emit('kaltura-request-invite', { role, query }, { cancelable: true });
    if (!request.defaultPrevented) this.note(INVITES_ELSEWHERE);
  }

  // ---- header image ----

  private clearHeader(): void {
    if (this.headerPreview) URL.revokeObjectURL(this.headerPreview);
    this.headerPreview = '';
    this.headerFile = null;
    const errors = { ...this.errors };
    delete errors.header;
    this.errors = errors;
  }

  private onHeaderFile(e: Event): void {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    const problem = headerNameProblem(file.name);
    if (problem) {
      this.errors = { ...this.errors, header: [problem] };
      return;
    }
    this.clearHeader();
    this.headerFile = file;
    this.headerPreview = URL.createObjectURL(file);
    this.notice = null;
  }

  /** The header preview did not load (its link expired, say): ask for the session's current link, once. */
  private async headerFailed(link: string): Promise<void> {
    const id = this.session?.id;
    if (!id || !this.links.imageFailed(link)) return;
    try {
      const { header } = await this.api.session(id);
      this.links.refetched(header?.url);
      if (this.session?.id === id) this.session = { ...this.session, header };
    } catch {
      /* the preview stays as it is: nothing else depends on it */
    }
  }

  // ---- AI assistant ----

  private async toggleAssistant(): Promise<void> {
    if (this.form.aiAssistant) return this.change({ aiAssistant: false });
    const yes = await askConfirm(this.renderRoot.querySelector<HTMLDialogElement>('#ai-dialog'));
    if (yes) this.change({ aiAssistant: true });
  }

  // ---- edit mode ----

  private get pageUrl(): string {
    return this.session ? sessionPageUrl(this.sessionUrl, this.event, this.session.id) : '';
  }

  private async copyLink(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.pageUrl);
      this.note('Link copied.');
    } catch {
      this.note(`Could not copy the link. Copy it from here: ${this.pageUrl}`, true);
    }
  }

  private async chooseInteractive(): Promise<void> {
    this.step = 'form';
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('#f-title')?.focus();
  }

  private async backToTypes(): Promise<void> {
    this.step = 'types';
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('.type')?.focus();
  }

  // ---- rendering ----

  protected override render(): TemplateResult {
    const editing = !!this.sessionId;
    return html`<div class="base" part="base">
      ${renderNotice(this.notice, () => (this.notice = null))}
      ${this.loadError
        ? html`<div class="notice bad" part="notice" role="alert">
            <span>The session could not be loaded: ${this.loadError}</span>
            <button class="btn" @click=${() => void this.load()}>Try again</button>
          </div>`
        : nothing}
      ${editing ? this.renderEdit() : this.step === 'types' ? renderSessionTypes(() => void this.chooseInteractive()) : this.renderNew()}
      ${renderAssistantDialog()}
    </div>`;
  }

  private renderForm(submitLabel: string): TemplateResult {
    const signed = this.headerPreview ? '' : (this.session?.header?.url ?? '');
    return renderSessionForm({
      form: this.form,
      errors: this.errors,
      canSubmit: (this.dirty || !!this.headerFile) && !this.busy,
      busy: this.busy,
      submitLabel,
      info: this.info,
      headerFile: this.headerFile,
      thumb: this.headerPreview || (signed ? this.links.href(signed) : ''),
      pickers: this.pickers,
      onInput: (e) => this.onInput(e),
      onSubmit: (e) => void this.submit(e),
      onHeaderFile: (e) => this.onHeaderFile(e),
      onThumbError: () => void (signed && this.headerFailed(signed)),
      onToggleAssistant: () => void this.toggleAssistant(),
    });
  }

  private renderNew(): TemplateResult {
    return html`<div class="head">
        <button class="icon-btn" aria-label="Back to session types" @click=${this.backToTypes}>${sicon('back')}</button>
        <div><h2 part="heading">New session</h2><p class="muted">${SESSION_TYPE_LABELS.interactive}</p></div>
      </div>
      ${this.renderForm(W.create)}`;
  }

  private renderEdit(): TemplateResult {
    const s = this.session;
    if (!s) return this.loading ? html`<p role="status">Loading the session…</p>` : html``;
    return renderEditPage({
      session: s,
      tab: this.tab,
      tabs: this.tabs,
      attachmentCount: this.attachmentCount,
      pageUrl: this.pageUrl,
      conflict: this.conflict,
      form: this.renderForm(W.saveChanges),
      server: this.server,
      event: this.event,
      token: this.token,
      onTab: (tab) => (this.tab = tab),
      onCopyLink: () => void this.copyLink(),
      onReloadTheirs: () => this.reloadTheirs(),
      onAttachments: (list) => (this.attachmentCount = list.length),
    });
  }
}
