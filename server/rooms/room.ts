/**
 * The room master: the one authoritative copy of a live room. It decides commands with the
 * composed pure reducer (after the server's own choices, prepare.ts), numbers the resulting
 * events, stores them, and only then publishes them to the room's listeners through an injected
 * transport; it also keeps the room's timers (deadlines in state, reconnect grace periods).
 * It knows nothing of sockets: the room socket (room-socket.ts) is one transport, a test's fake
 * is another. Model: boardgame.io's master (transport and storage injected).
 *
 * Ordering: one command at a time per room. Every task that reads or changes the room's state
 * (a command, a timer, a join's welcome) runs in the room's queue, so even with a slow or
 * asynchronous store the events of one room are stored and published in sequence order, each
 * command is decided against the stored state, and a welcome never misses or repeats an event.
 * A write that fails refuses its command (`storage-unavailable`), changes nothing and publishes
 * nothing; the next command is decided against the same state.
 */
import { nextDeadline, reduce } from '../../src/protocol/room.ts';
import { removedUsers } from '../../src/protocol/presence.ts';
import type { Actor, Command, ErrorCode, MediaConfig, RoomState, SequencedEvent } from '../../src/protocol/types.ts';
import type { Clock } from '../socket.ts';
import type { Fence, Store, StoreNotice } from '../store/store.ts';
import { ROOM_MOVED_MESSAGE } from '../cluster/ownership.ts';
import { auditEntries } from './audit.ts';
import { backInRoom, fanOut, type Listener } from './fan-out.ts';
import { needsSnapshot } from './persist.ts';
import { prepare, type Choices, type Origin } from './prepare.ts';
import { STORAGE_REFUSAL, type StorageHealth } from './storage-guard.ts';

export type { Listener } from './fan-out.ts';

/** What became of a command: stored with this sequence number (or nothing to do), or refused. */
export type Outcome = { ok: true; seq: number } | { ok: false; code: ErrorCode; message: string };

/** How the master reaches its listeners (the room sockets, or a test's fakes). */
export interface RoomTransport<L extends Listener> {
  /** Deliver one frame (the JSON text of a ServerMessage). */
  send(to: L, frame: string): void;
  /** `to` heard placeholders while it was not in the room and is back: send it the whole state. */
  resync(to: L, state: RoomState): void;
  /** `to`'s user was removed from the room (they heard why): close it. It is no longer a listener. */
  expel(to: L): void;
}

/** A listener that can tell whether its connection is closing (then it no longer counts as connected). */
export interface RoomListener extends Listener {
  readonly closed: boolean;
}

export interface RoomMasterDeps<L extends RoomListener> {
  id: string;
  /** The room's state as stored (loaded and replayed, or initial). */
  state: RoomState;
  store: Pick<Store, 'append'>;
  clock: Clock;
  /** Shared by every room: refuses and backs off while writes fail (storage-guard.ts). */
  storage: StorageHealth;
  transport: RoomTransport<L>;
  choices: Choices;
  /**
   * Write a full snapshot at least every this many events; a dropped user keeps their place this long;
   * `media`: the server's media server and mesh limit, which the room's media mode follows (absent: none).
   */
  config: { snapshotEvery: number; leaveGraceMs: number; media?: MediaConfig };
  /** The state changed (stored, not yet published): the media side follows presence from it. */
  onStateChange?: (before: RoomState, after: RoomState) => void;
  /** Several servers: every write must still hold this lease (the store checks it in the write). */
  fence?: Fence;
  /** A write found the lease lost (another server serves the room now): the hub drops the room. */
  onLeaseLost?: () => void;
  /** Several servers: what to tell the others about a change, sent with its write (StoreNotice). */
  notices?: (before: RoomState, after: RoomState) => StoreNotice[];
}

export class RoomMaster<L extends RoomListener = RoomListener> {
  readonly id: string;
  /** The stored state: changed only by a command whose events were written. */
  state: RoomState;
  /** Everyone who hears this room's events (room sockets and consoles). */
  readonly listeners = new Set<L>();
  /** When the room was last used (a command, or a sweep that found it busy); idle rooms are unloaded. */
  lastUsed: number;
  private deps: RoomMasterDeps<L>;
  private graceTimers = new Map<string, unknown>();
  private timer: unknown = null;
  private timerFor: number | null = null;
  private sinceSnapshot = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;
  private running = false;
  private stopped = false;
  /** Served elsewhere now (lease lost, or handed off): every command is refused with `room-moved`. */
  private movedAway = false;

