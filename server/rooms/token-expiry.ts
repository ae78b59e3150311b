/**
 * Join tokens expire while their room socket is open. One timer per connection: it warns
 * (`token-expiring`) a while before the token's `exp`, so the page can hand the element a
 * fresh token, and ends the connection at `exp` if none came. Time comes from the injected clock.
 */
import { decodeJwt } from 'jose';
import type { Clock } from '../socket.ts';

export interface Expiring {
  closed: boolean;
  /** The current token's expiry, server time (ms); absent: none known. */
  exp?: number;
  /** The warning for the current token was sent. */
  warned?: boolean;
  expiryTimer?: unknown;
}

/** Longest single wait (the timer re-arms after it), well within every runtime's timer range. */
const MAX_WAIT_MS = 6 * 3600_000;

/** The `exp` claim of a token that was already verified, in ms; undefined when it has none. */
export function tokenExpiry(token: string): number | undefined {
  try {
    const exp = decodeJwt(token).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

export class TokenExpiry<C extends Expiring> {
  private readonly clock: Clock;
  private readonly warnMs: number;
  private readonly onWarn: (conn: C, exp: number) => void;
  private readonly onExpire: (conn: C) => void;

  constructor(o: { clock: Clock; warnMs: number; onWarn: (conn: C, exp: number) => void; onExpire: (conn: C) => void }) {
    this.clock = o.clock;
    this.warnMs = o.warnMs;
    this.onWarn = o.onWarn;
    this.onExpire = o.onExpire;
  }

  /** Follow a (new) token's expiry on this connection. */
  set(conn: C, exp: number | undefined): void {
    conn.exp = exp;
    conn.warned = false;
    this.arm(conn);
  }

  /** Stop following (the connection closed). */
  clear(conn: C): void {
    if (conn.expiryTimer !== undefined) this.clock.clearTimeout(conn.expiryTimer);
    conn.expiryTimer = undefined;
  }

  private arm(conn: C): void {
    this.clear(conn);
    const exp = conn.exp;
    if (conn.closed || exp === undefined) return;
    const now = this.clock.now();
    const warnAt = exp - this.warnMs;
    if (!conn.warned && now >= warnAt && now < exp) {
      conn.warned = true;
      this.onWarn(conn, exp);
      if (conn.closed || conn.exp !== exp) return;
    }
    const due = conn.warned ? exp : warnAt;
    const wait = Math.min(MAX_WAIT_MS, Math.max(0, due - now));
    conn.expiryTimer = this.clock.setTimeout(() => {
      conn.expiryTimer = undefined;
      if (conn.closed || conn.exp !== exp) return;
      if (this.clock.now() >= exp) return this.onExpire(conn);
      this.arm(conn);
    }, wait);
  }
}
