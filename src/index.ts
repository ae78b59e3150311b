/**
 * Classes and types for npm consumers. No side effects: import
 * `kaltura-room/embed` (or each element's `NAME.ts`) to define the tags.
 */
export { KalturaRoom } from './elements/kaltura-room/kaltura-room.component.ts';
export { BreakoutDashboard } from './elements/breakout-dashboard/breakout-dashboard.component.ts';
export { SessionEditor } from './elements/session-editor/session-editor.component.ts';
export { SessionAttachments } from './elements/session-attachments/session-attachments.component.ts';
export { EventAgenda } from './elements/event-agenda/event-agenda.component.ts';
export { AgendaGlance } from './elements/agenda-glance/agenda-glance.component.ts';
export {
  SessionsApi,
  SessionsApiController,
  SessionsApiError,
  eventTokenClaims,
  type MeetingTicket,
  type SessionsApiOptions,
  type Upload,
  type UploadProgress,
} from './client/sessions-api.ts';
export {
  RoomConnection,
  RoomCommandError,
  roomSocketUrl,
  toWebSocketBase,
  type CommandAck,
  type ConnectionStatus,
  type RoomConnectionOptions,
  type RoomError,
  type RoomEventInfo,
  type RoomSelf,
  type RoomSnapshot,
  type RoomTarget,
} from './client/room-connection.ts';
export {
  MediaIssueError,
  RoomMedia,
  defaultPeerFactory,
  describeMediaIssue,
  describeScreenIssue,
  type CallLike,
  type MediaIssue,
  type MediaKind,
  type MeshConnectParams,
  type MeshStatus,
  type PeerFactory,
  type PeerLike,
  type PeerOptionsLike,
  type RoomMediaOptions,
} from './client/media/index.ts';
export { roomContext, type RoomContextValue } from './context/room-context.ts';
export { emit, type EmitOptions } from './elements/shared/emit.ts';
export { KalturaElement } from './elements/shared/kaltura-element.ts';
export type * from './elements/shared/events.ts';
export type * from './protocol/types.ts';
