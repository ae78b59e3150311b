/**
 * A connection to Janus's WebSocket API (subprotocol `janus-protocol`) with the platform WebSocket,
 * the same on Node and Deno. One Janus session per connection; every request carries the API secret
 * and a transaction, and fails with a `JanusError` when Janus refuses it or does not answer within
 * the timeout. A keepalive every 25 s holds the session; when the socket drops (or a keepalive goes
 * unanswered) every handle is gone, `onDown` fires, and the connection comes back with backoff
 * (`onUp`). Janus sessions die with their socket: nothing is reclaimed, the owner redoes its handles.
 * Callbacks never throw into the socket's event loop; a fault is logged and the process stays up.
 */
import { systemClock, type Clock } from '../socket.ts';

/** Janus's own error codes (numbers) or what went wrong on our side. */
export type JanusErrorCode = number | 'timeout' | 'down' | 'closed' | 'handles' | 'unanswered' | 'protocol';

export class JanusError extends Error {
  readonly code: JanusErrorCode;
  /** When the connection is down: how long until the next attempt to reach Janus. */
  readonly retryAfterMs?: number;
  constructor(code: JanusErrorCode, message: string, retryAfterMs?: number) {
    super(message);
    this.name = 'JanusError';
    this.code = code;
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
  }
}

/** A fault of the connection rather than a refusal: the request may succeed later (`sfu-unavailable`). */
export function janusUnavailable(error: unknown): boolean {
  return error instanceof JanusError && (error.code === 'timeout' || error.code === 'down' || error.code === 'handles');
}

export interface Jsep {
  type: 'offer' | 'answer';
  sdp: string;
  /** How an offer's simulcast rids are listed: highest first (Janus's default) or lowest first. */
  rid_order?: 'hml' | 'lmh';
}

/** What a plugin answered: its data (`plugindata.data`) and the SDP that came with it, if any. */
export interface PluginAnswer {
  data: Record<string, any>;
  jsep?: Jsep;
}

/** What Janus tells a handle outside any request of ours. */
export interface HandleEvents {
  /** A plugin event (`publishers`, `leaving`, `kicked`, `destroyed`, …). */
  event?(data: Record<string, any>, jsep?: Jsep): void;
  /** The handle's PeerConnection is up. */
  webrtcup?(): void;
  /** Janus hung up the handle's PeerConnection. */
  hangup?(reason: string): void;
  /** The handle no longer exists: Janus detached it (`lost` false) or the connection was lost (`lost` true). */
  gone?(lost: boolean): void;
}

export interface JanusConnectionOptions {
  clock?: Clock;
  /** Most handles open at once on the connection (default 2000). */
  maxHandles?: number;
  /** Keepalive period (default 25 s; Janus drops a session after 60 s of silence). */
  keepaliveMs?: number;
  /** Reconnect backoff: first wait and the longest (default 1 s doubling to 30 s). */
  backoffMs?: { first: number; max: number };
  log?: (message: string) => void;
}

interface Pending {
  resolve(msg: Record<string, any>): void;
  reject(error: JanusError): void;
  timer: unknown;
  /** A plugin message: an `ack` is not the answer, the `event` (or `success`) is. */
  plugin: boolean;
}

type State = 'connecting' | 'up' | 'waiting' | 'closed';

export class JanusHandle {
  readonly id: number;
  closed = false;
  /** @internal */ readonly events: HandleEvents;
  private readonly conn: JanusConnection;
  constructor(conn: JanusConnection, id: number, events: HandleEvents) {
    this.conn = conn;
    this.id = id;
    this.events = events;
  }

