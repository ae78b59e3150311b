/**
 * One connection's subscription at the media server: made once there is something to receive,
 * carrying exactly what the room state gives the user among the feeds live in Janus, changed by a
 * new offer (the next version) that the browser answers, never while an offer is still out; and
 * the video layers it asked for, applied to every new offer's streams. Runs in the user's queue
 * (sfu.ts), so its offers never cross.
 */
import type { ErrorCode, MediaSource, RoomState, SfuClientMessage, SfuServerMessage } from '../../src/protocol/types.ts';
import type { Clock } from '../socket.ts';
import { feedId } from './ids.ts';
import type { SfuPlaces } from './sfu-places.ts';
import { receivedFeeds } from './sfu-rules.ts';
import { layerConfig, sameFeeds, wireStreams, type UserMedia } from './sfu-user.ts';
import type { VideoRoomApi } from './videoroom.ts';

/** Tries to make a subscription the server makes on its own after a failure, before it says so and stops. */
const SUBSCRIBE_TRIES = 4;

/** What subscriptions need of the controller. */
export interface SubscriptionHost<C> {
  readonly api: VideoRoomApi;
  readonly places: SfuPlaces;
  readonly clock: Clock;
  readonly retryAfterMs: number;
  /** Changes every time the connection to Janus drops. */
  epoch(): number;
  send(to: C, msg: SfuServerMessage): void;
  refuse(to: C, code: ErrorCode, message: string, source?: MediaSource, retry?: boolean): void;
  /** Bring the user's media in line with the state again (queued). */
  reconcile(e: UserMedia<C>): void;
  log(what: string, err: unknown): void;
}

export class Subscriptions<C> {
  private host: SubscriptionHost<C>;
  constructor(host: SubscriptionHost<C>) {
    this.host = host;
  }

  async subscribe(e: UserMedia<C>, state: RoomState): Promise<void> {
    const old = e.sub?.handle;
    e.sub = { handle: null, feeds: [], streams: [], version: 0, answered: false, failures: 0 };
    if (old) await old.close().catch((err) => this.host.log('closing a replaced subscription', err));
    await this.sync(e, state);
  }

  async answer(e: UserMedia<C>, sdp: string, version: number): Promise<void> {
    const sub = e.sub;
    if (!sub?.handle || sub.version !== version || sub.answered) return; // stale or repeated: ignored
    await sub.handle.start(sdp);
    if (e.sub !== sub) return;
    sub.answered = true;
    await this.applyLayers(e);
    this.host.reconcile(e); // changes held back while the offer was out
  }

  async layers(e: UserMedia<C>, state: RoomState, want: Extract<SfuClientMessage, { op: 'layers' }>['want']): Promise<void> {
    const received = new Set(receivedFeeds(state, e.userId));
    const changed = new Set<string>();
    for (const w of want) {
      const feed = feedId(w.userId, w.source);
      if (!received.has(feed) || e.layers.get(feed) === w.layer) continue; // not theirs to ask for, or no change
      e.layers.set(feed, w.layer);
      changed.add(feed);
    }
    for (const feed of e.layers.keys()) if (!received.has(feed)) e.layers.delete(feed);
    if (changed.size) await this.applyLayers(e, changed);
  }

  /** Tell Janus the layers asked for, for the streams of the answered subscription (all, or of `only` feeds). */
  private async applyLayers(e: UserMedia<C>, only?: Set<string>): Promise<void> {
    const sub = e.sub;
    if (!sub?.handle || !sub.answered) return; // applied once the offer is answered
    const streams = sub.streams.filter((s) => s.kind === 'video').flatMap((s) => {
      const feed = feedId(s.userId, s.source);
      const layer = e.layers.get(feed);
      return layer && (!only || only.has(feed)) ? [layerConfig(s.mid, layer)] : [];
    });
    if (streams.length) await sub.handle.configure(streams);
  }

  /**
   * The subscription carries exactly what the user receives among the feeds live in Janus: made
   * once there is something to receive, updated (a new offer) when that changes, never while
   * an offer waits for its answer. A failure is said to the browser (see `failed`).
   */
  async sync(e: UserMedia<C>, state: RoomState): Promise<void> {
    const sub = e.sub;
    if (!sub || !e.place || !e.token) return;
    const place = e.place;
    const epoch = this.host.epoch();
    try {
      const live = await this.host.places.feeds(place);
      const want = receivedFeeds(state, e.userId).filter((f) => live.has(f));
      if (!sub.handle) {
        if (!want.length) return; // nothing to receive yet: the offer comes when someone publishes
        const handle = await this.host.api.subscribe(place, e.token, want);
        if (epoch !== this.host.epoch()) return;
        if (e.sub !== sub || e.gone) return void handle.close().catch(() => undefined);
        sub.handle = handle;
        sub.failures = 0;
        handle.onClosed(() => {
          if (e.sub === sub && sub.handle === handle) e.sub = null; // Janus hung it up: the browser subscribes again
        });
        return this.offer(e, sub, want, handle.offer, handle.streams);
      }
      if (!sub.answered || sameFeeds(sub.feeds, want)) return;
      const next = await sub.handle.update(want);
      if (epoch !== this.host.epoch() || e.sub !== sub) return;
      sub.feeds = want;
      if (next) this.offer(e, sub, want, next.offer, next.streams);
    } catch (err) {
      if (epoch !== this.host.epoch()) return;
      this.host.places.changed(place); // a feed may have gone meanwhile: read them again
      this.host.log(`sfu subscription of ${e.userId} in ${e.room}`, err);
      this.failed(e);
    }
  }

  private offer(e: UserMedia<C>, sub: NonNullable<UserMedia<C>['sub']>, feeds: string[], sdp: string, streams: Parameters<typeof wireStreams>[0]): void {
    sub.feeds = feeds;
    sub.streams = wireStreams(streams);
    sub.version = ++e.version;
    sub.answered = false;
    this.host.send(e.conn, { type: 'sfu', op: 'offer', sdp, version: sub.version, streams: sub.streams });
  }

  /**
   * A subscription could not be made or changed. Before the browser had an offer the server tries
   * again a few times on its own; after that (or once the browser holds a connection to the old
   * handle) the subscription is dropped and the browser told: it subscribes again afresh.
   */
  failed(e: UserMedia<C>): void {
    if (e.gone) return;
    this.host.refuse(e.conn, 'sfu-unavailable', 'The media server could not set up what you receive; subscribe again shortly.', undefined, true);
    const sub = e.sub;
    if (!sub) return;
    if (!sub.handle && ++sub.failures < SUBSCRIBE_TRIES && e.retryTimer === null) {
      e.retryTimer = this.host.clock.setTimeout(() => {
        e.retryTimer = null;
        this.host.reconcile(e);
      }, this.host.retryAfterMs);
      return;
    }
    e.sub = null;
    if (sub.handle) void sub.handle.close().catch(() => undefined);
  }
}
