/**
 * The room's connection and media glue, for `<kaltura-room>`: it opens and closes the room
 * connection and the media as the user joins, leaves, is removed, or the session ends and starts
 * again, moving the one lifecycle `phase` (phase.ts) as it goes; it keeps the room told what the
 * camera and microphone do, and turns refusals into notices and `kaltura-error` events.
 *
 * It also publishes the connection to nested elements (`roomContext`). The element renders; this
 * decides nothing about the room (the server does) and renders nothing.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ContextProvider } from '@lit/context';
import { roomContext, type RoomContextValue } from '../../context/room-context.ts';
import { RoomConnection, RoomCommandError, type RoomSelf } from '../../client/room-connection.ts';
import { RoomMedia, type MediaKind } from '../../client/media/index.ts';
import type { Viewer } from '../../protocol/room.ts';
import { isStaff, type ClientCommand, type Participant, type RoomEvent, type RoomState } from '../../protocol/types.ts';
import type { EndedInfo, ScreenView } from './parts/screens.ts';
import { RoomPhase, type Screen } from './phase.ts';
import { Cooldown, rateLimitedText } from './rate-limit.ts';
import { RoomStatusCheck } from './room-status.ts';
import { tellPage, type Emit } from './room-events.ts';
import { EXPIRED_NOTE, TokenRefresh } from './token-refresh.ts';

type Host = ReactiveControllerHost & HTMLElement & { updateComplete: Promise<unknown> };

export interface RoomSessionOptions {
  /** Where to connect, read at every connect. */
  target: () => { server: string; room: string; token: string };
  /** Fire one of the element's events. */
  emit: Emit;
  /** Show the user a short sentence in the notice area. */
  notice: (text: string) => void;
  /** A room event reached the mirror (after the session did what it means for the lifecycle). */
  onEvent: (event: RoomEvent, previous: RoomState, state: RoomState) => void;
}

export class RoomSession implements ReactiveController {
  readonly phase: RoomPhase;
  readonly connection: RoomConnection;
  readonly media: RoomMedia;
  /** Before joining: has the session ended? (room-status.ts) */
  readonly statusCheck: RoomStatusCheck;
  readonly tokenRefresh: TokenRefresh;
  /** A camera or microphone change refused as rate-limited: sent again after the wait. */
  readonly mediaWait: Cooldown;
  private readonly options: RoomSessionOptions;
  /** The camera and microphone as last sent on this connection (null: as the state says). */
  private sentMedia: { audio: boolean; video: boolean } | null = null;
  private readonly provider: ContextProvider<typeof roomContext>;
  private published: unknown = null;

  constructor(host: Host, options: RoomSessionOptions) {
    this.options = options;
    this.provider = new ContextProvider(host, { context: roomContext });
    this.phase = new RoomPhase(host);
    this.connection = new RoomConnection(host, {
      target: options.target,
      onWelcome: (self, info) => this.onWelcome(self, info.resumed, info.state),
      onEvent: (e, info) => this.onRoomEvent(e.event, info.previous, info.state),
      onStatusChange: (status, previous) => options.emit('kaltura-connection-change', { status, previous }),
      onTokenExpiring: (expiresAt) => this.tokenRefresh.expiring(expiresAt),
      onSfu: (msg) => this.media.handleSfu(msg),
      onIce: (ice) => this.media.setServerIce(ice),
      onError: (error) => {
        if (error.code === 'token-expired') this.signInExpired(); // leaves cleanly, saying why
        else if (error.code === 'removed') this.phase.remove();
        if (error.fatal) this.onFatal();
        else options.notice(error.code === 'rate-limited' ? rateLimitedText(error.retryAfterMs, false) : error.message);
        options.emit('kaltura-error', { code: error.code, message: error.message, fatal: error.fatal });
      },
    });
    this.media = new RoomMedia(host, {
      sendSfu: (msg) => this.connection.sendSfu(msg),
      onError: (error) => {
        options.notice("Video and audio from the others can't be connected right now.");
        options.emit('kaltura-error', { code: error.code, message: error.message, fatal: false });
      },
    });
    this.statusCheck = new RoomStatusCheck(host, {
      target: options.target,
      onResult: (r, previous) => this.onPreJoinStatus(r.status, previous?.status),
    });
    this.mediaWait = new Cooldown(host, () => this.sendMediaState());
    this.tokenRefresh = new TokenRefresh(host, (token) => this.connection.refreshToken(token), options.notice);
    host.addController(this);
  }

  hostConnected(): void {}

  /** Before each render: nested elements get a new immutable snapshot when the connection changed. */
  hostUpdate(): void {
    const snap = this.connection.snapshot;
    if (snap === this.published) return;
    this.published = snap;
    const value: RoomContextValue = Object.freeze({
      ...snap,
      serverNow: () => this.connection.serverNow(),
      send: (command: ClientCommand) => this.connection.send(command),
    });
    this.provider.setValue(value);
  }

