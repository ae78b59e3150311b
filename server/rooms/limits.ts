/**
 * Bounds on what one client may ask of the server: token-bucket rate limits per
 * connection and per user for every room-socket message, the disconnect of a
 * client that keeps flooding after being refused, and caps on open connections
 * per address and per user. Time comes from the injected clock, so the limits are
 * tested with the fake one.
 */
import type { ClientMessage, ServerMessage } from '../../src/protocol/types.ts';
import type { ClientInfo, Clock, WsAcceptor } from '../socket.ts';

/** A steady rate with a burst allowance. */
export interface Rate {
  perSecond: number;
  burst: number;
}

/**
 * What each kind of message may cost. `frame` counts every frame (even unreadable
 * ones) before it is parsed; the others count one family of commands each.
 */
export type Family = 'frame' | 'chat' | 'help' | 'state' | 'room' | 'ping';

export interface RateLimits {
  /** Per connection, by family. */
  connection: Record<Family, Rate>;
  /** Per user, across all of that user's connections (tabs, console), by family. */
  user: Record<Family, Rate>;
  /**
   * Refusals a connection may collect before it is closed: a client that keeps
   * sending after being told to wait empties this bucket and is disconnected.
   */
  flood: Rate;
}

const CONNECTION: Record<Family, Rate> = {
  frame: { perSecond: 30, burst: 60 },
  chat: { perSecond: 5, burst: 10 },
  help: { perSecond: 0.3, burst: 4 },
  state: { perSecond: 3, burst: 10 },
  room: { perSecond: 5, burst: 30 },
  ping: { perSecond: 1, burst: 5 },
};

/** Defaults: generous for people, tight for scripts. A user gets twice one connection's share. */
export const defaultRateLimits: RateLimits = {
  connection: CONNECTION,
  user: Object.fromEntries(
    Object.entries(CONNECTION).map(([k, r]) => [k, { perSecond: r.perSecond * 2, burst: r.burst * 2 }]),
  ) as Record<Family, Rate>,
  flood: { perSecond: 10, burst: 100 },
};

/** Every rate multiplied by `factor` (RATE_LIMIT_SCALE); 0 turns rate limiting off (null). */
export function scaleRateLimits(limits: RateLimits, factor: number): RateLimits | null {
  if (factor === 0) return null;
  const s = (r: Rate): Rate => ({ perSecond: r.perSecond * factor, burst: Math.max(1, Math.round(r.burst * factor)) });
  const all = (m: Record<Family, Rate>) => Object.fromEntries(Object.entries(m).map(([k, r]) => [k, s(r)])) as Record<Family, Rate>;
  return { connection: all(limits.connection), user: all(limits.user), flood: s(limits.flood) };
}

/** The family of a room command. */
export function familyOf(commandType: string): Family {
  switch (commandType) {
    case 'chat/send':
      return 'chat';
    case 'breakout/call':
    case 'breakout/cancel-call':
      return 'help';
    case 'media/state':
    case 'engagement/report':
      return 'state';
    default:
      return 'room'; // session and breakout commands (mostly moderators')
  }
}

/** A token bucket: `tokens` left as of time `at`. */
export class Bucket {
  tokens: number;
  at: number;
  constructor(rate: Rate, now: number) {
    this.tokens = rate.burst;
    this.at = now;
  }
  private refill(rate: Rate, now: number): void {
    if (now > this.at) this.tokens = Math.min(rate.burst, this.tokens + ((now - this.at) * rate.perSecond) / 1000);
    this.at = Math.max(this.at, now);
  }
  /** 0 when a token is there to take, else the milliseconds until one is. */
  wait(rate: Rate, now: number): number {
    this.refill(rate, now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / rate.perSecond);
  }
  take(): void {
    this.tokens -= 1;
  }
  /** Full again: as good as a new bucket, so it may be forgotten. */
  full(rate: Rate, now: number): boolean {
    this.refill(rate, now);
    return this.tokens >= rate.burst;
  }
}

