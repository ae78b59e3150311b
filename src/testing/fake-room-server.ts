/**
 * Test helper: a fake room server behind a stubbed `window.WebSocket`.
 *
 * It speaks the room-socket protocol (hello → welcome, commands → ack/error,
 * ping → pong) and runs commands as the server does: the server's own choices first
 * (server/rooms/prepare.ts, dealing breakout in join order instead of at random), then the
 * composed reducer, then the server's fan-out (server/rooms/fan-out.ts: each event to who
 * may hear it, a placeholder to the rest, chat history to whoever changed rooms, the whole
 * state to whoever is back after hearing placeholders). A hello with `console` opens a
 * console, as on the server. Tests can also tie the room to an event session, say chat with
 * a sentiment score, push events, fire deadlines, drop connections and send raw frames.
 * Not part of the library; it imports only pure, Web-standard modules (it runs in Chromium).
 */
import { initialState, nextDeadline, reduce, viewFor } from '../protocol/room.ts';
import { isStaff } from '../protocol/types.ts';
import { absentRefusal } from '../../server/rooms/audience.ts';
import { redactMissed } from '../../server/rooms/catch-up.ts';
import { backInRoom, fanOut, snapshotFor, type Listener } from '../../server/rooms/fan-out.ts';
import { prepare, type Origin } from '../../server/rooms/prepare.ts';
import type {
  Actor,
  ChatMessage,
  ClientMessage,
  Command,
  ErrorCode,
  MediaConfig,
  RoomEvent,
  RoomState,
  SequencedEvent,
  ServerMessage,
  SessionInfo,
} from '../protocol/types.ts';

export class FakeSocket extends EventTarget implements Listener {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;

  readonly url: string;
  readyState = 0;
  /** Set once the server has welcomed this socket. */
  user: Actor | null = null;
  peerId = '';
  readonly received: ClientMessage[] = [];
  /** Heard placeholders while its user was not in the room (fan-out.ts): gets the whole state when back. */
  stale?: boolean;
  private readonly server: FakeRoomServer;

  constructor(url: string, server: FakeRoomServer) {
    super();
    this.url = url;
    this.server = server;
    setTimeout(() => {
      if (this.readyState !== 0) return;
      if (server.refuseConnections) return this.finish(1006);
      this.readyState = 1;
      this.dispatchEvent(new Event('open'));
    }, 0);
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new DOMException('not open', 'InvalidStateError');
    const msg = JSON.parse(data) as ClientMessage;
    this.received.push(msg);
    setTimeout(() => this.server.onMessage(this, msg), 0);
  }

  close(code = 1000): void {
    this.finish(code);
  }

  /** Who listens, as the fan-out sees it: the welcomed user. */
  get actor(): Actor | null {
    return this.user;
  }

  /** Opened as a breakout console (`console` hello): hears as staff, not in the room. */
  get console(): boolean {
    return this.received.some((m) => m.type === 'hello' && !!m.console);
  }

  /** Server side: deliver a frame. */
  deliver(msg: ServerMessage | Record<string, unknown>): void {
    this.deliverRaw(JSON.stringify(msg));
  }

  /** Server side: deliver a frame that is JSON text already. */
  deliverRaw(data: string): void {
    setTimeout(() => {
      if (this.readyState === 1) this.dispatchEvent(new MessageEvent('message', { data }));
    }, 0);
  }

  /** Server side (or the network): close the socket. */
  finish(code = 1006): void {
    if (this.readyState >= 2) return;
    this.readyState = 3;
    setTimeout(() => this.dispatchEvent(new CloseEvent('close', { code, wasClean: code === 1000 })), 0);
  }
}

export interface FakeRoomServerOptions {
  room?: string;
  /** How far the fake server's clock is ahead of the browser's, in ms. */
  clockSkewMs?: number;
  /** The server's media server, as the room master puts it in the decide context (absent: none). */
  media?: MediaConfig;
}

