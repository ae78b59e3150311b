/**
 * The Janus rooms ("places": a meeting room's main room or one breakout room) this server made,
 * and the feeds live in each. A place is created once (idempotent at Janus too) and destroyed
 * when its meeting room leaves the media server; a create never overtakes a destroy still under
 * way. Live feeds are read from Janus (`listFeeds`: publishers whose media is up), once per
 * change Janus reports, however many subscribers need them.
 */
import type { VideoRoomApi } from './videoroom.ts';
import { meetingRoomOf } from './ids.ts';

export class SfuPlaces {
  private api: VideoRoomApi;
  private ready = new Map<string, Promise<void>>();
  private destroying = new Map<string, Promise<void>>();
  private live = new Map<string, Promise<Set<string>>>();

  constructor(api: VideoRoomApi) {
    this.api = api;
  }

  /** The place exists at Janus (created by this call, or before). */
  async ensure(place: string): Promise<void> {
    const pending = this.destroying.get(place);
    if (pending) await pending;
    let ready = this.ready.get(place);
    if (!ready) {
      const made = this.api.ensureRoom(place);
      this.ready.set(place, (ready = made));
      made.catch(() => {
        if (this.ready.get(place) === made) this.ready.delete(place);
      });
    }
    await ready;
  }

  /** Destroy every place of a meeting room this server made (best effort: Janus forgets them on restart anyway). */
  destroyRoom(room: string, log: (what: string, err: unknown) => void): Promise<void> {
    const places = [...this.ready.keys()].filter((p) => meetingRoomOf(p) === room);
    return Promise.all(
      places.map((place) => {
        const ready = this.ready.get(place)!;
        this.ready.delete(place);
        this.live.delete(place);
        const done: Promise<void> = ready
          .then(() => this.api.destroyRoom(place))
          .catch((err) => log(`destroying ${place}`, err))
          .finally(() => {
            if (this.destroying.get(place) === done) this.destroying.delete(place);
          });
        this.destroying.set(place, done);
        return done;
      }),
    ).then(() => undefined);
  }

  /** Feeds with media in `place` now (read from Janus when not known). */
  feeds(place: string): Promise<Set<string>> {
    let list = this.live.get(place);
    if (!list) {
      const read: Promise<Set<string>> = this.api.listFeeds(place).then((feeds) => new Set(feeds));
      this.live.set(place, (list = read));
      read.catch(() => {
        if (this.live.get(place) === read) this.live.delete(place);
      });
    }
    return list;
  }

  /** Janus says the feeds of `place` changed (or a request about them failed): read them again when next needed. */
  changed(place: string): void {
    this.live.delete(place);
  }

  /** The connection to Janus was lost: nothing made there is known any more. */
  forgetAll(): void {
    this.ready.clear();
    this.live.clear();
    this.destroying.clear();
  }

  /** Places known for a meeting room (for tests and stats). */
  placesOf(room: string): string[] {
    return [...this.ready.keys()].filter((p) => meetingRoomOf(p) === room);
  }
}