  /** The screen to show, from the phase. */
  get screen(): Screen {
    const c = this.connection;
    return this.phase.screen({ connection: c.status, session: c.state?.status ?? null, preJoinEnded: !!this.preJoinEnded });
  }

  /** A host or moderator (before joining: as the status check says). */
  get staff(): boolean {
    const role = this.connection.self?.role ?? this.preJoinEnded?.role;
    return !!role && isStaff(role);
  }

  /** The user as the audience rules see them. */
  get viewer(): Viewer {
    const self = this.connection.self;
    return { id: self?.id ?? '', role: self?.role ?? 'participant' };
  }

  /** The user as the room state has them, or null. */
  get me(): Participant | null {
    const s = this.connection.state;
    const id = this.connection.self?.id;
    return (s && id && s.participants[id]) || null;
  }

  /** Before joining, the status check said the session has ended: its answer, or null. */
  get preJoinEnded() {
    const r = this.statusCheck.result;
    return this.phase.beforeJoin && r?.status === 'ended' ? r : null;
  }

  /** What the ended screen says: why (before joining, as the status check says), and Check again. */
  get ended(): EndedInfo {
    const pre = this.preJoinEnded;
    const state = this.connection.state;
    if (!pre) return { reason: state?.endedReason ?? null, hostAwayMs: state?.hostAwayMs ?? null };
    const check = this.statusCheck;
    const onCheck = () => void check.check(true);
    return { reason: pre.endedReason, hostAwayMs: pre.hostAwayMs, check: { checking: check.checking, stillEnded: check.stillEnded, onCheck } };
  }

  /** What the screens outside the meeting show (beside the title and the notice). */
  get outside(): Omit<ScreenView, 'title' | 'notice'> {
    const { phase, connection: c } = this;
    const restartedBy = c.state?.participants[phase.restartedBy ?? '']?.name;
    return { joining: phase.phase === 'joining', staff: this.staff, starting: phase.starting, error: c.error, restartedBy, ended: this.ended };
  }

  /** The camera and microphone controls' actions (pre-join and toolbar). */
  readonly mediaActions = {
    toggle: (kind: MediaKind) => this.toggle(kind),
    chooseDevice: (kind: MediaKind, deviceId: string) => void this.chooseDevice(kind, deviceId),
    retryMedia: () => void this.media.retryLocal(),
  };

  /** Join (or rejoin): media first, then the connection. */
  async join(): Promise<void> {
    if (!this.phase.join()) return;
    this.options.notice('');
    await this.media.startLocal();
    this.connection.open();
  }

  /** Stop trying to join. */
  cancelJoin(): void {
    if (!this.phase.cancel()) return;
    this.connection.close('idle');
  }

  /** Leave without asking. */
  async leave(): Promise<void> {
    // Camera, microphone and every call stop at once; the server hearing of it (up to 2 s on a slow
    // link) is no reason to keep sending or receiving.
    this.media.stop();
    await this.connection.leave();
    this.phase.leave();
    this.options.emit('kaltura-left', { room: this.options.target().room });
  }

  /** Start an ended session again (hosts and moderators). */
  async startSession(): Promise<void> {
    if (this.preJoinEnded) {
      // A late arrival's ended screen: join first (not counted while ended), then start it.
      this.phase.startRequested(true);
      return this.join();
    }
    this.phase.startRequested(false);
    try {
      await this.command({ type: 'meeting/start' });
    } finally {
      this.phase.startAnswered();
    }
  }

  /** The room or server changed: start over in the new one, if connecting or in the room. */
  restart(): void {
    if (!this.phase.restart()) return;
    this.media.disconnect();
    this.connection.reset();
  }

  /** The element is on the page (again) showing `screen`: the pre-join preview starts, or the room's media comes back. */
  resume(screen: Screen): void {
    if (screen === 'prejoin') void this.media.startLocal();
    else if (screen === 'room') this.enterSession();
  }

  /**
   * Back into a restarted session. Ending it took everyone out of the room, so unless the
   * server already counts this user as present, they come back through a fresh join.
   */
  async reenter(): Promise<void> {
    if (this.me?.present && this.phase.enter()) return this.enterSession();
    if (!this.phase.join()) return;
    this.connection.close('idle');
    await this.media.startLocal();
    this.connection.open();
  }

  /** Send a command; a refusal becomes a notice (unless `quiet`) and a `kaltura-error` event. */
  async command(command: ClientCommand, quiet = false): Promise<boolean> {
    return (await this.attempt(command, quiet)) === null;
  }

  /** Send a command; resolves with its refusal, or null when the server agreed. */
  async attempt(command: ClientCommand, quiet = false): Promise<RoomCommandError | null> {
    try {
      await this.connection.send(command);
      return null;
    } catch (e) {
      const err = e instanceof RoomCommandError ? e : new RoomCommandError('internal', String(e));
      if (!quiet) this.options.notice(err.code === 'rate-limited' ? rateLimitedText(err.retryAfterMs, false) : err.message);
      this.options.emit('kaltura-error', { code: err.code, message: err.message, fatal: false });
      return err;
    }
  }