export class FakeRoomServer {
  state: RoomState;
  readonly log: SequencedEvent[] = [];
  readonly sockets: FakeSocket[] = [];
  /** Join tokens and who they stand for. */
  readonly users = new Map<string, Actor>();
  clockSkewMs: number;
  /** The media server commands are decided with (`media/pin-sfu`, the move past the mesh limit); undefined: none. */
  media: MediaConfig | undefined;
  /** When true, new sockets fail to connect (the server is unreachable). */
  refuseConnections = false;
  /** When false, hellos are recorded but not answered. */
  answerHello = true;
  /** Command types recorded but neither applied nor answered (a slow or lost reply). */
  readonly unanswered = new Set<string>();
  /** STUN/TURN servers (and policy) every room welcome carries, as the server's ICE settings give them. */
  ice: Pick<Extract<ServerMessage, { type: 'welcome' }>, 'iceServers' | 'iceTransportPolicy'> = {};
  private original: typeof WebSocket | null = null;
  private peerCounter = 0;
  /** Media tickets handed out (in welcomes and on request), in order; each names its peer id. */
  readonly tickets: { ticket: string; peerId: string }[] = [];
  /** Fresh join tokens browsers sent on open sockets (`token` messages), in order. */
  readonly refreshedTokens: string[] = [];
  /** Commands to refuse with `rate-limited` (type → how many more times, and the retryAfterMs it says). */
  private rateLimited = new Map<string, { times: number; retryAfterMs: number }>();
  /** `GET /api/rooms/:room/status` requests pages made, with their Authorization header. */
  readonly statusRequests: { url: string; authorization: string | null }[] = [];
  /** When set, status requests get this HTTP status (and an error body) instead of an answer. */
  statusFailure: number | null = null;
  private originalFetch: typeof fetch | null = null;

  constructor(options: FakeRoomServerOptions = {}) {
    this.state = initialState(options.room ?? 'bio-101');
    this.clockSkewMs = options.clockSkewMs ?? 0;
    this.media = options.media;
  }

  now(): number {
    return Date.now() + this.clockSkewMs;
  }

