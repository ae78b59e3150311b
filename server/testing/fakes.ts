/** Test doubles for the injected clock, sockets and store. */
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
  /**
   * Move time forward like `advance`, but let the work each timer starts settle (a store's
   * promises, a room's queue) before the next one fires, as it would in real time.
   */
  async run(ms: number): Promise<void> {
    const end = this.time + ms;
    await settle();
    for (;;) {
      let next = Infinity;
      for (const t of this.timers.values()) next = Math.min(next, t.at);
      if (next > end) break;
      this.advance(next - this.time);
      await settle();
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
  /** The client sends a frame; await it to let what it starts settle (a room's queue, a store's promises). */
  write(msg: unknown): Promise<void> {
    this.handlers.message(typeof msg === 'string' ? msg : JSON.stringify(msg));
    return settle();
  }
  /** The client went away (no close frame from the server side). */
  drop(): void {
    this.closed = { code: 1006 };
    this.handlers.close(1006, '');
  }
}

export const tick = () => new Promise((r) => setTimeout(r, 0));

/** Let pending promise chains finish: a few turns of the event loop (a memory store answers at once). */
export async function settle(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await tick();
}

/** A store that passes everything to another; the fakes below change only how it writes. */
abstract class StoreWrapper implements Store {
  protected readonly inner: Store;
  constructor(inner: Store) {
    this.inner = inner;
  }
  abstract append(...args: Parameters<Store['append']>): Promise<void>;
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
  close() {
    return this.inner.close();
  }
}

/**
 * A store whose writes can be made to fail, as a full disk or a read-only data
 * directory fails them (an SQLite-shaped error); reads keep working.
 */
export class FaultyStore extends StoreWrapper {
  /** While set, every append throws this. */
  fault: Error | null = null;
  /** Appends refused so far. */
  refused = 0;
  /** Fail writes the way SQLite does on a full disk (`errcode` 13). */
  fill(): void {
    this.fault = Object.assign(new Error('database or disk is full'), { code: 'ERR_SQLITE_ERROR', errcode: 13 });
  }
  free(): void {
    this.fault = null;
  }
  override async append(...args: Parameters<Store['append']>): Promise<void> {
    if (this.fault) {
      this.refused++;
      throw this.fault;
    }
    return this.inner.append(...args);
  }
}

/** One write held by a `SlowStore`: what it writes, and the test's hands on when it finishes. */
export interface HeldWrite {
  room: string;
  seqs: number[];
  /** Finish the write: store it (then resolve), or fail it with `err` (nothing kept). */
  finish(err?: Error): Promise<void>;
}

/**
 * A store whose writes take as long as the test says: while `holding`, each append waits in
 * `held` until the test finishes it, in any order (a slow disk, a database far away). Reads
 * answer at once. `inFlight` counts appends started but not finished, per room.
 */
export class SlowStore extends StoreWrapper {
  holding = true;
  readonly held: HeldWrite[] = [];
  readonly inFlight = new Map<string, number>();
  /** The most appends of one room that were ever under way at once. */
  maxInFlight = 0;
  override append(...args: Parameters<Store['append']>): Promise<void> {
    const room = args[0];
    const n = (this.inFlight.get(room) ?? 0) + 1;
    this.inFlight.set(room, n);
    this.maxInFlight = Math.max(this.maxInFlight, n);
    const done = () => this.inFlight.set(room, (this.inFlight.get(room) ?? 1) - 1);
    if (!this.holding) return this.inner.append(...args).finally(done);
    return new Promise<void>((resolve, reject) => {
      const write: HeldWrite = {
        room,
        seqs: args[1].map((e) => e.seq),
        finish: async (err) => {
          const i = this.held.indexOf(write);
          if (i < 0) throw new Error('this write was finished already');
          this.held.splice(i, 1);
          done();
          if (err) reject(err);
          else await this.inner.append(...args).then(resolve, reject);
          await settle();
        },
      };
      this.held.push(write);
    });
  }
}
