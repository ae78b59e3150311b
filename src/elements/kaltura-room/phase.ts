/**
 * Where the user stands in the room's lifecycle, as one `phase` with its transitions in one
 * place (it replaces the element's former `joined`, `joining`, `left`, `inSession`, `removed`,
 * `starting` and `awaitingJoin` flags, which nine methods set in step by hand):
 *
 *   prejoin ──join──▶ joining ──welcome (open)──▶ in-meeting ──session ended──▶ ended
 *                       │ └─────welcome (ended: a late arrival)──────────────────▶ ended
 *                       └──cancel──▶ back where the join started
 *   ended ──enter (still present)──▶ in-meeting        ended ──join (rejoin)──▶ joining
 *   in-meeting, ended ──leave──▶ left ──join──▶ joining
 *   joining, in-meeting, ended ──fatal error──▶ failed ──join (Try again)──▶ joining
 *   any ──removed──▶ removed
 *
 * The screen the element shows follows from the phase (`screenOf`), with three inputs the phase
 * does not own: the connection's status (the failed screen stays until a retry connects), the
 * mirrored session's status (ended, or started again) and, before joining, the status check.
 * Transitions that do not apply to the current phase change nothing and return false.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ConnectionStatus } from '../../client/room-connection.ts';

export type Phase = 'prejoin' | 'joining' | 'in-meeting' | 'ended' | 'left' | 'removed' | 'failed';

/** The screens of the element. `restarted`: the session started again while the user was on the ended screen. */
export type Screen = 'prejoin' | 'room' | 'left' | 'ended' | 'restarted' | 'failed' | 'removed';

export interface ScreenInputs {
  /** The connection's status. */
  connection: ConnectionStatus;
  /** The mirrored session's status; null before the first welcome. */
  session: 'open' | 'ended' | null;
  /** Before joining, the room's status check said the session has ended. */
  preJoinEnded: boolean;
}

/** What a welcome means for the user. */
export type Welcome =
  /** A fresh join into the open session: media on, in the meeting. */
  | 'enter'
  /** A fresh join into an ended session (a late arrival): the ended screen. */
  | 'ended'
  /** The same stay, resumed after a reconnect. */
  | 'resumed';

export class RoomPhase implements ReactiveController {
  private current: Phase = 'prejoin';
  private joinedFrom: Phase = 'prejoin';
  private restarter: string | null = null;
  private startBusy = false;
  private startAfterWelcome = false;
  private readonly host: ReactiveControllerHost | null;

  /** `host` re-renders on every change (none in unit tests). */
  constructor(host: ReactiveControllerHost | null = null) {
    this.host = host;
    host?.addController(this);
  }

  hostConnected(): void {}

  get phase(): Phase {
    return this.current;
  }

  /** While joining, the phase the join started from (its screen shows until the welcome). */
  get from(): Phase {
    return this.joinedFrom;
  }

  /** Who started the session again while the user was on the ended screen (null: not known, or this user). */
  get restartedBy(): string | null {
    return this.restarter;
  }

  /** Start Session was pressed and has not been answered yet. */
  get starting(): boolean {
    return this.startBusy;
  }

  /** Start Session waits for the welcome of the join it started (a late arrival's ended screen). */
  get startPending(): boolean {
    return this.startAfterWelcome;
  }

  /** Before any welcome of this stay: the pre-join screen, or joining from it. */
  get beforeJoin(): boolean {
    return this.current === 'prejoin' || (this.current === 'joining' && this.joinedFrom !== 'ended');
  }

  /** The connection should be open (joining, or in the room on any screen). */
  get connecting(): boolean {
    return this.current === 'joining' || this.current === 'in-meeting' || this.current === 'ended';
  }

  /** Join: from the pre-join, left, failed or ended screens (a fresh join into a restarted session). */
  join(): boolean {
    const p = this.current;
    if (p !== 'prejoin' && p !== 'left' && p !== 'failed' && p !== 'ended') return false;
    this.joinedFrom = p;
    return this.set('joining');
  }

