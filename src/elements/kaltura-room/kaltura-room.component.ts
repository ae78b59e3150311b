import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import { ContextProvider } from '@lit/context';
import {
  RoomConnection,
  RoomCommandError,
  type ConnectionStatus,
  type RoomSelf,
} from '../../client/room-connection.ts';
import {
  MediaMesh,
  describeMediaIssue,
  type MediaIssue,
  type MediaKind,
  type PeerFactory,
} from '../../client/media-mesh.ts';
import { roomContext, type RoomContextValue } from '../../context/room-context.ts';
import { locationOf, roomName } from '../../protocol/breakout.ts';
import {
  isStaff,
  type ChatMessage,
  type ClientCommand,
  type Participant,
  type Role,
  type RoomEvent,
  type RoomState,
} from '../../protocol/types.ts';
import { askConfirm, closeDialogs, confirmDialog } from '../shared/confirm-dialog.ts';
import { icon, type IconName } from '../shared/icons.ts';
import { formatDuration } from '../shared/format.ts';
import { KalturaElement } from '../shared/kaltura-element.ts';
import { MenuButton, renderMenuButton } from '../shared/menu-button.ts';
import { FocusTrap } from '../shared/focus-trap.ts';
import { canRemove, removeButton, removeDialog, removedScreen } from './removal.ts';
import { styles } from './kaltura-room.styles.ts';
import { partStyles } from './parts.styles.ts';
import { Ticker } from './ticker.ts';
import { EXPIRED_NOTE, TokenRefresh } from './token-refresh.ts';
import { Engagement } from './engagement.ts';
import { renderStats, sessionStats } from './session-stats.ts';
import { endedScreen } from './ended-screen.ts';
import { RoomStatusCheck } from './room-status.ts';
import { Cooldown, rateLimitedText } from './rate-limit.ts';
import type {} from './breakout-events.ts';

type View = 'prejoin' | 'room' | 'left' | 'ended' | 'restarted' | 'failed' | 'removed';

const STATUS_TEXT: Record<ConnectionStatus, string> = {
  idle: 'Not connected',
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  left: 'Left',
  failed: 'Disconnected',
};

const ROLE_TEXT: Record<Role, string> = { host: 'Host', moderator: 'Moderator', participant: 'Participant' };
const ROLE_ORDER: Record<Role, number> = { host: 0, moderator: 1, participant: 2 };

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0]!, parts[parts.length - 1]!] : parts;
  return letters.map((p) => [...p][0]!.toUpperCase()).join('') || '?';
}

/** Remaining time, as the dashboard and the stage tab show it. */
const clockText = (ms: number): string => formatDuration(ms, 'up');

type BarPanel = 'broadcast' | 'time' | 'rooms';
type Panel = 'chat' | 'people' | 'assistant' | 'stage';
const STAGE_TEXT = { assistant: 'Assistant', stage: 'Live stage' } as const;

const FILES_NOTE = 'At this time we only support sending text messages and not files.';

/**
 * @summary A live virtual classroom: camera and microphone, a video grid, participants, chat,
 * leaving or ending the session, and breakout rooms. Drop it into any page with one script tag.
 *
 * Breakout rooms: video, audio and chat follow the room the user is in (the main room or one
 * breakout room); participants see a countdown before they move, and in a breakout room a bar
 * with the room name, the remaining time and Call moderator. Hosts and moderators get Breakout
 * in the menu and, while breakout runs, a control bar (Broadcast, Remaining time, switch rooms,
 * calls, Open dashboard, End breakout). The dashboard is a `<breakout-dashboard>` shown over the
 * room; define that element (the drop-in script does) for it to appear.
 *
 * Event sessions (`session` in the room state): hosts and moderators get an Assistant tab (AI
 * assistant on: attendees, chat mood, engagement rate, time to end) or a Live stage tab (attendees,
 * turnout, engagement rate, time to end) beside Chat and Participants. Everyone's browser reports
 * whether they are engaged: the tab visible and focused (or full screen) with the Sound toggle on.
 *
 * @tag kaltura-room
 *
 * @slot - Extra room content, shown under the video and chat while the user is in the session
 * (for example a `<breakout-dashboard>` for moderators). Nested elements get the room from `roomContext`.
 *
 * @event kaltura-joined - The user joined (or rejoined) the room. `detail: { room, self }`.
 * @event kaltura-left - The user left the session. `detail: { room }`.
 * @event kaltura-session-ended - The session ended for everyone. `detail: { reason, by }`.
 * @event kaltura-session-started - An ended session was started again. `detail: { by }`.
 * @event kaltura-participant-joined - Someone else joined. `detail: { participant }`.
 * @event kaltura-participant-left - Someone else left. `detail: { userId, name }`.
 * @event kaltura-error - Something went wrong. `detail: { code, message, fatal }`.
 * @event kaltura-request-token - Cancelable. The join token expires in about a minute: answer with
 *   `event.detail.respond(newToken)` (or set `token`) to stay in the room. `detail: { expiresAt, respond }`.
 * @event kaltura-connection-change - The connection status changed. `detail: { status, previous }`.
 * @event kaltura-breakout-started - Breakout rooms opened (`resumed`: after a gather). `detail: { resumed, endsAt }`.
 * @event kaltura-breakout-ended - Breakout is over; everyone is in the main room. `detail: { at }`.
 * @event kaltura-breakout-gathered - Everyone was gathered to the main room (breakout goes on). `detail: { returnTo }`.
 * @event kaltura-participant-moved - Someone (the user too) is now in another room; `to` null: the main room. `detail: { userId, to, name }`.
 * @event kaltura-help-requested - A participant called a moderator (hosts and moderators hear of every call,
 * a participant of their own). `detail: { call, name, roomName }`.
 *
 * @csspart base - The outer wrapper of every screen.
 * @csspart header - The top bar with the title, connection state, End Session and the menu.
 * @csspart title - The room title in the top bar.
 * @csspart status - The connection state indicator.
 * @csspart end-button - The End Session button (hosts and moderators).
 * @csspart menu-button - The top bar's "three dots" menu button (Leave Session).
 * @csspart menu - The menu it opens.
 * @csspart tools-button - Hosts and moderators: the bottom toolbar's "three dots" menu button (Breakout).
 * @csspart tools-menu - The menu it opens.
 * @csspart remove-button - Hosts and moderators: "Remove from session" beside a person in the participants list.
 * @csspart menu-item - Each menu item.
 * @csspart stage - The area holding the video grid and the controls.
 * @csspart grid - The video grid.
 * @csspart tile - One participant's video tile (the own tile also has `tile-self`).
 * @csspart video - The `<video>` in a tile or in the preview.
 * @csspart avatar - The initials shown when a camera is off.
 * @csspart name - The name label of a tile.
 * @csspart controls - The bar of media toggles (Microphone, Camera, Sound).
 * @csspart control - Each media toggle button.
 * @csspart sidebar - The panel with the chat and participants tabs.
 * @csspart participants - The participant list.
 * @csspart chat - The chat panel.
 * @csspart chat-log - The list of chat messages.
 * @csspart chat-input - The chat text field.
 * @csspart chat-note - The note under the chat field (for example, when messages are sent too quickly).
 * @csspart prejoin - The pre-join screen.
 * @csspart preview - The camera preview on the pre-join screen.
 * @csspart join-button - The Join button.
 * @csspart screen - The left, ended and error screens.
 * @csspart notice - Error and information banners.
 * @csspart dialog - The confirmation dialogs.
 * @csspart dialog-title - A dialog's heading.
 * @csspart dialog-confirm - A dialog's confirming button.
 * @csspart dialog-cancel - A dialog's cancelling button.
 * @csspart control-bar - Hosts and moderators, while breakout runs: the breakout control bar.
 * @csspart broadcast-button - The control bar's Broadcast button.
 * @csspart remaining-time - The control bar's Remaining time button (with a time limit only).
 * @csspart room-switch - The control bar's current room name, which opens the room list.
 * @csspart calls - The bell with the number of help calls.
 * @csspart dashboard-button - The control bar's Open dashboard button.
 * @csspart end-breakout - The End breakout button.
 * @csspart bar-panel - The small panels the control bar opens (broadcast, add time, rooms).
 * @csspart room-list - The list of rooms, each with Join room.
 * @csspart breakout-bar - Participants in a breakout room: the bar with the room name, time and Call moderator.
 * @csspart call-button - The Call moderator button.
 * @csspart countdown - The countdown shown before the user moves to another room.
 * @csspart dashboard - The overlay holding the breakout dashboard.
 * @csspart broadcast - A broadcast message in the chat.
 * @csspart stage-tab - Hosts and moderators of an event session: the Live stage tab, and the Assistant tab (AI assistant on).
 * @csspart stats - The list of figures in that tab.
 * @csspart stat - Each figure (label, value, explanation).
 *
 * @cssproperty [--kaltura-font=system-ui, sans-serif] - Font family.
 * @cssproperty [--kaltura-font-size=15px] - Base font size.
 * @cssproperty [--kaltura-bg=#ffffff] - Background of the element and dialogs.
 * @cssproperty [--kaltura-surface=#f5f6f8] - Background of the top bar and panels.
 * @cssproperty [--kaltura-surface-2=#e9ecf1] - Background of inputs and hovered items.
 * @cssproperty [--kaltura-text=#1a1f29] - Text color.
 * @cssproperty [--kaltura-text-muted=#5a6373] - Secondary text color.
 * @cssproperty [--kaltura-border=#dde1e8] - Border color.
 * @cssproperty [--kaltura-accent=#1b64f2] - Accent color (primary buttons, focus, own chat).
 * @cssproperty [--kaltura-accent-text=#ffffff] - Text on the accent color.
 * @cssproperty [--kaltura-danger=#d42a20] - Destructive actions and muted toggles.
 * @cssproperty [--kaltura-success=#1f9d55] - The "connected" indicator.
 * @cssproperty [--kaltura-warning=#a35f00] - The "reconnecting" indicator.
 * @cssproperty [--kaltura-stage-bg=#10131a] - Background behind the video grid.
 * @cssproperty [--kaltura-tile-bg=#222834] - Background of a video tile.
 * @cssproperty [--kaltura-radius=12px] - Corner radius of tiles, panels and dialogs.
 * @cssproperty [--kaltura-gap=12px] - Spacing between tiles and regions.
 * @cssproperty [--kaltura-focus-color=#1b64f2] - The focus outline color.
 * @cssproperty [--kaltura-height=600px] - Height of the room in the wide layout.
 * @cssproperty [--kaltura-sidebar-width=320px] - Width of the chat/participants panel in the wide layout.
 * @cssproperty [--kaltura-bar-bg=#1f2a44] - Background of the breakout control bar and breakout bar.
 * @cssproperty [--kaltura-bar-text=#ffffff] - Text color on those bars.
 * @cssproperty [--kaltura-broadcast=#7a4cc2] - Accent of broadcast messages.
 * @cssproperty [--kaltura-call=#f2b01b] - The help-call bell.
 * @cssproperty [--kaltura-overlay-bg=rgb(10 14 22 / 0.72)] - Backdrop of the countdown.
 */