  /** The Microphone or Camera toggle. */
  toggle(kind: MediaKind): void {
    const on = kind === 'audio' ? this.media.audioEnabled : this.media.videoEnabled;
    this.media.setEnabled(kind, !on);
    this.sendMediaState();
  }

  async chooseDevice(kind: MediaKind, deviceId: string): Promise<void> {
    await this.media.setDevice(kind, deviceId);
    this.sendMediaState();
  }

  private onWelcome(self: RoomSelf, resumed: boolean, state: RoomState): void {
    // A new connection: what the server knows is in the state it just sent.
    this.sentMedia = null;
    this.statusCheck.forget();
    const w = this.phase.welcome(state.status, resumed);
    if (!w) return;
    if (w.welcome === 'resumed') {
      // Resumed: the server may have given this connection a new peer id.
      if (this.phase.phase === 'in-meeting' && state.status === 'open') {
        this.connectMesh();
        this.sendMediaState();
      }
      return;
    }
    this.options.emit('kaltura-joined', { room: state.room, self: { ...self } });
    if (w.welcome === 'enter') this.enterSession();
    else {
      // A late arrival to an ended session: the ended screen, and the camera goes off.
      this.media.stop();
      if (w.start) void this.startSession();
    }
  }

  private onRoomEvent(event: RoomEvent, previous: RoomState, state: RoomState): void {
    const selfId = this.connection.self?.id;
    switch (event.type) {
      case 'participant-joined':
        // Our own join lands just after the welcome: now the server can record our camera and microphone.
        if (event.participant.id === selfId) queueMicrotask(() => this.sendMediaState());
        break;
      case 'participant-removed':
        if (event.userId === selfId) {
          this.phase.remove();
          this.media.stop();
          this.connection.close('idle');
        }
        break;
      case 'meeting-ended':
        this.phase.sessionEnded();
        this.media.stop();
        break;
      case 'meeting-started':
        if (event.by === selfId) void this.reenter();
        else this.phase.restartedByOther(event.by);
        break;
    }
    tellPage(this.options.emit, event, previous, state, selfId);
    this.options.onEvent(event, previous, state);
    if (this.phase.phase === 'in-meeting' && state.status === 'open' && selfId) this.media.sync(state, selfId);
  }

  /** The pre-join status check answered: the camera is off on the ended screen, back on the pre-join one. */
  private onPreJoinStatus(status: 'open' | 'ended', previous: 'open' | 'ended' | undefined): void {
    if (this.phase.phase !== 'prejoin') return;
    if (status === 'ended') {
      if (this.media.acquiring) void this.media.startLocal().then(() => this.preJoinEnded && this.media.stop());
      else this.media.stop();
    } else if (previous === 'ended') {
      void this.media.startLocal();
    }
  }

  private onFatal(): void {
    this.media.stop();
    this.phase.fail();
  }

  private enterSession(): void {
    void this.media.startLocal().then(() => {
      if (this.phase.phase !== 'in-meeting') return;
      this.connectMesh();
      this.sendMediaState();
    });
  }

  /** The sign-in ran out and no fresh token came: leave, and say why on the left screen. */
  private signInExpired(): void {
    this.media.stop();
    this.connection.close('left');
    this.phase.leave();
    this.options.notice(EXPIRED_NOTE);
    this.options.emit('kaltura-left', { room: this.options.target().room });
  }

  private connectMesh(): void {
    const self = this.connection.self;
    const state = this.connection.state;
    if (!self?.peerId || !state) return;
    const { server, room } = this.options.target();
    this.media.connect({ peerId: self.peerId, ticket: () => this.connection.mediaTicket(), server, room });
    this.media.sync(state, self.id);
  }

  /**
   * Tell the room what the camera and microphone do. Compared with what this connection last sent
   * (the mirrored state lags behind until the server echoes it), so quick toggles are never lost.
   */
  sendMediaState(): void {
    const me = this.me;
    if (!this.connection.connected || this.phase.phase !== 'in-meeting' || !me) return;
    const audio = this.media.audioOn;
    const video = this.media.videoOn;
    const known = this.sentMedia ?? me;
    if (known.audio === audio && known.video === video) return;
    const sent = (this.sentMedia = { audio, video });
    void this.attempt({ type: 'media/state', audio, video }).then((refusal) => {
      if (!refusal || this.sentMedia !== sent) return;
      this.sentMedia = null;
      if (refusal.code === 'rate-limited') this.afterRefusedMedia(refusal.retryAfterMs);
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
    if (this.media.audioOn && !me.audio) this.media.setEnabled('audio', false);
    if (this.media.videoOn && !me.video) this.media.setEnabled('video', false);
    this.mediaWait.hold(retryAfterMs ?? 1000, '');
  }
}
