/**
 * Every custom event the kaltura elements emit, with its `detail` type.
 *
 * One map, so `emit()` is type-checked and host pages get typed listeners:
 * `room.addEventListener('kaltura-error', (e) => e.detail.message)`.
 * Elements added later extend `KalturaEventDetailMap` by declaration merging.
 */
import type { EndReason, HelpCall, MediaMode, Participant, Role, RoomEvent } from '../../protocol/types.ts';
import type { ConnectionStatus } from '../../client/connection-status.ts';

export type { ConnectionStatus };

export interface KalturaJoinedDetail {
  room: string;
  self: { id: string; name: string; role: Role; peerId: string };
}
export interface KalturaLeftDetail {
  room: string;
}
export interface KalturaSessionEndedDetail {
  reason: EndReason;
  /** The user who ended it; null when it ended because the host did not return. */
  by: string | null;
}
export interface KalturaSessionStartedDetail {
  by: string;
}
export interface KalturaParticipantJoinedDetail {
  participant: Participant;
}
export interface KalturaParticipantLeftDetail {
  userId: string;
  name: string;
}
export interface KalturaErrorDetail {
  /** A server error code (`bad-token`, `forbidden`, …) or a client one (`media`, `not-connected`, `timeout`, `config`). */
  code: string;
  message: string;
  /** True when the room gave up (no automatic reconnection). */
  fatal: boolean;
}
export interface KalturaConnectionChangeDetail {
  status: ConnectionStatus;
  previous: ConnectionStatus;
}

export interface KalturaBreakoutStartedDetail {
  /** True when a gathered breakout resumed (everyone returns to their rooms). */
  resumed: boolean;
  /** Server time the time limit runs out; null without a time limit. */
  endsAt: number | null;
}
export interface KalturaBreakoutEndedDetail {
  /** Server time breakout ended (everyone is back in the main room). */
  at: number;
}
export interface KalturaBreakoutGatheredDetail {
  /** Where each participant goes back to when breakout starts again: user id → room id. */
  returnTo: Record<string, string>;
}
export interface KalturaParticipantMovedDetail {
  userId: string;
  /** Their name, for a page's log. */
  name: string;
  /** The breakout room id the user is now in; null: the main room. */
  to: string | null;
}
export interface KalturaHelpRequestedDetail {
  call: HelpCall;
  /** The caller's name and their room's name, for a page's log. */
  name: string;
  roomName: string;
}
/** `kaltura-share-started` and `kaltura-share-stopped`: someone started or stopped sharing content. */
export interface KalturaShareDetail {
  /** Who shares (or shared). */
  userId: string;
  /** The room it is (was) shared to: a breakout room id, or null for the main room. */
  room: string | null;
}
/** `kaltura-media-mode-changed`: the room's media moved between the mesh and the media server, or a host pinned it there. */
export interface KalturaMediaModeDetail {
  /** `mesh`: browser to browser; `sfu`: through the media server. */
  mode: MediaMode;
  /** A host keeps the room on the media server. */
  pinned: boolean;
  /** `cameras`: more cameras than the mesh limit; `pinned`/`unpinned`: a host; `unavailable`: the server has no media server any more. */
  reason: Extract<RoomEvent, { type: 'media-mode-changed' }>['reason'];
}
export interface KalturaDashboardCloseDetail {
  /** The room the moderator joined on closing (their own name was moved): a room id, null for the main room; absent when they stayed. */
  joined?: string | null;
}

export interface KalturaRequestJoinRoomDetail {
  /** The breakout room to go to (a room id; null: the main room). */
  to: string | null;
  /** Its name. */
  name: string;
  /** The help call this answers, if it came from a call's button. */
  callId?: number;
}

