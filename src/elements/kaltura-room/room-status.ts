/**
 * Before joining: is the session open or ended? The pre-join screen asks the server's
 * `GET /api/rooms/:room/status` (the join token in the Authorization header, never in the URL)
 * so a late arrival to an ended session sees the ended screen, not "Ready to join?". While it
 * says ended, it asks again every `pollMs` (and on Check again), so the page learns when a host
 * starts the session again. Asking needs no socket: the page is not in the room, does not replace
 * the same user's tab elsewhere, and hears nothing about anyone.
 *
 * Best effort: an unreachable server, an older one without the endpoint or a refused token leave
 * the pre-join screen as it was (Join then says what is wrong).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { EndReason, Role } from '../../protocol/types.ts';

export interface PreJoinStatus {
  status: 'open' | 'ended';
  endedReason: EndReason | null;
  hostAwayMs: number | null;
  /** The caller's role in this room, from their verified token. */
  role: Role;
}

export interface RoomStatusOptions {
  target: () => { server: string; room: string; token: string };
  /** A new answer (after `previous`). */
  onResult?: (result: PreJoinStatus, previous: PreJoinStatus | null) => void;
  /** How often to ask again while the session is ended. Default 30 s. */
  pollMs?: number;
}

/** `https://host/base` + room → `https://host/base/api/rooms/<room>/status`. */
export function roomStatusUrl(server: string, room: string): string {
  const url = new URL(server, globalThis.location?.href);
  url.search = '';
  url.hash = '';
  return `${url.href.replace(/\/+$/, '')}/api/rooms/${encodeURIComponent(room)}/status`;
}

function parse(body: unknown): PreJoinStatus | null {
  const b = body as Partial<PreJoinStatus> | null;
  if (!b || (b.status !== 'open' && b.status !== 'ended')) return null;
  const role = b.role === 'host' || b.role === 'moderator' ? b.role : 'participant';
  const reason = b.endedReason === 'host-away' || b.endedReason === 'ended-by-host' ? b.endedReason : null;
  const hostAwayMs = typeof b.hostAwayMs === 'number' && b.hostAwayMs > 0 ? b.hostAwayMs : null;
  return { status: b.status, endedReason: reason, hostAwayMs, role };
}

export class RoomStatusCheck implements ReactiveController {
  /** The latest answer for the current room, or null (not asked, or no answer). */
  result: PreJoinStatus | null = null;
  /** A request is on its way. */
  checking = false;
  /** The last check the user asked for found the session still ended. */
  stillEnded = false;

  private readonly host: ReactiveControllerHost;
  private readonly options: RoomStatusOptions;
  private key = '';
  private asked = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private connected = false;

  constructor(host: ReactiveControllerHost, options: RoomStatusOptions) {
    this.host = host;
    this.options = options;
    host.addController(this);
  }

  hostConnected(): void {
    this.connected = true;
    if (this.result?.status === 'ended') this.schedule(this.options.pollMs ?? 30_000);
  }

  hostDisconnected(): void {
    this.connected = false;
    this.clearTimer();
  }

  /** The page shows the pre-join screen: ask, unless this room was asked about already. */
  want(): void {
    const { server, room, token } = this.options.target();
    if (!room || !token) return;
    const key = `${server}\n${room}`;
    if (key === this.key) return;
    this.key = key;
    this.result = null;
    this.stillEnded = false;
    void this.check();
  }

  /** Stop asking (the user joined, or the room changed) and forget the answer. */
  forget(): void {
    this.clearTimer();
    this.key = '';
    this.asked++;
    this.result = null;
    this.checking = false;
    this.stillEnded = false;
    this.host.requestUpdate();
  }

  /** Ask now (Check again). `byUser`: say so when it is still ended. */
  async check(byUser = false): Promise<void> {
    this.clearTimer();
    const { server, room, token } = this.options.target();
    if (!room || !token) return;
    const mine = ++this.asked;
    this.checking = true;
    this.host.requestUpdate();
    let next: PreJoinStatus | null = null;
    let retryMs = 0;
    try {
      const res = await fetch(roomStatusUrl(server, room), {
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        cache: 'no-store',
        credentials: 'omit',
      });
      const body: unknown = await res.json().catch(() => null);
      if (res.ok) next = parse(body);
      else if (res.status === 429) retryMs = Number((body as { retryAfterMs?: unknown })?.retryAfterMs) || 5_000;
    } catch {
      /* unreachable: keep what we had */
    }
    if (mine !== this.asked) return; // forgotten, or a newer check
    this.checking = false;
    const previous = this.result;
    if (next) {
      this.result = next;
      this.stillEnded = byUser && next.status === 'ended';
      this.options.onResult?.(next, previous);
    }
    const ended = (next ?? previous)?.status === 'ended';
    if (ended) this.schedule(Math.max(retryMs, this.options.pollMs ?? 30_000));
    this.host.requestUpdate();
  }

  private schedule(ms: number): void {
    this.clearTimer();
    if (!this.connected) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.check();
    }, ms);
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
