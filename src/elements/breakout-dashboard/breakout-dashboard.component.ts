import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { safeParse } from 'valibot';
import { RoomConnection } from '../../client/room-connection.ts';
import { roomContext, type RoomContextValue } from '../../context/room-context.ts';
import { roomName } from '../../protocol/breakout.ts';
import { BreakoutConfigSchema } from '../../protocol/breakout-config.ts';
import { isStaff, type ClientCommand, type RoomEvent, type RoomState } from '../../protocol/types.ts';
import { askConfirm, confirmDialog } from '../shared/confirm-dialog.ts';
import { icon } from '../shared/icons.ts';
import { KalturaElement } from '../shared/kaltura-element.ts';
import { MenuButton } from '../../controllers/menu-button.ts';
// Shared with the room (already in the drop-in): the bell and the once-a-second re-render.
import { Ticker } from '../../controllers/ticker.ts';
import { chipSelector, MIME, renderRooms } from './parts/rooms.ts';
import { initialSetup, renderSetupForm, setupCommand, setupInput, type SetupForm } from './parts/setup-form.ts';
import { clock, renderToolbar } from './parts/toolbar.ts';
import { styles } from './breakout-dashboard.styles.ts';

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
  @state() private form: SetupForm = initialSetup();
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
    console: true,
    onEvent: (e, info) => {
      if (!this.ctx && !info.replayed) this.relay(e.event);
    },
    onError: (e) => this.emit('kaltura-error', { code: e.code, message: e.message, fatal: e.fatal }),
  });
  private readonly ticker = new Ticker(this, () => this.src.serverNow());
  /** The "Move to" menus, one per movable name (keyed by user id), one open at a time. */
  private readonly moveMenu = new MenuButton(this, chipSelector);
  private opened = false;
  private seen: RoomState | null = null;
  /** A name to keep focused (after a keyboard move) until it shows in its new room. */
  private focusId: { id: string; to: string | null } | null = null;
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
    this.moveMenu.close();
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

  // ---------------------------------------------------------------------------
  // Configure form
  // ---------------------------------------------------------------------------

  private async onCreate(e: Event): Promise<void> {
    e.preventDefault();
    const r = safeParse(BreakoutConfigSchema, setupCommand(this.form));
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
        ${rooms
          ? renderToolbar({
              breakout: s.breakout,
              now: this.src.serverNow(),
              castOpen: this.castOpen,
              timeOpen: this.timeOpen,
              onToggle: (which) => void this.toggle(which),
              onCommand: (type) => void this.send({ type }),
              onSetUp: () => void this.setUp(),
              onStart: () => void this.start(),
            })
          : html`<div class="tools"></div>`}
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
            : renderSetupForm({
                form: this.form,
                hasRooms: !!s.breakout.config,
                onInput: (e) => (this.form = setupInput(this.form, e)),
                onSubmit: (e) => void this.onCreate(e),
                onKeep: () => {
                  this.setup = false;
                  void this.focusLater('[part="start-button"], #dash-title');
                },
              })}
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

  private renderRooms(s: RoomState): TemplateResult {
    return renderRooms({
      state: s,
      me: this.me,
      nested: !!this.ctx,
      selfTo: this.selfTo,
      over: this.over,
      castOpen: this.castOpen,
      castError: this.castError,
      timeOpen: this.timeOpen,
      menu: this.moveMenu,
      where: (id) => this.where(s, id),
      nameOf: (id) => this.nameOf(s, id),
      onCast: (e) => void this.onCast(e),
      onAddTime: (e) => void this.onAddTime(e),
      noFiles: (e) => this.noFiles(e),
      onStay: () => (this.selfTo = undefined),
      onGather: () => void this.send({ type: 'breakout/gather' }),
      onJoin: (to, callId) => void this.join(to, callId),
      onDismiss: (callId) => void this.send({ type: 'breakout/dismiss', callId }),
      onMove: (id, to) => this.move(id, to),
      onZone: (e) => this.onZone(e),
      onDragEnd: () => (this.over = null),
    });
  }
}
