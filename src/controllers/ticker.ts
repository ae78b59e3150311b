/**
 * A reactive controller that re-renders its host each second while a countdown is
 * on screen. It keeps no time of its own: what is shown is always computed from
 * server deadlines in the room state and the corrected server clock, so a reload
 * or a reconnect shows the same remaining time. Ticks are aligned to the deadline
 * being shown, so its seconds change on time.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class Ticker implements ReactiveController {
  private readonly host: ReactiveControllerHost;
  private readonly now: () => number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private connected = false;

  /** `now`: the server's clock (deadlines are server times). */
  constructor(host: ReactiveControllerHost, now: () => number) {
    this.host = host;
    this.now = now;
    host.addController(this);
  }

  /** Tick toward this deadline (server time), or stop with null. Call on every update. */
  follow(deadline: number | null): void {
    if (deadline === null || !this.connected) return this.stop();
    // Wake up just after the shown number of seconds changes (each second once the deadline passed).
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.host.requestUpdate();
    }, ((deadline - this.now()) % 1000 + 1000) % 1000 + 5);
  }

  hostConnected(): void {
    this.connected = true;
    this.host.requestUpdate();
  }

  hostDisconnected(): void {
    this.connected = false;
    this.stop();
  }

  private stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
