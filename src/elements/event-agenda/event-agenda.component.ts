import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { eventTokenClaims, SessionsApiController, type MeetingTicket, type SessionsApiError } from '../../client/sessions-api.ts';
import { formatFileSize, VISIBILITY_LABELS, type Attachment, type EventInfo, type Session, type Tag } from '../../protocol/sessions.ts';
import { closeDialogs } from '../shared/confirm-dialog.ts';
import { KalturaElement } from '../shared/kaltura-element.ts';
import { EditorDialog } from './editor-dialog.ts';
import { sessionPageUrl } from '../session-editor/session-url.ts';
import { sicon } from '../session-editor/session-icons.ts';
import { FileLinks } from '../session-editor/file-links.ts';
import { styles } from './event-agenda.styles.ts';
import { MeetingWaiter, notStartedYet } from './meeting-wait.ts';
import { SessionMenu } from './session-menu.ts';
import { TagFilter } from './tag-filter.ts';
import { dayLabel, timeRange } from './when.ts';

export { dayLabel, timeRange } from './when.ts';

const names = (list: { name: string }[]) => list.map((p) => p.name).join(', ');

/**
 * @summary An event's agenda: its sessions in time order, filtered by tags, with edit (for the
 * event's organizers and moderators), go to session, "+ Add session", and the session page with
 * Start Meeting, which opens the session's live `<kaltura-room>`.
 *
 * Organizers and moderators edit a session by clicking its name, or through the three blue dots
 * to its right (Edit, Go to session). The tag filter takes typing: the first few letters list
 * the matching tags, each with a checkbox that filters by it.
 *
 * What the list holds is the server's call: organizers and the team see every session, attendees
 * the published ones. Editing opens a `<session-editor>` in a dialog unless the host page takes
 * the cancelable `kaltura-request-edit`; going to a session shows its page here unless the host
 * page takes `kaltura-request-open`. On the session page, the session's moderators (and the event's
 * organizers) start the meeting. An attendee who presses Join Meeting before then waits on "The
 * session will start soon" (the title and scheduled time, and Cancel) and enters by themselves as
 * soon as a moderator starts it: the agenda asks the server again every 3 to 5 seconds, one request
 * at a time, and stops on Cancel, on another page or when the element leaves the page.
 *
 * @tag event-agenda
 *
 * @event kaltura-request-edit - Cancelable. The user chose a session's name or Edit (organizers, moderators), or + Add session (`sessionId`
 * null). Call `preventDefault()` to open your own editor page instead of the built-in dialog. `detail: { sessionId }`.
 * @event kaltura-request-open - Cancelable. The user chose go to session (or, as an attendee, a session's name). Call
 * `preventDefault()` to route to your own session page (`url`, from `session-url`). `detail: { sessionId, url }`.
 * @event kaltura-meeting-start - Start Meeting got a room join token; the room is shown. `detail: { sessionId, room, role }`.
 * @event kaltura-session-saved - (From the nested `<session-editor>`.) A session was created or saved.
 * @event kaltura-request-invite - (From the nested `<session-editor>`.) Cancelable: Invite speaker / Invite moderator.
 *
 * @csspart base - The outer wrapper.
 * @csspart heading - The event name.
 * @csspart add-button - + Add session (organizers and moderators).
 * @csspart filter - The tag filter.
 * @csspart filter-input - The filter's text field ("Start typing a tag").
 * @csspart filter-list - The list of matching tags.
 * @csspart filter-tag - Each matching tag (with its checkbox).
 * @csspart filter-chip - Each tag filtered by (with its "X").
 * @csspart day - The heading of a day.
 * @csspart session - One session in the list.
 * @csspart session-title - A session's name (opens its editor for organizers and moderators, its page for others).
 * @csspart menu-button - The three blue dots of a session (organizers and moderators).
 * @csspart menu - A session's menu (Edit, Go to session).
 * @csspart menu-item - Each item of that menu.
 * @csspart goto-button - The go to session button.
 * @csspart session-page - The session page.
 * @csspart start-button - Start Meeting / Join Meeting.
 * @csspart room - The `<kaltura-room>` of the session.
 * @csspart notice - Failures.
 * @csspart waiting - "The session will start soon": waiting for a moderator to start the meeting.
 * @csspart cancel-button - Cancel on the waiting screen (back to Join Meeting).
 * @csspart editor-dialog - The dialog holding the `<session-editor>`.
 *
 * @cssproperty [--kaltura-font=system-ui, sans-serif] - Font family.
 * @cssproperty [--kaltura-font-size=15px] - Base font size.
 * @cssproperty [--kaltura-bg=#ffffff] - Background of the element and dialogs.
 * @cssproperty [--kaltura-surface=#f5f6f8] - Background of the day headings and times.
 * @cssproperty [--kaltura-surface-2=#e9ecf1] - Tags and hovered items.
 * @cssproperty [--kaltura-text=#1a1f29] - Text color.
 * @cssproperty [--kaltura-text-muted=#5a6373] - Secondary text color.
 * @cssproperty [--kaltura-border=#dde1e8] - Border color.
 * @cssproperty [--kaltura-accent=#1b64f2] - Buttons, links and chosen filter tags.
 * @cssproperty [--kaltura-accent-text=#ffffff] - Text on the accent color.
 * @cssproperty [--kaltura-danger=#d42a20] - Failures.
 * @cssproperty [--kaltura-success=#1f9d55] - Success notices.
 * @cssproperty [--kaltura-radius=12px] - Corner radius of the element and dialogs.
 * @cssproperty [--kaltura-gap=12px] - Spacing between regions.
 * @cssproperty [--kaltura-focus-color=#1b64f2] - The focus outline color.
 */
