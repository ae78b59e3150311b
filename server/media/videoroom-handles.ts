/**
 * The handles `videoroom.ts` hands out: a publisher (one Janus handle) and a subscription (a
 * participant handle joined with the user's token, and the subscriber handle tied to it by its
 * private id). `onClosed` fires only when Janus ends one; our own close and a lost connection are
 * silent (the connection's `onDown` says the latter).
 */
import type { Clock } from '../socket.ts';
import { JanusError, type JanusConnection, type JanusHandle, type PluginAnswer } from './janus.ts';
import type { PublisherHandle, StreamKind, SubscriberHandle, SubscriberStreams } from './videoroom.ts';

export const PLUGIN = 'janus.plugin.videoroom';

export const is = (e: unknown, ...codes: number[]) => e instanceof JanusError && codes.includes(e.code as number);
export const unique = (xs: string[]) => [...new Set(xs)];

/** What the handles need of the rooms they belong to. */
export interface RoomsContext {
  readonly clock: Clock;
  readonly subscribers: Set<Subscriber>;
  log(message: string): void;
  call(fn: () => void): void;
  timeoutMs(): number;
  liveGen(room: string, feed: string): number | undefined;
  goLive(pub: Publisher): void;
  drop(pub: Publisher): void;
  roomEvent(room: string, data: Record<string, any>): void;
  listFeeds(room: string): Promise<string[]>;
}

function parseStreams(list: unknown): SubscriberStreams {
  if (!Array.isArray(list)) return [];
  return list
    .filter((s) => (s?.type === 'audio' || s?.type === 'video') && s.feed_id !== undefined && s.active !== false)
    .map((s) => ({ mid: String(s.mid), feed: String(s.feed_id), kind: s.type as StreamKind }));
}

/** Runs `onClosed` callbacks once, when Janus (not we) ended the handle. */
class Closable {
  closed = false;
  protected readonly closedCbs: (() => void)[] = [];
  onClosed(cb: () => void): void {
    this.closedCbs.push(cb);
  }
}

export class Publisher extends Closable implements PublisherHandle {
  readonly room: string;
  readonly feed: string;
  answer = '';
  /** This publisher among all the feed's publishers over time. */
  readonly gen: number;
  private handle: JanusHandle | null = null;
  private readonly rooms: RoomsContext;
  constructor(rooms: RoomsContext, room: string, feed: string, gen: number) {
    super();
    this.gen = gen;
    this.rooms = rooms;
    this.room = room;
    this.feed = feed;
  }

  async attach(conn: JanusConnection): Promise<JanusHandle> {
    const handle = await conn.attach(PLUGIN, {
      webrtcup: () => {
        if (!this.closed) this.rooms.goLive(this);
      },
      hangup: () => this.ended(),
      event: (data) => {
        if (data.videoroom === 'destroyed' || (data.leaving === 'ok' && data.reason === 'kicked')) this.ended();
        else this.rooms.roomEvent(this.room, data);
      },
      gone: (lost) => (lost ? (this.closed = true) : this.ended()),
    });
    this.handle = handle;
    if (this.closed) {
      await handle.detach().catch(() => undefined);
      throw new JanusError('closed', 'The publisher was closed while it was being set up.');
    }
    return handle;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.rooms.drop(this);
    await this.handle?.detach().catch(() => undefined);
  }

  private ended(): void {
    if (this.closed) return;
    void this.close();
    for (const cb of this.closedCbs) this.rooms.call(cb);
  }
}

