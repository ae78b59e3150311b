/**
 * The room connection: one WebSocket to `/rooms/:room/socket`, the mirrored
 * room state, and everything needed to keep both alive.
 *
 * A Lit reactive controller. It opens when asked (`open()`, typically from a Join
 * button) and while its host is connected; it closes when the host disconnects.
 * It owns the socket, the hello/resume handshake, reconnection with exponential
 * backoff, the clock offset (ping/pong), command refs and their acks, and the
 * mirror of the room state, which it advances with the shared reducer and
 * replaces, never mutates (each change is a new object).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { applySequenced } from '../protocol/reducer.ts';
import type {
  Actor,
  ChatMessage,
  ClientCommand,
  ClientMessage,
  RoomState,
  SequencedEvent,
  ServerMessage,
} from '../protocol/types.ts';
import type { ConnectionStatus } from '../elements/shared/events.ts';

export type { ConnectionStatus };

/** Who this connection is, as the server verified it from the join token. */
export type RoomSelf = Actor & { peerId: string };

/** An error the connection reports: a server error code or one of the client's own. */
export interface RoomError {
  code: string;
  message: string;
  fatal: boolean;
  /** With `rate-limited`: how long to wait before sending that again, in ms. */
  retryAfterMs?: number;
}

/** A command the server refused or that could not be delivered. */
export class RoomCommandError extends Error implements RoomError {
  readonly code: string;
  readonly fatal: boolean;
  /** With `rate-limited`: how long to wait before sending that again, in ms. */
  readonly retryAfterMs?: number;
  constructor(code: string, message: string, fatal = false, retryAfterMs?: number) {
    super(message);
    this.name = 'RoomCommandError';
    this.code = code;
    this.fatal = fatal;
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
  }
}

/** Where to connect. Read at every (re)connect, so a refreshed token is picked up. */
export interface RoomTarget {
  /** The server's http(s) base URL, e.g. `https://rooms.example.edu`. */
  server: string;
  room: string;
  token: string;
}

/** Extra context for `onEvent`. */
export interface RoomEventInfo {
  previous: RoomState;
  state: RoomState;
  /** True for events replayed in a `welcome` after a reconnect. */
  replayed: boolean;
}

export interface RoomConnectionOptions {
  target: () => RoomTarget;
  /**
   * Connect as a console (a standalone `<breakout-dashboard>`, hosts and moderators only):
   * see and command the room without joining it (no presence, no media). Default false.
   */
  observer?: boolean;
  /** WebSocket constructor; defaults to `globalThis.WebSocket` at connect time (tests stub it). */
  WebSocket?: typeof WebSocket;
  /** First reconnect delay (doubles per failed attempt). Default 250 ms. */
  backoffInitialMs?: number;
  /** Largest reconnect delay. Default 5000 ms. */
  backoffMaxMs?: number;
  /** Clock-offset ping interval. Default 10 s. */
  pingIntervalMs?: number;
  /** How long a command waits for its ack. Default 10 s. */
  commandTimeoutMs?: number;
  /** How long the socket may take from connect to `welcome`. Default 10 s. */
  welcomeTimeoutMs?: number;
  /** A welcome arrived: a first join (`resumed` false) or a resume after a reconnect. */
  onWelcome?: (self: RoomSelf, info: { resumed: boolean; state: RoomState }) => void;
  /** One room event was applied to the mirror. */
  onEvent?: (event: SequencedEvent, info: RoomEventInfo) => void;
  onStatusChange?: (status: ConnectionStatus, previous: ConnectionStatus) => void;
  onError?: (error: RoomError) => void;
  /**
   * The join token expires soon (`expiresAt`, server time): hand a fresh one to `refreshToken`.
   * Without one, the server ends the connection at that time (error `token-expired`).
   */
  onTokenExpiring?: (expiresAt: number) => void;
  /** How long a media ticket from a welcome stays worth using. Default 45 s (the server's last 60). */
  ticketFreshMs?: number;
}

/** What the connection publishes to nested elements; a new object on every change. */
export interface RoomSnapshot {
  readonly status: ConnectionStatus;
  readonly state: RoomState | null;
  readonly self: RoomSelf | null;
  readonly error: RoomError | null;
  /** Server time minus local time, in ms. */
  readonly clockOffset: number;
}

/** The server's reply to a command: the sequence number of its last event. */
export interface CommandAck {
  seq: number;
}