export class EventAgenda extends KalturaElement {
  static override styles = styles;

  /** Base URL of the server (http or https). Defaults to the page's origin. */
  @property({ reflect: true }) server = '';

  /** The event id (the `event` claim of the token). */
  @property({ reflect: true }) event = '';

  /** The event token the portal signed for the user (`Authorization: Bearer`). */
  @property() token = '';

  /** The session whose page is shown; empty: the agenda list. Set by go to session, cleared by Back. */
  @property({ attribute: 'session-id', reflect: true }) sessionId = '';

  /**
   * The session page URL pattern with `{id}` (and `{event}`), e.g. `https://portal.example/sessions/{id}`:
   * passed to the editor (Visit session page, Copy link) and in `kaltura-request-open`.
   */
  @property({ attribute: 'session-url' }) sessionUrl = '';

  private readonly editor = new EditorDialog(
    this,
    (id) => !this.emit('kaltura-request-edit', { sessionId: id }, { cancelable: true }).defaultPrevented,
    () => this.refresh(),
  );

  @state() private info: EventInfo | null = null;
  @state() private sessions: Session[] | null = null;
  @state() private tags: Tag[] = [];
  @state() private chosen: string[] = [];
  @state() private error = '';
  @state() private page: Session | null = null;
  @state() private pageFiles: Attachment[] = [];
  @state() private pageError = '';
  /** A download that could not start (its fresh link could not be had). */
  @state() private fileError = '';
  @state() private meeting: MeetingTicket | null = null;
  @state() private meetingError = '';
  @state() private starting = false;

  private readonly apiCtl = new SessionsApiController(this);
  /** Signed file links expire: downloads and the banner ask for fresh ones. */
  private readonly links = new FileLinks(() => this.api);
  private readonly tagFilter = new TagFilter(this, (id, on) => this.filterBy(id, on));
  private readonly menu = new SessionMenu(this);
  private readonly waiter = new MeetingWaiter(this, {
    ask: () => this.api.startMeeting(this.sessionId),
    entered: (ticket) => void this.enter(this.sessionId, ticket),
    failed: (message) => (this.meetingError = message),
  });
  private listKey = '';
  private listSeq = 0;

  private get api() {
    return this.apiCtl.api;
  }

  private get eventRole() {
    return eventTokenClaims(this.token)?.eventRole ?? 'attendee';
  }

