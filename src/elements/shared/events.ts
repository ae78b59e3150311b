/**
 * Every custom event the kaltura elements emit, with its `detail` type.
 *
 * One map, so `emit()` is type-checked and host pages get typed listeners:
 * `room.addEventListener('kaltura-error', (e) => e.detail.message)`.
 * Elements added later extend `KalturaEventDetailMap` by declaration merging.
 */
import type { EndReason, Participant, Role } from '../../protocol/types.ts';

/** Connection states of a room (see `RoomConnection.status`). */
export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'left' | 'failed';

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

export interface KalturaEventDetailMap {
  'kaltura-joined': KalturaJoinedDetail;
  'kaltura-left': KalturaLeftDetail;
  'kaltura-session-ended': KalturaSessionEndedDetail;
  'kaltura-session-started': KalturaSessionStartedDetail;
  'kaltura-participant-joined': KalturaParticipantJoinedDetail;
  'kaltura-participant-left': KalturaParticipantLeftDetail;
  'kaltura-error': KalturaErrorDetail;
  'kaltura-connection-change': KalturaConnectionChangeDetail;
}

export type KalturaEventName = keyof KalturaEventDetailMap;

export type KalturaEventMap = {
  [K in KalturaEventName]: CustomEvent<KalturaEventDetailMap[K]>;
};

declare global {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface GlobalEventHandlersEventMap extends KalturaEventMap {}
}
