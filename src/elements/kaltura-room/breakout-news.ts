/**
 * What the user hears of breakout as it happens, through the room's polite status region: a new
 * countdown once (not every second), help calls for hosts and moderators, and, for a participant
 * who called, that a moderator answered or dismissed the call (also shown in their bar for a
 * few seconds). It also says which deadline the room should tick toward.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { locationOf, roomName } from '../../protocol/breakout.ts';
import type { RoomEvent, RoomState } from '../../protocol/types.ts';
import { countdownAnnouncement, countdownOf, type Countdown } from './parts/countdown.ts';

export interface BreakoutNewsOptions {
  /** Server time now. */
  now: () => number;
  /** Say something through the status region. */
  announce: (text: string) => void;
}

export class BreakoutNews implements ReactiveController {
  /** A short note for a participant whose call was cleared; `until` is server time. */
  callNote: { text: string; until: number } | null = null;
  /** The countdown on screen, as of the last `follow`. */
  countdown: Countdown | null = null;
  private countdownKey = '';
  private readonly host: ReactiveControllerHost;
  private readonly options: BreakoutNewsOptions;

  constructor(host: ReactiveControllerHost, options: BreakoutNewsOptions) {
    this.host = host;
    this.options = options;
    host.addController(this);
  }

  hostConnected(): void {}

  /** A room event reached the user (`staff`: a host or moderator). */
  heard(event: RoomEvent, state: RoomState, selfId: string, staff: boolean): void {
    if (event.type === 'help-requested') {
      const call = event.call;
      if (staff && call.userId !== selfId) {
        this.options.announce(`${state.participants[call.userId]?.name} is calling from ${roomName(state, call.room)}`);
      }
    } else if (event.type === 'help-cleared') {
      // The caller hears when a moderator answers (joins the room) or dismisses the call.
      if (selfId && !staff && event.reason !== 'cancelled' && event.userIds.includes(selfId)) {
        const text = event.reason === 'answered' ? 'A moderator joined your room.' : 'A moderator dismissed your call.';
        this.callNote = { text, until: this.options.now() + 6000 };
        this.options.announce(text);
        this.host.requestUpdate();
      }
    }
  }

  /**
   * On every update: note the countdown (announcing a new one once) and expire the call note.
   * `state` is null outside the room. Returns the next deadline to tick toward, or null.
   */
  follow(state: RoomState | null, selfId: string, staff: boolean): number | null {
    const running = !!state && state.breakout.status === 'running';
    const now = this.options.now();
    if (this.callNote && now >= this.callNote.until) this.callNote = null;
    const cd = running ? countdownOf(state, selfId) : null;
    this.countdown = cd;
    if ((cd?.key ?? '') !== this.countdownKey) {
      this.countdownKey = cd?.key ?? '';
      if (cd) this.options.announce(countdownAnnouncement(cd, now));
    }
    const endsAt = running && (staff || locationOf(state, selfId) !== null) ? state.breakout.endsAt : null;
    return cd?.at ?? endsAt ?? this.callNote?.until ?? null;
  }
}
