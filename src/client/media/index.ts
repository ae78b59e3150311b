/**
 * The browser's media, by person and source: what the room element and npm consumers use.
 * `RoomMedia` composes local media, screen capture, signaling and the peer mesh.
 */
export { RoomMedia, type RoomMediaOptions } from './room-media.ts';
export { describeMediaIssue, type MediaIssue, type MediaKind } from './local-media.ts';
export { MediaIssueError, describeScreenIssue } from './screen-capture.ts';
export { defaultPeerFactory, type CallLike, type PeerFactory, type PeerLike, type PeerOptionsLike } from './peerjs.ts';
export type { MeshConnectParams, MeshStatus } from './signaling.ts';
