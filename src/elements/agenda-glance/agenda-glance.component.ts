import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { eventTokenClaims, SessionsApiController, type SessionsApiError } from '../../client/sessions-api.ts';
import { VISIBILITY_LABELS, type Session } from '../../protocol/sessions.ts';
import { closeDialogs } from '../shared/confirm-dialog.ts';
import { KalturaElement } from '../shared/kaltura-element.ts';
import { EditorDialog } from '../event-agenda/editor-dialog.ts';
import { sicon } from '../session-editor/session-icons.ts';
import { sessionPageUrl } from '../session-editor/session-url.ts';
import { shortDay, timeRange } from '../event-agenda/when.ts';
import { styles } from './agenda-glance.styles.ts';

/**
 * @summary "Agenda at a glance": the event's sessions in a compact list for the Event Overview
 * page, with Add session, a blue pencil to edit a session and the blue box with arrow to go to it.
 *
 * Hover over a session (or move the keyboard focus into it) to show its pencil (edit) and go to
 * session icons. Organizers and moderators see Add session and the pencils; what the list holds
 * is the server's call (attendees see the published sessions). Editing opens a `<session-editor>`
 * in a dialog unless the host page takes the cancelable `kaltura-request-edit`. Go to session is a
 * link to the session's page when `session-url` is set; the cancelable `kaltura-request-open` lets
 * the host page route there itself (say, to its `<event-agenda session-id=…>`).
 *
 * @tag agenda-glance
 *
 * @event kaltura-request-edit - Cancelable. The user chose the pencil or Add session (`sessionId` null). Call
 * `preventDefault()` to open your own editor page instead of the built-in dialog. `detail: { sessionId }`.
 * @event kaltura-request-open - Cancelable. The user chose go to session. Call `preventDefault()` to route to the
 * session page yourself; otherwise the link to `url` is followed (when there is one). `detail: { sessionId, url }`.
 * @event kaltura-session-saved - (From the nested `<session-editor>`.) A session was created or saved.
 *
 * @csspart base - The outer wrapper.
 * @csspart heading - "Agenda at a glance".
 * @csspart add-button - Add session (organizers and moderators).
 * @csspart session - One session in the list.
 * @csspart session-title - A session's title.
 * @csspart edit-button - The blue pencil (edit) icon.
 * @csspart goto-button - The blue box with arrow (go to session) icon.
 * @csspart notice - Failures.
 * @csspart editor-dialog - The dialog holding the `<session-editor>`.
 *
 * @cssproperty [--kaltura-font=system-ui, sans-serif] - Font family.
 * @cssproperty [--kaltura-font-size=15px] - Base font size.
 * @cssproperty [--kaltura-bg=#ffffff] - Background of the element and dialogs.
 * @cssproperty [--kaltura-surface=#f5f6f8] - A hovered or focused session.
 * @cssproperty [--kaltura-surface-2=#e9ecf1] - Tags and hovered buttons.
 * @cssproperty [--kaltura-text=#1a1f29] - Text color.
 * @cssproperty [--kaltura-text-muted=#5a6373] - Secondary text color.
 * @cssproperty [--kaltura-border=#dde1e8] - Border color.
 * @cssproperty [--kaltura-accent=#1b64f2] - Add session, the pencil and the go to session box.
 * @cssproperty [--kaltura-accent-text=#ffffff] - Text and arrow on the accent color.
 * @cssproperty [--kaltura-danger=#d42a20] - Failures.
 * @cssproperty [--kaltura-radius=12px] - Corner radius of the element and dialogs.
 * @cssproperty [--kaltura-gap=12px] - Spacing between regions.
 * @cssproperty [--kaltura-focus-color=#1b64f2] - The focus outline color.
 */
export class AgendaGlance extends KalturaElement {
  static override styles = styles;

  /** Base URL of the server (http or https). Defaults to the page's origin. */
  @property({ reflect: true }) server = '';

  /** The event id (the `event` claim of the token). */
  @property({ reflect: true }) event = '';

  /** The event token the portal signed for the user (`Authorization: Bearer`). */
  @property() token = '';