  /** A plugin request; Janus's refusal (`error_code` in the plugin's data) becomes a `JanusError`. */
  async message(body: Record<string, unknown>, jsep?: Jsep): Promise<PluginAnswer> {
    if (this.closed) throw new JanusError('closed', `The Janus handle is closed; ${String(body.request)} was not sent.`);
    const msg = await this.conn.request({ janus: 'message', handle_id: this.id, body, ...(jsep ? { jsep } : {}) }, true);
    const data = (msg.plugindata?.data ?? {}) as Record<string, any>;
    if (data.error_code !== undefined) throw new JanusError(Number(data.error_code), String(data.error ?? 'Janus refused the request'));
    return { data, ...(msg.jsep ? { jsep: msg.jsep as Jsep } : {}) };
  }

  /** Detach from Janus (which also leaves the room); a handle Janus already dropped counts as detached. */
  async detach(): Promise<void> {
    if (this.closed) return;
    this.conn.forget(this);
    try {
      await this.conn.request({ janus: 'detach', handle_id: this.id }, false);
    } catch (e) {
      if (!(e instanceof JanusError && (e.code === 459 || e.code === 'down'))) throw e;
    }
  }
}

export class JanusConnection {
  private readonly url: string;
  private readonly apiSecret: string;
  private readonly timeoutMs: number;
  private readonly clock: Clock;
  private readonly maxHandles: number;
  private readonly keepaliveMs: number;
  private readonly backoff: { first: number; max: number };
  private readonly log: (message: string) => void;

  private state: State = 'connecting';
  private ws: WebSocket | null = null;
  private session = 0;
  private nextTx = 0;
  private readonly pending = new Map<string, Pending>();
  private readonly handles = new Map<number, JanusHandle>();
  private attaching = 0;
  private keepalive: unknown = null;
  private retryTimer: unknown = null;
  private retryAt = 0;
  private failures = 0;
  private wasDown = false;
  private waiters: { resolve(): void; reject(e: JanusError): void }[] = [];
  private readonly downCbs: (() => void)[] = [];
  private readonly upCbs: (() => void)[] = [];

  constructor(url: string, apiSecret: string, timeoutMs: number, options: JanusConnectionOptions = {}) {
    this.url = url;
    this.apiSecret = apiSecret;
    this.timeoutMs = timeoutMs;
    this.clock = options.clock ?? systemClock;
    this.maxHandles = options.maxHandles ?? 2000;
    this.keepaliveMs = options.keepaliveMs ?? 25_000;
    this.backoff = options.backoffMs ?? { first: 1000, max: 30_000 };
    this.log = options.log ?? ((m) => console.warn(`[janus] ${m}`));
    this.connect();
  }

  get up(): boolean {
    return this.state === 'up';
  }
  /** Handles open now (attached and not yet detached). */
  get handleCount(): number {
    return this.handles.size;
  }
  onDown(cb: () => void): void {
    this.downCbs.push(cb);
  }
  /** Connected again after `onDown`. */
  onUp(cb: () => void): void {
    this.upCbs.push(cb);
  }

  /** Attach a plugin handle; refused with `handles` past the connection's bound. */
  async attach(plugin: string, events: HandleEvents): Promise<JanusHandle> {
    if (this.handles.size + this.attaching >= this.maxHandles) {
      throw new JanusError('handles', `This server already holds ${this.maxHandles} Janus handles (the most one connection may); try again when some close.`, 5000);
    }
    this.attaching++;
    try {
      const msg = await this.request({ janus: 'attach', plugin }, false);
      const id = Number(msg.data?.id);
      if (!id) throw new JanusError('protocol', 'Janus answered attach without a handle id.');
      const handle = new JanusHandle(this, id, events);
      this.handles.set(id, handle);
      return handle;
    } finally {
      this.attaching--;
    }
  }

  /** @internal The handle is gone for us: no more events are routed to it. */
  forget(handle: JanusHandle): void {
    handle.closed = true;
    if (this.handles.get(handle.id) === handle) this.handles.delete(handle.id);
  }

  /** Send a session request and wait for its answer (within the timeout, waiting for a connection under way). */
  async request(msg: Record<string, unknown>, plugin: boolean): Promise<Record<string, any>> {
    const deadline = this.clock.now() + this.timeoutMs;
    if (this.state !== 'up') await this.ready(deadline);
    return this.send({ ...msg, session_id: this.session }, plugin, deadline - this.clock.now());
  }

