/**
 * When to try the room socket again: exponential backoff from `initialMs`, capped at `maxMs`, with a
 * little jitter so a classroom does not reconnect in lockstep. `attempt` counts the failures since
 * the last welcome.
 */
/** `ms` give or take a fifth, so a classroom told the same wait does not come back in lockstep. */
export function withJitter(ms: number): number {
  return Math.round(ms * (0.8 + Math.random() * 0.4));
}

export interface ReconnectOptions {
  /** First delay (doubles per failed attempt). */
  initialMs: number;
  /** Largest delay. */
  maxMs: number;
}

export class ReconnectSchedule {
  /** Failed attempts since the last success. */
  attempt = 0;
  private readonly options: ReconnectOptions;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: ReconnectOptions) {
    this.options = options;
  }

  /** True while a retry is scheduled. */
  get waiting(): boolean {
    return this.timer !== null;
  }

  /** The delay before the next attempt, in ms. */
  nextDelay(): number {
    const { initialMs, maxMs } = this.options;
    return withJitter(Math.min(maxMs, initialMs * 2 ** this.attempt));
  }

  /** Run `retry` after the next backoff delay (or `delayOverride`), counting one more attempt. */
  schedule(retry: () => void, delayOverride?: number): void {
    this.cancel();
    const delay = delayOverride ?? this.nextDelay();
    this.attempt++;
    this.timer = setTimeout(() => {
      this.timer = null;
      retry();
    }, Math.min(this.options.maxMs, delay));
  }

  /** Drop a scheduled retry. True when one was waiting. */
  cancel(): boolean {
    if (this.timer === null) return false;
    clearTimeout(this.timer);
    this.timer = null;
    return true;
  }

  /** A success (or a fresh start): the next failure waits the shortest delay again. */
  succeeded(): void {
    this.attempt = 0;
  }
}
