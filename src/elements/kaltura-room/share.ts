/**
 * Share content, for `<kaltura-room>`: what the toolbar's Share content button, More actions'
 * "Let participants share content" and the content's "Stop <Name>'s share" do, and what the
 * room's share news means for this user's screen capture.
 *
 * Starting: ask whether to take over when someone else shares in the user's room, pick the screen
 * (the browser's picker), then ask the room; a refusal stops the capture. Stopping: the user's
 * own Stop sharing, the browser's own "Stop sharing" bar (sent at once), or the room saying the
 * share is over (taken over, stopped by a host, moved, left) stops the capture. Who receives the
 * screen is the room state's decision: the media follows it (RoomMedia.sync).
 */
import { html, nothing, type ReactiveController, type TemplateResult } from 'lit';
import { RoomCommandError } from '../../client/room-connection.ts';
import { MediaIssueError, describeScreenIssue } from '../../client/media/index.ts';
import { locationOf } from '../../protocol/breakout.ts';
import { mayShare, NOT_ALLOWED_MESSAGE, shareBy, shareIn, shareState, type ActiveShare } from '../../protocol/share.ts';
import type { RoomEvent, RoomState } from '../../protocol/types.ts';
import { askConfirm, confirmDialog } from '../shared/confirm-dialog.ts';
import type { StageShare } from './parts/stage.ts';
import type { RoomSession } from './room-session.ts';

type Host = HTMLElement & {
  renderRoot: ParentNode;
  updateComplete: Promise<unknown>;
  requestUpdate(): void;
  addController(c: ReactiveController): void;
};

export interface ShareOptions {
  /** Show the user a short sentence in the notice area. */
  notice: (text: string) => void;
  /** Say something through the polite status region. */
  announce: (text: string) => void;
}

/** What the Share content button shows. */
export interface ShareButtonState {
  /** The user shares now. */
  sharing: boolean;
  /** The user may share (hosts and moderators always; participants when a host allows it). */
  allowed: boolean;
  /** The screen picker is open or the room is being asked. */
  starting: boolean;
}

export class ShareController implements ReactiveController {
  /** Whom the take-over question is about (their name), while it shows. */
  asking: string | null = null;
  private readonly host: Host;
  private readonly session: RoomSession;
  private readonly options: ShareOptions;
  private pending: Promise<void> | null = null;
  /** A share/stop for a share the room still lists but this page no longer captures went out. */
  private stopSent = false;

  constructor(host: Host, session: RoomSession, options: ShareOptions) {
    this.host = host;
    this.session = session;
    this.options = options;
    session.media.onScreenEnded = () => this.screenEnded();
    host.addController(this);
  }

  hostConnected(): void {}

  /**
   * Before each render: the room still lists a share of the user's that this page no longer
   * captures (it stopped while the connection was down, so the stop never reached the room).
   * Tell the room once, now that it can hear.
   */
  hostUpdate(): void {
    const state = this.state;
    if (!state || this.pending || !this.session.connection.connected) return;
    if (!shareBy(state, this.selfId)) {
      this.stopSent = false;
      return;
    }
    if (this.session.media.screen || this.stopSent) return;
    this.stopSent = true;
    void this.session.attempt({ type: 'share/stop' }, true);
  }

  private get state(): RoomState | null {
    return this.session.connection.state;
  }

  private get selfId(): string {
    return this.session.connection.self?.id ?? '';
  }

  /** The share in the user's room, if any. */
  current(state: RoomState | null = this.state): ActiveShare | null {
    return state ? shareIn(state, locationOf(state, this.selfId)) : null;
  }

  /** What the Share content button shows. */
  get button(): ShareButtonState {
    const state = this.state;
    const mine = state ? shareBy(state, this.selfId) : null;
    return {
      sharing: !!mine,
      allowed: !!state && mayShare(state, this.session.viewer),
      starting: this.pending !== null,
    };
  }

  /** Participants may share (the More actions checkbox). */
  get participantsAllowed(): boolean {
    return !!this.state && shareState(this.state).allowParticipants;
  }

  /** The content on the user's stage: the share of their room, its screen as received (their own as captured). */
  onStage(state: RoomState): StageShare | null {
    const share = this.current(state);
    if (!share) return null;
    const isSelf = share.userId === this.selfId;
    const media = this.session.media;
    return {
      userId: share.userId,
      name: state.participants[share.userId]?.name ?? 'Someone',
      isSelf,
      stream: isSelf ? media.screen : media.stream(share.userId, 'screen'),
      stoppable: !isSelf && this.session.staff,
    };
  }

  /** The button: start sharing, or stop. Refusals already show as notices. */
  toggle(): void {
    (this.button.sharing ? this.stop() : this.start()).catch(() => {});
  }

  /**
   * Share a screen, window or tab with the user's room. Resolves once the room agreed; rejects
   * with a `RoomCommandError` saying why not (`cancelled`, a screen capture issue such as
   * `blocked`, or the room's refusal).
   */
  start(): Promise<void> {
    return (this.pending ??= this.run().finally(() => {
      this.pending = null;
      this.host.requestUpdate();
    }));
  }

