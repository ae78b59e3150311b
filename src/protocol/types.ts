/**
 * Entity, command and event types shared by the browser and the server.
 *
 * Pure types: no DOM, no runtime APIs. The wire format is JSON; every message
 * that crosses the boundary is validated by `schema.ts` before it is trusted.
 */

/** What a join token may say a user is. */
export type Role = 'host' | 'moderator' | 'participant';

/** Roles that may run the session (end, restart, later: breakout). */
export const STAFF_ROLES: readonly Role[] = ['host', 'moderator'];

export function isStaff(role: Role): boolean {
  return role === 'host' || role === 'moderator';
}

/** The verified identity behind a connection; only the server creates it, from a join token. */
export interface Actor {
  id: string;
  name: string;
  role: Role;
}

export interface Participant {
  id: string;
  name: string;
  role: Role;
  /** True while the user is in the room (connected, or within the reconnect grace period). */
  present: boolean;
  /** The PeerJS id of the user's current connection; media calls go to it. */
  peerId: string | null;
  audio: boolean;
  video: boolean;
  /** Server time the user joined (most recently). */
  joinedAt: number;
  /** Server time the user last left (set while not present); left users are pruned after a while. */
  leftAt?: number;
  /**
   * What their browser last reported: the tab is visible and focused (or full screen) with
   * sound on. Feeds the engagement rate moderators see.
   */
  engaged?: boolean;
}

/** The event session behind a room, when the room belongs to one (set by the server). */
export interface SessionInfo {
  title: string;
  aiAssistant: boolean;
  /** Scheduled start and end, server time (ms). */
  startsAt: number;
  endsAt: number;
  /** People registered to attend (the turnout's denominator). */
  registered: number;
}

export interface ChatMessage {
  id: number;
  from: string;
  name: string;
  text: string;
  at: number;
  /** The breakout room it was said in; null or absent: the main room. */
  room?: string | null;
  /** A moderator's broadcast from the main room to every breakout room. */
  broadcast?: boolean;
  /** Sentiment of the text, from -1 (negative) to 1 (positive), scored by the server. */
  mood?: number;
}

// ---------------------------------------------------------------------------
// Breakout rooms
// ---------------------------------------------------------------------------

export interface BreakoutRoom {
  id: string;
  name: string;
}

/** How participants are put into rooms: at random, by hand, or at random then adjusted by hand. */
export type AssignMode = 'auto' | 'manual' | 'mixed';

export interface BreakoutConfig {
  rooms: BreakoutRoom[];
  /** Length of a breakout run; null: no limit (no Remaining time shown). */
  timeLimitMs: number | null;
  /** Countdown people see before they move. */
  countdownMs: number;
  assignment: AssignMode;
}

/** A move that happens when its countdown ends. `to` null: the main room. */
export interface PendingMove {
  to: string | null;
  at: number;
}

export interface HelpCall {
  id: number;
  userId: string;
  room: string;
  at: number;
}

export interface BreakoutState {
  /** The saved configuration ("created rooms"); null until a moderator creates rooms. */
  config: BreakoutConfig | null;
  /** The planned room of each user, kept with the configuration. */
  plan: Record<string, string>;
  status: 'idle' | 'running';
  /** Everyone was gathered to the main room; starting again puts them back (`returnTo`). */
  gathered: boolean;
  /** Where each user is while breakout runs; absent: the main room. */
  location: Record<string, string>;
  returnTo: Record<string, string>;
  /** Moves waiting for their countdown. */
  moves: Record<string, PendingMove>;
  /** When the time limit runs out (running, with a limit). */
  endsAt: number | null;
  /** Closing countdown: at this time everyone is back and breakout is over. */
  closingAt: number | null;
  calls: HelpCall[];
  nextCallId: number;
  nextRoomId: number;
  startedAt: number | null;
}

export const MAX_BREAKOUT_ROOMS = 100;
export const DEFAULT_COUNTDOWN_MS = 10_000;

// ---------------------------------------------------------------------------
// Share content (a screen, window or tab; one share per room at a time)
// ---------------------------------------------------------------------------

