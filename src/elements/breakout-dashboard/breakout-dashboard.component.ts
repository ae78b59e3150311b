import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { consume } from '@lit/context';
import { safeParse } from 'valibot';
import { RoomConnection } from '../../client/room-connection.ts';
import { roomContext, type RoomContextValue } from '../../context/room-context.ts';
import { roomName } from '../../protocol/breakout.ts';
import { BreakoutConfigSchema, fieldErrors } from '../../protocol/schema.ts';
import { isStaff, type AssignMode, type ClientCommand, type HelpCall, type Participant, type RoomEvent, type RoomState } from '../../protocol/types.ts';
import { askConfirm, confirmDialog } from '../shared/confirm-dialog.ts';
import { icon } from '../shared/icons.ts';
import { formatDuration } from '../shared/format.ts';
import { KalturaElement } from '../shared/kaltura-element.ts';
// Shared with the room (already in the drop-in): the bell and the once-a-second re-render.
import { Ticker } from '../kaltura-room/ticker.ts';
import { styles } from './breakout-dashboard.styles.ts';

/** The drag-and-drop type of a dragged name; its data is the user's id. */
const MIME = 'application/x-kaltura-user';

/** Time left, as everywhere else (m:ss, h:mm:ss, or days and hours). */
const clock = (ms: number): string => formatDuration(ms, 'up');
/** A number field's value; NaN when empty (the schema then names the field). */
const num = (v: string): number => (v.trim() ? Number(v) : NaN);

interface Form {
  count: string;
  /** Every name typed so far; the first `count` are the rooms. */
  names: string[];
  limit: string;
  noLimit: boolean;
  countdown: string;
  assign: AssignMode;
}

/**
 * @summary The moderators' breakout console: create rooms, start, move people by drag and drop
 * (or from each name's "Move to" menu), shuffle, rotate, gather, add time, broadcast, answer help
 * calls and end breakout.
 *
 * @tag breakout-dashboard
 *
 * Nested in `<kaltura-room>` it works on that room (from `roomContext`). Standalone, with `server`,
 * `room` and a host's or moderator's `token`, it opens its own console connection, which sees and
 * commands the room without joining it. When both are there, the room wins.
 *
 * @event kaltura-dashboard-close - Nested only: the Close button, or the moderator joined a room from the dashboard.
 * `detail: { joined? }`: the room they joined (a room id, null for the main room), if any.
 * @event kaltura-breakout-started - Standalone only (nested, `<kaltura-room>` emits these). `detail: { resumed, endsAt }`.
 * @event kaltura-breakout-ended - Standalone only. Everyone is back in the main room. `detail: { at }`.
 * @event kaltura-breakout-gathered - Standalone only. Everyone was gathered to the main room. `detail: { returnTo }`.
 * @event kaltura-participant-moved - Standalone only. Someone arrived in a room. `detail: { userId, to, name }` (`to` null: main room).
 * @event kaltura-help-requested - Standalone only. A participant called a moderator. `detail: { call, name, roomName }`.
 * @event kaltura-error - Standalone only: the console connection failed. `detail: { code, message, fatal }`.
 * @event kaltura-request-join-room - Standalone only, cancelable: Open room… (a room's, a call's, or one's own name
 * dragged to a room). The console is not in the room, so it moves nobody and answers no call; a page that opens the
 * room for the moderator calls `preventDefault()`. `detail: { to, name, callId? }` (`to` null: the main room).
 *
 * @csspart base - The outer wrapper.
 * @csspart toolbar - The top bar: title, Broadcast, Remaining time, and the breakout actions.
 * @csspart start-button - Start breakout.
 * @csspart end-button - End breakout.
 * @csspart close-button - Close (nested only).
 * @csspart timer - The Remaining time button and the closing countdown.
 * @csspart add-time - The Add time form.
 * @csspart broadcast - The broadcast form.
 * @csspart configure - The room set-up form.
 * @csspart main-room - The Main room panel.
 * @csspart gather-button - Gather everyone.
 * @csspart room - Each breakout room panel (also `room-over` while a name is dragged over it).
 * @csspart room-name - A panel's heading.
 * @csspart member - A person in a panel.
 * @csspart call - A person calling for help (with `member`), or a call whose caller is elsewhere.
 * @csspart join-button - A room's Join room button and a call's Join button.
 * @csspart move-menu - The "Move to" menu of a name.
 * @csspart notice - Errors from commands.
 * @csspart dialog - The "Existing rooms are available" dialog.
 *
 * @cssproperty [--kaltura-call-color=#0b57d0] - The blue of a help call.
 * @cssproperty [--kaltura-font=system-ui, sans-serif] - Font family (the theme is `<kaltura-room>`'s).
 * @cssproperty [--kaltura-font-size=15px] - Base font size.
 * @cssproperty [--kaltura-bg=#ffffff] - Background.
 * @cssproperty [--kaltura-surface=#f5f6f8] - Background of the top bar and room panels.
 * @cssproperty [--kaltura-surface-2=#e9ecf1] - Counts, markers and hovered items.
 * @cssproperty [--kaltura-text=#1a1f29] - Text color.
 * @cssproperty [--kaltura-text-muted=#5a6373] - Secondary text color.
 * @cssproperty [--kaltura-border=#dde1e8] - Border color.
 * @cssproperty [--kaltura-accent=#1b64f2] - Primary buttons, drop highlight.
 * @cssproperty [--kaltura-accent-text=#ffffff] - Text on the accent color.
 * @cssproperty [--kaltura-danger=#d42a20] - End breakout and error messages.
 * @cssproperty [--kaltura-warning=#a35f00] - The closing countdown.
 * @cssproperty [--kaltura-radius=12px] - Corner radius.
 * @cssproperty [--kaltura-gap=12px] - Spacing between panels.
 * @cssproperty [--kaltura-focus-color=#1b64f2] - The focus outline color.
 */