  /** The room or server changed while connecting or in the room: join the new one afresh. */
  restart(): boolean {
    if (!this.connecting) return false;
    this.joinedFrom = 'prejoin';
    this.restarter = null;
    return this.set('joining');
  }

  /** Stop joining: back to where the join started (the pre-join screen after a failure). */
  cancel(): boolean {
    if (this.current !== 'joining') return false;
    this.startBusy = false;
    this.startAfterWelcome = false;
    return this.set(this.joinedFrom === 'failed' ? 'prejoin' : this.joinedFrom);
  }

  /**
   * The server welcomed this connection. A welcome while joining (or one that is not a resume)
   * starts a stay; otherwise the stay goes on. `start`: Start Session was waiting for it.
   */
  welcome(session: 'open' | 'ended', resumed: boolean): { welcome: Welcome; start: boolean } | null {
    const p = this.current;
    if (p === 'prejoin' || p === 'left' || p === 'removed' || p === 'failed') return null;
    const start = this.startAfterWelcome;
    this.startAfterWelcome = false;
    if (start && session === 'open') this.startBusy = false; // someone else started it meanwhile
    if (p !== 'joining' && resumed) {
      this.host?.requestUpdate();
      return { welcome: 'resumed', start };
    }
    this.restarter = null;
    this.set(session === 'open' ? 'in-meeting' : 'ended');
    return { welcome: session === 'open' ? 'enter' : 'ended', start };
  }

  /** Back into the restarted session on the same connection (the server still counts the user as present). */
  enter(): boolean {
    if (this.current !== 'ended') return false;
    this.restarter = null;
    return this.set('in-meeting');
  }

  /** The session ended for everyone. */
  sessionEnded(): boolean {
    if (this.current !== 'in-meeting' && this.current !== 'ended') return false;
    this.restarter = null;
    return this.set('ended');
  }

  /** Someone else started the session again while the user was on the ended screen. */
  restartedByOther(by: string): boolean {
    if (this.current !== 'ended') return false;
    this.restarter = by;
    this.host?.requestUpdate();
    return true;
  }

  /** The user left (or their sign-in ran out). */
  leave(): boolean {
    this.restarter = null;
    return this.set('left');
  }

  /** A host or moderator removed the user. */
  remove(): boolean {
    return this.set('removed');
  }

  /** A fatal connection error while joining or in the room (left and removed screens stay). */
  fail(): boolean {
    this.startBusy = false;
    this.startAfterWelcome = false;
    if (this.current === 'left' || this.current === 'removed') return false;
    return this.set('failed');
  }

  /** Start Session was pressed; `afterJoin`: it is sent once the join it starts is welcomed. */
  startRequested(afterJoin: boolean): void {
    this.startBusy = true;
    this.startAfterWelcome = afterJoin;
    this.host?.requestUpdate();
  }

  /** Start Session was answered (either way). */
  startAnswered(): void {
    this.startBusy = false;
    this.host?.requestUpdate();
  }

  /** The screen to show. */
  screen(inputs: ScreenInputs): Screen {
    return screenOf(this.current, this.joinedFrom, inputs);
  }

  private set(next: Phase): boolean {
    this.current = next;
    this.host?.requestUpdate();
    return true;
  }
}

/** The screen for a phase (`from`: where a join started). */
export function screenOf(phase: Phase, from: Phase, { connection, session, preJoinEnded }: ScreenInputs): Screen {
  switch (phase) {
    case 'removed':
    case 'failed':
    case 'left':
      return phase;
    case 'prejoin':
      return preJoinEnded ? 'ended' : 'prejoin';
    case 'in-meeting':
      return session === 'ended' ? 'ended' : 'room';
    case 'ended':
      return session === 'open' ? 'restarted' : 'ended';
    case 'joining':
      // The screen the join started from shows until the welcome; a retry after a failure shows
      // the pre-join screen ("Joining…", with Cancel) once it is connecting.
      if (from === 'failed') return connection === 'failed' ? 'failed' : 'prejoin';
      return from === 'joining' ? 'prejoin' : screenOf(from, 'prejoin', { connection, session, preJoinEnded });
  }
}
