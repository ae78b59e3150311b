/**
 * Waiting to join: an attendee who presses Join Meeting before a moderator has started
 * the meeting waits on a "The session will start soon" screen, and this controller asks
 * the server again, gently, until the meeting is live. The room then shows by itself.
 *
 * The server is never flooded: one request at a time per waiting attendee, 3 s apart at
 * first and then at most every 5 s (with a little jitter so a class that pressed Join
 * together spreads out), 15 s after a refusal for load or an unreachable server, and it
 * gives up after three hours. It stops at once on Cancel, when the session page changes
 * and when the element leaves the page.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { MeetingTicket, SessionsApiError } from '../../client/sessions-api.ts';

/** What the server says (409) when no host or moderator is in the room yet. */
export const NOT_STARTED = 'The meeting has not started yet.';

/** Is this failure "not started yet" (so waiting makes sense)? */
export function notStartedYet(err: unknown): boolean {
  const e = err as Partial<SessionsApiError>;
  return e?.status === 409 && e.message === NOT_STARTED;
}

export interface WaitTiming {
  /** Delay before the first new attempt, in ms. */
  first: number;
  /** Each delay grows by this factor… */
  factor: number;
  /** …up to this, in ms. */
  max: number;
  /** After a `rate-limited` (429), busy (503) or unreachable server, in ms. */
  busy: number;
  /** Stop waiting after this long, in ms. */
  giveUpAfter: number;
}

/** The schedule used; tests may shorten it. */
export const meetingWaitTiming: WaitTiming = {
  first: 3_000,
  factor: 1.25,
  max: 5_000,
  busy: 15_000,
  giveUpAfter: 3 * 3600_000,
};

/** The delay before attempt `n` (1-based) after a "not started yet", with ±10% jitter. */
export function nextDelay(n: number, t: WaitTiming, random: () => number = Math.random): number {
  const base = Math.min(t.max, t.first * t.factor ** Math.max(0, n - 1));
  return Math.round(base * (0.9 + 0.2 * random()));
}

/** Said when waiting stops because it took too long. */
export const GAVE_UP = 'The meeting has still not started. Try again later, or ask the session\'s moderators.';

export interface MeetingWaitOptions {
  /** Ask for the meeting once (Start Meeting's request). */
  ask(): Promise<MeetingTicket>;
  /** The meeting is live: here is the ticket. */
  entered(ticket: MeetingTicket): void;
  /** Waiting stopped for a reason the user should read. */
  failed(message: string): void;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (id: unknown) => void;
}

export class MeetingWaiter implements ReactiveController {
  /** True while waiting for a host to start the meeting. */
  waiting = false;
  /** How many times the server was asked while waiting. */
  attempts = 0;

  private readonly host: ReactiveControllerHost;
  private readonly o: MeetingWaitOptions;
  private timer: unknown = null;
  private since = 0;
  /** Bumped on every start and stop: a reply that arrives after a stop is ignored. */
  private run = 0;

  constructor(host: ReactiveControllerHost, options: MeetingWaitOptions) {
    this.host = host;
    this.o = options;
    host.addController(this);
  }

  private get now(): number {
    return (this.o.now ?? Date.now)();
  }

  /** Start waiting (the server has just said "not started yet"). */
  start(): void {
    this.stop();
    this.waiting = true;
    this.attempts = 0;
    this.since = this.now;
    this.schedule(nextDelay(1, meetingWaitTiming));
    this.host.requestUpdate();
  }

  /** Stop waiting (Cancel, another page, the element left). */
  stop(): void {
    this.run++;
    if (this.timer !== null) (this.o.clearTimer ?? clearTimeout)(this.timer as ReturnType<typeof setTimeout>);
    this.timer = null;
    if (this.waiting) {
      this.waiting = false;
      this.host.requestUpdate();
    }
  }

  hostDisconnected(): void {
    this.stop();
  }

  private schedule(ms: number): void {
    const run = this.run;
    this.timer = (this.o.setTimer ?? setTimeout)(() => {
      this.timer = null;
      if (run === this.run) void this.attempt(run);
    }, ms);
  }

  private async attempt(run: number): Promise<void> {
    this.attempts++;
    try {
      const ticket = await this.o.ask();
      if (run !== this.run) return;
      this.stop();
      this.o.entered(ticket);
    } catch (err) {
      if (run !== this.run) return;
      const status = (err as SessionsApiError).status;
      if (this.now - this.since >= meetingWaitTiming.giveUpAfter) {
        this.stop();
        this.o.failed(GAVE_UP);
      } else if (notStartedYet(err)) {
        this.schedule(nextDelay(this.attempts + 1, meetingWaitTiming));
      } else if (status === 0 || status === 429 || status === 503) {
        this.schedule(meetingWaitTiming.busy);
      } else if (status !== -1) {
        this.stop();
        this.o.failed((err as Error).message);
      }
    }
  }
}