/** Which of a person's media a stream carries. */
export type MediaSource = 'camera' | 'screen';

/** One stream, addressed by person and source. */
export interface MediaRef {
  userId: string;
  source: MediaSource;
}

export interface ActiveShare {
  userId: string;
  /** The room it is shared to: a breakout room id, or null for the main room. */
  room: string | null;
  startedAt: number;
  /** The share carries sound (when the browser offered it). */
  audio: boolean;
}

export interface ShareState {
  /** Participants may share content (hosts and moderators always may). Off by default. */
  allowParticipants: boolean;
  /** The shares now, at most one per room. */
  active: ActiveShare[];
}

export type ShareStopReason = 'stopped' | 'taken-over' | 'left' | 'moved' | 'ended' | 'not-allowed';

// ---------------------------------------------------------------------------
// Media mode: a full mesh for a few cameras, the media server (SFU) past that
// ---------------------------------------------------------------------------

/** How the room's media travels: browser to browser (`mesh`) or through the media server (`sfu`). */
export type MediaMode = 'mesh' | 'sfu';

export interface MediaModeState {
  mode: MediaMode;
  /** A host pinned the room to the media server: it stays there whatever the number of cameras. */
  pinned: boolean;
  /** When hosts were told that the room outgrew the mesh with no media server configured (once per run). */
  crowdedAt: number | null;
}

/** What the server tells the reducer about its media server (carried in the decide context). */
export interface MediaConfig {
  /** A media server (Janus) is configured: the room may move to it. */
  sfu: boolean;
  /** The room moves to the media server when more than this many cameras are on. */
  meshLimit: number;
}

export const DEFAULT_MESH_LIMIT = 4;

export type MeetingStatus = 'open' | 'ended';
export type EndReason = 'ended-by-host' | 'host-away';

export interface RoomState {
  room: string;
  status: MeetingStatus;
  endedReason: EndReason | null;
  /** Sequence number of the last event applied. */
  seq: number;
  participants: Record<string, Participant>;
  /** The most recent chat messages, oldest first (at most CHAT_HISTORY). */
  chat: ChatMessage[];
  /** How long the room waits for a host before it ends the session. */
  hostAwayMs: number;
  /** Absolute server time at which the session ends if no host returns; null when a host is present. */
  hostAwayDeadline: number | null;
  nextChatId: number;
  breakout: BreakoutState;
  /** The event session this room belongs to; null for a plain room. */
  session: SessionInfo | null;
  /**
   * Users removed by a host or moderator during this run of the session: they cannot
   * rejoin with the same identity until the session is started again. Absent in
   * snapshots written before removal existed (read it with `removedUsers`).
   */
  removed?: string[];
  /** Share content. Absent in snapshots written before sharing existed (read it with `shareState`). */
  share?: ShareState;
  /** Mesh or media server. Absent in snapshots written before the media server existed (read it with `mediaMode`). */
  media?: MediaModeState;
}

/** Chat kept per room (the main room, each breakout room). */
export const CHAT_HISTORY = 200;
/** Chat kept across all rooms together, in messages and in characters of text. */
export const CHAT_TOTAL = 1000;
export const CHAT_TOTAL_CHARS = 400_000;
/** Users who left are forgotten this long after leaving ... */
export const LEFT_KEEP_MS = 10 * 60_000;
/** ... and at most this many of them are kept (the longest gone are forgotten first). */
export const MAX_LEFT = 100;
/** Breakout room ids run from r1 to r{ROOM_ID_LIMIT - 1}, then start again at r1. */
export const ROOM_ID_LIMIT = 1_000_000;
export const CHAT_MAX_LENGTH = 2000;
export const DEFAULT_HOST_AWAY_MS = 15 * 60_000;

// ---------------------------------------------------------------------------
// Commands: what may change a room. `ClientCommand`s come from browsers and are
// validated by schema; `ServerCommand`s are made by the server itself (presence,
// timers) and never accepted from the wire.
// ---------------------------------------------------------------------------

