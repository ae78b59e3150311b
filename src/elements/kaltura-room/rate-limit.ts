/**
 * When the server refuses a command as `rate-limited`, it says how long to wait
 * (`retryAfterMs`). The room says so politely and waits that long: a chat message stays in the
 * composer and Send comes back after the wait; other commands say it in the notice area.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Whole seconds to wait, at least 1. */
export function waitSeconds(retryAfterMs: number | undefined): number {
  return Math.max(1, Math.ceil((retryAfterMs ?? 1000) / 1000));
}

/** The polite note for a refused command: chat says "messages", anything else "that". */
export function rateLimitedText(retryAfterMs: number | undefined, chat: boolean): string {
  const n = waitSeconds(retryAfterMs);
  const when = `Try again in ${n} ${n === 1 ? 'second' : 'seconds'}.`;
  return chat ? `You're sending messages too quickly. ${when}` : `You're doing that too quickly. ${when}`;
}

/** A wait that ends by itself: `active` until `retryAfterMs` has passed (cleared when the host leaves the page). */
export class Cooldown implements ReactiveController {
  /** What to show while waiting; empty when not waiting. */
  text = '';
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly host: ReactiveControllerHost;
  private readonly onEnd: (() => void) | undefined;

  constructor(host: ReactiveControllerHost, onEnd?: () => void) {
    this.host = host;
    this.onEnd = onEnd;
    host.addController(this);
  }

  get active(): boolean {
    return this.timer !== null;
  }

  /** Wait `ms` (a newer wait replaces an older one), showing `text` meanwhile. */
  hold(ms: number, text: string): void {
    this.clear();
    this.text = text;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.text = '';
      this.host.requestUpdate();
      this.onEnd?.();
    }, Math.max(0, ms));
    this.host.requestUpdate();
  }

  clear(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.text = '';
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    if (this.active) this.clear();
  }
}
