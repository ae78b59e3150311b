/** Test doubles for the injected clock and sockets. */
import type { Clock, WsHandlers, WsSocket } from '../socket.ts';

export class FakeClock implements Clock {
  time: number;
  private timers = new Map<number, { at: number; fn: () => void; every?: number }>();
  private next = 1;
  constructor(start = 1_000_000) {
    this.time = start;
  }
  now(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.set(id, { at: this.time + ms, fn });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.timers.delete(h as number);
  }
  setInterval(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.set(id, { at: this.time + ms, fn, every: ms });
    return id;
  }
  clearInterval(h: unknown): void {
    this.timers.delete(h as number);
  }
  get pending(): number {
    return this.timers.size;
  }
  /** Move time forward, firing due timers in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let due: [number, { at: number; fn: () => void; every?: number }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) break;
      const [id, t] = due;
      this.time = Math.max(this.time, t.at);
      if (t.every) t.at += t.every;
      else this.timers.delete(id);
      t.fn();
    }
    this.time = end;
  }
}

export class FakeSocket implements WsSocket {
  sent: unknown[] = [];
  closed: { code?: number; reason?: string } | null = null;
  bufferedAmount = 0;
  handlers!: WsHandlers;
  send(data: string): void {
    if (this.closed) throw new Error('send after close');
    this.sent.push(JSON.parse(data));
  }
  close(code?: number, reason?: string): void {
    if (this.closed) return;
    this.closed = { code, reason };
    queueMicrotask(() => this.handlers?.close(code ?? 1000, reason ?? ''));
  }
  /** Messages of one type received so far. */
  of<T = Record<string, unknown>>(type: string): T[] {
    return this.sent.filter((m) => (m as { type: string }).type === type) as T[];
  }
  write(msg: unknown): void {
    this.handlers.message(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }
  /** The client went away (no close frame from the server side). */
  drop(): void {
    this.closed = { code: 1006 };
    this.handlers.close(1006, '');
  }
}

export const tick = () => new Promise((r) => setTimeout(r, 0));
