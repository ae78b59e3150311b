/**
 * The SFU controller: the server's side of media through Janus. Browsers never talk to Janus's
 * API; they send `sfu` frames on the room socket, and this module makes and tears down Janus
 * handles on their behalf for exactly what the room state lets each of them publish and receive.
 *
 * - One Janus room per place (a meeting room's main room, or one breakout room). A user gets a
 *   fresh random token in a place's allowed list when they first publish or subscribe there, and
 *   loses it (their feeds kicked, their handles closed) the moment they leave, move, are removed,
 *   or their connection closes. A join without an allowed token is refused by Janus itself.
 * - After every state change of a room (and when Janus says a room's feeds changed) each user's
 *   media is reconciled with the state: a user who moved gets `reset` ('moved'); a screen nobody
 *   shares any more is closed; a muted camera is muted at Janus too; a subscription carries exactly
 *   `receives(state, me)` among the feeds live in Janus, and each change is a new `offer` with the
 *   next version. A room that leaves the media server (mesh, or the meeting ended) closes it all.
 * - One queue per user: a user's Janus operations run one at a time, so offers never cross, and a
 *   stale `answer` (an old version) is ignored.
 * - A Janus failure refuses that frame with `sfu-unavailable` and a time to retry; the process
 *   goes on. When the connection to Janus drops or comes back every SFU connection gets `reset`
 *   ('server') and publishes and subscribes again.
 */
import { locationOf } from '../../src/protocol/breakout-state.ts';
import { participantOf } from '../../src/protocol/presence.ts';
import type { ErrorCode, MediaSource, RoomState, SfuClientMessage, SfuServerMessage } from '../../src/protocol/types.ts';
import type { Clock } from '../socket.ts';
import { feedId, janusRoomId, meetingRoomOf } from './ids.ts';
import { SfuPlaces } from './sfu-places.ts';
import { onSfu, sfuRefusal, sharesHere } from './sfu-rules.ts';
import { Subscriptions } from './sfu-subscription.ts';
import { randomToken, UserMedia } from './sfu-user.ts';
import type { VideoRoomApi } from './videoroom.ts';

/** A room socket as the controller sees it. */
export interface SfuPeer {
  readonly roomId: string;
  readonly actor: { id: string; name: string } | null;
  readonly closed: boolean;
}

export interface SfuDeps<C extends SfuPeer> {
  api: VideoRoomApi;
  clock: Clock;
  /** The live state of a meeting room (undefined when it is not loaded). */
  state(room: string): RoomState | undefined;
  /** Send one frame to one connection (only ever to the connection it concerns). */
  send(to: C, msg: SfuServerMessage): void;
  /** Tokens for Janus's allowed lists (random; injected for tests). */
  token?: () => string;
  /** How long a browser waits before trying again after `sfu-unavailable`. */
  retryAfterMs?: number;
  log?: (what: string, err: unknown) => void;
}

/** Frames a connection may have waiting for the media server before more are refused. */
export const MAX_QUEUED = 8;

const UNAVAILABLE = 'The media server did not answer; try again shortly.';

export class SfuRooms<C extends SfuPeer = SfuPeer> {
  private deps: SfuDeps<C>;
  private api: VideoRoomApi;
  readonly places: SfuPlaces;
  /** Per meeting room, per user: that user's connection's media. */
  private rooms = new Map<string, Map<string, UserMedia<C>>>();
  /** Changes every time the connection to Janus drops: handles made before are gone. */
  private epoch = 0;
  private retryAfterMs: number;
  private closing = false;
  private subs: Subscriptions<C>;

  constructor(deps: SfuDeps<C>) {
    this.deps = deps;
    this.api = deps.api;
    this.places = new SfuPlaces(deps.api);
    this.retryAfterMs = deps.retryAfterMs ?? 3000;
    this.subs = new Subscriptions<C>({
      api: deps.api,
      places: this.places,
      clock: deps.clock,
      retryAfterMs: this.retryAfterMs,
      epoch: () => this.epoch,
      send: (to, msg) => deps.send(to, msg),
      refuse: (...args) => this.refuse(...args),
      reconcile: (e) => this.reconcile(e),
      log: (what, err) => this.log(what, err),
    });
    deps.api.onDown(() => this.lost());
    deps.api.onUp(() => this.resetAll());
    deps.api.onFeeds((place) => this.feedsChanged(place));
  }

  // --- frames from browsers -----------------------------------------------------------------