export class KalturaRoom extends KalturaElement {
  static override styles = [styles, partStyles];

  /** Base URL of the room server (http or https). Defaults to the page's origin. */
  @property({ reflect: true }) server = '';

  /** The room to join (letters, digits, `.`, `_`, `-`). */
  @property({ reflect: true }) room = '';

  /** The signed join token from the embedding site; it says who the user is and their role. */
  @property() token = '';

  /** A friendly title shown in the top bar and on the pre-join screen (defaults to the room name). */
  @property() label = '';

  /** ICE servers for the media connections (STUN/TURN). Empty by default: host candidates only. */
  @property({ attribute: false }) iceServers: RTCIceServer[] = [];

  /** Makes the PeerJS peer. Replace it to use another signaling transport, or a fake in tests. */
  @property({ attribute: false }) peerFactory: PeerFactory | null = null;

  @state() private joined = false;
  @state() private joining = false;
  @state() private left = false;
  @state() private inSession = false;
  @state() private restartedBy: string | null = null;
  @state() private panel: Panel = 'chat';
  /** The room's sound (everyone else's audio) is on; muting it also means "not engaged". */
  @state() private soundOn = true;
  @state() private unread = 0;
  @state() private notice = '';
  @state() private starting = false;
  /** A host or moderator removed this user from the session. */
  @state() private removed = false;
  /** Whom the "Remove from session" confirmation is about. */
  @state() private removing: Participant | null = null;
  /** The breakout dashboard overlay is open. */
  @state() private dashboardOpen = false;
  /** Which control-bar panel is open. */
  @state() private barPanel: BarPanel | null = null;
  /** The polite announcement of breakout news (countdowns once, calls). */
  @state() private liveText = '';
  /** A short note for a participant whose call was cleared; `until` is server time. */
  @state() private callNote: { text: string; until: number } | null = null;
  @state() private broadcastNote = '';

  @query('#leave-dialog') private leaveDialog!: HTMLDialogElement | null;
  @query('#end-dialog') private endDialog!: HTMLDialogElement | null;

  private readonly connection: RoomConnection = new RoomConnection(this, {
    target: () => ({ server: this.serverBase, room: this.room, token: this.token }),
    onWelcome: (self, info) => this.onWelcome(self, info.resumed, info.state),
    onEvent: (e, info) => this.onRoomEvent(e.event, info.previous, info.state),
    onStatusChange: (status, previous) => {
      this.emit('kaltura-connection-change', { status, previous });
    },
    onTokenExpiring: (expiresAt) => this.tokenRefresh.expiring(expiresAt),
    onError: (error) => {
      if (error.code === 'token-expired') this.signInExpired(); // leaves cleanly, saying why
      if (error.code === 'removed') this.removed = true;
      if (error.fatal) this.onFatal();
      else this.notice = error.code === 'rate-limited' ? rateLimitedText(error.retryAfterMs, false) : error.message;
      this.emit('kaltura-error', { code: error.code, message: error.message, fatal: error.fatal });
    },
  });

  private readonly mesh: MediaMesh = new MediaMesh(this, {
    onError: (error) => {
      this.notice = "Video and audio from the others can't be connected right now.";
      this.emit('kaltura-error', { code: error.code, message: error.message, fatal: false });
    },
  });

  /** Before joining: has the session ended? (room-status.ts) */
  private readonly statusCheck = new RoomStatusCheck(this, {
    target: () => ({ server: this.serverBase, room: this.room, token: this.token }),
    onResult: (r, previous) => this.onPreJoinStatus(r.status, previous?.status),
  });
  /** A chat message refused as rate-limited: Send waits this out (rate-limit.ts). */
  private readonly chatWait = new Cooldown(this);
  /** A camera or microphone change refused as rate-limited: sent again after the wait. */
  private readonly mediaWait = new Cooldown(this, () => this.sendMediaState());
  /** Start Session was pressed before joining: start it once the room welcomes us. */
  private startOnWelcome = false;
  private readonly tokenRefresh = new TokenRefresh(this, (token) => this.connection.refreshToken(token), (text) => (this.notice = text));
  private readonly provider = new ContextProvider(this, { context: roomContext });
  private readonly ticker = new Ticker(this, () => this.connection.serverNow());
  private readonly engagement = new Engagement(this, {
    active: () => this.view === 'room' && this.connection.connected && !!this.me?.present,
    soundOn: () => this.soundOn,
    // Best effort: a lost report is sent again after the next join or reconnect.
    report: (engaged) => void this.connection.send({ type: 'engagement/report', engaged }).catch(() => {}),
  });
  private countdownKey = '';
  /** The last refusal `command()` met (null after a success). */
  private lastRefusal: RoomCommandError | null = null;
  /** The camera and microphone as last sent on this connection (null: as the state says). */
  private sentMedia: { audio: boolean; video: boolean } | null = null;
  private dashboardOpener: HTMLElement | null = null;
  private publishedSnapshot: unknown = null;
  private awaitingJoin = false;
  private stickToBottom = true;
  private lastView: View | null = null;
  /** The top bar's "three dots" (Leave Session) and the bottom toolbar's (Breakout). */
  private readonly topMenu = new MenuButton(this, 'menu-button');
  /** While the dashboard shows over the room, Tab stays in it and Escape closes it (as its Close button). */
  private readonly dashboardTrap = new FocusTrap(() => {
    const dashboard = this.renderRoot.querySelector('breakout-dashboard') as (HTMLElement & { close?: () => Promise<void> }) | null;
    if (dashboard?.close) void dashboard.close();
    else this.closeDashboard();
  });
  private readonly toolsMenu = new MenuButton(this, 'tools-button');
  private readonly onDocPointerDown = (e: PointerEvent) => {
    const bar = this.renderRoot.querySelector('.control-bar');
    if (this.barPanel && bar && !e.composedPath().includes(bar)) this.barPanel = null;
  };

  /** The connection status. */
  get status(): ConnectionStatus {
    return this.connection.status;
  }

  /** The mirrored room state (immutable; a new object on every change), or null before joining. */
  get roomState(): RoomState | null {
    return this.connection.state;
  }

  /** The current user as the server verified them, or null before joining. */
  get self(): RoomSelf | null {
    return this.connection.self;
  }

