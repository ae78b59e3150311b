/**
 * A simulated person on a room socket (no media) for the cluster benchmark, who checks that
 * nothing is lost: every event frame must carry the next sequence number after the last one this
 * connection had (placeholders included, so the numbers are whole for everyone), and a welcome
 * (the first, or a resync's) never goes back. A gap, a repeat, an error frame, or a socket that
 * closes on its own fails the client, and through `onFail` the whole round, loudly.
 *
 * It keeps when it first reached each sequence number, so a measurement asks afterwards when
 * this client had everything up to a given seq (the ack's seq of a command).
 */
export interface ClientOptions {
  /** ws://host:port of the server or of the router. */
  wsUrl: string;
  room: string;
  id: string;
  token: string;
  /** Called once, with what went wrong, when this client fails. */
  onFail: (err: Error) => void;
}

export class BenchClient {
  readonly room: string;
  readonly id: string;
  /** Last sequence number this client has (-1 before its welcome). */
  seq = -1;
  /** performance.now() of the first welcome. */
  welcomedAt = 0;
  /** Event frames received (placeholders included). */
  frames = 0;
  failed: Error | null = null;
  private ws: WebSocket;
  private opts: ClientOptions;
  private closing = false;
  /** (seq, time first reached), in order: a welcome may jump several at once. */
  private reached: { seq: number; t: number }[] = [];
  private waiters: { seq: number; resolve: () => void }[] = [];
  private acks = new Map<string, { resolve: (seq: number) => void }>();
  private welcomeWaiter: (() => void) | null = null;

  constructor(opts: ClientOptions) {
    this.opts = opts;
    this.room = opts.room;
    this.id = opts.id;
    this.ws = new WebSocket(`${opts.wsUrl}/rooms/${encodeURIComponent(opts.room)}/socket`);
    this.ws.onopen = () => this.ws.send(JSON.stringify({ type: 'hello', token: opts.token }));
    this.ws.onmessage = (e) => this.receive(JSON.parse(String(e.data)));
    this.ws.onerror = () => this.fail('the socket failed');
    this.ws.onclose = (e) => {
      if (!this.closing) this.fail(`the socket closed (${e.code}${e.reason ? ` ${e.reason}` : ''})`);
    };
  }

  /** Resolves at the first welcome. */
  welcomed(): Promise<void> {
    if (this.seq >= 0) return Promise.resolve();
    return new Promise((resolve) => (this.welcomeWaiter = resolve));
  }

  /** Sends a command; resolves with the seq of its last event (the ack). */
  command(ref: string, command: unknown): Promise<number> {
    return new Promise((resolve) => {
      this.acks.set(ref, { resolve });
      this.ws.send(JSON.stringify({ type: 'command', ref, command }));
    });
  }

  /** Resolves once this client has every event up to `seq`. */
  until(seq: number): Promise<void> {
    if (this.seq >= seq) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ seq, resolve }));
  }

  /** performance.now() when this client first had every event up to `seq` (NaN if not yet). */
  reachedAt(seq: number): number {
    let lo = 0;
    let hi = this.reached.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.reached[mid]!.seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return this.reached[lo]?.t ?? NaN;
  }

  /** Forget the arrival times before `seq` (keeps memory flat over a long run). */
  forgetBefore(seq: number): void {
    const keep = this.reached.findIndex((r) => r.seq >= seq);
    this.reached = keep < 0 ? [] : this.reached.slice(keep);
  }

  close(): void {
    this.closing = true;
    this.ws.close();
  }

  private advance(seq: number): void {
    this.seq = seq;
    this.reached.push({ seq, t: performance.now() });
    if (!this.waiters.length) return;
    this.waiters = this.waiters.filter((w) => (w.seq <= seq ? (w.resolve(), false) : true));
  }

  private receive(m: any): void {
    if (this.failed) return;
    switch (m.type) {
      case 'welcome': {
        const to: number = m.snapshot ? m.snapshot.seq : (m.events?.at(-1)?.seq ?? this.seq);
        if (to < this.seq) return this.fail(`a welcome went back from seq ${this.seq} to ${to}`);
        const first = this.seq < 0;
        this.advance(to);
        if (first) {
          this.welcomedAt = this.reached.at(-1)!.t;
          this.welcomeWaiter?.();
          this.welcomeWaiter = null;
        }
        return;
      }
      case 'event':
        if (this.seq < 0) return this.fail(`event ${m.seq} before the welcome`);
        if (m.seq !== this.seq + 1) return this.fail(`seq ${m.seq} after ${this.seq}: ${m.seq > this.seq ? 'missed' : 'repeated'} events`);
        this.frames++;
        return this.advance(m.seq);
      case 'ack': {
        const a = this.acks.get(m.ref);
        this.acks.delete(m.ref);
        return a?.resolve(m.seq);
      }
      case 'error':
        return this.fail(`error ${m.code}: ${m.message}${m.ref ? ` (command ${m.ref})` : ''}`);
      default:
        return; // history, pong, token notices: not sequenced
    }
  }

  private fail(why: string): void {
    if (this.failed) return;
    this.failed = new Error(`${this.id} in ${this.room}: ${why}`);
    this.opts.onFail(this.failed);
  }
}