  /** An `sfu` frame of a joined participant connection (room-socket.ts checked that much). */
  handle(conn: C, msg: SfuClientMessage): void {
    const actor = conn.actor;
    if (!actor || this.closing) return;
    const source = msg.op === 'publish' ? msg.source : undefined;
    const starts = msg.op === 'publish' || msg.op === 'subscribe';
    const mine = this.entry(conn.roomId, actor.id);
    // Nothing of this connection at the media server (never was, or it was torn down): nothing to change.
    if (!starts && mine?.conn !== conn) return;
    const refusal = sfuRefusal(this.deps.state(conn.roomId), actor.id, msg);
    if (refusal) return this.refuse(conn, refusal.code, refusal.message, source);
    if (starts && !this.api.up) return this.refuse(conn, 'sfu-unavailable', UNAVAILABLE, source, true);
    const e = mine && mine.conn === conn ? mine : this.open(conn, actor.id);
    if (e.queue.pending >= MAX_QUEUED) {
      return this.refuse(conn, 'sfu-unavailable', 'The media server is still busy with your earlier requests; try again shortly.', source, true);
    }
    const entry = e;
    void entry.queue.run(() => this.frame(entry, msg)).catch((err) => this.frameFailed(entry, msg, err));
  }

  /** The connection closed: its handles close and its token goes (a reconnect publishes again). */
  closed(conn: C): void {
    const userId = conn.actor?.id;
    const e = userId === undefined ? undefined : this.entry(conn.roomId, userId);
    if (e?.conn === conn) this.retire(e);
  }

  private async frame(e: UserMedia<C>, msg: SfuClientMessage): Promise<void> {
    if (e.gone) return;
    const state = this.deps.state(e.room);
    // The state may have changed while the frame waited its turn.
    const refusal = sfuRefusal(state, e.userId, msg);
    if (refusal) return this.refuse(e.conn, refusal.code, refusal.message, msg.op === 'publish' ? msg.source : undefined);
    switch (msg.op) {
      case 'publish':
        if (await this.enter(e, state!)) await this.publish(e, state!, msg.source, msg.sdp);
        return;
      case 'unpublish':
        return this.unpublish(e, msg.source);
      case 'subscribe':
        if (await this.enter(e, state!)) await this.subs.subscribe(e, state!);
        return;
      case 'answer':
        return this.subs.answer(e, msg.sdp, msg.version);
      case 'layers':
        return this.subs.layers(e, state!, msg.want);
    }
  }

  private frameFailed(e: UserMedia<C>, msg: SfuClientMessage, err: unknown): void {
    this.log(`sfu ${msg.op} of ${e.userId} in ${e.room}`, err);
    if (msg.op === 'publish') this.refuse(e.conn, 'sfu-unavailable', UNAVAILABLE, msg.source, true);
    else if (msg.op === 'subscribe' || msg.op === 'answer') this.subs.failed(e);
    // A failed unpublish or layer change refuses nothing: the handle closes anyway, layers come again.
  }

  /**
   * The user's token is allowed in the place they are in (made on first need). False when they
   * were elsewhere: everything there was torn down and the browser told to start again.
   */
  private async enter(e: UserMedia<C>, state: RoomState): Promise<boolean> {
    const place = janusRoomId(e.room, locationOf(state, e.userId));
    if (e.place !== null && e.place !== place) {
      await this.moved(e);
      return false;
    }
    if (e.token) return true;
    const epoch = this.epoch;
    await this.places.ensure(place);
    const token = (this.deps.token ?? randomToken)();
    try {
      await this.api.allow(place, [token]);
    } catch (err) {
      void this.api.disallow(place, [token]).catch(() => undefined); // a late success must not leave it behind
      throw err;
    }
    if (epoch !== this.epoch) throw new Error('The media server connection dropped.');
    e.place = place;
    e.token = token;
    return true;
  }

  private async publish(e: UserMedia<C>, state: RoomState, source: MediaSource, sdp: string): Promise<void> {
    const old = e.publishers.get(source);
    if (old) {
      e.publishers.delete(source); // a second publish of a source replaces the first
      await old.close().catch((err) => this.log('closing a replaced publisher', err));
    }
    const place = e.place!;
    const epoch = this.epoch;
    const name = participantOf(state, e.userId)?.name ?? e.userId;
    const handle = await this.api.publish(place, feedId(e.userId, source), e.token!, sdp, name);
    if (epoch !== this.epoch) return; // Janus went away meanwhile: the handle is gone, the browser was told to reset
    e.publishers.set(source, handle);
    // A new camera feed is told both (Janus may remember an old mute of the same feed id, or not).
    if (source === 'camera') e.muted = { audio: null, video: null };
    handle.onClosed(() => {
      if (e.publishers.get(source) === handle) e.publishers.delete(source);
    });
    if (!e.gone) this.deps.send(e.conn, { type: 'sfu', op: 'published', source, sdp: handle.answer });
    this.reconcile(e); // mutes, and the screen rule, apply to the new feed at once
  }