  private get canEdit(): boolean {
    return this.eventRole === 'organizer' || this.eventRole === 'moderator';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) {
      this.listKey = '';
      this.refresh();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    closeDialogs(this.renderRoot);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('server') || changed.has('event') || changed.has('token')) this.refresh();
    if (changed.has('sessionId')) {
      this.waiter.stop();
      this.meeting = null;
      this.meetingError = '';
      this.pageError = '';
      if (this.page?.id !== this.sessionId) this.page = null;
      if (this.sessionId) void this.loadPage();
    }
  }

  /** Reload what is shown (the list, and the session page when open). */
  refresh(): void {
    if (!this.apiCtl.ready) return;
    const key = `${this.server}|${this.event}`;
    if (key !== this.listKey) {
      this.listKey = key;
      this.api.eventInfo().then((i) => (this.info = i), () => {});
    }
    // Tags too: the editor may have created one.
    this.api.tags().then((t) => (this.tags = t), () => {});
    void this.loadList();
    if (this.sessionId && this.hasUpdated) void this.loadPage();
  }

  private async loadList(): Promise<void> {
    const seq = ++this.listSeq;
    try {
      const list = await this.api.sessions(this.chosen);
      if (seq !== this.listSeq) return;
      this.sessions = [...list].sort((a, b) => `${a.date} ${a.time}`.localeCompare(`${b.date} ${b.time}`));
      this.error = '';
    } catch (err) {
      if (seq === this.listSeq && (err as SessionsApiError).status !== -1) this.error = (err as Error).message;
    }
  }

  private async loadPage(): Promise<void> {
    const id = this.sessionId;
    try {
      const [s, files] = await Promise.all([this.api.session(id), this.api.attachments(id)]);
      if (id !== this.sessionId) return;
      this.page = s;
      this.pageFiles = files;
      this.pageError = '';
      this.fileError = '';
    } catch (err) {
      if (id === this.sessionId && (err as SessionsApiError).status !== -1) this.pageError = (err as Error).message;
    }
  }

  /** The attachment's current download link (the session's files asked again), or null when there is none. */
  private async freshDownloadUrl(a: Attachment): Promise<string | null> {
    try {
      const files = await this.api.attachments(a.session);
      if (this.page?.id === a.session) this.pageFiles = files;
      const now = files.find((x) => x.id === a.id);
      this.fileError = now ? '' : `"${a.title}" is no longer attached to this session.`;
      return now?.downloadUrl ?? null;
    } catch (err) {
      if ((err as SessionsApiError).status !== -1) this.fileError = `Could not download "${a.name}": ${(err as Error).message}`;
      return null;
    }
  }

  /** The banner did not load (its link expired, say): ask for the session's current link, once. */
  private async bannerFailed(link: string): Promise<void> {
    const id = this.page?.id;
    if (!id || !this.links.imageFailed(link)) return;
    try {
      const { header } = await this.api.session(id);
      this.links.refetched(header?.url);
      if (this.page?.id === id) this.page = { ...this.page, header };
    } catch {
      /* the page shows no banner: nothing else depends on it */
    }
  }

  private filterBy(tag: string, on: boolean): void {
    this.chosen = on ? [...this.chosen.filter((t) => t !== tag), tag] : this.chosen.filter((t) => t !== tag);
    void this.loadList();
  }

  private open(s: Session): void {
    const url = sessionPageUrl(this.sessionUrl, this.event, s.id);
    if (this.emit('kaltura-request-open', { sessionId: s.id, url }, { cancelable: true }).defaultPrevented) return;
    this.page = s;
    this.sessionId = s.id;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.session-page h2')?.focus());
  }

  private back(): void {
    const id = this.sessionId;
    this.sessionId = '';
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#goto-${id}`)?.focus());
  }

  private edit(id: string | null): Promise<void> {
    return this.editor.open(id);
  }

  private async start(): Promise<void> {
    const s = this.page;
    if (!s || this.starting) return;
    this.starting = true;
    this.meetingError = '';
    const room = import('../kaltura-room/kaltura-room.ts');
    room.catch(() => {});
    try {
      await this.enter(s.id, await this.api.startMeeting(s.id));
    } catch (err) {
      if (this.sessionId !== s.id) return;
      if (!notStartedYet(err)) this.meetingError = (err as Error).message;
      else {
        // Wait for a moderator, on a screen that says so; the room shows by itself.
        this.waiter.start();
        await this.updateComplete;
        this.renderRoot.querySelector<HTMLElement>('#wait-title')?.focus();
      }
    } finally {
      this.starting = false;
    }
  }

  /** Show the session's room with this ticket (once its code is here). */
  private async enter(sessionId: string, ticket: MeetingTicket): Promise<void> {
    await import('../kaltura-room/kaltura-room.ts');
    if (this.sessionId !== sessionId) return;
    this.meeting = ticket;
    this.emit('kaltura-meeting-start', { sessionId, room: ticket.room, role: ticket.role });
  }

  private async cancelWait(): Promise<void> {
    this.waiter.stop();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[part="start-button"]')?.focus();
  }

  // ---- rendering ----

  protected override render(): TemplateResult {
    return html`<div class="base" part="base">
      ${this.sessionId ? this.renderPage() : this.renderList()}
      ${this.editor.render()}
    </div>`;
  }

  private renderList(): TemplateResult {
    const list = this.sessions;
    const days = new Map<string, Session[]>();
    for (const s of list ?? []) days.set(s.date, [...(days.get(s.date) ?? []), s]);
    return html`<div class="top">
        <div>
          <h2 part="heading">${this.info?.name ?? 'Agenda'}</h2>
          <p class="muted">Agenda${list ? ` · ${list.length} session${list.length === 1 ? '' : 's'}` : ''}</p>
        </div>
        ${this.canEdit
          ? html`<button class="btn primary" part="add-button" @click=${() => this.edit(null)}>${sicon('plus')}Add session</button>`
          : nothing}
      </div>
      ${this.tags.length
        ? this.tagFilter.render(this.tags, this.chosen, () => {
            this.chosen = [];
            void this.loadList();
            this.renderRoot.querySelector<HTMLElement>('#tag-filter-input')?.focus();
          })
        : nothing}
      ${this.error
        ? html`<div class="notice bad" part="notice" role="alert">
            <span>The agenda could not be loaded: ${this.error}</span>
            <button class="btn" @click=${() => void this.loadList()}>Try again</button>
          </div>`
        : nothing}
      ${!list
        ? this.error ? nothing : html`<p class="muted" role="status">Loading the agenda…</p>`
        : !list.length
          ? html`<p class="muted empty">${this.chosen.length ? 'No sessions have the chosen tags.' : 'No sessions yet.'}</p>`
          : [...days].map(
              ([day, items]) => html`<section class="day">
                <h3 part="day">${dayLabel(day)}</h3>
                <ul class="items">${items.map((s) => this.renderItem(s))}</ul>
              </section>`,
            )}`;
  }

  private renderItem(s: Session): TemplateResult {
    return html`<li class="item" part="session">
      <div class="when"><strong>${timeRange(s)}</strong><span class="muted">${s.duration} min</span></div>
      <div class="what">
        <h4><button class="title" part="session-title" @click=${() => (this.canEdit ? void this.edit(s.id) : this.open(s))}>${s.title}</button></h4>
        ${s.speakers.length ? html`<p class="muted">With ${names(s.speakers)}</p>` : nothing}
        ${s.tags.length || s.visibility !== 'published'
          ? html`<ul class="chips">
              ${s.visibility !== 'published' ? html`<li class="chip tag badge">${VISIBILITY_LABELS[s.visibility].label}</li>` : nothing}
              ${s.tags.map((t) => html`<li class="chip tag">${t.name}</li>`)}
            </ul>`
          : nothing}
      </div>
      <div class="item-actions">
        <button class="icon-btn" id="goto-${s.id}" part="goto-button" aria-label="Go to session ${s.title}" title="Go to session"
          @click=${() => this.open(s)}>${sicon('goto')}</button>
        ${this.canEdit
          ? this.menu.render(s.id, `More actions for ${s.title}`, [
              { label: 'Edit', run: () => void this.edit(s.id) },
              { label: 'Go to session', run: () => this.open(s) },
            ])
          : nothing}
      </div>
    </li>`;
  }

  private renderPage(): TemplateResult {
    const s = this.page;
    const host = this.eventRole === 'organizer' || !!s?.moderators.some((m) => m.id === eventTokenClaims(this.token)?.sub);
    return html`<div class="session-page" part="session-page">
      <button class="btn link back" @click=${this.back}>${sicon('back')}Agenda</button>
      ${this.pageError
        ? html`<div class="notice bad" part="notice" role="alert">
            <span>The session could not be loaded: ${this.pageError}</span>
            <button class="btn" @click=${() => void this.loadPage()}>Try again</button>
          </div>`
        : nothing}
      ${!s
        ? this.pageError ? nothing : html`<p class="muted" role="status">Loading the session…</p>`
        : html`${s.header ? this.renderBanner(s.header.url) : nothing}
            <div class="top">
              <div>
                <h2 tabindex="-1">${s.title}</h2>
                <p class="muted">${dayLabel(s.date)} · ${timeRange(s)}${this.info ? ` (${this.info.timeZone})` : ''}</p>
              </div>
              ${this.canEdit ? html`<button class="btn" @click=${() => this.edit(s.id)}>${sicon('pencil')}Edit</button>` : nothing}
            </div>
            ${s.tags.length ? html`<ul class="chips">${s.tags.map((t) => html`<li class="chip tag">${t.name}</li>`)}</ul>` : nothing}
            ${s.description ? html`<p class="description">${s.description}</p>` : nothing}
            <dl class="people">
              ${s.speakers.length ? html`<dt>Speakers</dt> <dd>${names(s.speakers)}</dd>` : nothing}
              <dt>Moderators</dt> <dd>${names(s.moderators)}</dd>
            </dl>
            ${this.pageFiles.length
              ? html`<h3>Attachments</h3>
                  <ul class="files">
                    ${this.pageFiles.map(
                      (a) => html`<li>
                        <a href=${this.links.href(a.downloadUrl)} download=${a.name}
                          @click=${(e: MouseEvent) => void this.links.download(e, a.downloadUrl, a.name, () => this.freshDownloadUrl(a))}>${a.title}</a>
                        <span class="muted">${a.extension.toUpperCase()} · ${formatFileSize(a.size)}</span>
                      </li>`,
                    )}
                  </ul>`
              : nothing}
            ${this.fileError ? html`<p class="notice bad" part="notice" role="alert">${this.fileError}</p>` : nothing}
            <div class="meeting">
              ${this.meeting
                ? html`<kaltura-room part="room" server=${this.api.server} room=${this.meeting.room} token=${this.meeting.token}
                    label=${s.title}></kaltura-room>`
                : this.waiter.waiting
                  ? this.renderWaiting(s)
                  : html`<button class="btn primary" part="start-button" ?disabled=${this.starting} @click=${this.start}>
                        ${host ? 'Start Meeting' : 'Join Meeting'}
                      </button>
                      ${this.meetingError
                        ? html`<div class="notice bad" part="notice" role="alert">
                            <span>${this.meetingError}</span>
                            <button class="btn" @click=${this.start}>Try again</button>
                          </div>`
                        : nothing}`}
            </div>`}
    </div>`;
  }

  private renderBanner(link: string): TemplateResult {
    return html`<img class="banner" src=${this.links.href(link)} alt="" @error=${() => void this.bannerFailed(link)} />`;
  }

  private renderWaiting(s: Session): TemplateResult {
    return html`<section class="waiting" part="waiting" aria-labelledby="wait-title">
      <span class="pulse" aria-hidden="true"></span>
      <div>
        <h3 id="wait-title" tabindex="-1">The session will start soon</h3>
        <p><strong>${s.title}</strong></p>
        <p class="muted">Scheduled for ${dayLabel(s.date)} · ${timeRange(s)}${this.info ? ` (${this.info.timeZone})` : ''}</p>
        <p class="muted" role="status">You will join by yourself as soon as a moderator starts the meeting.</p>
      </div>
      <button class="btn" part="cancel-button" @click=${this.cancelWait}>Cancel</button>
    </section>`;
  }
}