export type ClientCommand =
  /** `mood` is added by the server (sentiment analysis), never taken from a browser. */
  | { type: 'chat/send'; text: string; mood?: number }
  | { type: 'engagement/report'; engaged: boolean }
  | { type: 'media/state'; audio: boolean; video: boolean }
  | { type: 'meeting/leave' }
  | { type: 'meeting/end' }
  /** `peerId` is added by the server (the starter's connection rejoins), never taken from a browser. */
  | { type: 'meeting/start'; peerId?: string }
  /** Join again from this connection after the session was started again (what Rejoin does). */
  | { type: 'meeting/join'; peerId?: string }
  /** Take someone out of the session until it is started again (hosts and moderators only). */
  | { type: 'participant/remove'; userId: string }
  /** Hosts only: keep the room on the media server (`true`) or let the number of cameras decide (`false`). */
  | { type: 'media/pin-sfu'; pinned: boolean }
  | BreakoutCommand
  | ShareCommand;

/** Share content: start (or take over this room's share), stop, and let participants share. */
export type ShareCommand =
  | { type: 'share/start'; audio: boolean; takeOver?: boolean }
  /** Stop your own share; hosts and moderators may stop someone else's (`userId`). */
  | { type: 'share/stop'; userId?: string }
  | { type: 'share/allow'; allowed: boolean };

/** Breakout commands from browsers. Everything but call/cancel-call is for hosts and moderators only. */
export type BreakoutCommand =
  | {
      type: 'breakout/configure';
      /** Room names, in order (1 to 100). */
      rooms: string[];
      timeLimitMinutes: number | null;
      countdownSeconds: number;
      assignment: AssignMode;
    }
  | { type: 'breakout/start' }
  | { type: 'breakout/shuffle' }
  | { type: 'breakout/rotate' }
  | { type: 'breakout/move'; userId: string; to: string | null }
  | { type: 'breakout/join'; to: string | null }
  | { type: 'breakout/gather' }
  | { type: 'breakout/end' }
  | { type: 'breakout/add-time'; minutes: number }
  | { type: 'breakout/broadcast'; text: string }
  | { type: 'breakout/call' }
  | { type: 'breakout/cancel-call' }
  | { type: 'breakout/dismiss'; callId: number };

export type ServerCommand =
  | { type: 'presence/join'; peerId: string; hostAwayMs?: number }
  | { type: 'presence/leave'; userId: string }
  | { type: 'session/info'; info: SessionInfo | null }
  /** Fire whatever deadlines are due (host away, moves, time limit, closing). */
  | { type: 'timer/due' }
  /**
   * Random choices are made by the server before the reducer and carried in the
   * command: `order` is a shuffled list of user ids (configure with auto/mixed, shuffle).
   */
  | { type: 'breakout/deal'; reason: 'configure' | 'shuffle'; order: string[]; configure?: Extract<BreakoutCommand, { type: 'breakout/configure' }> };

export type Command = ClientCommand | ServerCommand;

// ---------------------------------------------------------------------------
// Events: what happened. The reducer's `apply` folds them into state, on the
// server and in every browser alike.
// ---------------------------------------------------------------------------