  /** Stop for good: no reconnect, every pending request refused. */
  close(): void {
    if (this.state === 'closed') return;
    const ws = this.ws;
    const session = this.session;
    this.teardown('closed', new JanusError('down', 'The Janus connection was closed.'));
    if (ws && ws.readyState === WebSocket.OPEN && session) {
      try {
        ws.send(JSON.stringify({ janus: 'destroy', session_id: session, transaction: 'bye', apisecret: this.apiSecret }));
      } catch {
        /* closing anyway */
      }
    }
    try {
      ws?.close();
    } catch {
      /* already closed */
    }
  }

  private ready(deadline: number): Promise<void> {
    if (this.state === 'closed') return Promise.reject(new JanusError('down', 'The Janus connection was closed.'));
    if (this.state === 'waiting') return Promise.reject(this.downError());
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        resolve: () => {
          this.clock.clearTimeout(timer);
          resolve();
        },
        reject: (e: JanusError) => {
          this.clock.clearTimeout(timer);
          reject(e);
        },
      };
      const timer = this.clock.setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new JanusError('timeout', `Janus could not be reached within ${this.timeoutMs / 1000} s.`));
      }, Math.max(0, deadline - this.clock.now()));
      this.waiters.push(waiter);
    });
  }

  private downError(): JanusError {
    const wait = Math.max(0, this.retryAt - this.clock.now());
    return new JanusError('down', `Janus is not reachable; the next attempt is in ${Math.ceil(wait / 1000)} s.`, wait);
  }

  private send(msg: Record<string, unknown>, plugin: boolean, waitMs: number): Promise<Record<string, any>> {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.reject(this.downError());
    const transaction = `t${(++this.nextTx).toString(36)}`;
    return new Promise((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.pending.delete(transaction);
        reject(new JanusError('timeout', `Janus did not answer ${describe(msg)} within ${this.timeoutMs / 1000} s.`));
        // An unanswered keepalive means the connection is dead even if the socket looks open.
        if (msg.janus === 'keepalive' && this.ws === ws) this.lost('Janus did not answer a keepalive');
      }, Math.max(1, waitMs));
      this.pending.set(transaction, { resolve, reject, timer, plugin });
      try {
        ws.send(JSON.stringify({ ...msg, transaction, apisecret: this.apiSecret }));
      } catch (e) {
        this.clock.clearTimeout(timer);
        this.pending.delete(transaction);
        reject(new JanusError('down', `Could not send to Janus: ${(e as Error).message}`));
      }
    });
  }

  private connect(): void {
    this.state = 'connecting';
    this.retryTimer = null;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url, 'janus-protocol');
    } catch (e) {
      this.failed(`cannot open ${this.url}: ${(e as Error).message}`);
      return;
    }
    this.ws = ws;
    const openTimer = this.clock.setTimeout(() => {
      if (this.ws !== ws || this.state !== 'connecting') return;
      this.ws = null;
      try {
        ws.close();
      } catch {
        /* never opened */
      }
      this.failed(`no answer from ${this.url} within ${this.timeoutMs / 1000} s`);
    }, this.timeoutMs);
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.send({ janus: 'create' }, false, this.timeoutMs).then(
        (msg) => {
          this.clock.clearTimeout(openTimer);
          if (this.ws !== ws || this.state !== 'connecting') return;
          this.session = Number(msg.data?.id);
          this.opened();
        },
        (e: JanusError) => {
          this.clock.clearTimeout(openTimer);
          if (this.ws !== ws) return;
          this.ws = null;
          ws.close();
          this.failed(`Janus refused a session: ${e.message}`);
        },
      );
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (this.ws !== ws) return;
      this.receive(ev.data);
    };
    ws.onclose = () => {
      this.clock.clearTimeout(openTimer);
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.state === 'up') this.lost('the socket closed');
      else if (this.state === 'connecting') this.failed(`could not connect to ${this.url}`);
    };
  }

  private opened(): void {
    this.state = 'up';
    this.failures = 0;
    this.keepalive = this.clock.setInterval(() => {
      this.request({ janus: 'keepalive' }, false).catch(() => {
        /* a lost connection is handled where it is noticed */
      });
    }, this.keepaliveMs);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve();
    if (this.wasDown) {
      this.wasDown = false;
      this.fire(this.upCbs);
    }
  }

  /** A connection attempt failed: wait, then try again. */
  private failed(why: string): void {
    if (this.state === 'closed') return;
    const wait = Math.min(this.backoff.max, this.backoff.first * 2 ** Math.min(this.failures, 20));
    this.failures++;
    this.log(`${why}; retrying in ${Math.round(wait / 100) / 10} s`);
    this.state = 'waiting';
    this.retryAt = this.clock.now() + wait;
    this.retryTimer = this.clock.setTimeout(() => this.connect(), wait);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(this.downError());
  }

  /** The connection was up and is gone: every handle with it. */
  private lost(why: string): void {
    if (this.state !== 'up') return;
    const ws = this.ws;
    this.ws = null;
    try {
      ws?.close();
    } catch {
      /* already closing */
    }
    this.teardown('waiting', new JanusError('down', `The connection to Janus was lost (${why}).`));
    this.wasDown = true;
    this.fire(this.downCbs);
    this.failed(`lost the connection to Janus (${why})`);
  }

  private teardown(state: State, error: JanusError): void {
    this.state = state;
    this.session = 0;
    if (this.keepalive !== null) this.clock.clearInterval(this.keepalive);
    this.keepalive = null;
    if (this.retryTimer !== null) this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) {
      this.clock.clearTimeout(p.timer);
      p.reject(error);
    }
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(error);
    const handles = [...this.handles.values()];
    this.handles.clear();
    for (const h of handles) {
      h.closed = true;
      this.call(() => h.events.gone?.(true));
    }
  }

  private receive(raw: unknown): void {
    let msg: Record<string, any>;
    try {
      msg = JSON.parse(String(raw));
    } catch {
      this.log('Janus sent a frame that is not JSON; ignored');
      return;
    }
    if (msg.transaction !== undefined && msg.transaction !== null) {
      const p = this.pending.get(String(msg.transaction));
      // An answer to a request that timed out (or an ack after its event) has nobody waiting.
      if (!p) return;
      if (msg.janus === 'ack' && p.plugin) return;
      this.pending.delete(String(msg.transaction));
      this.clock.clearTimeout(p.timer);
      if (msg.janus === 'error') p.reject(new JanusError(Number(msg.error?.code ?? 0), String(msg.error?.reason ?? 'Janus refused the request')));
      else p.resolve(msg);
      return;
    }
    if (msg.janus === 'timeout') {
      this.lost('Janus timed the session out');
      return;
    }
    const handle = this.handles.get(Number(msg.sender));
    if (!handle) return;
    switch (msg.janus) {
      case 'event':
        this.call(() => handle.events.event?.((msg.plugindata?.data ?? {}) as Record<string, any>, msg.jsep as Jsep | undefined));
        break;
      case 'webrtcup':
        this.call(() => handle.events.webrtcup?.());
        break;
      case 'hangup':
        this.call(() => handle.events.hangup?.(String(msg.reason ?? '')));
        break;
      case 'detached':
        this.forget(handle);
        this.call(() => handle.events.gone?.(false));
        break;
      default:
        break; // media, slowlink, trickle: nothing to do here
    }
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.log(`a Janus event handler failed: ${(e as Error).stack ?? e}`);
    }
  }

  private fire(cbs: (() => void)[]): void {
    for (const cb of cbs) this.call(() => cb());
  }
}

function describe(msg: Record<string, unknown>): string {
  const body = msg.body as Record<string, unknown> | undefined;
  return body?.request ? `"${String(body.request)}"` : `"${String(msg.janus)}"`;
}
