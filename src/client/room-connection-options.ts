/** How a room connection is set up, and what it reports. */
import type { Actor, RoomState, SequencedEvent, SfuServerMessage } from '../protocol/types.ts';
import type { ConnectionStatus } from './connection-status.ts';
import type { RoomError } from './room-error.ts';
import type { RoomTarget } from './room-target.ts';

/** Who this connection is, as the server verified it from the join token. */
export type RoomSelf = Actor & { peerId: string };

/** The STUN/TURN servers a connection may use (TURN credentials expire: fresh ones come with each media ticket). */
export interface RoomIce {
  iceServers: RTCIceServer[];
  /** `relay`: TURN only (the deployment forces it). */
  iceTransportPolicy: RTCIceTransportPolicy;
}

/** Extra context for `onEvent`. */
export interface RoomEventInfo {
  previous: RoomState;
  state: RoomState;
  /** True for events replayed in a `welcome` after a reconnect. */
  replayed: boolean;
}

export interface RoomConnectionOptions {
  target: () => RoomTarget;
  /**
   * Connect as a console (a standalone `<breakout-dashboard>`, hosts and moderators only):
   * see and command the room without joining it (no presence, no media). Default false.
   */
  console?: boolean;
  /** WebSocket constructor; defaults to `globalThis.WebSocket` at connect time (tests stub it). */
  WebSocket?: typeof WebSocket;
  /** First reconnect delay (doubles per failed attempt). Default 250 ms. */
  backoffInitialMs?: number;
  /** Largest reconnect delay. Default 5000 ms. */
  backoffMaxMs?: number;
  /** Clock-offset ping interval. Default 10 s. */
  pingIntervalMs?: number;
  /** How long a command waits for its ack. Default 10 s. */
  commandTimeoutMs?: number;
  /** How long the socket may take from connect to `welcome`. Default 10 s. */
  welcomeTimeoutMs?: number;
  /** A welcome arrived: a first join (`resumed` false) or a resume after a reconnect. */
  onWelcome?: (self: RoomSelf, info: { resumed: boolean; state: RoomState }) => void;
  /** One room event was applied to the mirror. */
  onEvent?: (event: SequencedEvent, info: RoomEventInfo) => void;
  onStatusChange?: (status: ConnectionStatus, previous: ConnectionStatus) => void;
  onError?: (error: RoomError) => void;
  /**
   * The join token expires soon (`expiresAt`, server time): hand a fresh one to `refreshToken`.
   * Without one, the server ends the connection at that time (error `token-expired`).
   */
  onTokenExpiring?: (expiresAt: number) => void;
  /**
   * A media-server frame (`sfu`) from the server. A new socket's first welcome also brings a
   * `reset` (reason `server`): the media-server connections of the old socket are gone.
   */
  onSfu?: (msg: SfuServerMessage) => void;
  /** The ICE servers from the welcome, and fresh ones with each media ticket. */
  onIce?: (ice: RoomIce) => void;
  /** How long a media ticket from a welcome stays worth using. Default 45 s (the server's last 60). */
  ticketFreshMs?: number;
  /** The soonest fresh TURN credentials are asked for after the last ones arrived. Default 10 s. */
  iceRefreshMinMs?: number;
}

/** What the connection publishes to nested elements; a new object on every change. */
export interface RoomSnapshot {
  readonly status: ConnectionStatus;
  readonly state: RoomState | null;
  readonly self: RoomSelf | null;
  readonly error: RoomError | null;
  /** Server time minus local time, in ms. */
  readonly clockOffset: number;
}