export interface KalturaEventDetailMap {
  'kaltura-request-join-room': KalturaRequestJoinRoomDetail;
  'kaltura-joined': KalturaJoinedDetail;
  'kaltura-left': KalturaLeftDetail;
  'kaltura-session-ended': KalturaSessionEndedDetail;
  'kaltura-session-started': KalturaSessionStartedDetail;
  'kaltura-participant-joined': KalturaParticipantJoinedDetail;
  'kaltura-participant-left': KalturaParticipantLeftDetail;
  'kaltura-error': KalturaErrorDetail;
  'kaltura-connection-change': KalturaConnectionChangeDetail;
  'kaltura-breakout-started': KalturaBreakoutStartedDetail;
  'kaltura-breakout-ended': KalturaBreakoutEndedDetail;
  'kaltura-breakout-gathered': KalturaBreakoutGatheredDetail;
  'kaltura-participant-moved': KalturaParticipantMovedDetail;
  'kaltura-help-requested': KalturaHelpRequestedDetail;
  'kaltura-share-started': KalturaShareDetail;
  'kaltura-share-stopped': KalturaShareDetail;
  'kaltura-media-mode-changed': KalturaMediaModeDetail;
  'kaltura-dashboard-close': KalturaDashboardCloseDetail;
}

export type KalturaEventName = keyof KalturaEventDetailMap;

export type KalturaEventMap = {
  [K in KalturaEventName]: CustomEvent<KalturaEventDetailMap[K]>;
};

declare global {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface GlobalEventHandlersEventMap extends KalturaEventMap {}
}

// ---------------------------------------------------------------------------
// <session-editor> and <event-agenda>
// ---------------------------------------------------------------------------

export interface KalturaRequestInviteDetail {
  /** Who to invite: the Speakers field asks for a speaker, the Moderators field for a moderator. */
  role: 'speaker' | 'moderator';
  /** What the user typed (no one of that role matched it). */
  query: string;
}
export interface KalturaSessionSavedDetail {
  /** The session as the server saved it. */
  session: import('../../protocol/sessions.ts').Session;
  /** True when it was just created (Create), false for Save changes. */
  created: boolean;
}
export interface KalturaAttachmentsChangedDetail {
  /** The session whose attachments changed. */
  sessionId: string;
  /** What happened to which attachment. */
  change: 'uploaded' | 'edited' | 'deleted';
  attachment: import('../../protocol/sessions.ts').Attachment;
}
export interface KalturaAttachmentsLoadedDetail {
  /** The session whose attachments were (re)loaded. */
  sessionId: string;
  /** The attachments as the server listed them. */
  attachments: import('../../protocol/sessions.ts').Attachment[];
}
export interface KalturaRequestEditDetail {
  /** The session to edit; null for "+ Add session". */
  sessionId: string | null;
}
export interface KalturaRequestOpenDetail {
  /** The session to go to. */
  sessionId: string;
  /** Its page, from the agenda's `session-url` pattern ('' without one). */
  url: string;
}
export interface KalturaMeetingStartDetail {
  sessionId: string;
  room: string;
  /** The role the room join token grants. */
  role: Role;
}

// Declaration merging: these join the map above.
export interface KalturaEventDetailMap {
  'kaltura-request-invite': KalturaRequestInviteDetail;
  'kaltura-session-saved': KalturaSessionSavedDetail;
  'kaltura-attachments-changed': KalturaAttachmentsChangedDetail;
  'kaltura-attachments-loaded': KalturaAttachmentsLoadedDetail;
  'kaltura-request-edit': KalturaRequestEditDetail;
  'kaltura-request-open': KalturaRequestOpenDetail;
  'kaltura-meeting-start': KalturaMeetingStartDetail;
}

// ---------------------------------------------------------------------------
// <kaltura-room>: a fresh join token before the current one expires
// ---------------------------------------------------------------------------

export interface KalturaRequestTokenDetail {
  /** When the current join token expires, server time (ms since 1970). */
  expiresAt: number;
  /**
   * Hand the room a fresh join token for the same room and user (now or later, before
   * `expiresAt`). Setting the element's `token` property does the same.
   */
  respond(token: string): void;
}

// Declaration merging: this joins the map above.
export interface KalturaEventDetailMap {
  'kaltura-request-token': KalturaRequestTokenDetail;
}