  constructor(deps: RoomMasterDeps<L>) {
    this.deps = deps;
    this.id = deps.id;
    this.state = deps.state;
    this.lastUsed = deps.clock.now();
  }

  /** The room is no longer (or soon no longer) served here: commands are refused with `room-moved`. */
  get moved(): boolean {
    return this.movedAway;
  }

  /** Refuse every command from now on (`room-moved`): the room is being handed over or was lost. */
  moveAway(): void {
    this.movedAway = true;
  }

  /** Tasks waiting in (or running from) the room's queue. */
  get backlog(): number {
    return this.queued;
  }

  /**
   * Run `task` with the room to itself: tasks run one at a time, in the order they were given,
   * each after the previous one finished (stored and published). Inside it, use `commit`.
   */
  exclusive<T>(task: () => T | Promise<T>): Promise<T> {
    this.queued++;
    const run = this.tail.then(async () => {
      this.running = true;
      try {
        return await task();
      } finally {
        this.running = false;
      }
    });
    this.tail = run.then(
      () => this.queued--,
      () => this.queued--,
    );
    return run;
  }

  /** Decide, store and publish a command, in turn (after every command given before it). */
  dispatch(command: Command, actor: Actor | null, origin: Origin = {}): Promise<Outcome> {
    return this.exclusive(() => this.commit(command, actor, origin));
  }

  /**
   * Decide a command now, against the stored state; store its events, then publish them. Only
   * inside `exclusive` (dispatch does that), so nothing else decides while the write is under way.
   */
  async commit(command: Command, actor: Actor | null, origin: Origin = {}): Promise<Outcome> {
    if (!this.running) throw new Error('RoomMaster.commit runs only inside exclusive()');
    const { clock, store, storage } = this.deps;
    if (this.movedAway) return { ok: false, code: 'room-moved', message: ROOM_MOVED_MESSAGE };
    const before = this.state;
    command = prepare(before, command, origin, this.deps.choices);
    const now = clock.now();
    const media = this.deps.config.media;
    const result = reduce(before, command, { actor, now, ...(media ? { media } : {}) });
    if (!result.ok) return result;
    if (result.events.length === 0) return { ok: true, seq: before.seq };
    let seq = before.seq;
    const sequenced: SequencedEvent[] = result.events.map((event) => ({ seq: ++seq, event }));
    const next: RoomState = { ...result.state, seq };
    const count = this.sinceSnapshot + sequenced.length;
    const snapshot = needsSnapshot(sequenced, count, this.deps.config.snapshotEvery) ? next : null;
    try {
      // Durable before anyone hears of it, with the audit record of a moderator action in the same write.
      const audit = auditEntries(command, result.events, actor, before, now);
      await store.append(this.id, sequenced, snapshot, audit, this.deps.fence, this.deps.notices?.(before, next) ?? []);
    } catch (err) {
      if ((err as Error)?.name === 'LeaseLostError') {
        // Another server owns the room now: nothing of this was kept. The hub lets the room go
        // next in the queue, once this command's sender heard the refusal.
        this.movedAway = true;
        void this.exclusive(() => this.deps.onLeaseLost?.());
        return { ok: false, code: 'room-moved', message: ROOM_MOVED_MESSAGE };
      }
      storage.failed(err, this.id); // nothing changed: no state, no fan-out
      return { ok: false, code: 'storage-unavailable', message: STORAGE_REFUSAL };
    }
    storage.succeeded();
    this.sinceSnapshot = snapshot ? 0 : count;
    this.state = next;
    this.lastUsed = now;
    this.stateChanged(before, next);
    this.publish(before, sequenced);
    this.schedule();
    return { ok: true, seq };
  }

  /** Send stored events to every listener, each as its audience rule says (fan-out.ts). */
  private publish(before: RoomState, sequenced: SequencedEvent[]): void {
    const { transport } = this.deps;
    const send = (to: L, frame: string) => transport.send(to, frame);
    let state = before;
    for (const e of sequenced) {
      const after = fanOut(this.listeners, state, e, send);
      // Someone removed heard why; now they are out, consoles included.
      const removed = removedUsers(after);
      if (removed !== removedUsers(state)) {
        const was = new Set(removedUsers(state));
        for (const id of removed) if (!was.has(id)) this.expel(id);
      }
      state = after;
    }
    for (const l of backInRoom(this.listeners, this.state)) {
      l.stale = false;
      transport.resync(l, this.state);
    }
  }