  /**
   * The session page URL pattern with `{id}` (and `{event}`), e.g. `https://portal.example/sessions/{id}`:
   * where go to session leads, and what the editor's Visit session page and Copy link give out.
   */
  @property({ attribute: 'session-url' }) sessionUrl = '';

  private readonly editor = new EditorDialog(
    this,
    (id) => !this.emit('kaltura-request-edit', { sessionId: id }, { cancelable: true }).defaultPrevented,
    () => this.refresh(),
  );

  @state() private sessions: Session[] | null = null;
  @state() private error = '';

  private readonly apiCtl = new SessionsApiController(this);
  private seq = 0;

  private get canEdit(): boolean {
    const role = eventTokenClaims(this.token)?.eventRole;
    return role === 'organizer' || role === 'moderator';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.refresh();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    closeDialogs(this.renderRoot);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('server') || changed.has('event') || changed.has('token')) this.refresh();
  }

  /** Reload the sessions. */
  refresh(): void {
    if (this.apiCtl.ready) void this.load();
  }

  private async load(): Promise<void> {
    const seq = ++this.seq;
    try {
      const list = await this.apiCtl.api.sessions();
      if (seq !== this.seq) return;
      this.sessions = [...list].sort((a, b) => `${a.date} ${a.time}`.localeCompare(`${b.date} ${b.time}`));
      this.error = '';
    } catch (err) {
      if (seq === this.seq && (err as SessionsApiError).status !== -1) this.error = (err as Error).message;
    }
  }

  private edit(id: string | null): Promise<void> {
    return this.editor.open(id);
  }

  private goTo(e: Event, s: Session, url: string): void {
    if (this.emit('kaltura-request-open', { sessionId: s.id, url }, { cancelable: true }).defaultPrevented) e.preventDefault();
  }

  protected override render(): TemplateResult {
    const list = this.sessions;
    return html`<section class="base" part="base" aria-labelledby="glance-title">
      <div class="top">
        <h2 id="glance-title" part="heading">Agenda at a glance</h2>
        ${this.canEdit
          ? html`<button class="btn primary" part="add-button" @click=${() => this.edit(null)}>${sicon('plus')}Add session</button>`
          : nothing}
      </div>
      ${this.error
        ? html`<div class="notice bad" part="notice" role="alert">
            <span>The agenda could not be loaded: ${this.error}</span>
            <button class="btn" @click=${() => this.refresh()}>Try again</button>
          </div>`
        : nothing}
      ${!list
        ? this.error ? nothing : html`<p class="muted" role="status">Loading the agenda…</p>`
        : !list.length
          ? html`<p class="muted empty">No sessions yet.</p>`
          : html`<ul class="items">${list.map((s) => this.renderItem(s))}</ul>`}
      ${this.editor.render()}
    </section>`;
  }

  private renderItem(s: Session): TemplateResult {
    const url = sessionPageUrl(this.sessionUrl, this.event, s.id);
    const gotoLabel = `Go to session ${s.title}`;
    return html`<li class="item" part="session">
      <div class="when"><strong>${shortDay(s.date)}</strong><span class="muted">${timeRange(s)}</span></div>
      <div class="what">
        <h3 part="session-title">${s.title}</h3>
        ${s.speakers.length ? html`<p class="muted">With ${s.speakers.map((p) => p.name).join(', ')}</p>` : nothing}
        ${s.visibility !== 'published' ? html`<span class="chip tag badge">${VISIBILITY_LABELS[s.visibility].label}</span>` : nothing}
      </div>
      <div class="item-actions">
        ${this.canEdit
          ? html`<button class="icon-btn" id="edit-${s.id}" part="edit-button" aria-label="Edit ${s.title}" title="Edit"
              @click=${() => this.edit(s.id)}>${sicon('pencil')}</button>`
          : nothing}
        ${url
          ? html`<a class="icon-btn goto" id="goto-${s.id}" part="goto-button" href=${url} aria-label=${gotoLabel} title="Go to session"
              @click=${(e: Event) => this.goTo(e, s, url)}>${sicon('goto')}</a>`
          : html`<button class="icon-btn goto" id="goto-${s.id}" part="goto-button" aria-label=${gotoLabel} title="Go to session"
              @click=${(e: Event) => this.goTo(e, s, url)}>${sicon('goto')}</button>`}
      </div>
    </li>`;
  }
}