export type RoomEvent =
  | { type: 'participant-joined'; participant: Participant }
  | { type: 'participant-left'; userId: string; at: number }
  /** A host or moderator (`by`) took the user out of this run of the session. */
  | { type: 'participant-removed'; userId: string; by: string; at: number }
  /** Users who left long ago (or too many of them) are forgotten. */
  | { type: 'participants-pruned'; userIds: string[] }
  | { type: 'media-changed'; userId: string; audio: boolean; video: boolean }
  | { type: 'chat'; message: ChatMessage }
  | { type: 'meeting-ended'; reason: EndReason; by: string | null; at: number }
  | { type: 'meeting-started'; by: string; at: number }
  | { type: 'host-away-started'; deadline: number }
  | { type: 'host-away-cancelled' }
  | { type: 'settings-changed'; hostAwayMs: number }
  | { type: 'session-info'; info: SessionInfo | null }
  | { type: 'engagement-changed'; userId: string; engaged: boolean }
  | { type: 'breakout-configured'; config: BreakoutConfig; plan: Record<string, string>; nextRoomId: number }
  | { type: 'breakout-planned'; plan: Record<string, string> }
  | { type: 'breakout-started'; at: number; endsAt: number | null; resumed: boolean }
  /** Moves scheduled (with a countdown) or, when `at` is now, done at once. */
  | { type: 'breakout-moves'; moves: Record<string, PendingMove> }
  /** Moves done: each user's new room (null: main room). */
  | { type: 'breakout-moved'; moved: Record<string, string | null> }
  | { type: 'breakout-gathered'; returnTo: Record<string, string> }
  | { type: 'breakout-ending'; closingAt: number; reason: 'ended' | 'time-up' }
  | { type: 'breakout-ended'; at: number }
  | { type: 'breakout-time-added'; endsAt: number; minutes: number }
  | { type: 'help-requested'; call: HelpCall }
  /** `userIds`: the callers whose calls were cleared (so each caller learns of it). */
  | { type: 'help-cleared'; callIds: number[]; userIds: string[]; reason: 'dismissed' | 'cancelled' | 'answered' }
  | { type: 'share-started'; share: ActiveShare }
  /** `by`: who stopped it, when that was not the sharer (a take-over, a host, allow turned off). */
  | { type: 'share-stopped'; userId: string; room: string | null; reason: ShareStopReason; by?: string }
  | { type: 'share-allowed'; allowed: boolean; by: string }
  /**
   * The room's media moved between the mesh and the media server; `by`: the host who pinned or unpinned.
   * `unavailable`: back to the mesh because this server has no media server (it was configured when the room moved).
   */
  | { type: 'media-mode-changed'; mode: MediaMode; pinned: boolean; reason: 'cameras' | 'pinned' | 'unpinned' | 'unavailable'; by?: string }
  /** Hosts only: more cameras than the mesh is comfortable with, and no media server to move to. */
  | { type: 'media-crowded'; cameras: number; limit: number; at: number }
  /** Stands in, for this connection, for an event meant for others (keeps sequence numbers whole). */
  | { type: 'redacted' };

export interface SequencedEvent {
  seq: number;
  event: RoomEvent;
}

// ---------------------------------------------------------------------------
// Wire messages on the room socket (`/rooms/:room/socket`).
// ---------------------------------------------------------------------------

/** Browser → server. The first message must be `hello`. */
export type ClientMessage =
  /**
   * `console`: a console (standalone `<breakout-dashboard>`) for a host or moderator:
   * it sees and commands the room without joining it (no presence, no media), and
   * does not replace the same user's connection in the room.
   * `away`: reconnect without joining the room (the page shows the ended or "started again"
   * screen, so the user is not in the session); they join later with `meeting/join`.
   */
  | { type: 'hello'; token: string; since?: number; peerId?: string; console?: boolean; away?: boolean }
  | { type: 'ping'; t: number }
  /** Ask for a fresh media ticket (the PeerJS key), e.g. to reconnect signaling. */
  | { type: 'media-ticket' }
  /** A fresh join token for this same room and user, sent before the current one expires. */
  | { type: 'token'; token: string }
  | { type: 'command'; ref?: string; command: ClientCommand }
  | SfuClientMessage;

/** A layer of a simulcast video a browser asks the media server for (`off`: pause it, nothing is sent). */
export type SfuLayer = 'high' | 'medium' | 'low' | 'off';

/**
 * Media-server signaling on the room socket (only while the room is in `sfu` mode). The browser
 * never talks to the media server's API: the server does, on its behalf, for exactly what the
 * room state lets it publish and receive. No trickle: both sides send complete SDP (ICE gathered).
 */
export type SfuClientMessage =
  /** Publish `source` (camera with microphone, or the shared screen): `sdp` is a complete offer. */
  | { type: 'sfu'; op: 'publish'; source: MediaSource; sdp: string }
  | { type: 'sfu'; op: 'unpublish'; source: MediaSource }
  /** Receive what the room state gives me; the server answers with an `offer` (and sends new ones as the room changes). */
  | { type: 'sfu'; op: 'subscribe' }
  /** The answer to the server's subscription offer `version`. */
  | { type: 'sfu'; op: 'answer'; sdp: string; version: number }
  /** Which layer of each video I want (by tile size; `off` past the last-N). Unknown or not-received streams are ignored. */
  | { type: 'sfu'; op: 'layers'; want: { userId: string; source: MediaSource; layer: SfuLayer }[] };