export type Verdict = { ok: true } | { ok: false; retryAfterMs: number; flooding: boolean };

/** One connection's buckets; made by `RateLimiter.connection()`. */
export class ConnectionLimiter {
  private owner: RateLimiter;
  private buckets = new Map<Family, Bucket>();
  private refusals: Bucket;
  constructor(owner: RateLimiter) {
    this.owner = owner;
    this.refusals = new Bucket(owner.limits.flood, owner.clock.now());
  }

  /**
   * May this connection (and its user, once known) send one more message of this
   * family now? Takes a token from each when so. A refusal says when to retry, and
   * `flooding` once the connection has been refused too often: close it then.
   */
  check(family: Family, userId?: string): Verdict {
    const { limits, clock } = this.owner;
    const now = clock.now();
    const mine = this.bucket(family, now);
    const theirs = userId === undefined ? null : this.owner.userBucket(userId, family, now);
    const wait = Math.max(mine.wait(limits.connection[family], now), theirs ? theirs.wait(limits.user[family], now) : 0);
    if (wait === 0) {
      mine.take();
      theirs?.take();
      return { ok: true };
    }
    const flooding = this.refusals.wait(limits.flood, now) > 0;
    if (!flooding) this.refusals.take();
    return { ok: false, retryAfterMs: wait, flooding };
  }

  private bucket(family: Family, now: number): Bucket {
    let b = this.buckets.get(family);
    if (!b) this.buckets.set(family, (b = new Bucket(this.owner.limits.connection[family], now)));
    return b;
  }
}

/** Rate limits for one hub: per-connection limiters and the shared per-user buckets. */
export class RateLimiter {
  readonly limits: RateLimits;
  readonly clock: Clock;
  private users = new Map<string, { buckets: Map<Family, Bucket>; touched: number }>();
  private sweptAt: number;
  constructor(limits: RateLimits, clock: Clock) {
    this.limits = limits;
    this.clock = clock;
    this.sweptAt = clock.now();
  }

  connection(): ConnectionLimiter {
    return new ConnectionLimiter(this);
  }

  /** How long a user closed for flooding must wait before joining again (from any connection). */
  static readonly PENALTY_MS = 10_000;
  private penalties = new Map<string, number>();

  /** The user kept flooding: refuse their joins for a while, so reconnecting buys nothing. */
  penalize(userId: string): void {
    this.penalties.set(userId, this.clock.now() + RateLimiter.PENALTY_MS);
  }

  /** Milliseconds until this user may join again (0: now). */
  penaltyMs(userId: string): number {
    const until = this.penalties.get(userId);
    if (until === undefined) return 0;
    const left = until - this.clock.now();
    if (left <= 0) this.penalties.delete(userId);
    return Math.max(0, left);
  }

  /** Users with buckets in memory (those who sent something in the last minute or so). */
  get trackedUsers(): number {
    return this.users.size;
  }

  userBucket(userId: string, family: Family, now: number): Bucket {
    if (now - this.sweptAt >= 60_000) this.sweep(now);
    let u = this.users.get(userId);
    if (!u) this.users.set(userId, (u = { buckets: new Map(), touched: now }));
    u.touched = now;
    let b = u.buckets.get(family);
    if (!b) u.buckets.set(family, (b = new Bucket(this.limits.user[family], now)));
    return b;
  }

  /** Forget users whose buckets have all refilled: a new bucket would be the same. */
  private sweep(now: number): void {
    this.sweptAt = now;
    for (const [id, until] of this.penalties) if (until <= now) this.penalties.delete(id);
    for (const [id, u] of this.users) {
      if ([...u.buckets].every(([f, b]) => b.full(this.limits.user[f], now))) this.users.delete(id);
    }
  }
}

// ---------------------------------------------------------------------------
// Connection caps
// ---------------------------------------------------------------------------

