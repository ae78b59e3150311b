/**
 * One connection's media at the media server, as the SFU controller (sfu.ts) keeps it: the place
 * (Janus room) it is in with its allowed token, its publishers by source, its subscription with
 * the version of the last offer, and the layers it asked for. Every Janus operation of one user
 * runs in that user's own queue, one at a time, so two offers never cross and a teardown comes
 * after whatever was under way.
 */
import type { MediaSource, SfuLayer, SfuStream } from '../../src/protocol/types.ts';
import { parseFeedId } from './ids.ts';
import type { PublisherHandle, SubscriberHandle } from './videoroom.ts';

/** A queue of asynchronous tasks run one after another; `pending` counts those not finished. */
export class Serial {
  private tail: Promise<unknown>;
  pending = 0;
  constructor(after: Promise<unknown> = Promise.resolve()) {
    this.tail = after;
  }
  run(task: () => Promise<void>): Promise<void> {
    this.pending++;
    const done = this.tail.then(task).finally(() => this.pending--);
    this.tail = done.catch(() => undefined);
    return done;
  }
  /** Settles when every task given so far has finished. */
  get idle(): Promise<unknown> {
    return this.tail;
  }
}

export interface Subscription {
  /** Janus's subscriber handle; null until a feed to receive is live (or while it is made again). */
  handle: SubscriberHandle | null;
  /** The feeds it carries now. */
  feeds: string[];
  streams: SfuStream[];
  /** The version of the offer the browser must answer. */
  version: number;
  answered: boolean;
  /** Attempts to make the handle that failed in a row (the server tries again a few times). */
  failures: number;
}

export class UserMedia<C> {
  readonly room: string;
  readonly userId: string;
  readonly conn: C;
  readonly queue: Serial;
  /** The Janus room its token is allowed in and its handles live in; null: none yet. */
  place: string | null = null;
  token: string | null = null;
  readonly publishers = new Map<MediaSource, PublisherHandle>();
  /** What the media server was last told of the camera feed (null: not yet, for this feed). */
  muted: { audio: boolean | null; video: boolean | null } = { audio: null, video: null };
  /** Null: the browser has not asked to receive. */
  sub: Subscription | null = null;
  /** The last offer version sent on this connection (versions only grow). */
  version = 0;
  /** The layer asked for per feed (video), applied again to every new offer's streams. */
  readonly layers = new Map<string, SfuLayer>();
  /** Closed, left, moved out of the media server: nothing more is done for it but its teardown. */
  gone = false;
  reconcileQueued = false;
  retryTimer: unknown = null;

  constructor(room: string, userId: string, conn: C, after?: Promise<unknown>) {
    this.room = room;
    this.userId = userId;
    this.conn = conn;
    this.queue = new Serial(after);
  }

  /** Forget every handle (Janus lost them, or they were closed). */
  clear(): void {
    this.place = null;
    this.token = null;
    this.publishers.clear();
    this.muted = { audio: null, video: null };
    this.sub = null;
  }
}

/** Janus's streams of a subscription as the browser hears of them: whose what each mid carries. */
export function wireStreams(streams: SubscriberHandle['streams']): SfuStream[] {
  const out: SfuStream[] = [];
  for (const s of streams) {
    const ref = parseFeedId(s.feed);
    if (ref) out.push({ mid: s.mid, userId: ref.userId, source: ref.source, kind: s.kind });
  }
  return out;
}

/** A layer as Janus's subscriber `configure` takes it (video only: audio is always sent). */
export function layerConfig(mid: string, layer: SfuLayer): { mid: string; substream?: 0 | 1 | 2; send: boolean } {
  if (layer === 'off') return { mid, send: false };
  return { mid, substream: layer === 'high' ? 2 : layer === 'medium' ? 1 : 0, send: true };
}

export function sameFeeds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((f) => b.includes(f));
}

/** A fresh token for the Janus allowed list: 144 random bits, never sent to a browser. */
export function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_');
}
