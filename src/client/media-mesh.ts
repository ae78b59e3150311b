/**
 * The room's media under its former name: `MediaMesh` is `RoomMedia` (src/client/media/), kept
 * until every importer uses the new modules.
 */
export {
  RoomMedia as MediaMesh,
  RoomMedia,
  type RoomMediaOptions as MediaMeshOptions,
  type RoomMediaOptions,
} from './media/room-media.ts';
export { describeMediaIssue, type MediaIssue, type MediaKind } from './media/local-media.ts';
export { MediaIssueError, describeScreenIssue } from './media/screen-capture.ts';
export { defaultPeerFactory, type CallLike, type PeerFactory, type PeerLike, type PeerOptionsLike } from './media/peerjs.ts';
export type { MeshConnectParams, MeshStatus } from './media/signaling.ts';