  /** Close the user's connections to the room (they heard why: they were removed). */
  expel(userId: string): void {
    this.cancelGrace(userId);
    for (const l of [...this.listeners]) {
      if (l.actor?.id !== userId) continue;
      this.listeners.delete(l);
      this.deps.transport.expel(l);
    }
  }

  private stateChanged(before: RoomState, after: RoomState): void {
    try {
      this.deps.onStateChange?.(before, after);
    } catch (err) {
      console.error('state change hook failed', err);
    }
  }

  /** Keep one timer, for the earliest deadline in state (host away, moves, time limit, closing). */
  schedule(): void {
    if (this.stopped) return;
    const { clock } = this.deps;
    const deadline = nextDeadline(this.state);
    if (deadline === this.timerFor) return;
    if (this.timer !== null) clock.clearTimeout(this.timer);
    this.timer = null;
    this.timerFor = deadline;
    if (deadline === null) return;
    this.timer = clock.setTimeout(() => this.fire(deadline), Math.max(0, deadline - clock.now()));
  }

  /** A deadline is due: apply it, or when that cannot be saved, try again after a back-off. */
  private fire(deadline: number): void {
    this.timer = null; // timerFor stays: schedule() leaves this deadline alone while it is applied
    void this.settle({ type: 'timer/due' }).then((ok) => {
      if (this.stopped || this.timerFor !== deadline || this.timer !== null) return this.schedule();
      if (!ok) {
        this.timer = this.deps.clock.setTimeout(() => this.fire(deadline), this.deps.storage.retryDelay);
        return;
      }
      this.timerFor = null;
      this.schedule(); // a clock that fired early gets another try
    });
  }

  /**
   * Apply a command of the server's own (a timer), unless `due` says it is no longer needed when
   * its turn comes; false when it could not be saved and should be tried again later.
   */
  private async settle(command: Command, due: () => boolean = () => true): Promise<boolean> {
    try {
      const result = await this.exclusive(() => (due() ? this.commit(command, null) : null));
      return !result || result.ok || result.code !== 'storage-unavailable';
    } catch (err) {
      console.error(`room "${this.id}": ${command.type} failed; trying again shortly`, err);
      return false;
    }
  }

  /** Start the reconnect grace period for a user with no open connection. */
  startGrace(userId: string, delay = this.deps.config.leaveGraceMs): void {
    if (this.stopped) return;
    const { clock } = this.deps;
    this.cancelGrace(userId);
    const gone = () => !this.connected(userId) && !this.graceTimers.has(userId);
    const timer = clock.setTimeout(() => {
      this.graceTimers.delete(userId);
      if (this.connected(userId)) return;
      // By its turn the user may be back (a join queued before it): then nobody leaves.
      void this.settle({ type: 'presence/leave', userId }, gone).then((ok) => {
        if (!ok && gone()) this.startGrace(userId, this.deps.storage.retryDelay);
      });
    }, delay);
    this.graceTimers.set(userId, timer);
  }

  cancelGrace(userId: string): void {
    const t = this.graceTimers.get(userId);
    if (t === undefined) return;
    this.deps.clock.clearTimeout(t);
    this.graceTimers.delete(userId);
  }

  /** The user's open room connection, if any (consoles do not count). */
  connected(userId: string): L | undefined {
    for (const l of this.listeners) if (l.actor?.id === userId && !l.closed && !l.console) return l;
    return undefined;
  }

  /** Nobody listening or present, nothing queued, no timer pending: the room can leave memory. */
  get idle(): boolean {
    return (
      this.listeners.size === 0 &&
      this.queued === 0 &&
      this.graceTimers.size === 0 &&
      this.timer === null &&
      nextDeadline(this.state) === null &&
      !Object.values(this.state.participants).some((p) => p.present)
    );
  }

  /** Stop the room's timers (unloading it, or the server stopping). */
  stop(): void {
    const { clock } = this.deps;
    this.stopped = true;
    for (const t of this.graceTimers.values()) clock.clearTimeout(t);
    this.graceTimers.clear();
    if (this.timer !== null) clock.clearTimeout(this.timer);
    this.timer = null;
    this.timerFor = null;
  }
}