export class BreakoutDashboard extends KalturaElement {
  static override styles = styles;

  /** Standalone: base URL of the room server (defaults to the page's origin). Ignored when nested. */
  @property({ reflect: true }) server = '';

  /** Standalone: the room to manage. Ignored when nested. */
  @property({ reflect: true }) room = '';

  /** Standalone: a host's or moderator's signed join token for the room. Ignored when nested. */
  @property() token = '';

  /** The surrounding `<kaltura-room>`; when there, it wins over `server`/`room`/`token`. */
  @consume({ context: roomContext, subscribe: true })
  @state()
  private ctx?: RoomContextValue;

  @state() private setup = false;
  @state() private form: Form = { count: '2', names: [], limit: '15', noLimit: false, countdown: '10', assign: 'auto' };
  /** Whose "Move to" menu is open. */
  @state() private menu: string | null = null;
  /** The panel under a dragged name: a room id, '' for the main room. */
  @state() private over: string | null = null;
  /** Nested: the room the moderator dragged their own name to, joined on Close. undefined: none. */
  @state() private selfTo: string | null | undefined = undefined;
  @state() private error = '';
  @state() private note = '';
  @state() private castOpen = false;
  @state() private castError = '';
  @state() private timeOpen = false;
  /** Standalone: what Open room did (the page opens it, or how to get there). */
  @state() private joinNote = '';