  private async run(): Promise<void> {
    const state = this.state;
    const selfId = this.selfId;
    if (!state || !this.session.connection.connected || !this.session.me?.present) {
      throw new RoomCommandError('not-joined', 'Join the room to share content.');
    }
    if (!mayShare(state, this.session.viewer)) throw this.refused('forbidden', NOT_ALLOWED_MESSAGE);
    if (shareBy(state, selfId)?.room === locationOf(state, selfId)) return;
    this.host.requestUpdate();
    // One share per room: someone else's share ends only if the user says so.
    const other = this.current(state);
    const takeOver = !!other && other.userId !== selfId;
    if (takeOver && !(await this.askTakeOver(state.participants[other.userId]?.name ?? 'Someone'))) {
      throw new RoomCommandError('cancelled', 'Sharing was cancelled.');
    }
    // The screen first: the room hears of the share only once there is something to show.
    const media = this.session.media;
    let stream: MediaStream;
    try {
      stream = await media.startScreen({ audio: true });
    } catch (e) {
      const code = e instanceof MediaIssueError ? e.code : 'failed';
      const message = `${describeScreenIssue(code)}.`;
      // Cancelling the browser's picker is the user's choice: nothing shows but a polite note.
      if (code === 'blocked') this.options.announce(message);
      else this.options.notice(message);
      throw new RoomCommandError(code, message);
    }
    const refusal = await this.session.attempt({ type: 'share/start', audio: stream.getAudioTracks().length > 0, ...(takeOver ? { takeOver } : {}) });
    if (refusal) {
      media.stopScreen();
      throw refusal;
    }
  }

  /** Stop the user's own share: the capture stops now, and the room is told. */
  async stop(): Promise<void> {
    const media = this.session.media;
    const sharing = !!(this.state && shareBy(this.state, this.selfId));
    media.stopScreen();
    if (!sharing || !this.session.connection.connected) return; // once back, hostUpdate tells the room
    this.stopSent = true;
    const refusal = await this.session.attempt({ type: 'share/stop' });
    if (refusal) throw refusal;
  }

  /** Hosts and moderators: stop someone else's share (the content's caption). */
  stopOther(userId: string): void {
    void this.session.command({ type: 'share/stop', userId });
  }

  /** Hosts and moderators: let participants share content, or stop letting them. */
  allow(allowed: boolean): void {
    void this.session.command({ type: 'share/allow', allowed });
  }

  /** The browser's own "Stop sharing" (or a closed shared window) ended the capture: tell the room at once. */
  private screenEnded(): void {
    this.options.announce('You stopped sharing content.');
    if (!this.session.connection.connected) return; // sent once the room is back (hostUpdate)
    this.stopSent = true;
    void this.session.attempt({ type: 'share/stop' }, true);
  }

  /** A room event reached the user (after the mirror applied it). */
  heard(event: RoomEvent, state: RoomState): void {
    const selfId = this.selfId;
    const name = (id: string | undefined) => (id && state.participants[id]?.name) || 'Someone';
    if (event.type === 'share-stopped' && event.userId === selfId) {
      // The share is over for the room: so is the capture (unless a new share of the user's replaced it).
      queueMicrotask(() => {
        if (!(this.state && shareBy(this.state, selfId))) this.session.media.stopScreen();
      });
      if (event.reason === 'taken-over') this.options.notice(`${name(event.by)} is sharing content now. Your share ended.`);
      else if (event.reason === 'stopped' && event.by && event.by !== selfId) this.options.notice(`${name(event.by)} stopped your share.`);
      else if (event.reason === 'not-allowed') this.options.notice(`Your share ended. ${NOT_ALLOWED_MESSAGE}`);
      else if (event.reason === 'moved') this.options.announce('Your share ended when you moved to another room.');
    } else if (event.type === 'share-started' && event.share.userId !== selfId && event.share.room === locationOf(state, selfId)) {
      this.options.announce(`${name(event.share.userId)} started sharing content.`);
    } else if (event.type === 'share-stopped' && event.room === locationOf(state, selfId)) {
      this.options.announce(`${name(event.userId)} stopped sharing content.`);
    } else if (event.type === 'share-allowed') {
      const text = event.allowed ? 'Participants can now share content.' : 'Participants can no longer share content.';
      // Participants see it (the button changes); hosts and moderators hear it.
      if (this.session.staff) this.options.announce(text);
      else this.options.notice(text);
    }
  }

  /** Ask "<Name> is sharing content. Share instead?"; resolves true for Share instead. */
  private async askTakeOver(name: string): Promise<boolean> {
    this.asking = name;
    this.host.requestUpdate();
    await this.host.updateComplete;
    const yes = await askConfirm(this.host.renderRoot.querySelector<HTMLDialogElement>('#share-dialog'));
    this.asking = null;
    this.host.requestUpdate();
    return yes;
  }

  private refused(code: string, message: string): RoomCommandError {
    this.options.notice(message);
    return new RoomCommandError(code, message);
  }

  /** The take-over question, while it is asked. */
  renderDialog(): TemplateResult | typeof nothing {
    if (this.asking === null) return nothing;
    return html`${confirmDialog({
      id: 'share-dialog',
      heading: 'Share content',
      message: `${this.asking} is sharing content. Share instead?`,
      confirmLabel: 'Share instead',
      cancelLabel: 'Cancel',
    })}`;
  }
}