  private get serverBase(): string {
    return this.server || globalThis.location?.origin || '';
  }

  private get me(): Participant | null {
    const s = this.connection.state;
    const id = this.connection.self?.id;
    return (s && id && s.participants[id]) || null;
  }

  private get staff(): boolean {
    const role = this.connection.self?.role ?? this.preJoinEnded?.role;
    return !!role && isStaff(role);
  }

  private get view(): View {
    const c = this.connection;
    if (this.removed) return 'removed';
    if (c.status === 'failed') return 'failed';
    if (this.left) return 'left';
    if (!this.joined || !c.state) return this.preJoinEnded ? 'ended' : 'prejoin';
    if (c.state.status === 'ended') return 'ended';
    if (!this.inSession) return 'restarted';
    return 'room';
  }

  /** Before joining, the room's status endpoint said the session has ended. */
  private get preJoinEnded() {
    const r = this.statusCheck.result;
    return !this.joined && r?.status === 'ended' ? r : null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('pointerdown', this.onDocPointerDown, true);
    // The pre-join preview starts right away; after a move in the page, the room's media comes back.
    const view = this.view;
    if (view === 'prejoin') void this.mesh.startLocal();
    else if (view === 'room' && this.inSession) this.enterSession();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('pointerdown', this.onDocPointerDown, true);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const log = this.renderRoot?.querySelector?.('.log');
    // Follow new chat messages unless the user scrolled up to read older ones.
    this.stickToBottom = !log || log.scrollHeight - log.scrollTop - log.clientHeight < 48;
    if (changed.has('iceServers')) this.mesh.iceServers = this.iceServers;
    if (changed.has('token') && this.hasUpdated && this.connection.connected) this.tokenRefresh.supply(this.token);
    if (changed.has('peerFactory') && this.peerFactory) this.mesh.peerFactory = this.peerFactory;
    if ((changed.has('room') || changed.has('server')) && this.hasUpdated && (this.joined || this.joining)) {
      // Another room: start over in it.
      this.mesh.disconnect();
      this.inSession = false;
      this.joined = false;
      this.awaitingJoin = true;
      this.joining = true;
      this.connection.reset();
    }
    // Before joining, ask whether the session has ended (once per room; see room-status.ts).
    if (!this.joined && !this.joining && !this.left && !this.removed && this.connection.status !== 'failed') this.statusCheck.want();
    if (this.view !== 'room') {
      this.topMenu.close();
      this.toolsMenu.close();
    }
    if ((this.panel === 'stage' || this.panel === 'assistant') && !this.stageTabs.includes(this.panel)) this.panel = 'chat';
    this.followBreakout();
    const snap = this.connection.snapshot;
    if (snap !== this.publishedSnapshot) {
      this.publishedSnapshot = snap;
      const value: RoomContextValue = Object.freeze({
        ...snap,
        serverNow: () => this.connection.serverNow(),
        send: (command: ClientCommand) => this.connection.send(command),
      });
      this.provider.setValue(value);
    }
  }

  protected override updated(): void {
    const log = this.renderRoot.querySelector('.log');
    if (log && this.stickToBottom) log.scrollTop = log.scrollHeight;
    const view = this.view;
    if (view !== this.lastView) {
      const previous = this.lastView;
      this.lastView = view;
      if (view !== 'room') closeDialogs(this.renderRoot);
      // Moving between screens: put focus where the news is, if it was in the room or got lost.
      const active = document.activeElement;
      const lost = !active || active === document.body;
      if (previous && (lost || this.matches(':focus-within'))) {
        const target = this.renderRoot.querySelector<HTMLElement>('[data-focus-on-show]');
        target?.focus({ preventScroll: true });
      }
    }
  }

  // ---------------------------------------------------------------------------
  // Actions (public API)
  // ---------------------------------------------------------------------------

  /** Join the room (what the Join button does). Also rejoins after leaving. */
  async join(): Promise<void> {
    if (this.joining) return;
    this.joining = true;
    this.notice = '';
    this.awaitingJoin = true;
    await this.mesh.startLocal();
    this.connection.open();
  }

  /** Stop trying to join (while the server cannot be reached). */
  cancelJoin(): void {
    if (!this.joining) return;
    this.joining = false;
    this.awaitingJoin = false;
    this.startOnWelcome = false;
    this.starting = false;
    this.connection.close('idle');
  }

  /** Leave the session without asking (the menu's Leave Session asks first). */
  async leave(): Promise<void> {
    this.topMenu.close();
    await this.connection.leave();
    this.mesh.stop();
    this.inSession = false;
    this.joined = false;
    this.joining = false;
    this.left = true;
    this.restartedBy = null;
    this.emit('kaltura-left', { room: this.room });
  }

  /** End the session for everyone, without asking (hosts and moderators only). */
  async endSession(): Promise<void> {
    await this.command({ type: 'session/end' });
  }

  /**
   * While breakout runs, go to a breakout room (a room id; null: the main room), as the control
   * bar's room list does (hosts and moderators only). Resolves true when the server agreed.
   */
  joinBreakoutRoom(to: string | null): Promise<boolean> {
    return this.command({ type: 'breakout/join', to });
  }

  /** Start an ended session again (hosts and moderators only). */
  async startSession(): Promise<void> {
    if (this.preJoinEnded) {
      // A late arrival's ended screen: join first (not counted while ended), then start it.
      this.starting = true;
      this.startOnWelcome = true;
      return this.join();
    }
    this.starting = true;
    try {
      await this.command({ type: 'session/start' });
    } finally {
      this.starting = false;
    }
  }

  // ---------------------------------------------------------------------------
  // Connection callbacks
  // ---------------------------------------------------------------------------

  private onWelcome(self: RoomSelf, resumed: boolean, state: RoomState): void {
    // A new connection: what the server knows is in the state it just sent.
    this.sentMedia = null;
    const fresh = this.awaitingJoin || !resumed;
    this.awaitingJoin = false;
    this.statusCheck.forget();
    const start = this.startOnWelcome;
    this.startOnWelcome = false;
    if (start && state.status === 'open') this.starting = false; // someone else started it meanwhile
    this.joining = false;
    this.joined = true;
    this.left = false;
    if (fresh) {
      this.emit('kaltura-joined', { room: state.room, self: { ...self } });
      if (state.status === 'open') this.enterSession();
      else {
        // A late arrival to an ended session: the ended screen, and the camera goes off.
        this.inSession = false;
        this.mesh.stop();
        if (start) void this.startSession();
      }
    } else if (this.inSession && state.status === 'open') {
      // Resumed: the server may have given this connection a new peer id.
      this.connectMesh();
      this.sendMediaState();
    }
  }

  private onRoomEvent(event: RoomEvent, previous: RoomState, state: RoomState): void {
    const selfId = this.connection.self?.id;
    switch (event.type) {
      case 'participant-joined': {
        const p = event.participant;
        if (p.id !== selfId && !previous.participants[p.id]?.present) {
          this.emit('kaltura-participant-joined', { participant: p });
        }
        // Our own join lands just after the welcome: now the server can record our camera and microphone.
        if (p.id === selfId) queueMicrotask(() => this.sendMediaState());
        break;
      }
      case 'participant-left': {
        const p = previous.participants[event.userId];
        if (event.userId !== selfId && p?.present) {
          this.emit('kaltura-participant-left', { userId: event.userId, name: p.name });
        }
        break;
      }
      case 'chat':
        if (event.message.from !== selfId && this.panel !== 'chat' && this.visible(event.message, state)) this.unread++;
        break;
      case 'breakout-started':
        this.emit('kaltura-breakout-started', { resumed: event.resumed, endsAt: event.endsAt });
        break;
      case 'breakout-gathered':
        this.emit('kaltura-breakout-gathered', { returnTo: event.returnTo });
        break;
      case 'breakout-ended':
        this.emit('kaltura-breakout-ended', { at: event.at });
        break;
      case 'breakout-moved':
        for (const [userId, to] of Object.entries(event.moved)) {
          if (userId === selfId) {
            this.barPanel = null;
            this.unread = 0;
          }
          this.emit('kaltura-participant-moved', { userId, to, name: state.participants[userId]?.name ?? '' });
        }
        break;
      case 'help-requested': {
        const call = event.call;
        this.emit('kaltura-help-requested', { call, name: state.participants[call.userId]?.name ?? '', roomName: roomName(state, call.room) });
        if (this.staff && call.userId !== selfId) {
          this.liveText = `${state.participants[call.userId]?.name} is calling from ${roomName(state, call.room)}`;
        }
        break;
      }
      case 'help-cleared':
        // The caller hears when a moderator answers (joins the room) or dismisses the call.
        if (selfId && !this.staff && event.reason !== 'cancelled' && event.userIds.includes(selfId)) {
          const text = event.reason === 'answered' ? 'A moderator joined your room.' : 'A moderator dismissed your call.';
          this.callNote = { text, until: this.connection.serverNow() + 6000 };
          this.liveText = text;
        }
        break;
      case 'participant-removed':
        if (event.userId === selfId) {
          this.removed = true;
          this.inSession = false;
          this.mesh.stop();
          this.connection.close('idle');
        }
        break;
      case 'session-ended':
        this.inSession = false;
        this.restartedBy = null;
        this.mesh.stop();
        this.emit('kaltura-session-ended', { reason: event.reason, by: event.by });
        break;
      case 'session-started':
        this.emit('kaltura-session-started', { by: event.by });
        this.unread = 0;
        if (event.by === selfId) void this.reenter();
        else this.restartedBy = event.by;
        break;
    }
    if (this.inSession && state.status === 'open' && selfId) this.mesh.sync(state, selfId);
  }