  /** Replace `window.WebSocket` with sockets connected to this server. */
  install(): this {
    this.original = window.WebSocket;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const server = this;
    class BoundFakeSocket extends FakeSocket {
      constructor(url: string) {
        super(url, server);
        server.sockets.push(this);
      }
    }
    (window as unknown as { WebSocket: unknown }).WebSocket = BoundFakeSocket;
    // The room's status endpoint, as status-api.ts answers it; any other request goes through.
    const realFetch = (this.originalFetch = window.fetch);
    window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      if (!/\/api\/rooms\/[^/]+\/status$/.test(new URL(request.url).pathname)) return realFetch.call(window, input, init);
      return Promise.resolve(server.answerStatus(request));
    };
    return this;
  }

  /** The fake `GET /api/rooms/:room/status`: the session's status and the caller's role, or 401. */
  answerStatus(request: Request): Response {
    const authorization = request.headers.get('authorization');
    this.statusRequests.push({ url: request.url, authorization });
    const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (this.statusFailure) return json({ error: 'The room\'s status cannot be read right now.' }, this.statusFailure);
    const user = this.users.get(/^Bearer (\S+)$/.exec(authorization ?? '')?.[1] ?? '');
    if (!user) return json({ error: 'The join token is not valid.' }, 401);
    const { status, endedReason, hostAwayMs } = this.state;
    return json({ status, endedReason, hostAwayMs, role: user.role });
  }

  /** Refuse the next `times` commands of this type with `rate-limited`, saying to wait `retryAfterMs`. */
  limitRate(commandType: string, retryAfterMs: number, times = 1): void {
    this.rateLimited.set(commandType, { times, retryAfterMs });
  }

  uninstall(): void {
    if (this.original) (window as unknown as { WebSocket: unknown }).WebSocket = this.original;
    this.original = null;
    if (this.originalFetch) window.fetch = this.originalFetch;
    this.originalFetch = null;
    for (const s of this.sockets) s.finish(1001);
  }

  addUser(token: string, user: Actor): this {
    this.users.set(token, user);
    return this;
  }

  get openSockets(): FakeSocket[] {
    return this.sockets.filter((s) => s.readyState === 1);
  }

  get lastSocket(): FakeSocket | undefined {
    return this.sockets[this.sockets.length - 1];
  }

  /** Every message browsers sent, in order. */
  get received(): ClientMessage[] {
    return this.sockets.flatMap((s) => s.received);
  }

  hellos(): Extract<ClientMessage, { type: 'hello' }>[] {
    return this.received.filter((m): m is Extract<ClientMessage, { type: 'hello' }> => m.type === 'hello');
  }

  commands<T extends string>(type?: T): Extract<ClientMessage, { type: 'command' }>['command'][] {
    return this.received
      .filter((m): m is Extract<ClientMessage, { type: 'command' }> => m.type === 'command')
      .map((m) => m.command)
      .filter((c) => !type || c.type === type);
  }

  /** The welcomed sockets: the room's listeners. */
  private get listeners(): FakeSocket[] {
    return this.openSockets.filter((s) => s.user);
  }

  /**
   * Append an event to the room and send it to every welcomed socket, as the server's
   * fan-out does (server/rooms/fan-out.ts); whoever is back in the room after hearing
   * placeholders gets the whole state again.
   */
  emit(event: RoomEvent): SequencedEvent {
    const e = { seq: this.state.seq + 1, event };
    this.state = fanOut(this.listeners, this.state, e, (to, frame) => to.deliverRaw(frame));
    this.log.push(e);
    for (const s of backInRoom(this.listeners, this.state)) {
      s.stale = false;
      s.deliver({ type: 'welcome', self: { ...s.user!, peerId: s.peerId }, snapshot: snapshotFor(this.state, s.user!), serverTime: this.now() });
    }
    return e;
  }

  /**
   * Run a command as `actor` the way the server does (prepare.ts, then the composed reducer)
   * and fan out its events. `breakout/configure` and `breakout/shuffle` deal in join order.
   */
  run(command: Command, actor: Actor | null, now = this.now(), origin: Origin = {}): { ok: boolean; seq: number; code?: ErrorCode; message?: string } {
    const r = reduce(this.state, prepare(this.state, command, origin, { shuffle: (people) => people }), {
      actor,
      now,
      ...(this.media ? { media: this.media } : {}),
    });
    if (!r.ok) return { ok: false, seq: this.state.seq, code: r.code, message: r.message };
    for (const event of r.events) this.emit(event);
    return { ok: true, seq: this.state.seq };
  }

  /** Fire the room's deadlines as if it were `at` (default: the next deadline). */
  due(at = nextDeadline(this.state) ?? this.now()): void {
    this.run({ type: 'timer/due' }, null, at);
  }

  /**
   * Create rooms and start breakout, as `by`. `plan` (user id → room name) assigns by hand;
   * without it, participants are dealt in join order. No countdown unless given.
   */
  startBreakout(
    by: Actor,
    options: {
      rooms?: string[];
      plan?: Record<string, string>;
      timeLimitMinutes?: number | null;
      countdownSeconds?: number;
    } = {},
  ): void {
    const { rooms = ['Room 1', 'Room 2'], plan } = options;
    const ok = (r: { ok: boolean; message?: string }) => {
      if (!r.ok) throw new Error(r.message);
    };
    ok(
      this.run(
        {
          type: 'breakout/configure',
          rooms,
          timeLimitMinutes: options.timeLimitMinutes ?? null,
          countdownSeconds: options.countdownSeconds ?? 0,
          assignment: plan ? 'manual' : 'auto',
        },
        by,
      ),
    );
    for (const [userId, name] of Object.entries(plan ?? {})) {
      ok(this.run({ type: 'breakout/move', userId, to: this.roomId(name) }, by));
    }
    ok(this.run({ type: 'breakout/start' }, by));
  }

  /** A breakout room's id by its name. */
  roomId(name: string): string {
    const id = this.state.breakout.config?.rooms.find((r) => r.name === name)?.id;
    if (!id) throw new Error(`no breakout room named ${name}`);
    return id;
  }

  /** Send every welcomed socket a `history` frame. */
  pushHistory(messages: ChatMessage[]): void {
    for (const s of this.openSockets) if (s.user) s.deliver({ type: 'history', messages });
  }

  /** Someone else joins (present, with a PeerJS id). */
  join(actor: Actor, peerId = `peer-${actor.id}`): void {
    this.run({ type: 'presence/join', peerId }, actor);
  }

  leave(userId: string): void {
    this.run({ type: 'presence/leave', userId }, null);
  }

  /** Tie the room to an event session (or untie it with null), as the server does. */
  setSession(info: SessionInfo | null): void {
    this.run({ type: 'session/info', info }, null);
  }

  /** `actor` says `text` in chat, with the mood the server's sentiment analysis would give it. */
  say(actor: Actor, text: string, mood?: number): void {
    const r = this.run({ type: 'chat/send', text, ...(mood !== undefined ? { mood } : {}) }, actor);
    if (!r.ok) throw new Error(r.message);
  }

  /** Put chat history into the room before anyone connects. */
  seedChat(messages: Omit<ChatMessage, 'id'>[]): void {
    for (const m of messages) {
      this.emit({ type: 'chat', message: { ...m, id: this.state.nextChatId } });
    }
  }

  private issueTicket(peerId: string): string {
    const ticket = `ticket-${this.tickets.length + 1}`;
    this.tickets.push({ ticket, peerId });
    return ticket;
  }

  /** Tell every welcomed socket its join token expires in `inMs` (as the hub does a minute before). */
  warnTokenExpiry(inMs = 60_000): void {
    for (const s of this.openSockets) if (s.user) s.deliver({ type: 'token-expiring', expiresAt: this.now() + inMs });
  }

  /** The join token ran out: the user leaves, and their socket hears why and closes (as the hub does). */
  expireToken(userId: string): void {
    for (const s of this.openSockets) {
      if (s.user?.id !== userId) continue;
      s.deliver({ type: 'error', code: 'token-expired', message: 'Your sign-in expired: open the room again to get a fresh one.', fatal: true });
      setTimeout(() => s.finish(4001), 5);
    }
    this.leave(userId);
  }

  /** Drop every connection as a network failure would. */
  dropAll(): void {
    for (const s of this.openSockets) s.finish(1006);
  }

  onMessage(socket: FakeSocket, msg: ClientMessage): void {
    if (socket.readyState !== 1) return;
    switch (msg.type) {
      case 'hello': {
        if (!this.answerHello) return;
        const user = this.users.get(msg.token);
        if (!user) {
          socket.deliver({ type: 'error', code: 'bad-token', message: 'The join token is not valid.', fatal: true });
          setTimeout(() => socket.finish(4401), 5);
          return;
        }
        if (msg.console) {
          // A console, as on the server: hosts and moderators only; state and commands, no presence.
          if (!isStaff(user.role)) {
            socket.deliver({ type: 'error', code: 'forbidden', message: 'Only hosts and moderators can open the breakout console.', fatal: true });
            setTimeout(() => socket.finish(4001), 5);
            return;
          }
          socket.user = user;
          socket.deliver({ type: 'welcome', self: { ...user, peerId: '' }, snapshot: viewFor(this.state, user), serverTime: this.now() });
          return;
        }
        const peerId = msg.peerId ?? `peer-${user.id}-${++this.peerCounter}`;
        socket.peerId = peerId;
        const since = msg.since;
        this.run({ type: 'presence/join', peerId }, user);
        socket.user = user;
        const first = this.log[0]?.seq ?? this.state.seq + 1;
        // As the server (catch-up.ts): the missed events as this user may see them, or the whole
        // state when they changed rooms in between or the log does not reach back.
        const reaches = since !== undefined && since >= first - 1 && since <= this.state.seq;
        const missed = reaches ? redactMissed(this.state, user, this.log.filter((e) => e.seq > since)) : null;
        socket.deliver({
          type: 'welcome',
          self: { ...user, peerId },
          ...(missed ? { events: missed } : { snapshot: snapshotFor(this.state, user) }),
          serverTime: this.now(),
          mediaTicket: this.issueTicket(peerId),
          ...this.ice,
        });
        return;
      }
      case 'media-ticket':
        socket.deliver({ type: 'media-ticket', ticket: this.issueTicket(socket.peerId), expiresAt: this.now() + 60_000 });
        return;
      case 'token': {
        const user = this.users.get(msg.token);
        this.refreshedTokens.push(msg.token);
        if (!user || user.id !== socket.user?.id) {
          socket.deliver({ type: 'error', code: 'bad-token', message: 'The new join token was refused.' });
          return;
        }
        socket.user = user;
        socket.deliver({ type: 'token-accepted', expiresAt: this.now() + 3600_000 });
        return;
      }
      case 'ping':
        socket.deliver({ type: 'pong', t: msg.t, serverTime: this.now() });
        return;
      case 'command': {
        if (!socket.user) {
          socket.deliver({ type: 'error', code: 'not-joined', message: 'Say hello first.', ref: msg.ref });
          return;
        }
        if (this.unanswered.has(msg.command.type)) return;
        const limit = this.rateLimited.get(msg.command.type);
        if (limit && limit.times > 0) {
          limit.times--;
          const wait = Math.max(1, Math.ceil(limit.retryAfterMs / 1000));
          socket.deliver({ type: 'error', code: 'rate-limited', message: `Too many messages; wait ${wait} s and try again.`, retryAfterMs: limit.retryAfterMs, ref: msg.ref });
          return;
        }
        // As the server: someone not in the room may only come back (audience.ts); a restart or
        // Rejoin brings this socket's media id back into the room (prepare.ts).
        const away = absentRefusal(this.state, socket.user, socket.console, msg.command);
        if (away) {
          socket.deliver({ type: 'error', code: 'not-joined', message: away, ref: msg.ref });
          return;
        }
        const r = this.run(msg.command, socket.user, this.now(), socket.console ? {} : { peerId: socket.peerId });
        if (r.ok) socket.deliver({ type: 'ack', ref: msg.ref ?? '', seq: r.seq });
        else socket.deliver({ type: 'error', code: r.code!, message: r.message!, ref: msg.ref });
        return;
      }
    }
  }
}

/** Users the tests use. */
export const HOST: Actor = { id: 'u-host', name: 'Dr. Ada Host', role: 'host' };
export const MODERATOR: Actor = { id: 'u-mod', name: 'Mo Derator', role: 'moderator' };
export const STUDENT: Actor = { id: 'u-student', name: 'Sam Student', role: 'participant' };
export const OTHER: Actor = { id: 'u-other', name: 'Olivia Other', role: 'participant' };
