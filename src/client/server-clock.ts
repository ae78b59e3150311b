/**
 * The server's clock as seen from this browser: the offset (server time minus local time) measured
 * with ping/pong round trips, keeping the sample with the shortest round trip of the last few, as
 * NTP does. Countdowns and deadlines in the room state are server times; `now()` reads them.
 */

/** How many recent samples are kept; the best of them wins. */
const SAMPLES = 6;

export class ServerClock {
  /** Server time minus local time, in ms (best of recent ping samples). */
  offset = 0;
  /** Round-trip time of the best recent sample, in ms (Infinity before the first). */
  rtt = Number.POSITIVE_INFINITY;
  private samples: { offset: number; rtt: number }[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;

  /** The server's clock now, corrected by the measured offset. */
  now(): number {
    return Date.now() + this.offset;
  }

  /** A welcome's server time: a rough offset until the first pong refines it. */
  welcome(serverTime: number): void {
    if (this.samples.length === 0) this.offset = serverTime - Date.now();
  }

  /** Ping now and every `intervalMs` (`ping` sends `{type: 'ping', t}` with the local time `t`). */
  start(ping: (t: number) => void, intervalMs: number): void {
    this.stop();
    const tick = () => ping(Date.now());
    tick();
    this.timer = setInterval(tick, intervalMs);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** A pong for the ping sent at local time `t`. True when the offset or round trip changed. */
  pong(t: number, serverTime: number): boolean {
    const now = Date.now();
    const rtt = now - t;
    if (rtt < 0) return false;
    this.samples.push({ offset: serverTime - (t + now) / 2, rtt });
    if (this.samples.length > SAMPLES) this.samples.shift();
    const best = this.samples.reduce((a, b) => (b.rtt < a.rtt ? b : a));
    if (best.offset === this.offset && best.rtt === this.rtt) return false;
    this.offset = best.offset;
    this.rtt = best.rtt;
    return true;
  }
}