  /** The pre-join status check answered: the camera is off on the ended screen, back on the pre-join one. */
  private onPreJoinStatus(status: 'open' | 'ended', previous: 'open' | 'ended' | undefined): void {
    if (this.joined || this.joining) return;
    if (status === 'ended') {
      if (this.mesh.acquiring) void this.mesh.startLocal().then(() => this.preJoinEnded && this.mesh.stop());
      else this.mesh.stop();
    } else if (previous === 'ended') {
      void this.mesh.startLocal();
    }
  }

  private onFatal(): void {
    this.startOnWelcome = false;
    this.starting = false;
    this.mesh.stop();
    this.inSession = false;
    this.joined = false;
    this.joining = false;
    this.awaitingJoin = false;
  }

  private enterSession(): void {
    this.inSession = true;
    this.restartedBy = null;
    void this.mesh.startLocal().then(() => {
      if (!this.inSession) return;
      this.connectMesh();
      this.sendMediaState();
    });
  }

  /** The sign-in ran out and no fresh token came: leave, and say why on the left screen. */
  private signInExpired(): void {
    this.mesh.stop();
    this.connection.close('left');
    this.inSession = false;
    this.joined = false;
    this.joining = false;
    this.left = true;
    this.notice = EXPIRED_NOTE;
    this.emit('kaltura-left', { room: this.room });
  }

  private connectMesh(): void {
    const self = this.connection.self;
    const state = this.connection.state;
    if (!self?.peerId || !state) return;
    this.mesh.connect({ peerId: self.peerId, ticket: () => this.connection.mediaTicket(), server: this.serverBase });
    this.mesh.sync(state, self.id);
  }

  /**
   * Tell the room what the camera and microphone do. Compared with what this connection last sent
   * (the mirrored state lags behind until the server echoes it), so quick toggles are never lost.
   */
  private sendMediaState(): void {
    const me = this.me;
    if (!this.connection.connected || !this.inSession || !me) return;
    const audio = this.mesh.audioOn;
    const video = this.mesh.videoOn;
    const known = this.sentMedia ?? me;
    if (known.audio === audio && known.video === video) return;
    const sent = (this.sentMedia = { audio, video });
    void this.command({ type: 'media/state', audio, video }).then((ok) => {
      if (ok || this.sentMedia !== sent) return;
      this.sentMedia = null;
      if (this.lastRefusal?.code === 'rate-limited') this.afterRefusedMedia(this.lastRefusal.retryAfterMs);
    });
  }

  /**
   * The room refused a camera or microphone change for now. A refused turn-on is undone (the
   * others were not told, so it does not show as on); a turn-off stays off (off is always
   * honoured here) and is sent again after the wait, so the room catches up.
   */
  private afterRefusedMedia(retryAfterMs: number | undefined): void {
    const me = this.me;
    if (!me) return;
    if (this.mesh.audioOn && !me.audio) this.mesh.setEnabled('audio', false);
    if (this.mesh.videoOn && !me.video) this.mesh.setEnabled('video', false);
    this.mediaWait.hold(retryAfterMs ?? 1000, '');
  }

  /** Send a command; a refusal becomes a notice and a `kaltura-error` event. */
  private async command(command: ClientCommand, quiet = false): Promise<boolean> {
    try {
      await this.connection.send(command);
      this.lastRefusal = null;
      return true;
    } catch (e) {
      const err = e instanceof RoomCommandError ? e : new RoomCommandError('internal', String(e));
      this.lastRefusal = err;
      if (!quiet) this.notice = err.code === 'rate-limited' ? rateLimitedText(err.retryAfterMs, false) : err.message;
      this.emit('kaltura-error', { code: err.code, message: err.message, fatal: false });
      return false;
    }
  }

  // ---------------------------------------------------------------------------
  // UI handlers
  // ---------------------------------------------------------------------------

  private toggle(kind: MediaKind): void {
    const on = kind === 'audio' ? this.mesh.audioEnabled : this.mesh.videoEnabled;
    this.mesh.setEnabled(kind, !on);
    this.sendMediaState();
  }

  private toggleSound(): void {
    this.soundOn = !this.soundOn;
    this.engagement.changed();
  }

  private async chooseDevice(kind: MediaKind, e: Event): Promise<void> {
    await this.mesh.setDevice(kind, (e.target as HTMLSelectElement).value);
    this.sendMediaState();
  }

