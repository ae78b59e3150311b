/**
 * The room's stage as the user sees it, for `<kaltura-room>`: the people in the user's room (the
 * main room or one breakout room) with their cameras, the content shared there, the layout the
 * user chose, the person they pinned, who speaks (active-speaker.ts), and the toolbar under it
 * with Share content. The parts (parts/stage.ts, parts/toolbar.ts, parts/share-button.ts) draw
 * it; this keeps the user's choices and turns the room state and the media into their views. On
 * the media server it also applies last-N and asks for each video's layer (last-n.ts).
 */
import { html, nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { MenuButton } from '../../controllers/menu-button.ts';
import { locationOf } from '../../protocol/breakout.ts';
import type { Participant, RoomState } from '../../protocol/types.ts';
import { ActiveSpeaker } from './active-speaker.ts';
import type { LastN } from './last-n.ts';
import { MediaModeControl, type MediaModeOptions } from './media-mode.ts';
import { countdown, type Countdown } from './parts/countdown.ts';
import { hostAwayBanner, reconnectingBanner } from './parts/notices.ts';
import { sortedParticipants } from './parts/person.ts';
import { allowShareItem, shareButton } from './parts/share-button.ts';
import { renderStage, type StageLayout, type StageTile, type StageView } from './parts/stage.ts';
import { toolbar, type ToolbarActions } from './parts/toolbar.ts';
import type { RoomSession } from './room-session.ts';
import type { ShareController } from './share.ts';

export interface RoomStageOptions extends MediaModeOptions {
  /** Share content. */
  share: ShareController;
  /** The toolbar's More actions menu. */
  tools: () => MenuButton;
}

/** What the stage shows. */
export interface RoomStageView {
  state: RoomState;
  /** The people on the stage (`peopleOnStage`). */
  people: readonly Participant[];
  /** A host or moderator. */
  staff: boolean;
  /** The countdown to the user's move, if one runs, and server time now. */
  countdown: Countdown | null;
  now: number;
}

/** What the toolbar's controls do (the Sound toggle is the stage's own; `soundChanged` follows it). */
export type RoomStageActions = Omit<ToolbarActions, 'toggleSound'> & { soundChanged: () => void };

/** The people on the stage: present in the user's room, the user first (also before the room lists them as present). */
export function peopleOnStage(state: RoomState, selfId: string): Participant[] {
  const here = locationOf(state, selfId);
  const people = sortedParticipants(state.participants, selfId);
  const together = people.filter((p) => p.present && locationOf(state, p.id) === here);
  const me = state.participants[selfId];
  return me && !together.includes(me) ? [me, ...together] : together;
}

export class RoomStage {
  /** The layout the user chose in the layout switch. */
  layout: StageLayout = 'grid';
  /** The person the user pinned, or null. */
  pinned: string | null = null;
  /** The Sound toggle: off mutes everyone else and the shared content (and means "not engaged"). */
  soundOn = true;
  /** Who speaks now, and who spoke last. */
  readonly speaker: ActiveSpeaker;
  /** The media server: hosts' More actions item, and the room's media news (media-mode.ts). */
  readonly mediaMode: MediaModeControl;
  private readonly host: ReactiveControllerHost & { lastN?: number };
  private readonly session: RoomSession;
  private readonly options: RoomStageOptions;
  /** Last-N on the media server (last-n.ts, loaded the first time the room goes there; null while loading). */
  private last: LastN | null | undefined;

  constructor(host: ReactiveControllerHost & { lastN?: number }, session: RoomSession, options: RoomStageOptions) {
    this.host = host;
    this.session = session;
    this.options = options;
    this.mediaMode = new MediaModeControl(session, options);
    this.speaker = new ActiveSpeaker(host, {
      level: (id) => session.media.audioLevel(id),
      candidates: () => this.withMicrophone(),
      active: () => session.screen === 'room' && session.connection.connected,
    });
  }

  /** One tile per person on the stage: their camera as received (the user's own as captured). */
  tiles(people: readonly Participant[], selfId: string): StageTile[] {
    const media = this.session.media;
    return people.map((p) => {
      const isSelf = p.id === selfId;
      const stream = isSelf ? media.localStream : media.stream(p.id, 'camera');
      return {
        userId: p.id,
        name: p.name,
        role: p.role,
        isSelf,
        stream,
        audio: isSelf ? media.audioOn : p.audio,
        video: isSelf ? media.videoOn : p.video && !!stream,
        connecting: !isSelf && !stream && (p.audio || p.video),
      };
    });
  }

  /** The stage with the countdown and banners over it and its toolbar. */
  render(v: RoomStageView, on: RoomStageActions): TemplateResult {
    const { share } = this.options;
    const c = this.session.connection;
    const overlay = html`${countdown(v.countdown, v.now)} ${reconnectingBanner(c.status)} ${hostAwayBanner(v.state, v.staff, c.clockOffset)}`;
    const toggleSound = () => {
      this.soundOn = !this.soundOn;
      this.host.requestUpdate();
      on.soundChanged();
    };
    const tools = this.options.tools();
    const selfId = this.session.viewer.id;
    const allowItem = allowShareItem(share.participantsAllowed, (allowed) => {
      tools.close(true);
      share.allow(allowed);
    });
    const controls = toolbar(
      {
        media: this.session.media,
        soundOn: this.soundOn,
        staff: v.staff,
        tools,
        extra: shareButton(share.button, () => share.toggle()),
        menuItems: v.staff ? html`${this.mediaMode.menuItem(v.state, () => tools.close(true))}${allowItem}` : nothing,
      },
      { ...on, toggleSound },
    );
    const view: StageView = {
      tiles: this.tiles(v.people, selfId),
      share: share.onStage(v.state),
      layout: this.layout,
      pinned: this.pinned,
      speaking: this.speaker.speaking,
      recentSpeaker: this.speaker.recent,
      soundOn: this.soundOn,
      overlay,
      controls,
    };
    if (this.session.media.mode === 'sfu') this.lastN(view, v.people);
    return renderStage(
      view,
      {
        pin: (userId) => {
          this.pinned = userId;
          this.host.requestUpdate();
        },
        setLayout: (layout) => {
          this.layout = layout;
          this.host.requestUpdate();
        },
        stopShare: (userId) => share.stopOther(userId),
      },
    );
  }

  /**
   * On the media server: video only for the last N speakers and whoever is pinned or featured (the
   * others' tiles show their initials and play their sound), each in the layer its tile needs.
   */
  private lastN(view: StageView, people: readonly Participant[]): void {
    const host = this.host;
    if (this.last) return this.last.apply(view, people, this.speaker.spoke, host.lastN ?? 4, (want) => this.session.media.setLayers(want));
    if (this.last === null) return;
    this.last = null;
    import('./last-n.ts').then(
      ({ LastN }) => {
        this.last = new LastN(() => host.requestUpdate());
        host.requestUpdate();
      },
      () => (this.last = undefined),
    );
  }

  /** Who may be speaking: the people on the stage with their microphone on (the user as their toggle says). */
  private withMicrophone(): string[] {
    const state = this.session.connection.state;
    if (this.session.screen !== 'room' || !state) return [];
    const selfId = this.session.viewer.id;
    const media = this.session.media;
    return peopleOnStage(state, selfId)
      .filter((p) => (p.id === selfId ? media.audioOn : p.present && p.audio))
      .map((p) => p.id);
  }
}
