/**
 * Janus's VideoRoom plugin as the server uses it: rooms created private with a derived secret and
 * token checks on, per-user tokens allowed and removed, one handle per publisher, and per
 * subscription a participant handle (joined with the user's token) plus the subscriber handle tied
 * to it by its private id. Janus 1.1 checks `allowed` tokens only for participants, so rooms also
 * require a valid private id from subscribers: a subscriber nobody let in is refused (433) by Janus.
 *
 * Subscriptions never renegotiate on their own (`autoupdate: false`): every new offer comes from an
 * `update`, which waits for the previous offer's answer first. A feed is live from its publisher's
 * `webrtcup` until its handle closes; `onFeeds` tells when that changes in a room.
 */
import type { JanusConfig } from '../config.ts';
import { systemClock, type Clock } from '../socket.ts';
import { JanusConnection, JanusError, type JanusConnectionOptions, type JanusHandle, type PluginAnswer } from './janus.ts';
import { is, PLUGIN, Publisher, Subscriber, unique, type RoomsContext } from './videoroom-handles.ts';

export { JanusError, janusUnavailable } from './janus.ts';

export type StreamKind = 'audio' | 'video';

export interface VideoRoomApi {
  readonly up: boolean;
  /** The Janus connection was lost: every handle is gone (their `onClosed` does not fire). */
  onDown(cb: () => void): void;
  /** Connected again after `onDown`. */
  onUp(cb: () => void): void;
  ensureRoom(room: string): Promise<void>;
  destroyRoom(room: string): Promise<void>;
  allow(room: string, tokens: string[]): Promise<void>;
  disallow(room: string, tokens: string[]): Promise<void>;
  publish(room: string, feed: string, token: string, offer: string, display: string): Promise<PublisherHandle>;
  /**
   * Refused with 428 when none of `feeds` is live any more (they left between the caller's look and
   * Janus). With no feeds at all the handle has `offer` '' and no streams, and the first `update`
   * with feeds brings the offer.
   */
  subscribe(room: string, token: string, feeds: string[]): Promise<SubscriberHandle>;
  kick(room: string, feed: string): Promise<void>;
  /** Remembered per feed: a later publish of the same feed starts muted too. */
  moderate(room: string, feed: string, kind: StreamKind, mute: boolean): Promise<void>;
  listFeeds(room: string): Promise<string[]>;
  onFeeds(cb: (room: string) => void): void;
}

export interface PublisherHandle {
  readonly feed: string;
  readonly answer: string;
  close(): Promise<void>;
  /** Janus ended it (hangup, kicked by someone else, room destroyed elsewhere); not for our own close. */
  onClosed(cb: () => void): void;
}

export type SubscriberStreams = { mid: string; feed: string; kind: StreamKind }[];

export interface SubscriberHandle {
  readonly offer: string;
  readonly streams: SubscriberStreams;
  start(answer: string): Promise<void>;
  update(feeds: string[]): Promise<{ offer: string; streams: SubscriberStreams } | null>;
  configure(streams: { mid: string; substream?: 0 | 1 | 2; send?: boolean }[]): Promise<void>;
  close(): Promise<void>;
  onClosed(cb: () => void): void;
}

/** The API plus shutdown. */
export interface VideoRoom extends VideoRoomApi {
  close(): void;
}

export type VideoRoomOptions = JanusConnectionOptions;

/** Feed changes in a room within this long reach `onFeeds` once. */
const FEEDS_SETTLE_MS = 20;
const MAX_KNOWN_ROOMS = 10_000;

export function connectVideoRoom(config: JanusConfig, options: VideoRoomOptions = {}): VideoRoom {
  return new Rooms(config, options);
}