/**
 * The client's address: the TCP peer, or, behind a trusted reverse proxy
 * (TRUST_PROXY), the last address that proxy appended to X-Forwarded-For (the
 * entries before it are whatever the client chose to send).
 */
export function clientAddress(info: ClientInfo, trustProxy: boolean): string {
  if (trustProxy && info.forwardedFor) {
    const last = info.forwardedFor.split(',').map((s) => s.trim()).filter(Boolean).pop();
    if (last) return last;
  }
  const a = info.remoteAddress ?? 'unknown';
  return a.startsWith('::ffff:') ? a.slice(7) : a; // IPv4 clients of a dual-stack server
}

/** Counts open WebSockets per client address and refuses those past the cap. */
export class AddressCaps {
  readonly perAddress: number;
  private open = new Map<string, number>();
  constructor(perAddress: number) {
    this.perAddress = perAddress;
  }

  count(address: string): number {
    return this.open.get(address) ?? 0;
  }

  /**
   * Wrap an acceptor so the socket counts against its address while open. Past the
   * cap the socket is accepted only to be closed at once with 1013 (try again later)
   * and a reason a person can act on; browsers cannot read a refused upgrade's reply.
   */
  guard(address: string, acceptor: WsAcceptor): WsAcceptor {
    return (socket) => {
      const n = this.count(address);
      if (this.perAddress > 0 && n >= this.perAddress) {
        socket.close(1013, `Too many connections from your address (limit ${this.perAddress}); close other tabs or retry in a minute.`.slice(0, 123));
        return { message() {}, close() {} };
      }
      this.open.set(address, n + 1);
      let counted = true;
      const release = () => {
        if (!counted) return;
        counted = false;
        const left = this.count(address) - 1;
        if (left > 0) this.open.set(address, left);
        else this.open.delete(address);
      };
      let handlers;
      try {
        handlers = acceptor(socket);
      } catch (err) {
        release();
        throw err;
      }
      return {
        message: (data) => handlers.message(data),
        close: (code, reason) => {
          release();
          handlers.close(code, reason);
        },
      };
    };
  }
}

// ---------------------------------------------------------------------------
// Room-socket wiring (used by room-socket.ts)
// ---------------------------------------------------------------------------

/** The family a room-socket message counts against; null for `hello` (once per socket anyway). */
export function familyOfMessage(msg: ClientMessage): Family | null {
  if (msg.type === 'hello') return null;
  if (msg.type === 'ping') return 'ping';
  if (msg.type === 'command') return familyOf(msg.command.type);
  return 'room';
}

const WHAT: Record<Family, string> = {
  frame: 'messages',
  chat: 'chat messages',
  help: 'help calls',
  state: 'media or attention updates',
  room: 'room commands',
  ping: 'pings',
};

/** The close code for a connection that kept sending after being refused. */
export const FLOOD_CLOSE_CODE = 4029;

/** The reply to a refused message: what was limited and when to retry. */
export function rateRefusal(family: Family, retryAfterMs: number, ref?: string, fatal = false): ServerMessage {
  const wait = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const message = fatal
    ? `Too many ${WHAT[family]} after being asked to wait; this connection is closed. Reconnect in ${wait} s.`
    : `Too many ${WHAT[family]}; wait ${wait} s and try again.`;
  return { type: 'error', code: 'rate-limited', message, retryAfterMs, ...(ref ? { ref } : {}), ...(fatal ? { fatal } : {}) };
}

/**
 * Would a new room socket of `userId` go past the per-user cap? `others` are the room's
 * connections; a participant connection replaces that user's previous one, so only
 * consoles count against it then.
 */
export function overUserCap(
  others: Iterable<{ actor: { id: string } | null; console: boolean; closed: boolean }>,
  userId: string,
  console: boolean,
  cap: number,
): boolean {
  if (cap <= 0) return false;
  let n = 1;
  for (const c of others) if (!c.closed && c.actor?.id === userId && (c.console || console)) n++;
  return n > cap;
}
