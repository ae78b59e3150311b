/**
 * Media tickets: the PeerJS `key`. The room socket hands one out (in `welcome`, and on request for
 * a reconnect); signaling's admit redeems it. A ticket is random, short-lived, single-use and bound
 * to one room, one user and one peer id, so the join token never travels in a URL and a ticket seen
 * in a log is worth nothing a minute later. Tickets live in memory only (never persisted): after a
 * restart, clients ask for a fresh one.
 */
import type { Clock } from '../socket.ts';

export interface TicketGrant {
  room: string;
  userId: string;
  peerId: string;
}

export type RedeemResult = { ok: true; grant: TicketGrant } | { ok: false; reason: string };

export interface TicketStoreOptions {
  clock: Clock;
  /** Lifetime of a ticket. Default 60 s. */
  ttlMs?: number;
  /** Unused tickets kept per user and room; issuing more forgets the oldest. Default 4. */
  maxPerUser?: number;
  /** Unused tickets kept in all; past it, the oldest are forgotten. Default 100,000. */
  maxTotal?: number;
}

interface Entry extends TicketGrant {
  expiresAt: number;
}

/** A ticket is 32 random bytes, base64url (43 characters: valid in a URL without escaping). */
function randomTicket(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export class TicketStore {
  readonly ttlMs: number;
  private readonly clock: Clock;
  private readonly maxPerUser: number;
  private readonly maxTotal: number;
  /** Insertion order is issue order, so the first entries are the oldest. */
  private readonly tickets = new Map<string, Entry>();
  /** Unused tickets of each `room\u0000user`, oldest first. */
  private readonly byUser = new Map<string, string[]>();

  constructor(o: TicketStoreOptions) {
    this.clock = o.clock;
    this.ttlMs = o.ttlMs ?? 60_000;
    this.maxPerUser = o.maxPerUser ?? 4;
    this.maxTotal = o.maxTotal ?? 100_000;
  }

  get size(): number {
    return this.tickets.size;
  }

  /** A fresh ticket for this user's peer id in this room. */
  issue(room: string, userId: string, peerId: string): { ticket: string; expiresAt: number } {
    this.sweep();
    const now = this.clock.now();
    const ticket = randomTicket();
    const expiresAt = now + this.ttlMs;
    const key = room + '\u0000' + userId;
    const old = this.byUser.get(key);
    while (old && old.length >= this.maxPerUser) this.forget(old[0]!);
    while (this.tickets.size >= this.maxTotal) this.forget(this.tickets.keys().next().value!);
    this.tickets.set(ticket, { room, userId, peerId, expiresAt });
    let mine = this.byUser.get(key);
    if (!mine) this.byUser.set(key, (mine = []));
    mine.push(ticket);
    return { ticket, expiresAt };
  }

  /** Use a ticket for `peerId`: it is gone afterwards, whatever the answer. */
  redeem(ticket: string, peerId: string): RedeemResult {
    const entry = this.tickets.get(ticket);
    if (!entry) return { ok: false, reason: 'Invalid key provided: the media ticket is unknown or was used already; ask the room for a fresh one.' };
    this.forget(ticket);
    if (entry.expiresAt <= this.clock.now()) return { ok: false, reason: 'Invalid key provided: the media ticket expired; ask the room for a fresh one.' };
    if (entry.peerId !== peerId) return { ok: false, reason: `Invalid key provided: the media ticket is not for peer id "${peerId}".` };
    return { ok: true, grant: { room: entry.room, userId: entry.userId, peerId: entry.peerId } };
  }

  /** Forget the unused tickets of a user in a room (they left, or their peer id changed: keep that one's). */
  revoke(room: string, userId: string, exceptPeerId?: string): void {
    const mine = this.byUser.get(room + '\u0000' + userId);
    if (!mine) return;
    for (const t of [...mine]) if (exceptPeerId === undefined || this.tickets.get(t)?.peerId !== exceptPeerId) this.forget(t);
  }

  /** Drop expired tickets (the oldest come first, so this stops at the first live one). */
  sweep(): void {
    const now = this.clock.now();
    for (const [t, e] of this.tickets) {
      if (e.expiresAt > now) break;
      this.forget(t);
    }
  }

  private forget(ticket: string): void {
    const e = this.tickets.get(ticket);
    if (!e) return;
    this.tickets.delete(ticket);
    const key = e.room + '\u0000' + e.userId;
    const mine = this.byUser.get(key);
    if (!mine) return;
    const i = mine.indexOf(ticket);
    if (i >= 0) mine.splice(i, 1);
    if (mine.length === 0) this.byUser.delete(key);
  }
}
