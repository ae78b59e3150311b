/**
 * The room connection: one WebSocket to `/rooms/:room/socket`, the mirrored
 * room state, and everything needed to keep both alive.
 *
 * A Lit reactive controller. It opens when asked (`open()`, typically from a Join
 * button) and while its host is connected; it closes when the host disconnects.
 * It owns the socket, the hello/resume handshake and the mirror of the room state,
 * which it advances with the shared reducer and replaces, never mutates (each
 * change is a new object). Beside it: reconnect.ts (when to try again),
 * server-clock.ts (the clock offset, ping/pong), pending-replies.ts (command refs
 * and their acks, media tickets, token refreshes), ice-refresh.ts (fresh TURN
 * credentials before they expire), room-target.ts (the socket URL)
 * and room-connection-options.ts (its options and what it publishes).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { applySequenced } from '../protocol/room-apply.ts';
import type { ChatMessage, ClientCommand, ClientMessage, RoomState, SequencedEvent, ServerMessage, SfuClientMessage } from '../protocol/types.ts';
import type { ConnectionStatus } from './connection-status.ts';
import { PendingReplies, type CommandAck } from './pending-replies.ts';
import { ReconnectSchedule, withJitter } from './reconnect.ts';
import type { RoomConnectionOptions, RoomIce, RoomSelf, RoomSnapshot } from './room-connection-options.ts';
import { notConnected, RoomCommandError, type RoomError } from './room-error.ts';
import { roomSocketUrl, type RoomTarget } from './room-target.ts';
import { IceRefresh } from './ice-refresh.ts';
import { ServerClock } from './server-clock.ts';

export type { CommandAck, ConnectionStatus, RoomError, RoomTarget };
export type { RoomConnectionOptions, RoomEventInfo, RoomIce, RoomSelf, RoomSnapshot } from './room-connection-options.ts';
export { roomSocketUrl, toWebSocketBase } from './room-target.ts';
export { RoomCommandError };

export class RoomConnection implements ReactiveController {
  /** Where the connection stands; see `ConnectionStatus`. */
  status: ConnectionStatus = 'idle';
  /** The mirrored room state; null until the first welcome. */
  state: RoomState | null = null;
  /** This user as the server knows them; null until the first welcome. */
  self: RoomSelf | null = null;
  /** The latest error (fatal or not); cleared on the next welcome. */
  error: RoomError | null = null;
  /** The STUN/TURN servers the server gave this connection (none: host candidates only). */
  ice: RoomIce = { iceServers: [], iceTransportPolicy: 'all' };

  private readonly host: ReactiveControllerHost;
  private readonly options: RoomConnectionOptions;
  private readonly clock = new ServerClock();
  private readonly retry: ReconnectSchedule;
  private readonly replies: PendingReplies;
  private socket: WebSocket | null = null;
  private wanted = false;
  private hostIsConnected = false;
  private welcomed = false;
  private everWelcomed = false;
  /** The current socket had its first welcome. */
  private socketWelcomed = false;
  private welcomeTimer: ReturnType<typeof setTimeout> | null = null;
  /** Asks for fresh TURN credentials (a media ticket brings them) before the current ones expire. */
  private readonly iceRefresh: IceRefresh;
  private snapshotCache: RoomSnapshot | null = null;
  /** The media ticket from the last welcome, unused so far, and when it came. */
  private welcomeTicket: { ticket: string; at: number } | null = null;
  private readonly onOnline = () => {
    // Back online while waiting to retry: retry now.
    if (this.wanted && this.retry.cancel()) this.connect();
  };

  constructor(host: ReactiveControllerHost, options: RoomConnectionOptions) {
    this.host = host;
    this.options = options;
    this.retry = new ReconnectSchedule({ initialMs: options.backoffInitialMs ?? 250, maxMs: options.backoffMaxMs ?? 5000 });
    this.replies = new PendingReplies(() => options.commandTimeoutMs ?? 10_000);
    this.iceRefresh = new IceRefresh(() => {
      if (!this.ready) return; // the next welcome brings fresh ones
      this.replies.ticket(() => this.sendRaw({ type: 'media-ticket' })).catch(() => {
        // Refused (not in the running session) or interrupted: the next welcome or ticket brings fresh ones.
      });
    }, options.iceRefreshMinMs);
    host.addController(this);
  }

  /** Server time minus local time, in ms (best of recent ping samples). */
  get clockOffset(): number {
    return this.clock.offset;
  }

  /** Round-trip time of the best recent ping sample, in ms. */
  get rtt(): number {
    return this.clock.rtt;
  }

  /** Sequence number of the last event in the mirror (0 before any state). */
  get lastSeq(): number {
    return this.state?.seq ?? 0;
  }

  /** Failed connection attempts since the last welcome (0 while all is well). */
  get attempts(): number {
    return this.retry.attempt;
  }

  /** True between a welcome and the socket closing. */
  get connected(): boolean {
    return this.welcomed;
  }

  /** The server's clock now, corrected by the measured offset. */
  serverNow(): number {
    return this.clock.now();
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
      this.retry.succeeded();
      this.setStatus('connecting');
    }
    if (this.hostIsConnected && !this.socket) this.connect();
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
        this.send({ type: 'meeting/leave' }).catch(() => undefined),
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
    this.retry.succeeded();
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
    if (!this.ready) return Promise.reject(notConnected());
    return this.replies.command((ref) => this.sendRaw({ type: 'command', ref, command }));
  }

  /**
   * A media ticket for this connection's peer id (the PeerJS key): the welcome's while it is
   * fresh and unused, else a new one from the server. Each is good for one signaling connection.
   */
  mediaTicket(): Promise<string> {
    const held = this.welcomeTicket;
    this.welcomeTicket = null;
    if (held && Date.now() - held.at < (this.options.ticketFreshMs ?? 45_000)) return Promise.resolve(held.ticket);
    if (!this.ready) return Promise.reject(notConnected());
    return this.replies.ticket(() => this.sendRaw({ type: 'media-ticket' }));
  }

  /**
   * Send a media-server frame. Dropped, with no error, while not connected: a new socket's welcome
   * brings a `reset` to `onSfu`, and the media-server link starts over then.
   */
  sendSfu(msg: SfuClientMessage): void {
    if (this.ready) this.sendRaw(msg);
  }

  /**
   * Hand the server a fresh join token for this same room and user (before the current one
   * expires). Resolves once accepted; the token's role applies from then on.
   */
  refreshToken(token: string): Promise<void> {
    // Not connected: the next connection says hello with the page's current token anyway.
    if (!this.ready) return Promise.reject(notConnected());
    return this.replies.tokenRefresh(() => this.sendRaw({ type: 'token', token }));
  }

  // -------------------------------------------------------------------------

  /** Welcomed, with the socket open: requests can go out. */
  private get ready(): boolean {
    return this.welcomed && this.socket?.readyState === 1;
  }

  private connect(): void {
    this.retry.cancel();
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
    this.socketWelcomed = false;
    socket.addEventListener('open', () => {
      if (this.socket !== socket) return;
      const hello: ClientMessage = { type: 'hello', token: target.token };
      if (this.state && this.state.room === target.room) hello.since = this.state.seq;
      if (this.self?.peerId) hello.peerId = this.self.peerId;
      if (this.options.console) hello.console = true;
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
      case 'media-ticket':
        if (msg.iceServers) this.setIce(msg.iceServers, this.ice.iceTransportPolicy, msg.iceExpiresAt);
        return this.replies.ticketArrived(msg.ticket);
      case 'sfu':
        return this.options.onSfu?.(msg);
      case 'token-expiring':
        this.options.onTokenExpiring?.(msg.expiresAt);
        return;
      case 'token-accepted':
        return this.replies.tokenAccepted();
      case 'pong':
        if (this.clock.pong(msg.t, msg.serverTime)) this.changed();
        return;
      case 'ack':
        return this.replies.ack(msg.ref, msg.seq);
      case 'error':
        return this.onServerError(msg);
    }
  }

  private onServerError(msg: Extract<ServerMessage, { type: 'error' }>): void {
    const error: RoomError = { code: msg.code, message: msg.message, fatal: !!msg.fatal };
    const wait = msg.retryAfterMs;
    if (typeof wait === 'number' && Number.isFinite(wait) && wait >= 0) error.retryAfterMs = Math.min(wait, 3_600_000);
    if (msg.code === 'room-moved') {
      // Another server serves the room now (or is about to): as after a dropped connection, come
      // back after the wait it names (give or take a little) and resume from the last event; a
      // command not yet acknowledged is reported as interrupted, as then.
      this.dropSocket();
      this.onSocketGone(error.retryAfterMs === undefined ? undefined : withJitter(error.retryAfterMs));
      return;
    }
    const answered = msg.ref ? this.replies.refuse(msg.ref, error) : false;
    // A refused token or ticket request carries no ref: it answers the oldest such request.
    if (!msg.ref && !error.fatal && this.replies.settleUnreferenced(error)) return;
    if (error.fatal) {
      this.fail(error);
    } else if (!answered) {
      this.error = error;
      this.changed();
      this.options.onError?.(error);
    }
  }

  private onWelcome(msg: Extract<ServerMessage, { type: 'welcome' }>): void {
    if (this.welcomeTimer !== null) clearTimeout(this.welcomeTimer);
    this.welcomeTimer = null;
    this.welcomeTicket = msg.mediaTicket ? { ticket: msg.mediaTicket, at: Date.now() } : null;
    const resumed = this.everWelcomed && this.state !== null;
    const freshSocket = !this.socketWelcomed;
    this.socketWelcomed = true;
    this.welcomed = true;
    this.everWelcomed = true;
    this.retry.succeeded();
    this.error = null;
    this.self = { ...msg.self };
    this.clock.welcome(msg.serverTime);
    this.setIce(msg.iceServers ?? [], msg.iceTransportPolicy ?? 'all', msg.iceExpiresAt);
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
    this.clock.start((t) => {
      if (this.welcomed) this.sendRaw({ type: 'ping', t });
    }, this.options.pingIntervalMs ?? 10_000);
    this.options.onWelcome?.(this.self, { resumed, state: this.state });
    // The media server's connections belonged to the old socket: a link still open starts over.
    if (freshSocket && resumed) this.options.onSfu?.({ type: 'sfu', op: 'reset', reason: 'server' });
  }

  private setIce(iceServers: RTCIceServer[], iceTransportPolicy: RTCIceTransportPolicy, expiresAt?: number): void {
    this.ice = { iceServers, iceTransportPolicy };
    this.options.onIce?.(this.ice);
    this.iceRefresh.schedule(expiresAt, this.clock.now());
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

  /** The socket closed or was given up on; reconnect unless we are done. */
  private onSocketGone(delayOverride?: number): void {
    this.socket = null;
    this.welcomed = false;
    this.clock.stop();
    if (this.welcomeTimer !== null) clearTimeout(this.welcomeTimer);
    this.welcomeTimer = null;
    this.rejectPending('disconnected', 'The connection to the session was interrupted.');
    if (!this.wanted || this.status === 'failed') return;
    this.setStatus(this.everWelcomed ? 'reconnecting' : 'connecting');
    if (!this.hostIsConnected) return;
    this.retry.schedule(() => {
      if (this.wanted && this.hostIsConnected && !this.socket) this.connect();
    }, delayOverride);
    this.changed();
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
    this.retry.cancel();
    this.iceRefresh.cancel();
    this.clock.stop();
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

  private rejectPending(code: string, message: string): void {
    this.replies.rejectAll(code, message);
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