  private async unpublish(e: UserMedia<C>, source: MediaSource): Promise<void> {
    const pub = e.publishers.get(source);
    if (!pub) return;
    e.publishers.delete(source);
    await pub.close();
  }

  // --- following the room state ---------------------------------------------------------------

  /** The hub's `onStateChange`: follow presence, places, shares, mutes and the media mode. */
  stateChanged(room: string, before: RoomState, after: RoomState): void {
    const users = this.rooms.get(room);
    if (this.closing || (!users?.size && !this.places.placesOf(room).length)) return;
    if (
      before.participants === after.participants &&
      before.status === after.status &&
      before.breakout === after.breakout &&
      before.share === after.share &&
      before.media === after.media
    ) {
      return; // chat and the like: nothing media follows
    }
    if (!onSfu(after)) return this.closeRoom(room);
    for (const e of users?.values() ?? []) this.reconcile(e);
  }

  /** Janus says a place's feeds changed (someone's media came or went). */
  private feedsChanged(place: string): void {
    this.places.changed(place);
    const room = meetingRoomOf(place);
    for (const e of (room !== null && this.rooms.get(room)?.values()) || []) if (e.sub) this.reconcile(e);
  }

  /** Bring one user's media in line with the room state, in their queue (once, however often asked). */
  private reconcile(e: UserMedia<C>): void {
    if (e.gone || e.reconcileQueued) return;
    e.reconcileQueued = true;
    void e.queue
      .run(async () => {
        e.reconcileQueued = false;
        await this.reconcileNow(e);
      })
      .catch((err) => this.log(`sfu reconcile of ${e.userId} in ${e.room}`, err));
  }

  private async reconcileNow(e: UserMedia<C>): Promise<void> {
    if (e.gone) return;
    const state = this.deps.state(e.room);
    const p = state && participantOf(state, e.userId);
    if (!onSfu(state) || !p?.present) {
      void this.retire(e); // queued after this task (awaiting it here would wait for ourselves)
      return;
    }
    const place = janusRoomId(e.room, locationOf(state, e.userId));
    if (e.place !== null && e.place !== place) return this.moved(e);
    const screen = e.publishers.get('screen');
    if (screen && !sharesHere(state, e.userId)) {
      e.publishers.delete('screen');
      await this.dropFeeds(e.place!, [screen]);
    }
    const camera = e.publishers.get('camera');
    for (const kind of ['audio', 'video'] as const) {
      const mute = !p[kind];
      if (!camera || e.muted[kind] === mute) continue;
      try {
        await this.api.moderate(e.place!, camera.feed, kind, mute);
        e.muted[kind] = mute;
      } catch (err) {
        this.log(`muting ${camera.feed}`, err); // tried again at the next change
      }
    }
    if (e.sub) await this.subs.sync(e, state);
  }

  // --- tearing down ---------------------------------------------------------------------------

  /** The user moved to another place: everything in the old one goes, and the browser starts again. */
  private async moved(e: UserMedia<C>): Promise<void> {
    await this.teardown(e);
    this.deps.send(e.conn, { type: 'sfu', op: 'reset', reason: 'moved' });
  }

  /** Forget a connection's media for good: its token is disallowed, its feeds kicked, its handles closed. */
  private retire(e: UserMedia<C>): Promise<void> {
    const users = this.rooms.get(e.room);
    if (users?.get(e.userId) === e) users.delete(e.userId);
    if (users?.size === 0) this.rooms.delete(e.room);
    if (e.gone) return e.queue.idle.then(() => undefined);
    e.gone = true;
    if (e.retryTimer !== null) this.deps.clock.clearTimeout(e.retryTimer);
    e.retryTimer = null;
    return e.queue.run(() => this.teardown(e)).catch((err) => this.log(`sfu teardown of ${e.userId} in ${e.room}`, err));
  }

