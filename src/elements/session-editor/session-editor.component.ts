import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import * as v from 'valibot';
import { SessionsApiController, SessionsApiError } from '../../client/sessions-api.ts';
import {
  ATTACHMENT_ACCEPT,
  AttachmentEditSchema,
  attachmentNameProblem,
  checkSessionField,
  checkSessionFields,
  describeFileType,
  formatFileSize,
  formFieldErrors,
  HEADER_ACCEPT,
  headerNameProblem,
  SESSION_TYPE_LABELS,
  SESSION_TYPES,
  SESSION_WORDING as W,
  TagNameSchema,
  TITLE_MAX,
  VISIBILITIES,
  VISIBILITY_LABELS,
  type Attachment,
  type EventInfo,
  type FieldErrors,
  type Person,
  type PersonRef,
  type Session,
  type SessionField,
  type SessionType,
  type Tag,
  type Visibility,
} from '../../protocol/sessions.ts';
import { askConfirm, closeDialogs, confirmDialog } from '../shared/confirm-dialog.ts';
import { icon } from '../shared/icons.ts';
import { KalturaElement } from '../shared/kaltura-element.ts';
import { FileLinks } from './file-links.ts';
import { sicon } from './session-icons.ts';
import { sessionPageUrl } from './session-url.ts';
import { styles } from './session-editor.styles.ts';

/** The form's values: what the user sees (refs for chips, the duration as typed). */
interface FormValues {
  title: string;
  description: string;
  tags: Tag[];
  date: string;
  time: string;
  duration: string;
  speakers: PersonRef[];
  moderators: PersonRef[];
  aiAssistant: boolean;
  visibility: Visibility;
}

type PickerKey = 'tags' | 'speakers' | 'moderators';
type PeopleKey = Exclude<PickerKey, 'tags'>;

interface Option {
  label: string;
  /** Undefined for actions (+ Create tag, Invite …). */
  selected?: boolean;
  run(): void;
}

interface UploadRow {
  key: number;
  name: string;
  loaded: number;
  total: number;
  error: string;
}

/** Field order: the first one with a problem gets focus. */
const FIELD_ORDER = ['header', 'title', 'description', 'tags', 'date', 'time', 'duration', 'speakers', 'moderators', 'aiAssistant', 'visibility'];

const TYPE_HELP: Record<SessionType, string> = {
  interactive: 'Speak with your attendees, maximize the conversation. Perfect for a small to medium size audience',
  'live-webcast': 'Deliver a production-level presentation or session in real time to a very large audience.',
  'pre-recorded': 'Save time by pre-recording speaker presentations or simply present your session live to a very large audience.',
  'diy-live-webcast': 'Broadcast high quality live session directly from your browser, no production needed',
};
const NOT_YET = 'Not available in this product yet.';
const INVITES_ELSEWHERE = "Invitations are handled by the event's team. Ask them to invite this person.";

const emptyForm = (): FormValues => ({
  title: '',
  description: '',
  tags: [],
  date: '',
  time: '',
  duration: '60',
  speakers: [],
  moderators: [],
  aiAssistant: false,
  visibility: 'private',
});

const formOf = (s: Session): FormValues => ({
  title: s.title,
  description: s.description,
  tags: s.tags,
  date: s.date,
  time: s.time,
  duration: String(s.duration),
  speakers: s.speakers,
  moderators: s.moderators,
  aiAssistant: s.aiAssistant,
  visibility: s.visibility,
});


