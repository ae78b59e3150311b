/**
 * When to ask for fresh TURN credentials. coturn refuses a credential once `TURN_TTL_SECONDS` have
 * passed, so well before then (at four fifths of what is left, never sooner than `minMs`) the room
 * connection asks for a media ticket, whose answer brings fresh ones: a connection made hours into
 * a class (a breakout move, a reconnect, the media server's link) never uses an expired credential.
 */
export class IceRefresh {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly refresh: () => void;
  private readonly minMs: number;

  /** `refresh` is called when it is time; `minMs` is the soonest after a schedule. */
  constructor(refresh: () => void, minMs = 10_000) {
    this.refresh = refresh;
    this.minMs = minMs;
  }

  /** Credentials that expire at server time `expiresAt` (none: nothing to refresh) arrived at server time `now`. */
  schedule(expiresAt: number | undefined, now: number): void {
    this.cancel();
    if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) return;
    // Never past the 24.8-day limit of a timer.
    const wait = Math.min(Math.max(this.minMs, (expiresAt - now) * 0.8), 2_000_000_000);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.refresh();
    }, wait);
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