  /** In the user's queue: disallow the token first (no join with it any more), then kick and close. */
  private async teardown(e: UserMedia<C>): Promise<void> {
    const { place, token } = e;
    const publishers = [...e.publishers.values()];
    const sub = e.sub?.handle;
    e.clear();
    if (!place) return;
    if (token) await this.api.disallow(place, [token]).catch((err) => this.log(`disallowing ${e.userId} in ${place}`, err));
    await this.dropFeeds(place, publishers);
    if (sub) await sub.close().catch((err) => this.log(`closing the subscription of ${e.userId}`, err));
  }

  /** Kick feeds at Janus and close their handles (either may find the other already did it). */
  private async dropFeeds(place: string, publishers: { feed: string; close(): Promise<void> }[]): Promise<void> {
    for (const pub of publishers) {
      await this.api.kick(place, pub.feed).catch(() => undefined);
      await pub.close().catch(() => undefined);
    }
  }

  /** The room was unloaded for being idle: whatever is left of it here, and its Janus rooms, go. */
  unloaded(room: string): void {
    this.closeRoom(room);
  }

  /** The room left the media server (mesh, or the meeting ended): everyone's media there goes, then its Janus rooms. */
  private closeRoom(room: string): void {
    const users = [...(this.rooms.get(room)?.values() ?? [])];
    void Promise.all(users.map((e) => this.retire(e))).then(() => this.places.destroyRoom(room, (what, err) => this.log(what, err)));
  }

  /** The connection to Janus dropped: every handle is gone; browsers start again (now, and once it is back). */
  private lost(): void {
    this.epoch++;
    this.places.forgetAll();
    for (const users of this.rooms.values()) {
      for (const e of users.values()) {
        e.clear();
        if (e.retryTimer !== null) this.deps.clock.clearTimeout(e.retryTimer);
        e.retryTimer = null;
      }
    }
    this.resetAll();
  }

  private resetAll(): void {
    for (const users of this.rooms.values()) for (const e of users.values()) this.deps.send(e.conn, { type: 'sfu', op: 'reset', reason: 'server' });
  }

  // --- bookkeeping ----------------------------------------------------------------------------

  private entry(room: string, userId: string): UserMedia<C> | undefined {
    return this.rooms.get(room)?.get(userId);
  }

  /** A connection's first media request: its own record, after whatever an earlier connection of the user left to tear down. */
  private open(conn: C, userId: string): UserMedia<C> {
    const previous = this.entry(conn.roomId, userId);
    const after = previous ? this.retire(previous) : undefined;
    const e = new UserMedia(conn.roomId, userId, conn, after);
    let users = this.rooms.get(conn.roomId);
    if (!users) this.rooms.set(conn.roomId, (users = new Map()));
    users.set(userId, e);
    return e;
  }

  private refuse(conn: C, code: ErrorCode, message: string, source?: MediaSource, retry = false): void {
    this.deps.send(conn, { type: 'sfu', op: 'error', code, message, ...(source ? { source } : {}), ...(retry ? { retryAfterMs: this.retryAfterMs } : {}) });
  }

  private log(what: string, err: unknown): void {
    if (this.deps.log) this.deps.log(what, err);
    else console.error(`${what} failed:`, err instanceof Error ? err.message : err);
  }

  /** For /health: connections using the media server, their publishers and subscriptions, and whether Janus is up. */
  stats(): { up: boolean; users: number; publishers: number; subscriptions: number } {
    let users = 0;
    let publishers = 0;
    let subscriptions = 0;
    for (const room of this.rooms.values()) {
      for (const e of room.values()) {
        users++;
        publishers += e.publishers.size;
        if (e.sub?.handle) subscriptions++;
      }
    }
    return { up: this.api.up, users, publishers, subscriptions };
  }

  /**
   * The server is stopping: forget every connection's media without asking Janus (closing the
   * connection to Janus ends its session, and with it every handle this server made).
   */
  close(): void {
    this.closing = true;
    for (const users of this.rooms.values()) {
      for (const e of users.values()) {
        e.gone = true;
        if (e.retryTimer !== null) this.deps.clock.clearTimeout(e.retryTimer);
      }
    }
    this.rooms.clear();
  }

  /** Settles when every user's queued media work has finished (tests, shutdown). */
  async idle(): Promise<void> {
    for (let i = 0; i < 10; i++) {
      const queues = [...this.rooms.values()].flatMap((r) => [...r.values()].map((e) => e.queue.idle));
      await Promise.all(queues);
      await new Promise((r) => setTimeout(r, 0));
    }
  }
}
