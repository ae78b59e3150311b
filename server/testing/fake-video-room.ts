/**
 * A media server (Janus VideoRoom) in memory, for the SFU controller's tests: it keeps rooms,
 * their allowed tokens and publishers the way Janus does (a join without an allowed token is
 * refused with 433), records every call, and can be made to fail, to hang until released (a
 * timeout), or to go down and come back.
 */
import type { PublisherHandle, SubscriberHandle, VideoRoomApi } from '../media/videoroom.ts';

export interface FakeJanusError extends Error {
  code: number;
}

function janusError(code: number, message: string): FakeJanusError {
  return Object.assign(new Error(message), { code });
}

export interface FakeCall {
  op: string;
  room?: string;
  args: unknown[];
}

export class FakePublisher implements PublisherHandle {
  readonly feed: string;
  readonly answer: string;
  readonly room: string;
  closed = false;
  private closers: (() => void)[] = [];
  private owner: FakeVideoRoom;
  constructor(owner: FakeVideoRoom, room: string, feed: string, answer: string) {
    this.owner = owner;
    this.room = room;
    this.feed = feed;
    this.answer = answer;
  }
  async close(): Promise<void> {
    await this.owner.call('close-publisher', this.room, [this.feed]);
    this.hangUp();
  }
  onClosed(cb: () => void): void {
    this.closers.push(cb);
  }
  /** Janus hung it up (kicked, or the connection failed). */
  hangUp(): void {
    if (this.closed) return;
    this.closed = true;
    this.owner.dropFeed(this.room, this.feed, this);
    for (const cb of this.closers) cb();
  }
}

export class FakeSubscriber implements SubscriberHandle {
  offer: string;
  streams: SubscriberHandle['streams'];
  feeds: string[];
  readonly room: string;
  readonly token: string;
  answers: string[] = [];
  configured: Parameters<SubscriberHandle['configure']>[0][] = [];
  closed = false;
  private closers: (() => void)[] = [];
  private owner: FakeVideoRoom;
  private n = 0;
  constructor(owner: FakeVideoRoom, room: string, token: string, feeds: string[]) {
    this.owner = owner;
    this.room = room;
    this.token = token;
    this.feeds = feeds;
    this.offer = '';
    this.streams = [];
    this.describe();
  }
  private describe(): void {
    this.n++;
    this.streams = this.feeds.flatMap((feed, i) => [
      { mid: `a${i}`, feed, kind: 'audio' as const },
      { mid: `v${i}`, feed, kind: 'video' as const },
    ]);
    this.offer = `v=0\r\no=janus ${this.n}\r\na=feeds:${this.feeds.join(',')}\r\n`;
  }
  async start(answer: string): Promise<void> {
    await this.owner.call('start', this.room, [answer]);
    this.answers.push(answer);
  }
  async update(feeds: string[]): Promise<{ offer: string; streams: SubscriberHandle['streams'] } | null> {
    await this.owner.call('update', this.room, [feeds]);
    for (const f of feeds) if (!this.owner.feeds(this.room).includes(f)) throw janusError(428, `No such feed (${f})`);
    if (feeds.length === this.feeds.length && feeds.every((f) => this.feeds.includes(f))) return null;
    this.feeds = [...feeds];
    this.describe();
    return { offer: this.offer, streams: this.streams };
  }
  async configure(streams: Parameters<SubscriberHandle['configure']>[0]): Promise<void> {
    await this.owner.call('configure', this.room, [streams]);
    this.configured.push(streams);
  }
  async close(): Promise<void> {
    await this.owner.call('close-subscriber', this.room, [this.token]);
    this.hangUp();
  }
  onClosed(cb: () => void): void {
    this.closers.push(cb);
  }
  hangUp(): void {
    if (this.closed) return;
    this.closed = true;
    this.owner.subscribers.delete(this);
    for (const cb of this.closers) cb();
  }
}

interface FakeRoom {
  allowed: Set<string>;
  publishers: Map<string, FakePublisher>;
}

export class FakeVideoRoom implements VideoRoomApi {
  up = true;
  readonly calls: FakeCall[] = [];
  readonly rooms = new Map<string, FakeRoom>();
  readonly subscribers = new Set<FakeSubscriber>();
  /** The next calls of these ops fail with this error (once each, or every time with `always`). */
  private faults = new Map<string, { error: FakeJanusError; always: boolean }>();
  /** While set, calls of these ops wait until `release()` (a media server that stopped answering). */
  private holds = new Set<string>();
  private held: { resolve: () => void; reject: (err: Error) => void }[] = [];
  private downs: (() => void)[] = [];
  private ups: (() => void)[] = [];
  private feedWatchers: ((room: string) => void)[] = [];

  /** Make the next `op` call (or every one) fail with Janus error `code`. */
  fail(op: string, code = 500, message = 'Janus failed', always = false): void {
    this.faults.set(op, { error: janusError(code, message), always });
  }
  /** Make `op` calls hang until `release()` ('*': every call). */
  hold(op: string): void {
    this.holds.add(op);
  }
  /** Calls waiting on `hold`. */
  get waiting(): number {
    return this.held.length;
  }
  /** Let held calls go on, or fail them with `error` (as a timeout would). */
  release(error?: FakeJanusError): void {
    this.holds.clear();
    for (const h of this.held.splice(0)) if (error) h.reject(error); else h.resolve();
  }
  /** A held call ran out of time: it fails the way the Janus client fails it. */
  timeout(): void {
    this.release(janusError(0, 'Janus did not answer within the time limit.'));
  }

