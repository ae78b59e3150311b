/** Test doubles for the injected clock and sockets. */
import type { Clock, WsHandlers, WsSocket } from '../socket.ts';
import type { Store } from '../store/store.ts';

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

/**
 * A store whose writes can be made to fail, as a full disk or a read-only data
 * directory fails them (an SQLite-shaped error); reads keep working.
 */
export class FaultyStore implements Store {
  private inner: Store;
  /** While set, every append throws this. */
  fault: Error | null = null;
  /** Appends refused so far. */
  refused = 0;
  constructor(inner: Store) {
    this.inner = inner;
  }
  /** Fail writes the way SQLite does on a full disk (`errcode` 13). */
  fill(): void {
    this.fault = Object.assign(new Error('database or disk is full'), { code: 'ERR_SQLITE_ERROR', errcode: 13 });
  }
  free(): void {
    this.fault = null;
  }
  append(...args: Parameters<Store['append']>): void {
    if (this.fault) {
      this.refused++;
      throw this.fault;
    }
    this.inner.append(...args);
  }
  loadRoom(room: string) {
    return this.inner.loadRoom(room);
  }
  eventsSince(room: string, since: number) {
    return this.inner.eventsSince(room, since);
  }
  auditLog(room: string, limit: number) {
    return this.inner.auditLog(room, limit);
  }
  activeRooms() {
    return this.inner.activeRooms();
  }
  close(): void {
    this.inner.close();
  }
}