  private async onChatSubmit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('#chat-input');
    const text = input?.value.trim() ?? '';
    if (!input || !text || this.chatWait.active) return;
    const limited = () => this.lastRefusal?.code === 'rate-limited';
    const sent = await this.command({ type: 'chat/send', text }, true);
    if (sent && input.value.trim() === text) input.value = '';
    else if (!sent && limited()) {
      // The message stays in the composer; Send comes back once the wait is over.
      this.chatWait.hold(this.lastRefusal!.retryAfterMs ?? 1000, rateLimitedText(this.lastRefusal!.retryAfterMs, true));
    } else if (!sent) this.notice = this.lastRefusal?.message ?? '';
  }

  private async confirmLeave(): Promise<void> {
    // The dialog gives focus back to what had it: the menu button, not the closed menu.
    this.topMenu.close(true);
    await this.updateComplete;
    if (await askConfirm(this.leaveDialog)) await this.leave();
  }

  /** "Remove from session" beside a person: ask, then ask the server. */
  private readonly confirmRemove = async (p: Participant): Promise<void> => {
    this.removing = p;
    await this.updateComplete;
    const yes = await askConfirm(this.renderRoot.querySelector<HTMLDialogElement>('#remove-dialog'));
    if (yes && (await this.command({ type: 'participant/remove', userId: p.id }))) this.liveText = `${p.name} was removed from the session.`;
    this.removing = null;
  };

  private async confirmEnd(): Promise<void> {
    this.topMenu.close();
    if (await askConfirm(this.endDialog)) await this.endSession();
  }

  private async rejoinAfterRestart(): Promise<void> {
    await this.reenter();
    await this.updateComplete;
  }

  /**
   * Back into a restarted session. Ending it took everyone out of the room, so unless the
   * server already counts this user as present, they come back through a fresh join.
   */
  private async reenter(): Promise<void> {
    if (this.me?.present) return this.enterSession();
    this.joining = true;
    this.awaitingJoin = true;
    this.connection.close('idle');
    await this.mesh.startLocal();
    this.connection.open();
  }

  private selectPanel(panel: Panel, focus = false): void {
    this.panel = panel;
    if (panel === 'chat') this.unread = 0;
    if (focus) {
      void this.updateComplete.then(() =>
        this.renderRoot.querySelector<HTMLElement>(`#tab-${panel}`)?.focus(),
      );
    }
  }

  private onTabKeydown(e: KeyboardEvent): void {
    if (['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key)) {
      e.preventDefault();
      const tabs: Panel[] = ['chat', 'people', ...this.stageTabs];
      const n = tabs.length;
      const i = tabs.indexOf(this.panel);
      const next = e.key === 'Home' ? 0 : e.key === 'End' ? n - 1 : (i + (e.key === 'ArrowLeft' ? n - 1 : 1)) % n;
      this.selectPanel(tabs[next]!, true);
    }
  }

  // ---------------------------------------------------------------------------
  // Breakout: everything is derived from the room state (deadlines are server
  // times), so a reload or a reconnect shows the same room and remaining time.
  // ---------------------------------------------------------------------------

  /** Chat the user may see where they are: their room's messages and broadcasts. */
  private visible(m: ChatMessage, state: RoomState): boolean {
    return !!m.broadcast || (m.room ?? null) === locationOf(state, this.connection.self?.id ?? '');
  }

  private secondsTo(at: number): number {
    return Math.max(0, Math.ceil((at - this.connection.serverNow()) / 1000));
  }

  /** The countdown the user sees: their own pending move, or (in the main room) breakout closing. */
  private countdown(state: RoomState, selfId: string): { key: string; at: number; lead: string; move: boolean } | null {
    const b = state.breakout;
    if (b.status !== 'running') return null;
    const timeUp =
      b.closingAt !== null && b.endsAt !== null && b.closingAt - (b.config?.countdownMs ?? 0) >= b.endsAt ? 'Time is up. ' : '';
    const move = b.moves[selfId];
    if (move) {
      const lead = move.to === null ? `${timeUp}Returning to the main room` : `Moving to ${roomName(state, move.to)}`;
      return { key: `${lead}@${move.at}`, at: move.at, lead, move: true };
    }
    if (b.closingAt !== null) return { key: `close@${b.closingAt}`, at: b.closingAt, lead: `${timeUp}Breakout rooms close`, move: false };
    return null;
  }

  /** On every update: tick while a countdown shows, announce a new countdown once, close stale panels. */
  private followBreakout(): void {
    const state = this.connection.state;
    const selfId = this.connection.self?.id ?? '';
    const inRoom = this.view === 'room' && !!state;
    if (!inRoom) this.dashboardOpen = false;
    const running = inRoom && state.breakout.status === 'running';
    if (!running) this.barPanel = null;
    if (this.callNote && this.connection.serverNow() >= this.callNote.until) this.callNote = null;
    const cd = running ? this.countdown(state, selfId) : null;
    if ((cd?.key ?? '') !== this.countdownKey) {
      this.countdownKey = cd?.key ?? '';
      if (cd) this.liveText = `${cd.lead} in ${this.secondsTo(cd.at)} seconds.`;
    }
    const endsAt = running && (this.staff || locationOf(state, selfId) !== null) ? state.breakout.endsAt : null;
    const stageEnd = inRoom && (this.panel === 'stage' || this.panel === 'assistant') ? (state.session?.endsAt ?? null) : null;
    this.ticker.follow(cd?.at ?? endsAt ?? this.callNote?.until ?? stageEnd);
  }

  private async focusIn(selector: string): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  /**
   * Show the dashboard. From the menu's Breakout item (`setUp`), an idle room with rooms
   * already created first asks whether to keep them or create new ones, as the product does.
   */
  private openDashboard(opener?: EventTarget | null, setUp = false): void {
    this.toolsMenu.close();
    this.barPanel = null;
    this.dashboardOpener = (opener as HTMLElement | null) ?? this.renderRoot.querySelector<HTMLElement>('#tools-button');
    this.dashboardOpen = true;
    void this.focusIn('.dashboard').then(async () => {
      const dashboard = this.renderRoot.querySelector('breakout-dashboard') as (HTMLElement & { setUp?: () => Promise<boolean>; updateComplete?: Promise<unknown> }) | null;
      const b = this.connection.state?.breakout;
      // The dashboard asks about existing rooms (if any) and puts focus into its form.
      if (!setUp || !dashboard?.setUp || b?.status === 'running') return;
      await dashboard.updateComplete;
      await dashboard.setUp();
    });
  }

  private closeDashboard(): void {
    if (!this.dashboardOpen) return;
    this.dashboardOpen = false;
    const back = this.dashboardOpener?.isConnected ? this.dashboardOpener : null;
    void this.updateComplete.then(() => (back ?? this.renderRoot.querySelector<HTMLElement>('#tools-button'))?.focus());
  }

  private toggleBarPanel(panel: BarPanel): void {
    this.broadcastNote = '';
    this.barPanel = this.barPanel === panel ? null : panel;
    if (this.barPanel) void this.focusIn('#bar-panel :is(input, textarea, button)');
  }

  private closeBarPanel(): void {
    const panel = this.barPanel;
    this.barPanel = null;
    if (panel) void this.focusIn(`#cb-${panel}`);
  }

  private onBarKeydown(e: KeyboardEvent): void {
    if (e.key === 'Escape' && this.barPanel) {
      e.preventDefault();
      this.closeBarPanel();
    }
  }

  private async onBroadcast(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const input = this.renderRoot.querySelector<HTMLTextAreaElement>('#broadcast-text');
    const text = input?.value.trim() ?? '';
    if (!input || !text) return input?.focus();
    if (await this.command({ type: 'breakout/broadcast', text })) {
      input.value = '';
      this.closeBarPanel();
    }
  }

  /** Broadcasts are text only: a dropped or pasted file gets a note instead. */
  private onBroadcastFiles(e: DragEvent | ClipboardEvent): void {
    const data = 'dataTransfer' in e ? e.dataTransfer : e.clipboardData;
    const types = [...(data?.types ?? [])];
    if (!types.includes('Files') || (e.type === 'paste' && types.includes('text/plain'))) return;
    e.preventDefault();
    if (e.type !== 'dragover') this.broadcastNote = FILES_NOTE;
  }

  private async onAddTime(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const minutes = Number(this.renderRoot.querySelector<HTMLInputElement>('#add-minutes')?.value);
    if (!Number.isInteger(minutes) || minutes < 1) return;
    // Focus goes back to Remaining time, whose name now says the new time.
    if (await this.command({ type: 'breakout/add-time', minutes })) this.closeBarPanel();
  }

  private async joinRoom(to: string | null): Promise<void> {
    if (await this.command({ type: 'breakout/join', to })) this.closeBarPanel();
  }

  // ---------------------------------------------------------------------------
  // Rendering
  // ---------------------------------------------------------------------------

  protected override render(): TemplateResult {
    const view = this.view;
    let body: TemplateResult;
    switch (view) {
      case 'prejoin':
        body = this.renderPrejoin();
        break;
      case 'room':
        body = this.renderRoom();
        break;
      case 'left':
        body = this.renderLeft();
        break;
      case 'ended':
      case 'restarted':
        body = this.renderEnded();
        break;
      case 'failed':
        body = this.renderFailed();
        break;
      case 'removed':
        body = this.renderScreen('alert', removedScreen(this.displayTitle));
        break;
    }
    return html`<div part="base" class="base view-${view}">${body}</div>`;
  }

  private get displayTitle(): string {
    return this.label || this.room || 'Virtual classroom';
  }

  private renderNotice(): TemplateResult | typeof nothing {
    if (!this.notice) return nothing;
    return html`<div class="notice" part="notice" role="alert">
      ${icon('alert')}<span>${this.notice}</span>
      <button class="icon-btn small" aria-label="Dismiss" @click=${() => (this.notice = '')}>${icon('close')}</button>
    </div>`;
  }

  /** What is wrong with the camera or microphone. Only the pre-join screen has Try again; in the room, rejoining retries. */
  private mediaMessages(where: 'prejoin' | 'room' = 'prejoin'): { lines: string[]; mode: string; retry: boolean } {
    const { issues } = this.mesh;
    const a = issues.audio;
    const v = issues.video;
    const lines: string[] = [];
    const then = where === 'prejoin' ? 'then select Try again.' : 'then leave the session and rejoin it.';
    const hint = (issue: MediaIssue | null) =>
      issue === 'blocked'
        ? ` Allow access for this site in your browser settings, ${then}`
        : issue === 'in-use'
          ? ` Close the other app, ${then}`
          : issue === 'unsupported'
            ? ' This page must be opened over https.'
            : '';
    if (a && v && a === v) {
      const both =
        a === 'not-found'
          ? 'No camera or microphone found.'
          : a === 'blocked'
            ? 'Camera and microphone blocked.'
            : `${describeMediaIssue('video', v)}; ${describeMediaIssue('audio', a).toLowerCase()}.`;
      lines.push(both + hint(a));
    } else {
      if (v) lines.push(`${describeMediaIssue('video', v)}.${hint(v)}`);
      if (a) lines.push(`${describeMediaIssue('audio', a)}.${hint(a)}`);
    }
    let mode = '';
    if (!this.mesh.acquiring && (a || v)) {
      const hasA = this.mesh.hasAudio;
      const hasV = this.mesh.hasVideo;
      mode =
        hasA && !hasV
          ? 'You can join with audio only.'
          : hasV && !hasA
            ? 'You can join with video only.'
            : !hasA && !hasV
              ? 'You can still join to watch, listen and chat.'
              : '';
    }
    const retry = [a, v].some((i) => i === 'blocked' || i === 'in-use' || i === 'failed');
    return { lines, mode, retry };
  }

  private renderToggle(kind: MediaKind, variant: 'round' | 'bar'): TemplateResult {
    const isAudio = kind === 'audio';
    const available = isAudio ? this.mesh.hasAudio : this.mesh.hasVideo;
    const on = isAudio ? this.mesh.audioOn : this.mesh.videoOn;
    const name = isAudio ? 'Microphone' : 'Camera';
    const issue = this.mesh.issues[kind];
    const title = !available
      ? issue
        ? describeMediaIssue(kind, issue)
        : `${name} not available`
      : on
        ? `Turn off ${name.toLowerCase()}`
        : `Turn on ${name.toLowerCase()}`;
    return html`<button
      class="ctl ${variant} ${on ? 'on' : 'off'}"
      part="control"
      aria-pressed=${on ? 'true' : 'false'}
      ?disabled=${!available}
      title=${title}
      @click=${() => this.toggle(kind)}
    >
      ${icon(isAudio ? (on ? 'mic' : 'micOff') : on ? 'cam' : 'camOff')}
      <span class=${variant === 'round' ? 'visually-hidden' : 'ctl-label'}>${name}</span>
    </button>`;
  }

  private renderDeviceSelect(kind: MediaKind): TemplateResult {
    const isAudio = kind === 'audio';
    const devices = isAudio ? this.mesh.audioInputs : this.mesh.videoInputs;
    const current = isAudio ? this.mesh.audioDeviceId : this.mesh.videoDeviceId;
    const id = isAudio ? 'mic-select' : 'cam-select';
    const usable = devices.filter((d) => d.deviceId);
    return html`<div class="field">
      <label for=${id}>${isAudio ? 'Choose microphone' : 'Choose camera'}</label>
      <select
        id=${id}
        ?disabled=${usable.length === 0 || this.mesh.acquiring}
        @change=${(e: Event) => this.chooseDevice(kind, e)}
      >
        ${usable.length === 0
          ? html`<option value="">${isAudio ? 'No microphone' : 'No camera'}</option>`
          : usable.map(
              (d, i) =>
                html`<option value=${d.deviceId} ?selected=${d.deviceId === current}>
                  ${d.label || `${isAudio ? 'Microphone' : 'Camera'} ${i + 1}`}
                </option>`,
            )}
      </select>
    </div>`;
  }

  private renderPrejoin(): TemplateResult {
    const { lines, mode, retry } = this.mediaMessages();
    const videoOn = this.mesh.videoOn;
    const cameraText = this.mesh.acquiring
      ? 'Starting camera…'
      : this.mesh.issues.video
        ? describeMediaIssue('video', this.mesh.issues.video)
        : this.mesh.hasVideo
          ? 'Your camera is off'
          : 'Camera off';
    return html`<section class="prejoin" part="prejoin" aria-labelledby="prejoin-title">
      <div class="preview" part="preview">
        <video
          part="video"
          class="mirror"
          .srcObject=${live(this.mesh.localStream)}
          .muted=${true}
          muted
          autoplay
          playsinline
          ?hidden=${!videoOn}
        ></video>
        ${videoOn ? nothing : html`<div class="preview-off">${icon('camOff', 'icon big')}<span>${cameraText}</span></div>`}
        <div class="preview-controls" role="group" aria-label="Camera and microphone">
          ${this.renderToggle('audio', 'round')} ${this.renderToggle('video', 'round')}
        </div>
      </div>
      <div class="prejoin-side">
        <h2 id="prejoin-title" class="prejoin-title" data-focus-on-show tabindex="-1">Ready to join?</h2>
        <p class="prejoin-room">${this.displayTitle}</p>
        ${this.renderDeviceSelect('audio')} ${this.renderDeviceSelect('video')}
        <div class="media-status" role="status">
          ${lines.map((l) => html`<p class="issue">${icon('alert')}<span>${l}</span></p>`)}
          ${mode ? html`<p class="mode">${mode}</p>` : nothing}
        </div>
        ${retry
          ? html`<button class="btn" @click=${() => this.mesh.retryLocal()}>Try again</button>`
          : nothing}
        ${this.renderNotice()}
        <button
          class="btn primary join"
          part="join-button"
          ?disabled=${this.joining}
          aria-busy=${this.joining ? 'true' : 'false'}
          @click=${() => this.join()}
        >
          ${this.joining ? 'Joining…' : 'Join'}
        </button>
        ${this.joining && this.connection.attempts >= 2
          ? html`<p class="slow" role="status">
              Can't reach the session yet. Still trying…
              <button class="link-btn" @click=${() => this.cancelJoin()}>Cancel</button>
            </p>`
          : nothing}
      </div>
    </section>`;
  }

  private renderHeader(): TemplateResult {
    const status = this.connection.status;
    return html`<header class="header" part="header" ?inert=${this.dashboardOpen}>
      <div class="heading">
        <h2 class="title" part="title" title=${this.displayTitle} data-focus-on-show tabindex="-1">${this.displayTitle}</h2>
        <span class="status status-${status}" part="status" role="status">
          <span class="dot" aria-hidden="true"></span>${STATUS_TEXT[status]}
        </span>
      </div>
      <div class="actions">
        ${this.staff
          ? html`<button class="btn danger compact" part="end-button" @click=${() => this.confirmEnd()}>
              ${icon('power')}<span class="end-label">End Session</span>
            </button>`
          : nothing}
        ${renderMenuButton(this.topMenu, {
          id: 'menu-button',
          label: 'More options',
          part: 'menu-button',
          menuPart: 'menu',
          items: html`<button role="menuitem" tabindex="-1" class="menu-item" part="menu-item" @click=${() => this.confirmLeave()}>
            ${icon('leave')}<span>Leave Session</span>
          </button>`,
        })}
      </div>
    </header>`;
  }

  private renderTile(p: Participant, isSelf: boolean): TemplateResult {
    const stream = isSelf ? this.mesh.localStream : (this.mesh.remoteStreams.get(p.id) ?? null);
    const videoOn = isSelf ? this.mesh.videoOn : p.video && !!stream;
    const audioOn = isSelf ? this.mesh.audioOn : p.audio;
    const name = isSelf ? `${p.name} (You)` : p.name;
    return html`<figure class="tile ${isSelf ? 'self' : ''} ${videoOn ? '' : 'no-video'}" part=${isSelf ? 'tile tile-self' : 'tile'}>
      <video part="video" .srcObject=${live(stream)} .muted=${isSelf || !this.soundOn} ?muted=${isSelf} autoplay playsinline></video>
      ${videoOn ? nothing : html`<div class="avatar" part="avatar" aria-hidden="true">${initials(p.name)}</div>`}
      ${!isSelf && !stream && (p.audio || p.video) ? html`<span class="tile-state">Connecting media…</span>` : nothing}
      <figcaption class="name" part="name">
        ${audioOn ? nothing : html`<span class="muted-badge" title="Microphone off">${icon('micOff')}<span class="visually-hidden">(microphone off)</span></span>`}
        <span class="name-text">${name}</span>
        ${p.role !== 'participant' ? html`<span class="role-badge">${ROLE_TEXT[p.role]}</span>` : nothing}
      </figcaption>
    </figure>`;
  }

  private sortedParticipants(state: RoomState): Participant[] {
    const selfId = this.connection.self?.id;
    return Object.values(state.participants).sort(
      (a, b) =>
        Number(b.present) - Number(a.present) ||
        Number(b.id === selfId) - Number(a.id === selfId) ||
        ROLE_ORDER[a.role] - ROLE_ORDER[b.role] ||
        a.name.localeCompare(b.name),
    );
  }

  private renderRoom(): TemplateResult {
    const state = this.connection.state!;
    const selfId = this.connection.self?.id ?? '';
    const people = this.sortedParticipants(state);
    const present = people.filter((p) => p.present);
    const me = state.participants[selfId];
    // The video grid: the people in the user's current room (main or breakout).
    const here = locationOf(state, selfId);
    const sharing = present.filter((p) => locationOf(state, p.id) === here);
    const tiles = me && !sharing.includes(me) ? [me, ...sharing] : sharing;
    const n = Math.max(1, tiles.length);
    const cols = n <= 1 ? 1 : n <= 4 ? 2 : n <= 9 ? 3 : 4;
    const status = this.connection.status;
    const { lines } = this.mediaMessages('room');
    const stage = this.stageTabs;
    return html`${this.renderHeader()} ${this.renderBreakoutBar(state, selfId)}
      <div class="room" ?inert=${this.dashboardOpen}>
        <section class="stage" part="stage" aria-label="Video">
          ${this.renderCountdown(state, selfId)}
          ${status === 'reconnecting' || status === 'connecting'
            ? html`<div class="banner warn floating" part="notice">Connection lost. Reconnecting…</div>`
            : nothing}
          ${this.renderHostAway(state)}
          <div class="grid" part="grid" style="--cols:${cols};--cols-narrow:${Math.min(cols, 2)}">
            ${repeat(tiles, (p) => p.id, (p) => this.renderTile(p, p.id === selfId))}
          </div>
          <div class="controls" part="controls" role="group" aria-label="Your camera, microphone and sound">
            ${this.renderToggle('audio', 'bar')} ${this.renderToggle('video', 'bar')}
            <button class="ctl bar ${this.soundOn ? 'on' : 'off'}" part="control" aria-pressed=${this.soundOn ? 'true' : 'false'}
              title=${this.soundOn ? 'Turn off sound' : 'Turn on sound'} @click=${this.toggleSound}>
              ${icon(this.soundOn ? 'sound' : 'soundOff')}<span class="ctl-label">Sound</span>
            </button>
            ${this.staff
              ? renderMenuButton(this.toolsMenu, {
                  id: 'tools-button',
                  label: 'More actions',
                  part: 'tools-button',
                  menuPart: 'tools-menu',
                  up: true,
                  items: html`<button role="menuitem" tabindex="-1" class="menu-item" part="menu-item" @click=${() => this.openDashboard(null, true)}>
                    ${icon('rooms')}<span>Breakout</span>
                  </button>`,
                })
              : nothing}
          </div>
          ${lines.length ? html`<p class="stage-note">${lines.join(' ')}</p>` : nothing}
        </section>
        <aside class="sidebar" part="sidebar" aria-label="Chat and participants">
          <div class="tabs ${stage.length ? 'has-stage' : ''}" role="tablist" aria-label="Chat and participants" @keydown=${this.onTabKeydown}>
            ${this.renderTab('chat', html`Chat${this.unread
              ? html` <span class="badge"><span class="visually-hidden">(</span>${this.unread}<span class="visually-hidden"> new)</span></span>`
              : nothing}`)}
            ${this.renderTab('people', html`Participants <span class="count">${sharing.length}</span>`)}
            ${stage.map((t) => this.renderTab(t, STAGE_TEXT[t]))}
          </div>
          <div id="panel-chat" role="tabpanel" class="panel" aria-labelledby="tab-chat" ?hidden=${this.panel !== 'chat'}>
            ${this.renderChat(state, selfId)}
          </div>
          <div id="panel-people" role="tabpanel" class="panel" aria-labelledby="tab-people" ?hidden=${this.panel !== 'people'}>
            ${this.renderParticipants(people, selfId, state)}
          </div>
          ${stage.map((t) => {
            // Both tabs show the same figures (seed 002); only the open one renders them.
            const on = this.panel === t && state.session;
            return html`<div id="panel-${t}" role="tabpanel" class="panel stage-panel" aria-labelledby="tab-${t}" tabindex="0" ?hidden=${!on}>
              ${on ? renderStats(sessionStats(state, state.session!, this.connection.serverNow()), state.session!.title) : nothing}
            </div>`;
          })}
        </aside>
      </div>
      <slot></slot>
      ${this.renderNotice()}
      <div class="visually-hidden" role="status">${this.liveText}</div>
      ${this.renderDashboard()}
      ${confirmDialog({
        id: 'leave-dialog',
        heading: 'Confirm Leave Session',
        message: 'Do you want to leave the session?',
        confirmLabel: 'Yes',
        cancelLabel: 'No',
      })}
      ${removeDialog(this.removing?.name ?? null)}
      ${this.staff
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

  /**
   * Hosts and moderators of an event session: "Live stage"; with the AI assistant on, also
   * "Assistant", both with the assistant's figures.
   */
  private get stageTabs(): ('assistant' | 'stage')[] {
    const session = this.connection.state?.session;
    if (!this.staff || !session) return [];
    return session.aiAssistant ? ['assistant', 'stage'] : ['stage'];
  }

  private renderTab(panel: Panel, label: TemplateResult | string): TemplateResult {
    const on = this.panel === panel;
    return html`<button id="tab-${panel}" role="tab" class="tab" part=${panel === 'stage' || panel === 'assistant' ? 'stage-tab' : nothing}
      aria-selected=${on ? 'true' : 'false'} aria-controls="panel-${panel}" tabindex=${on ? '0' : '-1'}
      @click=${() => this.selectPanel(panel)}>${label}</button>`;
  }

  /** Staff: the control bar while breakout runs. Participants in a breakout room: their room's bar. */
  private renderBreakoutBar(state: RoomState, selfId: string): TemplateResult | typeof nothing {
    const b = state.breakout;
    if (b.status !== 'running') return nothing;
    const here = locationOf(state, selfId);
    const closing = b.closingAt !== null;
    const remaining = b.endsAt !== null && !closing ? clockText(b.endsAt - this.connection.serverNow()) : '';
    if (this.staff) return this.renderControlBar(state, here, remaining);
    if (here === null) return nothing;
    const called = b.calls.some((c) => c.userId === selfId);
    const note = called ? 'A moderator has been called' : this.callNote?.text;
    return html`<section class="bar" part="breakout-bar" aria-label="Breakout room">
<span class="bar-room"><span class="visually-hidden">You are in </span>${roomName(state, here)}</span>
${remaining ? html`<span class="bar-time">${icon('clock')}Remaining time <span class="time">${remaining}</span></span>` : nothing}
<span class="bar-end">${note ? html`<span>${note}</span>` : nothing}
<button class="btn compact ${called ? '' : 'primary'}" part="call-button" ?disabled=${closing}
  @click=${() => this.command({ type: called ? 'breakout/cancel-call' : 'breakout/call' })}>${called ? 'Cancel call' : 'Call moderator'}</button></span>
</section>`;
  }

  private renderControlBar(state: RoomState, here: string | null, remaining: string): TemplateResult {
    const b = state.breakout;
    const calls = b.calls.length;
    const closing = b.closingAt !== null;
    // A bar button that opens one of the bar's panels (disclosure pattern).
    const toggle = (panel: BarPanel, part: string, label: TemplateResult | string, disabled = false) =>
      html`<button id="cb-${panel}" class="btn compact bar-btn" part=${part} aria-expanded=${this.barPanel === panel ? 'true' : 'false'}
  aria-controls="bar-panel" ?disabled=${disabled} @click=${() => this.toggleBarPanel(panel)}>${label}</button>`;
    const open = (e: Event) => this.openDashboard(e.currentTarget);
    return html`<section class="bar control-bar" part="control-bar" aria-label="Breakout controls" ?inert=${this.dashboardOpen} @keydown=${this.onBarKeydown}>
<div class="bar-start">
${toggle('broadcast', 'broadcast-button', html`${icon('megaphone')}<span class="bar-label">Broadcast</span>`)}
${remaining ? toggle('time', 'remaining-time', html`${icon('clock')}<span class="bar-label">Remaining time </span><span class="time">${remaining}</span>`) : nothing}
</div>
<div class="bar-center">${toggle('rooms', 'room-switch', html`${roomName(state, here)}<span class="visually-hidden">, switch rooms</span>`, closing)}</div>
<div class="bar-end">
${calls
  ? html`<button class="btn compact bar-btn bell" part="calls" @click=${open}>${icon('bell')}<span class="badge">${calls}</span><span
  class="visually-hidden"> ${calls === 1 ? 'call' : 'calls'} for a moderator, open dashboard</span></button>`
  : nothing}
<button class="btn compact bar-btn" part="dashboard-button" @click=${open}>Open dashboard</button>
<button class="btn compact danger" part="end-breakout" ?disabled=${closing} @click=${() => this.command({ type: 'breakout/end' })}>End breakout</button>
</div>
${this.barPanel ? this.renderBarPanel(state, this.barPanel, here) : nothing}
</section>`;
  }

  private renderBarPanel(state: RoomState, panel: BarPanel, here: string | null): TemplateResult {
    if (panel === 'broadcast') {
      return html`<form id="bar-panel" class="bar-panel" part="bar-panel" aria-label="Broadcast to all rooms" @submit=${this.onBroadcast}>
<label for="broadcast-text">Message</label>
<textarea id="broadcast-text" rows="3" maxlength="2000"
  @dragover=${this.onBroadcastFiles} @drop=${this.onBroadcastFiles} @paste=${this.onBroadcastFiles}></textarea>
${this.broadcastNote ? html`<p class="panel-note" role="alert">${this.broadcastNote}</p>` : nothing}
<button class="btn primary compact">Broadcast</button>
</form>`;
    }
    if (panel === 'time') {
      return html`<form id="bar-panel" class="bar-panel" part="bar-panel" aria-label="Add time" @submit=${this.onAddTime}>
<label for="add-minutes">Minutes</label>
<input id="add-minutes" type="number" inputmode="numeric" min="1" max="120" step="1" value="5" required />
<button class="btn primary compact">Add time</button>
</form>`;
    }
    const ids = [null, ...(state.breakout.config?.rooms.map((r) => r.id) ?? [])];
    const present = Object.values(state.participants).filter((p) => p.present);
    return html`<div id="bar-panel" class="bar-panel rooms" part="bar-panel" role="group" aria-label="Rooms"><ul class="people room-list" part="room-list">
${ids.map((id) => {
  const name = roomName(state, id);
  const n = present.filter((p) => locationOf(state, p.id) === id).length;
  return html`<li><span>${name}</span> <span>${n} ${n === 1 ? 'person' : 'people'}</span>
${id === here
  ? html`<span class="room-here">You are here</span>`
  : html`<button class="btn compact" aria-label=${`Join room: ${name}`} @click=${() => this.joinRoom(id)}>Join room</button>`}</li>`;
})}</ul></div>`;
  }

  private renderCountdown(state: RoomState, selfId: string): TemplateResult | typeof nothing {
    const cd = this.countdown(state, selfId);
    if (!cd) return nothing;
    const n = this.secondsTo(cd.at);
    const text = n > 0 ? `${cd.lead} in ${n}…` : `${cd.lead}…`;
    // Shown every second, announced once (by the status region, when the countdown starts).
    if (!cd.move) return html`<div class="banner info floating" part="countdown">${text}</div>`;
    return html`<div class="countdown" part="countdown"><div>
<span class="countdown-n" aria-hidden="true">${n}</span><span class="countdown-text">${text}</span>
</div></div>`;
  }

  private renderDashboard(): TemplateResult | typeof nothing {
    if (!this.dashboardOpen) return nothing;
    return html`<div class="dashboard" part="dashboard" role="dialog" aria-modal="true" aria-label="Breakout rooms" tabindex="-1"
  @kaltura-dashboard-close=${this.closeDashboard} @keydown=${this.dashboardTrap.onKeydown}><breakout-dashboard></breakout-dashboard>
${customElements.get('breakout-dashboard')
  ? nothing
  : html`<p class="empty">Breakout dashboard not available. <button class="btn compact" @click=${this.closeDashboard}>Close</button></p>`}
</div>`;
  }

  /**
   * The host-away timer is invisible to participants, as the product describes: they only
   * learn that the host left. Hosts and moderators also see when the session would end.
   */
  private renderHostAway(state: RoomState): TemplateResult | typeof nothing {
    if (state.hostAwayDeadline === null || state.status !== 'open') return nothing;
    if (!this.staff) return html`<div class="banner info" part="notice">The host has left.</div>`;
    const local = new Date(state.hostAwayDeadline - this.connection.clockOffset);
    const at = local.toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
    return html`<div class="banner info" part="notice">
      The host has left. If no host returns, the session ends at <time datetime=${local.toISOString()}>${at}</time>.
    </div>`;
  }

  private renderChat(state: RoomState, selfId: string): TemplateResult {
    const offset = this.connection.clockOffset;
    const here = locationOf(state, selfId);
    const where = here === null ? 'everyone' : roomName(state, here);
    const chat = state.chat.filter((m) => this.visible(m, state));
    return html`<section class="chat" part="chat" aria-label="Chat">
      <div class="log" part="chat-log" role="log" aria-live="polite" aria-label="Chat messages" tabindex="0">
        ${chat.length === 0
          ? html`<p class="empty">No messages yet. Say hello to the class!</p>`
          : repeat(
              chat,
              (m) => m.id,
              (m) => {
                const when = new Date(m.at - offset);
                const mine = m.from === selfId;
                return html`<div class="msg ${mine ? 'mine' : ''} ${m.broadcast ? 'broadcast' : ''}" part=${m.broadcast ? 'broadcast' : nothing}>
                  <div class="msg-meta">
                    <span class="msg-name">${m.broadcast ? `Broadcast from ${mine ? 'you' : m.name}` : mine ? 'You' : m.name}</span>
                    <time datetime=${when.toISOString()}>${when.toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' })}</time>
                  </div>
                  <p class="msg-text">${m.text}</p>
                </div>`;
              },
            )}
      </div>
      <form class="composer" @submit=${this.onChatSubmit}>
        <label for="chat-input" class="visually-hidden">Message to ${where}</label>
        <input
          id="chat-input"
          part="chat-input"
          type="text"
          maxlength="2000"
          autocomplete="off"
          enterkeyhint="send"
          placeholder="Message ${where}"
        />
        <button class="icon-btn accent" aria-label="Send message" ?disabled=${this.chatWait.active}>${icon('send')}</button>
      </form>
      <p class="composer-note" part="chat-note" role="status">${this.chatWait.text}</p>
    </section>`;
  }

  private renderParticipants(people: Participant[], selfId: string, state: RoomState): TemplateResult {
    // While breakout runs, everyone is listed with the room they are in.
    const running = state.breakout.status === 'running';
    return html`<ul class="people" part="participants" aria-label="Participants">
      ${repeat(
        people,
        (p) => p.id,
        (p) => html`<li class="person ${p.present ? '' : 'away'}">
          <span class="avatar small" aria-hidden="true">${initials(p.name)}</span>
          <span class="person-main">
            <span class="person-name">${p.name}${p.id === selfId ? ' (You)' : ''}</span>
            <span class="person-meta">${ROLE_TEXT[p.role]} · ${p.present ? (running ? roomName(state, locationOf(state, p.id)) : 'In the room') : 'Left'}</span>
          </span>
          ${p.present
            ? html`<span class="person-media">
                <span class=${p.audio ? 'm-on' : 'm-off'}>${icon(p.audio ? 'mic' : 'micOff')}<span class="visually-hidden">${p.audio ? 'Microphone on' : 'Microphone off'}</span></span>
                <span class=${p.video ? 'm-on' : 'm-off'}>${icon(p.video ? 'cam' : 'camOff')}<span class="visually-hidden">${p.video ? 'Camera on' : 'Camera off'}</span></span>
              </span>`
            : nothing}
          ${canRemove(this.connection.self, p) ? removeButton(p, this.confirmRemove) : nothing}
        </li>`,
      )}
    </ul>`;
  }

  private renderScreen(mark: IconName, content: TemplateResult): TemplateResult {
    return html`<section class="screen" part="screen">
      <div class="screen-card"><span class="screen-icon" aria-hidden="true">${icon(mark)}</span>${content}</div>
    </section>`;
  }

  private renderLeft(): TemplateResult {
    return this.renderScreen('leave', html`
      <h2 class="screen-title" data-focus-on-show tabindex="-1">You have left the session.</h2>
      <p class="screen-text">${this.displayTitle}</p>
      ${this.renderNotice()}
      <button class="link-btn" ?disabled=${this.joining} @click=${() => this.join()}>
        ${this.joining ? 'Rejoining…' : 'Rejoin the session?'}
      </button>
    `);
  }

  private renderEnded(): TemplateResult {
    const state = this.connection.state;
    const pre = this.preJoinEnded;
    if (state?.status === 'open' && !pre) {
      // Started again while this user was on the ended screen.
      const by = this.restartedBy ? state.participants[this.restartedBy]?.name : undefined;
      return this.renderScreen('cam', html`
        <h2 class="screen-title" data-focus-on-show tabindex="-1">The session has started again.</h2>
        <p class="screen-text">${by ? `${by} started the session.` : 'The session is open.'}</p>
        <button class="btn primary" @click=${() => this.rejoinAfterRestart()}>Rejoin the session</button>
      `);
    }
    const check = this.statusCheck;
    return this.renderScreen('power', endedScreen({
      reason: pre ? pre.endedReason : state?.endedReason ?? null,
      hostAwayMs: pre ? pre.hostAwayMs : state?.hostAwayMs ?? null,
      staff: this.staff,
      starting: this.starting,
      onStart: () => void this.startSession(),
      notice: this.renderNotice(),
      ...(pre ? { check: { checking: check.checking, stillEnded: check.stillEnded, onCheck: () => void check.check(true) } } : {}),
    }));
  }

  private renderFailed(): TemplateResult {
    const error = this.connection.error;
    const code = error?.code;
    const heading =
      code === 'replaced'
        ? 'You joined this session somewhere else.'
        : code === 'bad-token'
          ? 'Your link to this session is not valid.'
          : "Can't join the session.";
    return this.renderScreen('alert', html`
      <h2 class="screen-title" data-focus-on-show tabindex="-1">${heading}</h2>
      <p class="screen-text" role="alert">${error?.message ?? 'The connection to the session failed.'}</p>
      ${code === 'bad-token'
        ? html`<p class="screen-hint">Reload the page to get a new link. If that does not help, contact your instructor.</p>`
        : html`<button class="btn primary" ?disabled=${this.joining} @click=${() => this.join()}>
            ${code === 'replaced' ? 'Join here instead' : 'Try again'}
          </button>`}
    `);
  }
}