interface Pending {
  resolve: (ack: CommandAck) => void;
  reject: (error: RoomCommandError) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** `https://host/base` → `wss://host/base` (no trailing slash). */
export function toWebSocketBase(server: string): string {
  const url = new URL(server, globalThis.location?.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : url.protocol === 'http:' ? 'ws:' : url.protocol;
  url.search = '';
  url.hash = '';
  return url.href.replace(/\/+$/, '');
}

/** The room socket URL for a server base and room name. */
export function roomSocketUrl(server: string, room: string): string {
  return `${toWebSocketBase(server)}/rooms/${encodeURIComponent(room)}/socket`;
}

export class RoomConnection implements ReactiveController {
  /** Where the connection stands; see `ConnectionStatus`. */
  status: ConnectionStatus = 'idle';
  /** The mirrored room state; null until the first welcome. */
  state: RoomState | null = null;
  /** This user as the server knows them; null until the first welcome. */
  self: RoomSelf | null = null;
  /** The latest error (fatal or not); cleared on the next welcome. */
  error: RoomError | null = null;
  /** Server time minus local time, in ms (best of recent ping samples). */
  clockOffset = 0;
  /** Round-trip time of the best recent ping sample, in ms. */
  rtt = Number.POSITIVE_INFINITY;

  private readonly host: ReactiveControllerHost;
  private readonly options: RoomConnectionOptions;
  private socket: WebSocket | null = null;
  private wanted = false;
  private hostIsConnected = false;
  private welcomed = false;
  private everWelcomed = false;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private welcomeTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private pending = new Map<string, Pending>();
  private nextRef = 1;
  private samples: { offset: number; rtt: number }[] = [];
  private snapshotCache: RoomSnapshot | null = null;
  /** The media ticket from the last welcome, unused so far, and when it came. */
  private welcomeTicket: { ticket: string; at: number } | null = null;
  private ticketWaiters: { resolve: (t: string) => void; reject: (e: RoomCommandError) => void; timer: ReturnType<typeof setTimeout> }[] = [];
  private tokenWaiter: { resolve: () => void; reject: (e: RoomCommandError) => void; timer: ReturnType<typeof setTimeout> } | null = null;
  private readonly onOnline = () => {
    if (this.wanted && this.reconnectTimer !== null) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
      this.connect();
    }
  };

  constructor(host: ReactiveControllerHost, options: RoomConnectionOptions) {
    this.host = host;
    this.options = options;
    host.addController(this);
  }

  /** Sequence number of the last event in the mirror (0 before any state). */
  get lastSeq(): number {
    return this.state?.seq ?? 0;
  }

  /** Failed connection attempts since the last welcome (0 while all is well). */
  get attempts(): number {
    return this.attempt;
  }

  /** True between a welcome and the socket closing. */
  get connected(): boolean {
    return this.welcomed;
  }

  /** The server's clock now, corrected by the measured offset. */
  serverNow(): number {
    return Date.now() + this.clockOffset;
  }

  /** An immutable view of the connection; the same object until something changes. */
  get snapshot(): RoomSnapshot {
    return (this.snapshotCache ??= Object.freeze({
      status: this.status,
      state: this.state,
      self: this.self,
      error: this.error,
      clockOffset: this.clockOffset,
    }));
  }

  hostConnected(): void {
    this.hostIsConnected = true;
    globalThis.addEventListener?.('online', this.onOnline);
    if (this.wanted && !this.socket) this.connect();
  }

  hostDisconnected(): void {
    this.hostIsConnected = false;
    globalThis.removeEventListener?.('online', this.onOnline);
    this.teardown('The page removed the room.');
    if (this.wanted) this.setStatus(this.everWelcomed ? 'reconnecting' : 'connecting');
  }

  /** Start (or resume) being in the room: connect now if the host is on the page. */
  open(): void {
    this.wanted = true;
    this.error = null;
    if (this.status === 'left' || this.status === 'failed' || this.status === 'idle') {
      this.attempt = 0;
      this.setStatus('connecting');
    }
    if (this.hostIsConnected && !this.socket) {
      this.clearReconnect();
      this.connect();
    }
  }

  /**
   * Stop being in the room, without telling the server (it notices the socket
   * closing). `status` becomes `left` or `idle`.
   */
  close(status: 'left' | 'idle' = 'idle'): void {
    this.wanted = false;
    this.teardown('Closed.');
    // A rejoin gets a fresh PeerJS id from the server.
    if (this.self) this.self = { ...this.self, peerId: '' };
    this.setStatus(status);
  }

  /** Tell the server this user leaves (waits briefly for the ack), then close. */
  async leave(timeoutMs = 2000): Promise<void> {
    if (this.welcomed) {
      await Promise.race([
        this.send({ type: 'session/leave' }).catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, timeoutMs)),
      ]);
    }
    this.close('left');
  }

  /**
   * Forget the mirror and connect afresh (for a different room or server).
   * Keeps the wish to be connected.
   */
  reset(): void {
    this.teardown('Reset.');
    this.state = null;
    this.self = null;
    this.error = null;
    this.everWelcomed = false;
    this.attempt = 0;
    this.changed();
    if (this.wanted) {
      this.setStatus('connecting');
      if (this.hostIsConnected) this.connect();
    } else {
      this.setStatus('idle');
    }
  }

  /** Send a command; resolves with the server's ack, rejects with a `RoomCommandError`. */
  send(command: ClientCommand): Promise<CommandAck> {
    const socket = this.socket;
    if (!socket || !this.welcomed || socket.readyState !== 1) {
      return Promise.reject(
        new RoomCommandError('not-connected', 'Not connected to the session right now; try again in a moment.'),
      );
    }
    const ref = `c${this.nextRef++}`;
    return new Promise<CommandAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(ref);
        reject(new RoomCommandError('timeout', 'The server did not answer in time.'));
      }, this.options.commandTimeoutMs ?? 10_000);
      this.pending.set(ref, { resolve, reject, timer });
      this.sendRaw({ type: 'command', ref, command });
    });
  }

  /**
   * A media ticket for this connection's peer id (the PeerJS key): the welcome's while it is
   * fresh and unused, else a new one from the server. Each is good for one signaling connection.
   */
  mediaTicket(): Promise<string> {
    const held = this.welcomeTicket;
    this.welcomeTicket = null;
    if (held && Date.now() - held.at < (this.options.ticketFreshMs ?? 45_000)) return Promise.resolve(held.ticket);
    if (!this.welcomed || this.socket?.readyState !== 1) {
      return Promise.reject(new RoomCommandError('not-connected', 'Not connected to the session right now; try again in a moment.'));
    }
    return new Promise<string>((resolve, reject) => {
      const waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.ticketWaiters = this.ticketWaiters.filter((w) => w !== waiter);
          reject(new RoomCommandError('timeout', 'The server did not answer in time.'));
        }, this.options.commandTimeoutMs ?? 10_000),
      };
      this.ticketWaiters.push(waiter);
      this.sendRaw({ type: 'media-ticket' });
    });
  }

  /**
   * Hand the server a fresh join token for this same room and user (before the current one
   * expires). Resolves once accepted; the token's role applies from then on.
   */
  refreshToken(token: string): Promise<void> {
    if (!this.welcomed || this.socket?.readyState !== 1) {
      // Not connected: the next connection says hello with the page's current token anyway.
      return Promise.reject(new RoomCommandError('not-connected', 'Not connected to the session right now; try again in a moment.'));
    }
    this.tokenWaiter?.reject(new RoomCommandError('replaced', 'A newer token was sent.'));
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          if (this.tokenWaiter === waiter) this.tokenWaiter = null;
          reject(new RoomCommandError('timeout', 'The server did not answer in time.'));
        }, this.options.commandTimeoutMs ?? 10_000),
      };
      this.tokenWaiter = waiter;
      this.sendRaw({ type: 'token', token });
    });
  }

  // -------------------------------------------------------------------------

  private connect(): void {
    this.clearReconnect();
    let target: RoomTarget;
    let url: string;
    try {
      target = this.options.target();
      if (!target.room || !target.token) throw new Error('missing');
      url = roomSocketUrl(target.server, target.room);
    } catch {
      this.fail({
        code: 'config',
        message: 'This room is not set up correctly: it needs a server address, a room name and a join token.',
        fatal: true,
      });
      return;
    }
    const Ctor = this.options.WebSocket ?? globalThis.WebSocket;
    let socket: WebSocket;
    try {
      socket = new Ctor(url);
    } catch {
      this.fail({ code: 'config', message: `Cannot connect to ${url}.`, fatal: true });
      return;
    }
    this.socket = socket;
    this.welcomed = false;
    socket.addEventListener('open', () => {
      if (this.socket !== socket) return;
      const hello: ClientMessage = { type: 'hello', token: target.token };
      if (this.state && this.state.room === target.room) hello.since = this.state.seq;
      if (this.self?.peerId) hello.peerId = this.self.peerId;
      if (this.options.observer) hello.observer = true;
      this.sendRaw(hello);
    });
    socket.addEventListener('message', (e: MessageEvent) => {
      if (this.socket !== socket) return;
      let msg: ServerMessage;
      try {
        msg = JSON.parse(String(e.data)) as ServerMessage;
      } catch {
        return;
      }
      this.handle(msg);
    });
    socket.addEventListener('close', () => {
      if (this.socket !== socket) return;
      this.onSocketGone();
    });
    // Errors are followed by `close`, which does the work.
    this.welcomeTimer = setTimeout(() => {
      if (this.socket === socket && !this.welcomed) {
        this.dropSocket();
        this.onSocketGone();
      }
    }, this.options.welcomeTimeoutMs ?? 10_000);
  }

  private handle(msg: ServerMessage): void {
    switch (msg.type) {
      case 'welcome':
        return this.onWelcome(msg);
      case 'event': {
        if (!this.state) return;
        if (msg.seq > this.state.seq + 1) {
          // We missed something: reconnect and resume from what we have.
          this.dropSocket();
          this.onSocketGone(0);
          return;
        }
        this.applyEvent({ seq: msg.seq, event: msg.event }, false);
        this.changed();
        return;
      }
      case 'history':
        return this.mergeHistory(msg.messages);
      case 'media-ticket': {
        const w = this.ticketWaiters.shift();
        if (w) {
          clearTimeout(w.timer);
          w.resolve(msg.ticket);
        }
        return;
      }
      case 'token-expiring':
        this.options.onTokenExpiring?.(msg.expiresAt);
        return;
      case 'token-accepted': {
        const w = this.tokenWaiter;
        this.tokenWaiter = null;
        if (w) {
          clearTimeout(w.timer);
          w.resolve();
        }
        return;
      }
      case 'pong':
        return this.onPong(msg.t, msg.serverTime);
      case 'ack': {
        const p = this.pending.get(msg.ref);
        if (!p) return;
        this.pending.delete(msg.ref);
        clearTimeout(p.timer);
        p.resolve({ seq: msg.seq });
        return;
      }
      case 'error': {
        const error: RoomError = { code: msg.code, message: msg.message, fatal: !!msg.fatal };
        const wait = msg.retryAfterMs;
        if (typeof wait === 'number' && Number.isFinite(wait) && wait >= 0) error.retryAfterMs = Math.min(wait, 3_600_000);
        const p = msg.ref ? this.pending.get(msg.ref) : undefined;
        if (p && msg.ref) {
          this.pending.delete(msg.ref);
          clearTimeout(p.timer);
          p.reject(new RoomCommandError(error.code, error.message, error.fatal, error.retryAfterMs));
        }
        // A refused token or ticket request carries no ref: it answers the oldest such request.
        if (!msg.ref && !error.fatal && this.settleUnreferenced(error)) return;
        if (error.fatal) {
          this.fail(error);
        } else if (!p) {
          this.error = error;
          this.changed();
          this.options.onError?.(error);
        }
        return;
      }
    }
  }

  /** A refusal without a ref: the answer to a pending token refresh or ticket request, if any. */
  private settleUnreferenced(error: RoomError): boolean {
    const w = (error.code === 'bad-token' || error.code === 'forbidden') && this.tokenWaiter ? this.tokenWaiter : null;
    if (w) {
      this.tokenWaiter = null;
      clearTimeout(w.timer);
      w.reject(new RoomCommandError(error.code, error.message));
      return true;
    }
    const t = error.code === 'not-joined' ? this.ticketWaiters.shift() : undefined;
    if (t) {
      clearTimeout(t.timer);
      t.reject(new RoomCommandError(error.code, error.message));
      return true;
    }
    return false;
  }

  private onWelcome(msg: Extract<ServerMessage, { type: 'welcome' }>): void {
    if (this.welcomeTimer !== null) clearTimeout(this.welcomeTimer);
    this.welcomeTimer = null;
    this.welcomeTicket = msg.mediaTicket ? { ticket: msg.mediaTicket, at: Date.now() } : null;
    const resumed = this.everWelcomed && this.state !== null;
    this.welcomed = true;
    this.everWelcomed = true;
    this.attempt = 0;
    this.error = null;
    this.self = { ...msg.self };
    // Rough offset until the first pong refines it.
    if (this.samples.length === 0) this.clockOffset = msg.serverTime - Date.now();
    if (msg.snapshot) {
      this.state = msg.snapshot;
    } else if (msg.events && this.state) {
      for (const e of msg.events) this.applyEvent(e, true);
    }
    if (!this.state) {
      // A server that sent neither: ask again from scratch.
      this.dropSocket();
      this.onSocketGone();
      return;
    }
    this.setStatus('connected');
    this.changed();
    this.startPing();
    this.options.onWelcome?.(this.self, { resumed, state: this.state });
  }

  /**
   * Chat history of the room this user just moved into: merge it into the mirror
   * (by id, oldest first), as a new state object.
   */
  private mergeHistory(messages: ChatMessage[]): void {
    const state = this.state;
    if (!state || !Array.isArray(messages)) return;
    const known = new Set(state.chat.map((m) => m.id));
    const fresh = messages.filter((m) => !known.has(m.id));
    if (!fresh.length) return;
    this.state = { ...state, chat: [...state.chat, ...fresh].sort((a, b) => a.id - b.id) };
    this.changed();
  }

  private applyEvent(e: SequencedEvent, replayed: boolean): void {
    if (!this.state) return;
    const previous = this.state;
    const state = applySequenced(previous, e);
    if (state === previous) return;
    this.state = state;
    this.options.onEvent?.(e, { previous, state, replayed });
  }

  private startPing(): void {
    this.stopPing();
    const ping = () => {
      if (this.welcomed) this.sendRaw({ type: 'ping', t: Date.now() });
    };
    ping();
    this.pingTimer = setInterval(ping, this.options.pingIntervalMs ?? 10_000);
  }

  private stopPing(): void {
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  private onPong(t: number, serverTime: number): void {
    const now = Date.now();
    const rtt = now - t;
    if (rtt < 0) return;
    this.samples.push({ offset: serverTime - (t + now) / 2, rtt });
    if (this.samples.length > 6) this.samples.shift();
    const best = this.samples.reduce((a, b) => (b.rtt < a.rtt ? b : a));
    if (best.offset !== this.clockOffset || best.rtt !== this.rtt) {
      this.clockOffset = best.offset;
      this.rtt = best.rtt;
      this.changed();
    }
  }

  /** The socket closed or was given up on; reconnect unless we are done. */
  private onSocketGone(delayOverride?: number): void {
    this.socket = null;
    this.welcomed = false;
    this.stopPing();
    if (this.welcomeTimer !== null) clearTimeout(this.welcomeTimer);
    this.welcomeTimer = null;
    this.rejectPending('disconnected', 'The connection to the session was interrupted.');
    if (!this.wanted || this.status === 'failed') return;
    this.setStatus(this.everWelcomed ? 'reconnecting' : 'connecting');
    if (!this.hostIsConnected) return;
    const initial = this.options.backoffInitialMs ?? 250;
    const max = this.options.backoffMaxMs ?? 5000;
    const base = Math.min(max, initial * 2 ** this.attempt);
    // A little jitter so a classroom does not reconnect in lockstep.
    const delay = delayOverride ?? Math.round(base * (0.8 + Math.random() * 0.4));
    this.attempt++;
    this.changed();
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.wanted && this.hostIsConnected && !this.socket) this.connect();
    }, Math.min(max, delay));
  }

  private fail(error: RoomError): void {
    this.wanted = false;
    this.error = error;
    this.teardown(error.message);
    this.setStatus('failed');
    this.changed();
    this.options.onError?.(error);
  }

  /** Close the socket and stop every timer, without changing status. */
  private teardown(reason: string): void {
    this.clearReconnect();
    this.stopPing();
    if (this.welcomeTimer !== null) clearTimeout(this.welcomeTimer);
    this.welcomeTimer = null;
    this.dropSocket();
    this.welcomed = false;
    this.rejectPending('disconnected', reason);
  }

  private dropSocket(): void {
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState < 2) {
      try {
        socket.close(1000);
      } catch {
        /* already closing */
      }
    }
  }

  private clearReconnect(): void {
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  private rejectPending(code: string, message: string): void {
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new RoomCommandError(code, message));
    }
    this.pending.clear();
    for (const w of this.ticketWaiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new RoomCommandError(code, message));
    }
    const t = this.tokenWaiter;
    this.tokenWaiter = null;
    if (t) {
      clearTimeout(t.timer);
      t.reject(new RoomCommandError(code, message));
    }
    this.welcomeTicket = null;
  }

  private sendRaw(msg: ClientMessage): void {
    try {
      this.socket?.send(JSON.stringify(msg));
    } catch {
      /* the close handler reconnects */
    }
  }

  private setStatus(status: ConnectionStatus): void {
    const previous = this.status;
    if (previous === status) return;
    this.status = status;
    this.changed();
    this.options.onStatusChange?.(status, previous);
  }

  private changed(): void {
    this.snapshotCache = null;
    this.host.requestUpdate();
  }
}