/** One stream of a subscription offer: which transceiver (`mid`) carries whose what. */
export interface SfuStream {
  mid: string;
  userId: string;
  source: MediaSource;
  kind: 'audio' | 'video';
}

export type SfuServerMessage =
  /** The media server's answer to a `publish` offer. */
  | { type: 'sfu'; op: 'published'; source: MediaSource; sdp: string }
  /** A (new) subscription offer: answer it with `answer` and the same `version`. */
  | { type: 'sfu'; op: 'offer'; sdp: string; version: number; streams: SfuStream[] }
  /** Close every media-server connection and start again (`publish`, `subscribe`): I moved rooms, or the server lost them. */
  | { type: 'sfu'; op: 'reset'; reason: 'moved' | 'server' }
  /** A publish or subscribe failed (`source` for a publish); the browser may retry after `retryAfterMs`. */
  | { type: 'sfu'; op: 'error'; code: ErrorCode; message: string; source?: MediaSource; retryAfterMs?: number };

/** An ICE server the browser may use (STUN, or TURN with a short-lived credential). */
export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

/** Server → browser. */
export type ServerMessage =
  | {
      type: 'welcome';
      self: Actor & { peerId: string };
      /** Full state when the client had none or missed too much. */
      snapshot?: RoomState;
      /** Events after the client's `since`, when it resumes. */
      events?: SequencedEvent[];
      serverTime: number;
      /** A short-lived, single-use media ticket for this connection's peer id: the PeerJS `key`. */
      mediaTicket?: string;
      /** STUN/TURN servers for this connection (TURN credentials expire: `media-ticket` brings fresh ones). */
      iceServers?: IceServer[];
      /** `relay`: use TURN only (the deployment forces it). */
      iceTransportPolicy?: 'all' | 'relay';
      /** Server time at which the TURN credentials in `iceServers` stop working: ask `media-ticket` before then. */
      iceExpiresAt?: number;
    }
  | { type: 'event'; seq: number; event: RoomEvent }
  | { type: 'pong'; t: number; serverTime: number }
  | { type: 'ack'; ref: string; seq: number }
  /** Chat history of the room this connection just moved into (merge by id). */
  | { type: 'history'; messages: ChatMessage[] }
  /** A fresh media ticket (answer to `media-ticket`); `expiresAt` is server time. */
  | { type: 'media-ticket'; ticket: string; expiresAt: number; iceServers?: IceServer[]; iceTransportPolicy?: 'all' | 'relay'; iceExpiresAt?: number }
  /** The join token expires at `expiresAt` (server time): send a fresh one with `token`. */
  | { type: 'token-expiring'; expiresAt: number }
  /** The fresh token was accepted; the connection now lasts until `expiresAt`. */
  | { type: 'token-accepted'; expiresAt: number }
  /** `retryAfterMs`: with `rate-limited`, how long to wait before sending that again. */
  | { type: 'error'; code: ErrorCode; message: string; ref?: string; fatal?: boolean; retryAfterMs?: number }
  | SfuServerMessage;

export type ErrorCode =
  | 'bad-message'
  | 'too-large'
  | 'unknown-type'
  | 'not-joined'
  | 'bad-token'
  | 'forbidden'
  | 'invalid'
  | 'meeting-ended'
  | 'replaced'
  | 'removed'
  | 'token-expired'
  /** The server could not save (disk full, read-only data directory): nothing changed; try again shortly. */
  | 'storage-unavailable'
  /** Too many messages or connections: wait `retryAfterMs` (when given) and try again. */
  | 'rate-limited'
  /** Someone else shares content in this room: take over (`takeOver`) or wait. */
  | 'share-busy'
  /** No media server is configured (pinning), or it did not answer (publish, subscribe): try again shortly. */
  | 'sfu-unavailable'
  /** Another server serves this room now (or is about to): reconnect after `retryAfterMs` and resume. */
  | 'room-moved'
  | 'internal';
