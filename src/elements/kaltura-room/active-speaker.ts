import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** How many past speakers `spoke` keeps. */
const MAX_SPOKE = 100;

/** The clock the controller reads and the timer it polls with (injectable for tests). */
export interface SpeakerClock {
  now(): number;
  /** Call `fn` every `ms` milliseconds until the returned function is called. */
  every(ms: number, fn: () => void): () => void;
}

const realClock: SpeakerClock = {
  now: () => performance.now(),
  every: (ms, fn) => {
    const id = setInterval(fn, ms);
    return () => clearInterval(id);
  },
};

export interface ActiveSpeakerOptions {
  /** Recent microphone level of a person, 0..1 (the media controller's `audioLevel`). */
  level: (userId: string) => number;
  /** The people who may be speaking now: present in the user's room with the microphone on (self included). */
  candidates: () => readonly string[];
  /** Poll only while this is true (the room is connected and media runs). Checked after each host update. */
  active: () => boolean;
  /** The level that counts as speech. Default 0.04 (about -28 dBov: quiet speech, above room noise). */
  threshold?: number;
  /** How long a level must stay above the threshold before its person counts as speaking. Default 300 ms. */
  riseMs?: number;
  /** How long the speaker keeps the ring after their level last was above the threshold. Default 1000 ms. */
  holdMs?: number;
  /** Poll interval. Default 200 ms (5 Hz). */
  intervalMs?: number;
  clock?: SpeakerClock;
}

/**
 * Who is speaking, from microphone levels, for the stage's speaking ring and speaker view.
 *
 * Polls `level(userId)` of every candidate at about 5 Hz, only while the host is connected and
 * `active()` holds. A person becomes the speaker after their level stays above the threshold for
 * `riseMs`; the speaker keeps it while talking and for `holdMs` after, so pauses between words and
 * someone coughing do not move the ring. When the speaker falls silent the loudest person who has
 * spoken for `riseMs` takes over, or nobody.
 */
export class ActiveSpeaker implements ReactiveController {
  /** The person speaking now (their tile gets the ring), or null when nobody is. */
  speaking: string | null = null;
  /** The last person who spoke (kept while everyone is silent): speaker view's choice when nobody is pinned. */
  recent: string | null = null;
  /**
   * Who spoke, most recent first: someone moves to the front each time they start speaking (loud for
   * `riseMs`), whoever holds the ring. The stage's last-N (media server) decodes the first few.
   */
  spoke: readonly string[] = [];

  private readonly host: ReactiveControllerHost;
  private readonly opts: Required<Omit<ActiveSpeakerOptions, 'clock'>> & { clock: SpeakerClock };
  /** When each candidate's level went above the threshold (absent: below now). */
  private readonly loudSince = new Map<string, number>();
  /** When each candidate's level was last above the threshold. */
  private readonly loudAt = new Map<string, number>();
  /** Candidates whose current loud run already moved them to the front of `spoke`. */
  private readonly counted = new Set<string>();
  private stopTimer: (() => void) | null = null;
  private connected = false;

  constructor(host: ReactiveControllerHost, options: ActiveSpeakerOptions) {
    this.host = host;
    this.opts = {
      threshold: 0.04,
      riseMs: 300,
      holdMs: 1000,
      intervalMs: 200,
      clock: realClock,
      ...options,
    };
    host.addController(this);
  }

  /** Whether the controller is polling now. */
  get polling(): boolean {
    return this.stopTimer !== null;
  }

  hostConnected(): void {
    this.connected = true;
    this.sync();
  }

  hostUpdated(): void {
    this.sync();
  }

  hostDisconnected(): void {
    this.connected = false;
    this.sync();
  }

  /** Start or stop polling to match `active()`; call after the connection's status changes if the host does not update. */
  sync(): void {
    const run = this.connected && this.opts.active();
    if (run && !this.stopTimer) {
      this.stopTimer = this.opts.clock.every(this.opts.intervalMs, () => this.tick());
    } else if (!run && this.stopTimer) {
      this.stopTimer();
      this.stopTimer = null;
      this.loudSince.clear();
      this.loudAt.clear();
      this.counted.clear();
      // Not from inside the host's update (Lit warns about updates scheduled there).
      queueMicrotask(() => {
        if (!this.stopTimer) this.set(null, this.recent);
      });
    }
  }

  /** One poll: read every candidate's level and pick the speaker. */
  tick(): void {
    const { level, threshold, riseMs, holdMs } = this.opts;
    const now = this.opts.clock.now();
    const here = new Set(this.opts.candidates());
    for (const id of [...this.loudAt.keys()]) {
      if (!here.has(id)) {
        this.loudAt.delete(id);
        this.loudSince.delete(id);
      }
    }
    let spoke = this.spoke;
    const levels = new Map<string, number>();
    for (const id of here) {
      let value = 0;
      try {
        value = level(id);
      } catch {
        value = 0; // a level that cannot be read counts as silence
      }
      levels.set(id, value);
      if (value >= threshold) {
        if (!this.loudSince.has(id)) this.loudSince.set(id, now);
        this.loudAt.set(id, now);
      } else {
        this.loudSince.delete(id);
      }
      const since = this.loudSince.get(id);
      if (since !== undefined && now - since >= riseMs && !this.counted.has(id)) {
        this.counted.add(id);
        spoke = [id, ...spoke.filter((s) => s !== id)].slice(0, MAX_SPOKE);
      }
    }
    for (const id of this.counted) if (!this.loudSince.has(id)) this.counted.delete(id);
    let speaker = this.speaking;
    if (speaker !== null && (!here.has(speaker) || now - (this.loudAt.get(speaker) ?? -Infinity) >= holdMs)) speaker = null;
    if (speaker === null) {
      let best = -1;
      for (const [id, since] of this.loudSince) {
        const value = levels.get(id) ?? 0;
        if (now - since >= riseMs && value > best) {
          best = value;
          speaker = id;
        }
      }
    }
    const recent = speaker ?? (this.recent !== null && here.has(this.recent) ? this.recent : null);
    this.set(speaker, recent, spoke);
  }

  private set(speaking: string | null, recent: string | null, spoke = this.spoke): void {
    if (speaking === this.speaking && recent === this.recent && spoke === this.spoke) return;
    this.speaking = speaking;
    this.recent = recent;
    this.spoke = spoke;
    this.host.requestUpdate();
  }
}