export class Subscriber extends Closable implements SubscriberHandle {
  readonly room: string;
  offer = '';
  streams: SubscriberStreams = [];
  private readonly rooms: RoomsContext;
  private conn: JanusConnection | null = null;
  /** The participant (joined with the user's token) that owns the subscription. */
  private anchor: JanusHandle | null = null;
  private privateId = 0;
  private handle: JanusHandle | null = null;
  /** The subscriber handle joined (it has had an offer). */
  private joined = false;
  /** The feeds subscribed, with the generation of each feed's publisher at the time. */
  private readonly current = new Map<string, number | undefined>();
  private answered = true;
  private answerWaiters: { resolve(): void; reject(e: JanusError): void }[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(rooms: RoomsContext, room: string) {
    super();
    this.rooms = rooms;
    this.room = room;
  }

  async enter(conn: JanusConnection, token: string): Promise<void> {
    this.conn = conn;
    this.anchor = await conn.attach(PLUGIN, {
      event: (data) => {
        if (data.videoroom === 'destroyed' || (data.leaving === 'ok' && data.reason === 'kicked')) this.ended();
        else this.rooms.roomEvent(this.room, data);
      },
      gone: (lost) => (lost ? this.lost() : this.ended()),
    });
    if (this.closed) {
      await this.anchor.detach().catch(() => undefined);
      throw new JanusError('closed', 'The subscription was closed while it was being set up.');
    }
    const { data } = await this.anchor.message({ request: 'join', ptype: 'publisher', room: this.room, token });
    this.privateId = Number(data.private_id);
  }

  /** Create the subscriber handle for `feeds` (those still live); false when none is. */
  async join(feeds: string[]): Promise<boolean> {
    let want = feeds;
    for (let attempt = 0; ; attempt++) {
      this.handle ??= await this.conn!.attach(PLUGIN, {
        event: (data, jsep) => {
          if (data.videoroom === 'destroyed') this.ended();
          else if (jsep) this.rooms.log(`Janus sent an offer nobody asked for to a subscriber in ${this.room}; ignored`);
        },
        hangup: () => this.ended(),
        gone: (lost) => (lost ? this.lost() : this.ended()),
      });
      if (this.closed) {
        await this.handle.detach().catch(() => undefined);
        throw new JanusError('closed', 'The subscription was closed while it was being set up.');
      }
      try {
        const r = await this.handle.message({
          request: 'join', ptype: 'subscriber', room: this.room, private_id: this.privateId,
          streams: want.map((feed) => ({ feed })), use_msid: false, autoupdate: false,
        });
        if (!r.jsep?.sdp) throw new JanusError('protocol', 'Janus joined the subscriber without an offer.');
        this.took(r);
        this.joined = true;
        for (const f of want) this.current.set(f, this.rooms.liveGen(this.room, f));
        return true;
      } catch (e) {
        if (attempt > 0 || !is(e, 428)) throw e;
        // A feed left between the caller's look and ours: keep those still live.
        const live = new Set(await this.rooms.listFeeds(this.room));
        want = want.filter((f) => live.has(f));
        if (!want.length) return false;
      }
    }
  }

  async start(answer: string): Promise<void> {
    if (this.closed) throw new JanusError('closed', 'The subscription is closed.');
    if (!this.handle || !this.joined) throw new JanusError('protocol', 'There is no offer to answer yet.');
    await this.handle.message({ request: 'start' }, { type: 'answer', sdp: answer });
    this.answered = true;
    const waiters = this.answerWaiters;
    this.answerWaiters = [];
    for (const w of waiters) w.resolve();
  }

  update(feeds: string[]): Promise<{ offer: string; streams: SubscriberStreams } | null> {
    const run = this.queue.then(() => this.change(unique(feeds)));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async configure(streams: { mid: string; substream?: 0 | 1 | 2; send?: boolean }[]): Promise<void> {
    if (this.closed) throw new JanusError('closed', 'The subscription is closed.');
    if (!this.handle || !this.joined || !streams.length) return;
    await this.handle.message({
      request: 'configure',
      streams: streams.map((s) => ({ mid: s.mid, ...(s.substream !== undefined ? { substream: s.substream } : {}), ...(s.send !== undefined ? { send: s.send } : {}) })),
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.lost();
    await Promise.all([this.handle?.detach().catch(() => undefined), this.anchor?.detach().catch(() => undefined)]);
  }

  /** Gone without Janus's say (our close, the connection lost): no `onClosed`. */
  lost(): void {
    this.closed = true;
    this.rooms.subscribers.delete(this);
    const error = new JanusError('closed', 'The subscription is closed.');
    for (const w of this.answerWaiters.splice(0)) w.reject(error);
  }

  private async change(want: string[]): Promise<{ offer: string; streams: SubscriberStreams } | null> {
    if (this.closed) throw new JanusError('closed', 'The subscription is closed.');
    if (!this.handle || !this.joined) return want.length && (await this.join(want)) ? { offer: this.offer, streams: this.streams } : null;
    if (!this.answered) await this.waitForAnswer();
    const desired = new Set(want);
    let subscribe = want.filter((f) => !this.current.has(f) || this.current.get(f) !== this.rooms.liveGen(this.room, f));
    const unsubscribe = [...this.current.keys()].filter((f) => !desired.has(f));
    for (let attempt = 0; ; attempt++) {
      if (!subscribe.length && !unsubscribe.length) return null;
      const body: Record<string, unknown> = { request: 'update' };
      if (subscribe.length) body.subscribe = subscribe.map((feed) => ({ feed }));
      if (unsubscribe.length) body.unsubscribe = unsubscribe.map((feed) => ({ feed }));
      let r: PluginAnswer;
      try {
        r = await this.handle.message(body);
      } catch (e) {
        if (attempt > 0 || !is(e, 428)) throw e;
        const live = new Set(await this.rooms.listFeeds(this.room));
        subscribe = subscribe.filter((f) => live.has(f));
        continue;
      }
      for (const f of unsubscribe) this.current.delete(f);
      for (const f of subscribe) this.current.set(f, this.rooms.liveGen(this.room, f));
      // Never expected: updates wait for the previous answer, and Janus does not renegotiate by itself.
      if (r.data.videoroom === 'updating') throw new JanusError('unanswered', 'Janus postponed the update until the last offer is answered.');
      if (!r.jsep?.sdp) return null; // Janus saw nothing to renegotiate
      this.took(r);
      return { offer: this.offer, streams: this.streams };
    }
  }

  private took(r: PluginAnswer): void {
    this.offer = r.jsep!.sdp;
    this.streams = parseStreams(r.data.streams);
    this.answered = false;
  }

  private waitForAnswer(): Promise<void> {
    const ms = this.rooms.timeoutMs();
    return new Promise<void>((resolve, reject) => {
      const clock = this.rooms.clock;
      const timer = clock.setTimeout(() => {
        this.answerWaiters = this.answerWaiters.filter((w) => w !== waiter);
        reject(new JanusError('unanswered', `The last offer was not answered within ${ms / 1000} s; the subscription cannot change before it is.`));
      }, ms);
      const waiter = {
        resolve: () => (clock.clearTimeout(timer), resolve()),
        reject: (e: JanusError) => (clock.clearTimeout(timer), reject(e)),
      };
      this.answerWaiters.push(waiter);
    });
  }

  private ended(): void {
    if (this.closed) return;
    void this.close();
    for (const cb of this.closedCbs) this.rooms.call(cb);
  }
}