/**
 * @summary Create and edit an interactive session of an event: header image, title, description,
 * tags, date, time, duration, speakers, moderators, the AI assistant and visibility, and, for an
 * existing session, its attachments (upload with progress, edit, download, more info, delete).
 *
 * Without `session-id` it starts with the "Add session" types; Interactive room opens the New
 * session form, whose Create button turns on once the form is touched. After Create (or with
 * `session-id`) it shows the Edit session page: a Basics tab (Visit session page, Copy link, the
 * same fields, Save changes) and an Attachments tab. Fields are checked as the user types with the
 * same rules (and words) as the server.
 *
 * @tag session-editor
 *
 * @event kaltura-request-invite - Cancelable. No speaker (or moderator) matched what the user typed and
 * they chose Invite speaker (Invite moderator). Call `preventDefault()` and route to your invite page;
 * otherwise the editor says invitations are handled by the event's team. `detail: { role, query }`.
 * @event kaltura-session-saved - The session was created (Create) or saved (Save changes). `detail: { session, created }`.
 * @event kaltura-attachments-changed - An attachment was uploaded, edited or deleted. `detail: { sessionId, change, attachment }`.
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
 * @csspart attachments - The attachment list.
 * @csspart attachment - One attachment row.
 * @csspart upload - One upload in progress (name, progress bar).
 * @csspart progress - An upload's progress bar.
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
  @state() private tab: 'basics' | 'attachments' = 'basics';
  @state() private info: EventInfo | null = null;
  @state() private session: Session | null = null;
  @state() private form: FormValues = emptyForm();
  @state() private errors: FieldErrors = {};
  @state() private dirty = false;
  @state() private busy = false;
  @state() private loading = false;
  @state() private loadError = '';
  @state() private conflict: Session | null = null;
  @state() private notice: { text: string; bad?: boolean } | null = null;
  @state() private headerFile: File | null = null;
  @state() private headerPreview = '';
  @state() private allTags: Tag[] | null = null;
  @state() private queries: Record<PickerKey, string> = { tags: '', speakers: '', moderators: '' };
  @state() private people: Record<PeopleKey, Person[] | null> = { speakers: null, moderators: null };
  @state() private openPicker: PickerKey | null = null;
  @state() private active = -1;
  @state() private attachments: Attachment[] = [];
  @state() private uploads: UploadRow[] = [];
  @state() private menuFor = '';
  @state() private att: Attachment | null = null;
  @state() private draft = { title: '', description: '' };
  @state() private draftErrors: FieldErrors = {};

  private readonly apiCtl = new SessionsApiController(this);
  /** Signed file links expire: Download and the header preview ask for fresh ones. */
  private readonly links = new FileLinks(() => this.api);
  private loadedKey = '';
  private uploadSeq = 0;
  private peopleSeq = 0;

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
      const [session, attachments] = await Promise.all([api.session(this.sessionId), api.attachments(this.sessionId)]);
      if (this.loadedKey !== key) return;
      this.show(session);
      this.attachments = attachments;
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

  /** The form as the API takes it. */
  private values() {
    const f = this.form;
    const ids = (list: { id: string }[]) => list.map((x) => x.id);
    return {
      type: this.session?.type ?? 'interactive',
      title: f.title,
      description: f.description,
      tags: ids(f.tags),
      date: f.date,
      time: f.time,
      duration: f.duration.trim() === '' ? undefined : Number(f.duration),
      speakers: ids(f.speakers),
      moderators: ids(f.moderators),
      aiAssistant: f.aiAssistant,
      visibility: f.visibility,
    };
  }

  /** Change fields, mark the form touched and check the changed fields live. */
  private change(patch: Partial<FormValues>): void {
    this.form = { ...this.form, ...patch };
    this.dirty = true;
    this.notice = null;
    const values = this.values() as Record<string, unknown>;
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
    this.openPicker = null;
    if (this.busy || !(this.dirty || this.headerFile)) return;
    const values = this.values();
    const checked = checkSessionFields(values);
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
      this.attachments = [];
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

  // ---- pickers (ARIA combobox + multi-select listbox) ----

  private options(key: PickerKey): Option[] {
    const q = this.queries[key].trim();
    const lower = q.toLowerCase();
    if (key === 'tags') {
      const all = this.allTags ?? [];
      const chosen = new Set(this.form.tags.map((t) => t.id));
      const out: Option[] = all
        .filter((t) => t.name.toLowerCase().includes(lower))
        .slice(0, 50)
        .map((t) => ({ label: t.name, selected: chosen.has(t.id), run: () => this.toggle('tags', t) }));
      if (q && this.allTags && !all.some((t) => t.name.toLowerCase() === lower)) {
        out.push({ label: W.createTag(q), run: () => void this.createTag(q) });
      }
      return out;
    }
    const found = this.people[key];
    if (!found) return [];
    const chosen = new Set(this.form[key].map((p) => p.id));
    const out: Option[] = found.map((p) => ({ label: p.name, selected: chosen.has(p.id), run: () => this.toggle(key, p) }));
    if (!out.length) out.push({ label: key === 'speakers' ? W.inviteSpeaker : W.inviteModerator, run: () => this.invite(key) });
    return out;
  }

  private toggle(key: PickerKey, item: Tag | PersonRef): void {
    const list = this.form[key] as { id: string }[];
    const next = list.some((x) => x.id === item.id) ? list.filter((x) => x.id !== item.id) : [...list, { id: item.id, name: item.name }];
    this.change({ [key]: next });
  }

  private unpick(key: PickerKey, id: string): void {
    this.change({ [key]: (this.form[key] as { id: string }[]).filter((x) => x.id !== id) });
    this.renderRoot.querySelector<HTMLInputElement>(`#${key}-input`)?.focus();
  }

  private async createTag(name: string): Promise<void> {
    const checked = v.safeParse(TagNameSchema, name);
    if (!checked.success) {
      this.errors = { ...this.errors, tags: [checked.issues[0].message] };
      return;
    }
    try {
      const tag = await this.api.createTag(checked.output);
      if (!this.allTags?.some((t) => t.id === tag.id)) this.allTags = [...(this.allTags ?? []), tag];
      this.queries = { ...this.queries, tags: '' };
      this.active = -1;
      if (!this.form.tags.some((t) => t.id === tag.id)) this.toggle('tags', tag);
    } catch (err) {
      this.errors = { ...this.errors, tags: [(err as SessionsApiError).fields?.name?.[0] ?? (err as Error).message] };
    }
  }

  private invite(key: PeopleKey): void {
    const role = key === 'speakers' ? 'speaker' : 'moderator';
    const request = this.emit('kaltura-request-invite', { role, query: this.queries[key].trim() }, { cancelable: true });
    this.openPicker = null;
    if (!request.defaultPrevented) this.note(INVITES_ELSEWHERE);
  }

  private async lookUp(key: PickerKey): Promise<void> {
    if (key === 'tags') {
      if (!this.allTags) this.allTags = await this.api.tags().catch(() => []);
      return;
    }
    const seq = ++this.peopleSeq;
    const q = this.queries[key].trim();
    try {
      const found = await this.api.people(key === 'speakers' ? 'speaker' : 'moderator', q);
      if (seq === this.peopleSeq) this.people = { ...this.people, [key]: found };
    } catch (err) {
      if (seq === this.peopleSeq) this.errors = { ...this.errors, [key]: [(err as Error).message] };
    }
  }

  private openList(key: PickerKey): void {
    if (this.openPicker !== key) this.active = -1;
    this.openPicker = key;
    void this.lookUp(key);
  }

  private onPickerInput(key: PickerKey, e: Event): void {
    this.queries = { ...this.queries, [key]: (e.target as HTMLInputElement).value };
    this.active = -1;
    this.openList(key);
  }

  /** Run an option; a chosen tag or person clears what was typed (the list stays open). */
  private pick(key: PickerKey, o: Option, i: number): void {
    o.run();
    if (o.selected === undefined) return;
    this.active = i;
    if (this.queries[key]) {
      this.queries = { ...this.queries, [key]: '' };
      this.active = -1;
      void this.lookUp(key);
    }
  }

  private onPickerKeydown(key: PickerKey, e: KeyboardEvent): void {
    const open = this.openPicker === key;
    const opts = open ? this.options(key) : [];
    const n = opts.length;
    switch (e.key) {
      case 'ArrowDown':
      case 'ArrowUp':
        e.preventDefault();
        if (!open) return this.openList(key);
        if (n) this.active = e.key === 'ArrowDown' ? (this.active + 1) % n : (this.active - 1 + n) % n;
        break;
      case 'Enter':
        if (!open || !n) return;
        e.preventDefault();
        this.pick(key, opts[Math.max(this.active, 0)]!, Math.max(this.active, 0));
        break;
      case 'Escape':
        if (open) {
          e.preventDefault();
          this.openPicker = null;
        } else if (this.queries[key]) {
          e.preventDefault();
          this.queries = { ...this.queries, [key]: '' };
        }
        break;
    }
  }

  private onPickerFocusOut(e: FocusEvent): void {
    const wrap = e.currentTarget as HTMLElement;
    if (!wrap.contains(e.relatedTarget as Node | null)) this.openPicker = null;
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

  private onTabKeydown(e: KeyboardEvent): void {
    if (!['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key)) return;
    e.preventDefault();
    const next = e.key === 'Home' ? 'basics' : e.key === 'End' ? 'attachments' : this.tab === 'basics' ? 'attachments' : 'basics';
    this.tab = next;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${next}`)?.focus());
  }

  // ---- attachments ----

  /** The attachment's current download link (the listing asked again), or null when it is gone. */
  private async freshDownloadUrl(a: Attachment): Promise<string | null> {
    try {
      this.attachments = await this.api.attachments(a.session);
    } catch (err) {
      this.fail(`Could not download "${a.name}"`, err);
      return null;
    }
    const now = this.attachments.find((x) => x.id === a.id);
    if (!now) this.note(`"${a.title}" is no longer attached.`, true);
    return now?.downloadUrl ?? null;
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

  private onFiles(e: Event): void {
    const input = e.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = '';
    for (const file of files) this.upload(file);
  }

  private upload(file: File): void {
    const session = this.session;
    if (!session) return;
    const key = ++this.uploadSeq;
    const row: UploadRow = { key, name: file.name, loaded: 0, total: file.size, error: attachmentNameProblem(file.name) ?? '' };
    this.uploads = [...this.uploads, row];
    if (row.error) return this.note(row.error, true);
    const patch = (p: Partial<UploadRow>) => (this.uploads = this.uploads.map((r) => (r.key === key ? { ...r, ...p } : r)));
    this.api.uploadAttachment(session.id, file, (p) => patch(p)).done.then(
      (a) => {
        this.uploads = this.uploads.filter((r) => r.key !== key);
        this.attachments = [...this.attachments, a];
        this.note(`${W.uploadDone} "${a.name}" is attached.`);
        this.emit('kaltura-attachments-changed', { sessionId: session.id, change: 'uploaded', attachment: a });
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

  private async act(a: Attachment, action: 'edit' | 'info' | 'delete'): Promise<void> {
    this.menuFor = '';
    this.att = a;
    if (action === 'delete') {
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
      return;
    }
    if (action === 'edit') {
      this.draft = { title: a.title, description: a.description };
      this.draftErrors = {};
    }
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLDialogElement>(`#${action}-dialog`)?.showModal();
  }

  private onDraftInput(e: Event): void {
    const t = e.target as HTMLInputElement;
    this.draft = { ...this.draft, [t.name]: t.value };
    const r = v.safeParse(AttachmentEditSchema, this.draft);
    this.draftErrors = r.success ? {} : formFieldErrors(r.issues);
  }

  private async saveAttachment(e: Event): Promise<void> {
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

  // Menu button pattern, as in <kaltura-room>: arrows move, Escape closes and returns focus.
  private async openMenu(id: string, last = false): Promise<void> {
    this.menuFor = id;
    await this.updateComplete;
    const items = this.menuItems();
    items[0]?.parentElement?.scrollIntoView({ block: 'nearest' });
    items[last ? items.length - 1 : 0]?.focus();
  }

  private menuItems(): HTMLElement[] {
    return [...this.renderRoot.querySelectorAll<HTMLElement>('.menu:not([hidden]) [role="menuitem"]')];
  }

  private onMenuKeydown(e: KeyboardEvent): void {
    const items = this.menuItems();
    const i = items.indexOf(e.composedPath()[0] as HTMLElement);
    const n = items.length;
    const go = (j: number) => {
      e.preventDefault();
      items[(j + n) % n]?.focus();
    };
    if (e.key === 'ArrowDown') go(i + 1);
    else if (e.key === 'ArrowUp') go(i - 1);
    else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(n - 1);
    else if (e.key === 'Escape') {
      e.preventDefault();
      const id = this.menuFor;
      this.menuFor = '';
      this.renderRoot.querySelector<HTMLElement>(`#mb-${id}`)?.focus();
    } else if (e.key === 'Tab') this.menuFor = '';
  }

  // ---- rendering ----

  protected override render(): TemplateResult {
    const editing = !!this.sessionId;
    return html`<div class="base" part="base">
      ${this.renderNotice()}
      ${this.loadError
        ? html`<div class="notice bad" part="notice" role="alert">
            <span>The session could not be loaded: ${this.loadError}</span>
            <button class="btn" @click=${() => void this.load()}>Try again</button>
          </div>`
        : nothing}
      ${editing ? this.renderEdit() : this.step === 'types' ? this.renderTypes() : this.renderNew()}
      ${this.renderDialogs()}
    </div>`;
  }

  private renderNotice(): TemplateResult {
    const n = this.notice;
    return html`<div aria-live="polite">
      ${n
        ? html`<div class="notice ${n.bad ? 'bad' : ''}" part="notice" role=${n.bad ? 'alert' : nothing}>
            <span>${n.text}</span>
            <button class="icon-btn small" aria-label="Dismiss" @click=${() => (this.notice = null)}>${icon('close')}</button>
          </div>`
        : nothing}
    </div>`;
  }

  private renderTypes(): TemplateResult {
    return html`<h2 part="heading">Add session</h2>
      <ul class="types">
        ${SESSION_TYPES.map((t) => {
          const ok = t === 'interactive';
          return html`<li>
            <button
              class="type"
              part="type-option"
              aria-disabled=${ok ? 'false' : 'true'}
              aria-describedby="type-${t}"
              @click=${() => ok && this.chooseInteractive()}
            >
              <strong>${SESSION_TYPE_LABELS[t]}</strong>
              <span id="type-${t}" class="muted">${TYPE_HELP[t]}${ok ? '' : html`<em class="why">${NOT_YET}</em>`}</span>
            </button>
          </li>`;
        })}
      </ul>`;
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
    const tab = (id: 'basics' | 'attachments', label: string) => html`<button
      role="tab"
      id="tab-${id}"
      class="tab"
      part="tab"
      aria-selected=${this.tab === id ? 'true' : 'false'}
      aria-controls="panel-${id}"
      tabindex=${this.tab === id ? 0 : -1}
      @click=${() => (this.tab = id)}
    >${label}</button>`;
    return html`<div class="head"><div><h2 part="heading">Edit session</h2><p class="muted">${s.title}</p></div></div>
      <div role="tablist" class="tabs" part="tabs" aria-label="Edit session" @keydown=${this.onTabKeydown}>
        ${tab('basics', 'Basics')}${tab('attachments', `Attachments (${this.attachments.length})`)}
      </div>
      <div role="tabpanel" id="panel-basics" aria-labelledby="tab-basics" ?hidden=${this.tab !== 'basics'}>
        ${this.pageUrl
          ? html`<div class="links">
              <a class="btn link" href=${this.pageUrl} target="_blank" rel="noopener">${sicon('goto')}Visit session page</a>
              <button class="btn link" @click=${this.copyLink}>${sicon('link')}Copy link</button>
            </div>`
          : nothing}
        ${this.conflict
          ? html`<div class="notice bad" part="notice" role="alert">
              <span>${W.conflict}</span>
              <button class="btn" @click=${this.reloadTheirs}>Reload their version</button>
            </div>`
          : nothing}
        ${this.renderForm(W.saveChanges)}
      </div>
      <div role="tabpanel" id="panel-attachments" aria-labelledby="tab-attachments" ?hidden=${this.tab !== 'attachments'}>
        ${this.renderAttachments()}
      </div>`;
  }

  private problems(field: string): TemplateResult | typeof nothing {
    const list = this.errors[field];
    return list?.length ? html`<p class="error" id="e-${field}" part="field-error">${list.join(' ')}</p>` : nothing;
  }

  /** aria-invalid and aria-describedby for a field's control. */
  private a11y(field: string, hint = '') {
    const bad = !!this.errors[field]?.length;
    return { invalid: bad ? 'true' : 'false', describedby: [hint, bad ? `e-${field}` : ''].filter(Boolean).join(' ') || nothing };
  }

  private text(field: 'title' | 'date' | 'time' | 'duration', label: string, type: string, extra: TemplateResult | string = '') {
    const a = this.a11y(field, field === 'title' ? 'h-title' : field === 'duration' ? 'h-duration' : '');
    return html`<div class="field f-${field}" part="field">
      <label class="label" for="f-${field}">${label}</label>
      <input
        id="f-${field}"
        name=${field}
        data-field=${field}
        type=${type}
        .value=${live(this.form[field])}
        aria-invalid=${a.invalid}
        aria-describedby=${a.describedby}
        ?required=${true}
        min=${type === 'number' ? 1 : nothing}
        max=${type === 'number' ? 1440 : nothing}
      />
      ${extra}${this.problems(field)}
    </div>`;
  }

  private renderForm(submitLabel: string): TemplateResult {
    const f = this.form;
    const signed = this.headerPreview ? '' : (this.session?.header?.url ?? '');
    const thumb = this.headerPreview || (signed ? this.links.href(signed) : '');
    const ai = this.a11y('aiAssistant');
    return html`<form class="form" part="form" novalidate @input=${this.onInput} @submit=${this.submit}>
      <div class="field header" part="field">
        <span class="label" id="l-header">Header</span>
        <div class="thumb" part="thumbnail">
          ${thumb
            ? html`<img src=${thumb} alt="Header image preview" @error=${() => signed && void this.headerFailed(signed)} />`
            : html`${sicon('image')}<span class="muted">No header image</span>`}
        </div>
        <div class="header-side">
          <input id="f-header-file" type="file" accept=${HEADER_ACCEPT} hidden @change=${this.onHeaderFile} />
          <button
            type="button"
            class="btn"
            data-field="header"
            aria-describedby="l-header h-header${this.errors.header ? ' e-header' : ''}"
            @click=${() => this.renderRoot.querySelector<HTMLInputElement>('#f-header-file')!.click()}
          >${W.replaceThumbnail}</button>
          <p class="muted small" id="h-header">${W.headerHint}${this.headerFile ? html` Chosen: ${this.headerFile.name}` : ''}</p>
          ${this.problems('header')}
        </div>
      </div>
      ${this.text('title', 'Title (required)', 'text', html`<p class="muted small" id="h-title">
        ${f.title.length}/${TITLE_MAX} characters. ${W.titleUnsupported}</p>`)}
      <div class="field" part="field">
        <label class="label" for="f-description">Description</label>
        <textarea id="f-description" name="description" data-field="description" .value=${live(f.description)}
          aria-invalid=${this.a11y('description').invalid} aria-describedby=${this.a11y('description').describedby}></textarea>
        ${this.problems('description')}
      </div>
      ${this.renderPicker('tags', 'Tags', 'Add tags')}
      <div class="row">
        ${this.text('date', 'Date (required)', 'date')}${this.text('time', 'Time (required)', 'time')}
        ${this.text('duration', 'Duration (required)', 'number', html`<p class="muted small" id="h-duration">In minutes. ${W.durationMax}</p>`)}
      </div>
      ${this.info ? html`<p class="muted small">Date and time are in the event's time zone (${this.info.timeZone}).</p>` : nothing}
      ${this.renderPicker('speakers', 'Speakers', 'Type a speaker’s name')}
      ${this.renderPicker('moderators', 'Moderators (required)', 'Type a moderator’s name')}
      <div class="field switch-field" part="field">
        <button
          type="button"
          role="switch"
          class="switch"
          part="switch"
          id="f-aiAssistant"
          data-field="aiAssistant"
          aria-checked=${f.aiAssistant ? 'true' : 'false'}
          aria-describedby=${ai.describedby}
          @click=${this.toggleAssistant}
        ><span class="track" aria-hidden="true"></span>AI assistant</button>
        <p class="muted small">Kaltura's AI assistant: an Assistant tab for moderators, with attendee numbers, chat mood, engagement rate and time to end.</p>
        ${this.problems('aiAssistant')}
      </div>
      <fieldset class="field visibility" part="field">
        <legend class="label">Visibility</legend>
        ${VISIBILITIES.map(
          (vis) => html`<label class="radio">
            <input type="radio" name="visibility" value=${vis} data-field=${vis === f.visibility ? 'visibility' : nothing}
              .checked=${live(vis === f.visibility)} aria-describedby="h-${vis}" />
            <span><strong>${VISIBILITY_LABELS[vis].label}</strong>
              <span class="muted small" id="h-${vis}">${VISIBILITY_LABELS[vis].help}</span></span>
          </label>`,
        )}
        ${this.problems('visibility')}
      </fieldset>
      <div class="actions">
        <button class="btn primary" part="submit" type="submit" ?disabled=${!(this.dirty || this.headerFile) || this.busy}>
          ${this.busy ? 'Saving…' : submitLabel}
        </button>
      </div>
    </form>`;
  }

  private renderPicker(key: PickerKey, label: string, placeholder: string): TemplateResult {
    const open = this.openPicker === key;
    const opts = open ? this.options(key) : [];
    const chosen = this.form[key] as { id: string; name: string }[];
    const a = this.a11y(key);
    const loading = open && (key === 'tags' ? !this.allTags : !this.people[key]);
    return html`<div class="field" part="field">
      <label class="label" for="${key}-input">${label}</label>
      <div class="combo" @focusout=${this.onPickerFocusOut}>
        <input
          id="${key}-input"
          data-field=${key}
          role="combobox"
          autocomplete="off"
          placeholder=${placeholder}
          aria-autocomplete="list"
          aria-expanded=${open && opts.length ? 'true' : 'false'}
          aria-controls="${key}-list"
          aria-activedescendant=${open && this.active >= 0 ? `${key}-opt-${this.active}` : nothing}
          aria-invalid=${a.invalid}
          aria-describedby=${a.describedby}
          .value=${live(this.queries[key])}
          @input=${(e: Event) => {
            e.stopPropagation();
            this.onPickerInput(key, e);
          }}
          @focus=${() => void this.lookUp(key)}
          @click=${() => this.openList(key)}
          @keydown=${(e: KeyboardEvent) => this.onPickerKeydown(key, e)}
        />
        <ul
          id="${key}-list"
          role="listbox"
          part="listbox"
          class="listbox"
          aria-label=${label}
          aria-multiselectable="true"
          ?hidden=${!opts.length}
          @mousedown=${(e: Event) => e.preventDefault()}
        >
          ${opts.map(
            (o, i) => html`<li
              id="${key}-opt-${i}"
              role="option"
              part="option"
              class="option ${i === this.active ? 'active' : ''} ${o.selected === undefined ? 'action' : ''}"
              aria-selected=${o.selected ? 'true' : 'false'}
              @click=${() => this.pick(key, o, i)}
            >${o.selected === undefined ? nothing : html`<span class="check" aria-hidden="true">${o.selected ? '✓' : ''}</span>`}${o.label}</li>`,
          )}
        </ul>
        ${loading ? html`<p class="listbox muted small" aria-live="polite">Searching…</p>` : nothing}
      </div>
      ${chosen.length
        ? html`<ul class="chips" aria-label="Chosen ${label.replace(' (required)', '').toLowerCase()}">
            ${chosen.map(
              (x) => html`<li class="chip" part="chip">${x.name}<button type="button" class="icon-btn small"
                aria-label="Remove ${x.name}" @click=${() => this.unpick(key, x.id)}>${icon('close')}</button></li>`,
            )}
          </ul>`
        : nothing}
      ${this.problems(key)}
    </div>`;
  }

  private renderAttachments(): TemplateResult {
    return html`<div class="att-head">
        <p class="muted">Documents, presentations, spreadsheets, audio and video files and images your attendees can download.</p>
        <input id="att-file" type="file" multiple accept=${ATTACHMENT_ACCEPT} hidden @change=${this.onFiles} />
        <button class="btn primary" @click=${() => this.renderRoot.querySelector<HTMLInputElement>('#att-file')!.click()}>
          ${sicon('upload')}Upload
        </button>
      </div>
      ${this.uploads.length
        ? html`<ul class="uploads">
            ${this.uploads.map((u) => {
              const pct = u.total ? Math.round((u.loaded / u.total) * 100) : 0;
              return html`<li class="upload" part="upload">
                <span class="name">${u.name}</span>
                ${u.error
                  ? html`<span class="error">${u.error}</span>
                      <button class="icon-btn small" aria-label="Dismiss ${u.name}" @click=${() => this.dismissUpload(u.key)}>${icon('close')}</button>`
                  : html`<progress part="progress" max="100" .value=${pct} aria-label="Uploading ${u.name}"></progress>
                      <span class="muted small">${pct}%</span>`}
              </li>`;
            })}
          </ul>`
        : nothing}
      ${this.attachments.length
        ? html`<ul class="attachments" part="attachments">
            ${this.attachments.map((a) => this.renderAttachment(a))}
          </ul>`
        : html`<p class="muted empty">No attachments yet.</p>`}`;
  }

  private renderAttachment(a: Attachment): TemplateResult {
    const open = this.menuFor === a.id;
    const item = (label: string, action: 'edit' | 'info' | 'delete') =>
      html`<button role="menuitem" tabindex="-1" class="menu-item" part="menu-item" @click=${() => this.act(a, action)}>${label}</button>`;
    return html`<li class="attachment" part="attachment">
      <span class="ext" aria-hidden="true">${a.extension}</span>
      <span class="att-text"><strong>${a.title}</strong><span class="muted small">${a.name} · ${formatFileSize(a.size)}</span></span>
      <div class="menu-wrap" @focusout=${(e: FocusEvent) => {
        if (open && !(e.currentTarget as HTMLElement).contains(e.relatedTarget as Node | null)) this.menuFor = '';
      }}>
        <button
          id="mb-${a.id}"
          class="icon-btn"
          aria-label="Actions for ${a.title}"
          aria-haspopup="menu"
          aria-expanded=${open ? 'true' : 'false'}
          aria-controls="m-${a.id}"
          @click=${() => (open ? (this.menuFor = '') : void this.openMenu(a.id))}
          @keydown=${(e: KeyboardEvent) => {
            if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault();
              void this.openMenu(a.id, e.key === 'ArrowUp');
            }
          }}
        >${icon('more')}</button>
        <div id="m-${a.id}" class="menu" part="menu" role="menu" aria-labelledby="mb-${a.id}" ?hidden=${!open} @keydown=${this.onMenuKeydown}>
          ${item('Edit', 'edit')}
          <a role="menuitem" tabindex="-1" class="menu-item" part="menu-item" href=${this.links.href(a.downloadUrl)} download=${a.name}
            @click=${(e: MouseEvent) => {
              this.menuFor = '';
              this.note(`Downloading "${a.name}".`);
              void this.links.download(e, a.downloadUrl, a.name, () => this.freshDownloadUrl(a));
            }}>Download</a>
          ${item('More info', 'info')}${item('Delete', 'delete')}
        </div>
      </div>
    </li>`;
  }

  private renderDialogs(): TemplateResult {
    const a = this.att;
    const closeX = html`<form method="dialog"><button class="icon-btn small" aria-label="Close" value="cancel">${icon('close')}</button></form>`;
    const draftField = (name: 'title' | 'description', label: string) => {
      const bad = this.draftErrors[name];
      const attrs = { id: `d-${name}`, invalid: bad ? 'true' : 'false', describedby: bad ? `de-${name}` : nothing };
      return html`<div class="field">
        <label class="label" for=${attrs.id}>${label}</label>
        ${name === 'title'
          ? html`<input id=${attrs.id} name="title" .value=${live(this.draft.title)} aria-invalid=${attrs.invalid} aria-describedby=${attrs.describedby} />`
          : html`<textarea id=${attrs.id} name="description" .value=${live(this.draft.description)} aria-invalid=${attrs.invalid}
              aria-describedby=${attrs.describedby}></textarea>`}
        ${bad ? html`<p class="error" id="de-${name}">${bad.join(' ')}</p>` : nothing}
      </div>`;
    };
    return html`<dialog id="ai-dialog" class="panel" part="dialog" aria-labelledby="ai-title" aria-describedby="ai-text">
        <form method="dialog">
          <div class="dialog-head">
            <h2 id="ai-title" part="dialog-title">Activate AI assistant</h2>
            <button class="icon-btn small" value="cancel" aria-label="Close">${icon('close')}</button>
          </div>
          <p id="ai-text">
            Kaltura's AI assistant gives this session's moderators an Assistant tab in the Chat and Collaboration widget, with
            attendee numbers, chat mood, engagement rate and time to end.
          </p>
          <div class="actions"><button class="btn primary" part="dialog-confirm" value="confirm" autofocus>${W.activateAssistant}</button></div>
        </form>
      </dialog>
      ${confirmDialog({
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
        <form @input=${this.onDraftInput} @submit=${this.saveAttachment} novalidate>
          <p class="muted small">The title and description are visible to your attendees.</p>
          ${draftField('title', 'Title')}${draftField('description', 'Description (optional)')}
          ${this.draftErrors[''] ? html`<p class="error" role="alert">${this.draftErrors[''].join(' ')}</p>` : nothing}
          <div class="actions">
            <button type="button" class="btn" @click=${(e: Event) => (e.target as HTMLElement).closest('dialog')!.close()}>${W.cancel}</button>
            <button class="btn primary" ?disabled=${Object.keys(this.draftErrors).some((k) => k !== '')}>${W.saveChanges}</button>
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
}
