/**
 * The room's media mode, for `<kaltura-room>`: what hosts' "Use the media server" does (pin the
 * room to the media server, or let the number of cameras decide), and what the room's media news
 * means for the user: a notice for hosts and moderators when the room outgrew the mesh with no
 * media server to move to, and a polite note to everyone when the room moves to the media server.
 * How the media itself follows the mode is the room media's (client/media).
 */
import { nothing, type TemplateResult } from 'lit';
import { mediaModeState } from '../../protocol/media-mode.ts';
import type { RoomEvent, RoomState } from '../../protocol/types.ts';
import { crowdedText, mediaServerItem, MOVED_TO_MEDIA_SERVER } from './parts/media-server.ts';
import type { RoomSession } from './room-session.ts';

export interface MediaModeOptions {
  /** Show the user a short sentence in the notice area. */
  notice: (text: string) => void;
  /** Say something through the polite status region. */
  announce: (text: string) => void;
}

export class MediaModeControl {
  private readonly session: RoomSession;
  private readonly options: MediaModeOptions;

  constructor(session: RoomSession, options: MediaModeOptions) {
    this.session = session;
    this.options = options;
  }

  /**
   * More actions' "Use the media server", for hosts (nothing for anyone else). It is offered
   * whether or not the server has a media server: without one the room refuses and the notice
   * says so. `chosen` runs first (it closes the menu).
   */
  menuItem(state: RoomState, chosen: () => void): TemplateResult | typeof nothing {
    if (this.session.viewer.role !== 'host') return nothing;
    return mediaServerItem(mediaModeState(state).pinned, (pinned) => {
      chosen();
      void this.session.command({ type: 'media/pin-sfu', pinned });
    });
  }

  /** A room event reached the user (after the mirror applied it; `previous`: the state before it). */
  heard(event: RoomEvent, previous: RoomState): void {
    if (event.type === 'media-crowded') this.options.notice(crowdedText(event.limit));
    else if (event.type === 'media-mode-changed' && event.mode === 'sfu' && mediaModeState(previous).mode !== 'sfu') {
      this.options.announce(MOVED_TO_MEDIA_SERVER);
    }
  }
}