/** A Janus room's secret: base64url(HMAC-SHA256(key, room id)), the same on every server. */
export async function janusRoomSecret(key: string, room: string): Promise<string> {
  const enc = new TextEncoder();
  const k = await crypto.subtle.importKey('raw', enc.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return base64url(new Uint8Array(await crypto.subtle.sign('HMAC', k, enc.encode(room))));
}

/**
 * Janus takes an offer's simulcast rids as listed highest quality first unless told otherwise;
 * browsers list them in their encodings' order, which for layers named l/m/h is lowest first.
 */
export function ridOrder(sdp: string): 'hml' | 'lmh' {
  const first = /^a=simulcast:send ~?([^;,\s]+)/m.exec(sdp)?.[1];
  return first && /^(l|lo|low|q|quarter)$/i.test(first) ? 'lmh' : 'hml';
}

function base64url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The mids of an SDP's (not rejected) m-sections of one kind. */
export function sdpMids(sdp: string, kind: StreamKind): string[] {
  const mids: string[] = [];
  for (const section of sdp.split(/\r?\n(?=m=)/)) {
    if (!section.startsWith(`m=${kind} `) || section.startsWith(`m=${kind} 0 `)) continue;
    const mid = /^a=mid:(\S+)/m.exec(section);
    if (mid) mids.push(mid[1]!);
  }
  return mids;
}

const keyOf = (room: string, feed: string) => `${room}\n${feed}`;

class Rooms implements VideoRoom, RoomsContext {
  private readonly conn: JanusConnection;
  private readonly config: JanusConfig;
  readonly clock: Clock;
  readonly log: (message: string) => void;
  private admin: Promise<JanusHandle> | null = null;
  private readonly known = new Set<string>();
  private readonly creating = new Map<string, Promise<void>>();
  /**
   * Tokens this connection put on each room's allowed list and has not taken off (counted from
   * before the request is sent, so a sweep of the list never takes off one being added).
   */
  private readonly granted = new Map<string, Set<string>>();
  /** Connection epoch: what was learnt before a drop is not kept after it. */
  private epoch = 0;
  readonly publishers = new Map<string, Publisher>();
  readonly subscribers = new Set<Subscriber>();
  private readonly live = new Map<string, number>();
  private nextGen = 0;
  private readonly muted = new Map<string, Set<StreamKind>>();
  private readonly feedCbs: ((room: string) => void)[] = [];
  private readonly downCbs: (() => void)[] = [];
  private readonly dirty = new Set<string>();
  private flushTimer: unknown = null;

  constructor(config: JanusConfig, options: VideoRoomOptions) {
    this.config = config;
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? ((m) => console.warn(`[janus] ${m}`));
    this.conn = new JanusConnection(config.url, config.apiSecret, config.timeoutMs, options);
    this.conn.onDown(() => this.down());
  }

  get up(): boolean {
    return this.conn.up;
  }
  onDown(cb: () => void): void {
    this.downCbs.push(cb);
  }
  onUp(cb: () => void): void {
    this.conn.onUp(cb);
  }
  onFeeds(cb: (room: string) => void): void {
    this.feedCbs.push(cb);
  }
  close(): void {
    if (this.flushTimer !== null) this.clock.clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.conn.close();
  }

  async ensureRoom(room: string): Promise<void> {
    if (this.known.has(room)) return;
    let pending = this.creating.get(room);
    if (!pending) {
      const epoch = this.epoch;
      pending = (async () => {
        try {
          await this.request({
            request: 'create', room, admin_key: this.config.adminKey, secret: await this.secret(room),
            is_private: true, allowed: [], require_pvtid: true, publishers: 100,
            videocodec: 'vp8', audiocodec: 'opus', notify_joining: false, permanent: false,
          });
        } catch (e) {
          if (!is(e, 427)) throw e; // it exists: made earlier, or by another server
          await this.sweepAllowed(room);
        }
        if (epoch !== this.epoch) return;
        if (this.known.size >= MAX_KNOWN_ROOMS) this.known.clear();
        this.known.add(room);
      })().finally(() => this.creating.delete(room));
      this.creating.set(room, pending);
    }
    return pending;
  }

  /**
   * A room that was there before this connection first looked: take every token off its allowed
   * list but ours. The others were handed out by a server that has since restarted, lost its
   * connection or given the room up; their users have (or get) new ones.
   */
  private async sweepAllowed(room: string): Promise<void> {
    const secret = await this.secret(room);
    const { data } = await this.request({ request: 'allowed', room, action: 'add', allowed: [], secret });
    const mine = this.granted.get(room);
    const stale = (Array.isArray(data.allowed) ? data.allowed : []).map(String).filter((t: string) => !mine?.has(t));
    if (!stale.length) return;
    await this.request({ request: 'allowed', room, action: 'remove', allowed: stale, secret });
    this.log(`took ${stale.length} token(s) nobody holds any more off the allowed list of ${room}`);
  }

  async destroyRoom(room: string): Promise<void> {
    await Promise.all([
      ...[...this.publishers.values()].filter((p) => p.room === room).map((p) => p.close()),
      ...[...this.subscribers].filter((s) => s.room === room).map((s) => s.close()),
    ]);
    for (const key of this.muted.keys()) if (key.startsWith(`${room}\n`)) this.muted.delete(key);
    this.known.delete(room);
    this.granted.delete(room);
    try {
      await this.request({ request: 'destroy', room, secret: await this.secret(room) });
    } catch (e) {
      if (!is(e, 426)) throw e;
    }
  }

  async allow(room: string, tokens: string[]): Promise<void> {
    if (!tokens.length) return;
    let mine = this.granted.get(room);
    if (!mine) this.granted.set(room, (mine = new Set()));
    for (const t of tokens) mine.add(t);
    const body = { request: 'allowed', room, action: 'add', allowed: unique(tokens), secret: await this.secret(room) };
    try {
      await this.request(body);
    } catch (e) {
      if (!is(e, 426)) throw e;
      // The room went away (Janus restarted): make it again, then allow.
      this.known.delete(room);
      await this.ensureRoom(room);
      await this.request(body);
    }
  }

  async disallow(room: string, tokens: string[]): Promise<void> {
    if (!tokens.length) return;
    const mine = this.granted.get(room);
    for (const t of tokens) mine?.delete(t);
    if (mine?.size === 0) this.granted.delete(room);
    try {
      await this.request({ request: 'allowed', room, action: 'remove', allowed: unique(tokens), secret: await this.secret(room) });
    } catch (e) {
      if (!is(e, 426)) throw e; // no room: nobody is allowed in it
    }
  }

  async kick(room: string, feed: string): Promise<void> {
    this.muted.delete(keyOf(room, feed));
    await this.publishers.get(keyOf(room, feed))?.close();
    try {
      await this.request({ request: 'kick', room, id: feed, secret: await this.secret(room) });
    } catch (e) {
      if (!is(e, 426, 428)) throw e; // not there (any more)
    }
  }

  async moderate(room: string, feed: string, kind: StreamKind, mute: boolean): Promise<void> {
    const key = keyOf(room, feed);
    const kinds = this.muted.get(key) ?? new Set<StreamKind>();
    if (mute) kinds.add(kind);
    else kinds.delete(kind);
    if (kinds.size) this.muted.set(key, kinds);
    else this.muted.delete(key);
    const pub = this.publishers.get(key);
    if (pub?.answer) await this.applyModeration(pub, kind, mute);
  }

  async listFeeds(room: string): Promise<string[]> {
    try {
      const { data } = await this.request({ request: 'listparticipants', room });
      return (Array.isArray(data.participants) ? data.participants : []).filter((p: any) => p?.publisher === true).map((p: any) => String(p.id));
    } catch (e) {
      if (is(e, 426)) return [];
      throw e;
    }
  }

  async publish(room: string, feed: string, token: string, offer: string, display: string): Promise<PublisherHandle> {
    const key = keyOf(room, feed);
    await this.publishers.get(key)?.close();
    const pub = new Publisher(this, room, feed, ++this.nextGen);
    this.publishers.set(key, pub);
    try {
      const handle = await pub.attach(this.conn);
      const join = { request: 'join', ptype: 'publisher', room, id: feed, display, token };
      try {
        await handle.message(join);
      } catch (e) {
        if (!is(e, 436)) throw e;
        // A participant with this id is still in the room (a handle we no longer hold): replace it.
        await this.request({ request: 'kick', room, id: feed, secret: await this.secret(room) }).catch(() => undefined);
        await handle.message(join);
      }
      const { jsep } = await handle.message({ request: 'publish' }, { type: 'offer', sdp: offer, rid_order: ridOrder(offer) });
      if (!jsep?.sdp) throw new JanusError('protocol', 'Janus took the offer but sent no answer.');
      pub.answer = jsep.sdp;
      for (const kind of this.muted.get(key) ?? []) await this.applyModeration(pub, kind, true);
      return pub;
    } catch (e) {
      await pub.close();
      throw e;
    }
  }

  async subscribe(room: string, token: string, feeds: string[]): Promise<SubscriberHandle> {
    const sub = new Subscriber(this, room);
    this.subscribers.add(sub);
    try {
      await sub.enter(this.conn, token);
      const want = unique(feeds);
      if (want.length && !(await sub.join(want))) throw new JanusError(428, 'None of the feeds to receive is live any more.');
      return sub;
    } catch (e) {
      await sub.close();
      throw e;
    }
  }

  /** A VideoRoom request on this connection's own handle (one that joins no room). */
  async request(body: Record<string, unknown>): Promise<PluginAnswer> {
    let admin = this.admin;
    if (!admin) {
      admin = this.admin = this.conn.attach(PLUGIN, {});
      admin.catch(() => {
        if (this.admin === admin) this.admin = null;
      });
    }
    const handle = await admin;
    if (handle.closed) {
      if (this.admin === admin) this.admin = null;
      return this.request(body);
    }
    return handle.message(body);
  }

  secret(room: string): Promise<string> {
    return janusRoomSecret(this.config.roomSecret, room);
  }

  /**
   * Which publisher a feed is: the one this server holds for it (live or still connecting), else the
   * last one seen live. Janus may list a feed before its publisher's webrtcup reaches us; a subscription
   * made then records the same generation the webrtcup later confirms, so it is not made again.
   */
  liveGen(room: string, feed: string): number | undefined {
    const key = keyOf(room, feed);
    return this.publishers.get(key)?.gen ?? this.live.get(key);
  }
  /** A publisher's media is up. */
  goLive(pub: Publisher): void {
    this.live.set(keyOf(pub.room, pub.feed), pub.gen);
    this.feedsChanged(pub.room);
  }
  /** A publisher is gone (any way): forget it and, if its media was live, say so. */
  drop(pub: Publisher): void {
    const key = keyOf(pub.room, pub.feed);
    if (this.publishers.get(key) === pub) this.publishers.delete(key);
    if (this.live.get(key) === pub.gen) {
      this.live.delete(key);
      this.feedsChanged(pub.room);
    }
  }

  feedsChanged(room: string): void {
    this.dirty.add(room);
    if (this.flushTimer !== null) return;
    this.flushTimer = this.clock.setTimeout(() => {
      this.flushTimer = null;
      const rooms = [...this.dirty];
      this.dirty.clear();
      for (const r of rooms) for (const cb of this.feedCbs) this.call(() => cb(r));
    }, FEEDS_SETTLE_MS);
  }

  /** Events every participant handle gets about the room's publishers. */
  roomEvent(room: string, data: Record<string, any>): void {
    if (data.publishers !== undefined || data.unpublished !== undefined || data.leaving !== undefined || data.kicked !== undefined) {
      this.feedsChanged(room);
    }
  }

  timeoutMs(): number {
    return this.config.timeoutMs;
  }

  call(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.log(`a media-server callback failed: ${(e as Error).stack ?? e}`);
    }
  }

  private async applyModeration(pub: Publisher, kind: StreamKind, mute: boolean): Promise<void> {
    const secret = await this.secret(pub.room);
    for (const mid of sdpMids(pub.answer, kind)) {
      try {
        await this.request({ request: 'moderate', room: pub.room, id: pub.feed, mid, mute, secret });
      } catch (e) {
        if (!is(e, 428)) throw e; // that stream is not (yet) there
      }
    }
  }

  private down(): void {
    this.epoch++;
    this.admin = null;
    this.known.clear();
    this.creating.clear();
    this.granted.clear(); // their users get new tokens (sfu.ts); the old ones are swept when a room is next made
    this.live.clear();
    for (const p of this.publishers.values()) p.closed = true;
    this.publishers.clear();
    for (const s of this.subscribers) s.lost();
    this.subscribers.clear();
    for (const cb of this.downCbs) this.call(cb);
  }
}