  private readonly conn: RoomConnection = new RoomConnection(this, {
    target: () => ({ server: this.server || location.origin, room: this.room, token: this.token }),
    observer: true,
    onEvent: (e, info) => {
      if (!this.ctx && !info.replayed) this.relay(e.event);
    },
    onError: (e) => this.emit('kaltura-error', { code: e.code, message: e.message, fatal: e.fatal }),
  });
  private readonly ticker = new Ticker(this, () => this.src.serverNow());
  private opened = false;
  private seen: RoomState | null = null;
  /** A name to keep focused (after a keyboard move) until it shows in its new room. */
  private focusId: { id: string; to: string | null } | null = null;
  private readonly onDocDown = (e: Event): void => {
    const li = this.renderRoot.querySelector('.menu')?.parentElement;
    if (li && !e.composedPath().includes(li)) this.menu = null;
  };

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('pointerdown', this.onDocDown, true);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('pointerdown', this.onDocDown, true);
  }

  /** The room state the dashboard shows (immutable; a new object on every change), or null before it has one. */
  get roomState(): RoomState | null {
    return this.src.state;
  }

  /** The room we work on: the surrounding room's, or our own console connection. */
  private get src(): RoomContextValue | RoomConnection {
    return this.ctx ?? this.conn;
  }

  private get me(): string | undefined {
    return this.src.self?.id;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (this.opened && (changed.has('room') || changed.has('server'))) this.conn.reset();
    const s = this.src.state;
    const b = s?.breakout;
    this.ticker.follow(b?.closingAt ?? (b?.status === 'running' ? b.endsAt : null) ?? null);
    const prev = this.seen?.breakout;
    this.seen = s;
    if (!b || !prev) return;
    if (b.closingAt !== null && prev.closingAt === null) {
      this.say(`Breakout is closing. Everyone returns to the main room in ${clock(b.closingAt - this.src.serverNow())}.`);
    }
    for (const c of b.calls) {
      if (!prev.calls.some((x) => x.id === c.id)) this.say(`${this.nameOf(s, c.userId)} in ${roomName(s, c.room)} is asking for help.`);
    }
    if (b.status !== 'running') this.selfTo = undefined;
  }

  protected override updated(): void {
    // Standalone: our own console connection, unless a room provides one.
    const want = !this.ctx && !!this.room && !!this.token;
    if (want !== this.opened) {
      this.opened = want;
      if (want) this.conn.open();
      else this.conn.close();
    }
    const f = this.focusId;
    const s = this.src.state;
    if (f && s) {
      // Only where focus got lost (its element re-rendered away), never taken from elsewhere.
      if (!this.shadowRoot!.activeElement) this.renderRoot.querySelector<HTMLElement>(`[data-id="${CSS.escape(f.id)}"]`)?.focus();
      if (this.where(s, f.id) === f.to) this.focusId = null;
    }
  }

  /** Standalone: tell the host page what happened in the room (with names, for its log). */
  private relay(e: RoomEvent): void {
    const s = this.src.state;
    const name = (id: string) => (s ? this.nameOf(s, id) : '');
    if (e.type === 'breakout-started') this.emit('kaltura-breakout-started', { resumed: e.resumed, endsAt: e.endsAt });
    if (e.type === 'breakout-ended') this.emit('kaltura-breakout-ended', { at: e.at });
    if (e.type === 'breakout-gathered') this.emit('kaltura-breakout-gathered', { returnTo: e.returnTo });
    if (e.type === 'help-requested') {
      this.emit('kaltura-help-requested', { call: e.call, name: name(e.call.userId), roomName: s ? roomName(s, e.call.room) : '' });
    }
    if (e.type === 'breakout-moved') {
      for (const [userId, to] of Object.entries(e.moved)) this.emit('kaltura-participant-moved', { userId, to, name: name(userId) });
    }
  }

  /**
   * Set up breakout rooms: the set-up form, or, when rooms exist, first the question whether to keep
   * them ("Keep existing rooms") or create new ones. Resolves true when the form opens.
   */
  async setUp(): Promise<boolean> {
    const b = this.src.state?.breakout;
    if (b?.status === 'running') return false;
    this.setup = !b?.config || (await askConfirm(this.renderRoot.querySelector<HTMLDialogElement>('#setup-dialog')));
    // Focus moves into the form (or, keeping the rooms, to their next step).
    void this.focusLater(this.setup ? '#count' : '[part="start-button"], #dash-title');
    return this.setup;
  }

  /**
   * Close the dashboard: join the room the moderator dragged their own name to (if any), then emit
   * `kaltura-dashboard-close`. Stays open when that join fails.
   */
  async close(): Promise<void> {
    const to = this.selfTo;
    if (to === undefined) this.emit('kaltura-dashboard-close', {});
    else await this.join(to);
  }

  /** Send a command; a refusal shows in the notice. Resolves true on success. */
  private async send(command: ClientCommand, done?: string): Promise<boolean> {
    this.error = '';
    try {
      await this.src.send(command);
      if (done) this.say(done);
      return true;
    } catch (e) {
      this.error = (e as Error).message;
      this.focusId = null;
      return false;
    }
  }

  /** After the next render, focus what matches (the new view's heading or first control). */
  private async focusLater(selector: string): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  /** Start breakout; the Start button goes away, so focus moves to the dashboard's heading. */
  private async start(): Promise<void> {
    if (await this.send({ type: 'breakout/start' })) void this.focusLater('#dash-title');
  }

  /** Announce in the status region (a repeated text is announced again). */
  private say(text: string): void {
    this.note = this.note === text ? `${text}\u00a0` : text;
  }

  /**
   * The moderator goes to a room now; nested, the dashboard then closes. Standalone, the console is
   * not in the room: the page is asked to open that room (`kaltura-request-join-room`); nobody
   * is moved and no call is answered until the moderator really arrives there.
   */
  private async join(to: string | null, callId?: number): Promise<void> {
    if (!this.ctx) {
      const name = this.src.state ? roomName(this.src.state, to) : '';
      const request = this.emit('kaltura-request-join-room', { to, name, ...(callId !== undefined ? { callId } : {}) }, { cancelable: true });
      this.error = '';
      this.joinNote = request.defaultPrevented
        ? `Opening ${name}…`
        : `This console is not in the room. To join ${name}, open the class and choose ${name} from the room name in the control bar.`;
      return;
    }
    if (await this.send({ type: 'breakout/join', to })) {
      this.selfTo = undefined;
      this.emit('kaltura-dashboard-close', { joined: to });
    }
  }

  private move(id: string, to: string | null): void {
    const s = this.src.state!;
    this.menu = null;
    this.focusId = { id, to };
    if (id === this.me) {
      // Our own name: nested, we go when the dashboard closes; standalone, at once.
      if (!this.ctx) return void this.join(to);
      const here = s.breakout.location[id] ?? null;
      this.selfTo = to === here ? undefined : to;
      this.say(to === here ? `You stay in ${roomName(s, here)}.` : `You will join ${roomName(s, to)} when you close the dashboard.`);
    } else if (this.where(s, id) !== to) {
      void this.send({ type: 'breakout/move', userId: id, to }, `${this.nameOf(s, id)} moves to ${roomName(s, to)}.`)
        .then(() => this.updateComplete)
        .then(() => (this.focusId = null));
    }
  }

  private nameOf(s: RoomState, id: string): string {
    return s.participants[id]?.name ?? id;
  }

  /** The room a person is shown in: where they are going, else where they are (or are planned). */
  private where(s: RoomState, id: string): string | null {
    const b = s.breakout;
    if (id === this.me && this.selfTo !== undefined) return this.selfTo;
    return (b.moves[id] ? b.moves[id].to : b.status === 'running' ? b.location[id] : b.plan[id]) ?? null;
  }

  /** dragover, dragleave and drop on a panel (`data-to`: room id, '' for the main room). */
  private onZone(e: DragEvent): void {
    const zone = e.currentTarget as HTMLElement;
    const dt = e.dataTransfer;
    if (!dt?.types.includes(MIME)) return;
    if (e.type === 'dragleave') {
      if (!zone.contains(e.relatedTarget as Node | null)) this.over = null;
      return;
    }
    e.preventDefault();
    const to = zone.dataset.to!;
    this.over = e.type === 'drop' ? null : to;
    if (e.type === 'drop') this.move(dt.getData(MIME), to || null);
  }

  private async openMenu(id: string): Promise<void> {
    this.menu = this.menu === id ? null : id;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('.menu button')?.focus();
  }

  /** The menu pattern: arrows, Home and End move; Enter picks (a button); Escape and Tab close. */
  private onMenuKey(e: KeyboardEvent): void {
    const items = [...this.renderRoot.querySelectorAll<HTMLElement>('.menu button')];
    const n = items.length;
    const i = items.indexOf(e.composedPath()[0] as HTMLElement);
    const next = { ArrowDown: i + 1, ArrowUp: i - 1 + n, Home: 0, End: n - 1 }[e.key];
    if (next !== undefined) {
      e.preventDefault();
      items[next % n].focus();
    } else if (e.key === 'Escape' || e.key === 'Tab') {
      if (e.key === 'Escape') {
        e.preventDefault();
        this.focusId = { id: this.menu!, to: this.where(this.src.state!, this.menu!) };
      }
      this.menu = null;
    }
  }

  // ---------------------------------------------------------------------------
  // Configure form
  // ---------------------------------------------------------------------------

  /** The form as a configure command (validated live with the server's own schema). */
  private get draft(): Extract<ClientCommand, { type: 'breakout/configure' }> {
    const f = this.form;
    const n = Math.min(101, Math.max(0, Math.floor(num(f.count)) || 0));
    return {
      type: 'breakout/configure',
      rooms: Array.from({ length: n }, (_, i) => f.names[i] ?? `Room ${i + 1}`),
      timeLimitMinutes: f.noLimit ? null : num(f.limit),
      countdownSeconds: num(f.countdown),
      assignment: f.assign,
    };
  }

  private onForm(e: Event): void {
    const t = e.target as HTMLInputElement;
    const f: Form = { ...this.form, names: [...this.form.names] };
    const k = t.name as 'count' | 'limit' | 'countdown';
    if (t.dataset.i) f.names[+t.dataset.i] = t.value;
    else if (t.type === 'checkbox') f.noLimit = t.checked;
    else if (t.type === 'radio') f.assign = t.value as AssignMode;
    else f[k] = t.value;
    this.form = f;
  }

  private async onCreate(e: Event): Promise<void> {
    e.preventDefault();
    const r = safeParse(BreakoutConfigSchema, this.draft);
    if (!r.success) this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    else if (await this.send(r.output, 'Breakout rooms created.')) {
      this.setup = false;
      // Into the new view: its next step, Start breakout.
      void this.focusLater('[part="start-button"]');
    }
  }

  // ---------------------------------------------------------------------------
  // Broadcast and add time
  // ---------------------------------------------------------------------------

  /** Open or close the Broadcast or Add time form; an opened form gets the focus. */
  private async toggle(which: 'castOpen' | 'timeOpen'): Promise<void> {
    this[which] = !this[which];
    await this.updateComplete;
    if (this[which]) this.renderRoot.querySelector<HTMLElement>(`.panel[part=${which === 'castOpen' ? 'broadcast' : 'add-time'}] :is(textarea, input)`)?.focus();
  }

  /** Text only: a file dragged or pasted onto the message is refused, not sent. */
  private noFiles(e: DragEvent | ClipboardEvent): void {
    if (!('dataTransfer' in e ? e.dataTransfer : e.clipboardData)?.types.includes('Files')) return;
    e.preventDefault();
    if (e.type !== 'dragover') this.castError = 'Broadcast supports text messages only, not files.';
  }

  private async onCast(e: Event): Promise<void> {
    e.preventDefault();
    const box = (e.target as HTMLFormElement).elements.namedItem('text') as HTMLTextAreaElement;
    const text = box.value.trim();
    this.castError = text ? '' : 'A broadcast cannot be empty.';
    if (text && (await this.send({ type: 'breakout/broadcast', text }, 'Message sent to all breakout rooms.'))) {
      box.value = '';
      this.castOpen = false;
    }
  }

  private async onAddTime(e: Event): Promise<void> {
    e.preventDefault();
    const minutes = +((e.target as HTMLFormElement).elements.namedItem('minutes') as HTMLInputElement).value;
    if (await this.send({ type: 'breakout/add-time', minutes }, `${minutes} minutes added.`)) this.timeOpen = false;
  }

  // ---------------------------------------------------------------------------
  // Rendering
  // ---------------------------------------------------------------------------

  override render(): TemplateResult {
    const { state: s, self, status } = this.src;
    const staff = !!self && isStaff(self.role);
    const rooms = staff && !!s?.breakout.config && !this.setup;
    return html`<div class="base" part="base">
      <header class="bar" part="toolbar">
        <h2 id="dash-title" tabindex="-1">Breakout rooms</h2>
        ${rooms ? this.renderTools(s) : html`<div class="tools"></div>`}
        ${this.ctx
          ? html`<button class="icon-btn" part="close-button" aria-label="Close dashboard" @click=${this.close}>${icon('close')}</button>`
          : nothing}
      </header>
      <div class="notice" part="notice" role="alert">${this.error}</div>
      ${this.joinNote ? html`<p class="notice" part="notice" role="status">${this.joinNote}</p>` : nothing}
      ${!s || !self
        ? html`<p class="empty" role="status">
            ${status === 'failed' ? this.src.error?.message : this.ctx || this.opened ? 'Connecting to the room…' : 'Join the room to manage breakout rooms.'}
          </p>`
        : !staff
          ? html`<p class="empty">Only hosts and moderators can manage breakout rooms.</p>`
          : rooms
            ? this.renderRooms(s)
            : this.renderConfigure(s)}
      <p class="visually-hidden" role="status">${this.note}</p>
      ${confirmDialog({
        id: 'setup-dialog',
        heading: 'Existing rooms are available',
        message: "You've already created breakout rooms. Would you like to keep them and their data or create new ones?",
        confirmLabel: 'Create new rooms',
        cancelLabel: 'Keep existing rooms',
        focusCancel: true,
      })}
    </div>`;
  }

  private renderTools(s: RoomState): TemplateResult {
    const b = s.breakout;
    const run = b.status === 'running';
    const closing = b.closingAt !== null;
    const live = run && !closing;
    const now = this.src.serverNow();
    const cmd = (label: string, type: 'breakout/shuffle' | 'breakout/rotate' | 'breakout/end', cls = '', part = '') =>
      html`<button class="btn ${cls}" part=${part || nothing} @click=${() => this.send({ type })}>${label}</button>`;
    return html`<div class="tools">
        ${live ? html`<button class="btn" aria-expanded=${this.castOpen} @click=${() => this.toggle('castOpen')}>Broadcast</button>` : nothing}
        ${live && b.endsAt !== null
          ? html`<button class="btn" part="timer" aria-expanded=${this.timeOpen} @click=${() => this.toggle('timeOpen')}>
              Remaining time <span class="time">${clock(b.endsAt - now)}</span>
            </button>`
          : nothing}
        ${closing ? html`<span class="closing" part="timer">Breakout ends in <span class="time">${clock(b.closingAt! - now)}</span></span>` : nothing}
      </div>
      <div class="tools end">
        ${closing ? nothing : [cmd('Shuffle', 'breakout/shuffle'), cmd('Move to next room', 'breakout/rotate')]}
        ${run ? nothing : html`<button class="btn" @click=${this.setUp}>Set up rooms</button>`}
        ${!run || (b.gathered && !closing)
          ? html`<button class="btn primary" part="start-button" @click=${this.start}>Start breakout</button>`
          : nothing}
        ${live ? cmd('End breakout', 'breakout/end', 'danger', 'end-button') : nothing}
      </div>`;
  }

  private renderRooms(s: RoomState): TemplateResult {
    const b = s.breakout;
    const live = b.status === 'running' && b.closingAt === null;
    const people = Object.values(s.participants).sort(
      (p, q) => Number(isStaff(p.role)) - Number(isStaff(q.role)) || p.name.localeCompare(q.name),
    );
    // The main room lists who is here; a breakout room also who left while in it.
    const inRoom = (to: string | null) => people.filter((p) => this.where(s, p.id) === to && (p.present || !!to));
    return html`${live && this.castOpen
        ? html`<form class="panel" part="broadcast" @submit=${this.onCast}>
            <label for="cast-text">Message</label>
            <textarea id="cast-text" name="text" rows="2" maxlength="2000" aria-describedby="cast-note cast-error"
              @dragover=${this.noFiles} @drop=${this.noFiles} @paste=${this.noFiles}></textarea>
            <p id="cast-note" class="hint">At this time we only support sending text messages and not files.</p>
            <p id="cast-error" class="err">${this.castError}</p>
            <button class="btn primary">Broadcast</button>
          </form>`
        : nothing}
      ${live && b.endsAt !== null && this.timeOpen
        ? html`<form class="panel" part="add-time" @submit=${this.onAddTime}>
            <label>Minutes <input name="minutes" type="number" min="1" max="120" value="5" required /></label>
            <button class="btn primary">Add time</button>
          </form>`
        : nothing}
      ${this.selfTo !== undefined
        ? html`<p class="notice">You will join ${roomName(s, this.selfTo)} when you close the dashboard.
            <button class="link" @click=${() => (this.selfTo = undefined)}>Stay here</button></p>`
        : nothing}
      <p class="hint" id="dnd-hint">Drag a name to another room, or select it to choose a room.</p>
      <div class="rooms">
        ${this.renderPanel(s, null, 'Main room', inRoom(null), live && !b.gathered
          ? html`<button class="btn" part="gather-button" @click=${() => this.send({ type: 'breakout/gather' })}>Gather everyone</button>`
          : nothing)}
        <div class="grid">
          ${repeat(b.config!.rooms, (r) => r.id, (r) => this.renderPanel(s, r.id, r.name, inRoom(r.id), live
            ? html`<button class="btn" part="join-button" aria-describedby="n-${r.id}" @click=${() => this.join(r.id)}>${this.ctx ? 'Join room' : 'Open room…'}</button>`
            : nothing))}
        </div>
      </div>`;
  }

  private renderPanel(s: RoomState, id: string | null, name: string, members: Participant[], action: unknown): TemplateResult {
    const key = id ?? '';
    const calls = s.breakout.calls.filter((c) => c.room === id);
    const over = this.over === key;
    return html`<section
      class="room ${over ? 'over' : ''}"
      part=${id ? (over ? 'room room-over' : 'room') : 'main-room'}
      data-to=${key}
      aria-labelledby="n-${id ?? 'main'}"
      @dragover=${this.onZone}
      @dragleave=${this.onZone}
      @drop=${this.onZone}
    >
      <h3 part="room-name" id="n-${id ?? 'main'}">${name} <span class="tag">${members.length}<span class="visually-hidden"> in the room</span></span></h3>
      <ul>
        ${calls
          .filter((c) => !members.some((p) => p.id === c.userId))
          .map((c) => html`<li class="calling" part="call">${icon('bell')} ${this.nameOf(s, c.userId)} ${this.renderCall(s, c)}</li>`)}
        ${repeat(members, (p) => p.id, (p) => this.renderMember(s, p, calls.filter((c) => c.userId === p.id)))}
      </ul>
      ${action}
    </section>`;
  }

  private renderCall(s: RoomState, c: HelpCall): TemplateResult {
    // Standalone, the console cannot join: its button opens the room through the page, and says so.
    const label = this.ctx ? 'Join' : 'Open room…';
    return html`<span class="acts"><button class="btn call" part="join-button" @click=${() => this.join(c.room, c.id)}>${label}</button>
      <button class="icon-btn" aria-label="Dismiss call from ${this.nameOf(s, c.userId)}" @click=${() => this.send({ type: 'breakout/dismiss', callId: c.id })}>
        ${icon('close')}
      </button></span>`;
  }

  private renderMember(s: RoomState, p: Participant, calls: HelpCall[]): TemplateResult {
    const b = s.breakout;
    const mine = p.id === this.me;
    const open = this.menu === p.id;
    const marker = mine && this.selfTo !== undefined ? 'when you close' : b.moves[p.id] ? 'moving…' : p.present ? '' : 'away';
    const label = html`${calls.length ? icon('bell') : nothing}${p.name}${mine ? ' (You)' : ''}${calls.length
        ? html`<span class="visually-hidden">, asking for help</span>`
        : nothing}
      ${marker ? html`<span class="tag">${marker}</span>` : nothing}`;
    // While breakout runs anyone can be moved; before, only participants (staff move themselves).
    const movable = b.status === 'running' ? b.closingAt === null : !isStaff(p.role);
    return html`<li class=${calls.length ? 'calling' : ''} part=${calls.length ? 'member call' : 'member'}>
      ${movable
        ? html`<button
            class="chip"
            data-id=${p.id}
            draggable="true"
            aria-haspopup="menu"
            aria-expanded=${open}
            aria-describedby="dnd-hint"
            @click=${() => this.openMenu(p.id)}
            @dragstart=${(e: DragEvent) => e.dataTransfer?.setData(MIME, p.id)}
            @dragend=${() => (this.over = null)}
          >${label}</button>`
        : html`<span class="chip">${label}</span>`}
      ${calls.map((c) => this.renderCall(s, c))}
      ${open
        ? html`<div class="menu" part="move-menu" role="menu" aria-label="Move ${p.name} to" @keydown=${this.onMenuKey}>
            ${[null, ...b.config!.rooms.map((r) => r.id)]
              .filter((t) => t !== this.where(s, p.id))
              .map((t) => html`<button role="menuitem" tabindex="-1" @click=${() => this.move(p.id, t)}>${roomName(s, t)}</button>`)}
          </div>`
        : nothing}
    </li>`;
  }

  private renderConfigure(s: RoomState): TemplateResult {
    const f = this.form;
    const d = this.draft;
    const r = safeParse(BreakoutConfigSchema, d);
    const errs: Record<string, string[]> = r.success ? {} : fieldErrors(r.issues);
    const field = (key: string, id: string, label: string, value: string, attrs: { min: number; max: number; disabled?: boolean }) =>
      html`<label for=${id}>${label}</label>
        <input id=${id} name=${id} type="number" min=${attrs.min} max=${attrs.max} .value=${value} ?disabled=${attrs.disabled}
          aria-invalid=${!!errs[key]} aria-describedby="${id}-error" />
        <p class="err" id="${id}-error">${errs[key]?.join(' ')}</p>`;
    return html`<form class="configure" part="configure" novalidate @input=${this.onForm} @submit=${this.onCreate}>
      ${field('rooms', 'count', 'Number of rooms', f.count, { min: 1, max: 100 })}
      <fieldset>
        <legend>Room names</legend>
        <ol>
          ${d.rooms.map((v, i) => html`<li>
            <input data-i=${i} .value=${v} maxlength="60" aria-label="Name of room ${i + 1}"
              aria-invalid=${!!errs[`rooms.${i}`]} aria-describedby="name-error-${i}" />
            <p class="err" id="name-error-${i}">${errs[`rooms.${i}`]?.join(' ')}</p>
          </li>`)}
        </ol>
      </fieldset>
      <fieldset>
        <legend>Time limit</legend>
        ${field('timeLimitMinutes', 'limit', 'Minutes', f.limit, { min: 1, max: 600, disabled: f.noLimit })}
        <label><input type="checkbox" .checked=${f.noLimit} /> No time limit</label>
      </fieldset>
      ${field('countdownSeconds', 'countdown', 'Countdown before people move (seconds)', f.countdown, { min: 0, max: 60 })}
      <fieldset>
        <legend>Assign participants</legend>
        ${(
          [
            ['auto', 'Automatically'],
            ['manual', 'Manually'],
            ['mixed', 'Both (automatic, then adjust by hand)'],
          ] as const
        ).map(([v, text]) => html`<label><input type="radio" name="assign" value=${v} .checked=${f.assign === v} /> ${text}</label>`)}
      </fieldset>
      <div class="actions">
        ${s.breakout.config
          ? html`<button type="button" class="btn" @click=${() => {
              this.setup = false;
              void this.focusLater('[part="start-button"], #dash-title');
            }}>Keep existing rooms</button>`
          : nothing}
        <button class="btn primary">Create rooms</button>
      </div>
    </form>`;
  }
}