  /** Every recorded call of `op`. */
  of(op: string): FakeCall[] {
    return this.calls.filter((c) => c.op === op);
  }

  /** Record a call; fail or wait as the test set up. */
  async call(op: string, room: string | undefined, args: unknown[]): Promise<void> {
    this.calls.push({ op, ...(room !== undefined ? { room } : {}), args });
    if (this.holds.has(op) || this.holds.has('*')) {
      await new Promise<void>((resolve, reject) => this.held.push({ resolve, reject }));
    }
    if (!this.up) throw janusError(0, 'The media server connection is down.');
    const fault = this.faults.get(op);
    if (fault) {
      if (!fault.always) this.faults.delete(op);
      throw fault.error;
    }
  }

  private room(room: string): FakeRoom {
    const r = this.rooms.get(room);
    if (!r) throw janusError(426, `No such room (${room})`);
    return r;
  }

  /** Feeds with media in a room now. */
  feeds(room: string): string[] {
    return [...(this.rooms.get(room)?.publishers.keys() ?? [])];
  }

  allowedIn(room: string): string[] {
    return [...(this.rooms.get(room)?.allowed ?? [])];
  }

  dropFeed(room: string, feed: string, pub: FakePublisher): void {
    const r = this.rooms.get(room);
    if (r?.publishers.get(feed) === pub) {
      r.publishers.delete(feed);
      this.feedsChanged(room);
    }
  }

  feedsChanged(room: string): void {
    for (const cb of this.feedWatchers) cb(room);
  }

  /** The connection to Janus is lost: every handle is gone. */
  goDown(): void {
    this.up = false;
    for (const r of this.rooms.values()) for (const p of r.publishers.values()) p.closed = true;
    for (const s of this.subscribers) s.closed = true;
    this.subscribers.clear();
    this.rooms.clear(); // a restarted Janus has no rooms either
    for (const cb of this.downs) cb();
  }

  goUp(): void {
    this.up = true;
    for (const cb of this.ups) cb();
  }

  // --- VideoRoomApi ------------------------------------------------------------------------

  onDown(cb: () => void): void {
    this.downs.push(cb);
  }
  onUp(cb: () => void): void {
    this.ups.push(cb);
  }
  onFeeds(cb: (room: string) => void): void {
    this.feedWatchers.push(cb);
  }
  async ensureRoom(room: string): Promise<void> {
    await this.call('ensureRoom', room, []);
    if (!this.rooms.has(room)) this.rooms.set(room, { allowed: new Set(), publishers: new Map() });
  }
  async destroyRoom(room: string): Promise<void> {
    await this.call('destroyRoom', room, []);
    const r = this.rooms.get(room);
    if (!r) return;
    this.rooms.delete(room);
    for (const p of [...r.publishers.values()]) p.hangUp();
    for (const s of [...this.subscribers]) if (s.room === room) s.hangUp();
  }
  async allow(room: string, tokens: string[]): Promise<void> {
    await this.call('allow', room, [tokens]);
    for (const t of tokens) this.room(room).allowed.add(t);
  }
  async disallow(room: string, tokens: string[]): Promise<void> {
    await this.call('disallow', room, [tokens]);
    for (const t of tokens) this.room(room).allowed.delete(t);
  }
  async publish(room: string, feed: string, token: string, offer: string, display: string): Promise<PublisherHandle> {
    await this.call('publish', room, [feed, token, offer, display]);
    const r = this.room(room);
    if (!r.allowed.has(token)) throw janusError(433, 'Unauthorized (not in the allowed list)');
    r.publishers.get(feed)?.hangUp(); // Janus refuses a taken id; a test that needs that can fail('publish', 436)
    const pub = new FakePublisher(this, room, feed, `v=0\r\no=answer ${feed}\r\n`);
    r.publishers.set(feed, pub);
    queueMicrotask(() => this.feedsChanged(room));
    return pub;
  }
  async subscribe(room: string, token: string, feeds: string[]): Promise<SubscriberHandle> {
    await this.call('subscribe', room, [token, feeds]);
    const r = this.room(room);
    if (!r.allowed.has(token)) throw janusError(433, 'Unauthorized (not in the allowed list)');
    for (const f of feeds) if (!r.publishers.has(f)) throw janusError(428, `No such feed (${f})`);
    const sub = new FakeSubscriber(this, room, token, [...feeds]);
    this.subscribers.add(sub);
    return sub;
  }
  async kick(room: string, feed: string): Promise<void> {
    await this.call('kick', room, [feed]);
    const pub = this.room(room).publishers.get(feed);
    if (!pub) throw janusError(428, `No such feed (${feed})`);
    pub.hangUp();
  }
  async moderate(room: string, feed: string, kind: 'audio' | 'video', mute: boolean): Promise<void> {
    await this.call('moderate', room, [feed, kind, mute]);
    if (!this.room(room).publishers.has(feed)) throw janusError(428, `No such feed (${feed})`);
  }
  async listFeeds(room: string): Promise<string[]> {
    await this.call('listFeeds', room, []);
    return this.feeds(room);
  }
}
