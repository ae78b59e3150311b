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
}

export interface ChatMessage {
  id: number;
  from: string;
  name: string;
  text: string;
  at: number;
}

export type SessionStatus = 'open' | 'ended';
export type EndReason = 'ended-by-host' | 'host-away';

export interface RoomState {
  room: string;
  status: SessionStatus;
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
}

export const CHAT_HISTORY = 200;
export const CHAT_MAX_LENGTH = 2000;
export const DEFAULT_HOST_AWAY_MS = 15 * 60_000;

// ---------------------------------------------------------------------------
// Commands: what may change a room. `ClientCommand`s come from browsers and are
// validated by schema; `ServerCommand`s are made by the server itself (presence,
// timers) and never accepted from the wire.
// ---------------------------------------------------------------------------

export type ClientCommand =
  | { type: 'chat/send'; text: string }
  | { type: 'media/state'; audio: boolean; video: boolean }
  | { type: 'session/leave' }
  | { type: 'session/end' }
  | { type: 'session/start' };

export type ServerCommand =
  | { type: 'presence/join'; peerId: string; hostAwayMs?: number }
  | { type: 'presence/leave'; userId: string }
  | { type: 'timer/host-away' };

export type Command = ClientCommand | ServerCommand;

// ---------------------------------------------------------------------------
// Events: what happened. The reducer's `apply` folds them into state, on the
// server and in every browser alike.
// ---------------------------------------------------------------------------

export type RoomEvent =
  | { type: 'participant-joined'; participant: Participant }
  | { type: 'participant-left'; userId: string; at: number }
  | { type: 'media-changed'; userId: string; audio: boolean; video: boolean }
  | { type: 'chat'; message: ChatMessage }
  | { type: 'session-ended'; reason: EndReason; by: string | null; at: number }
  | { type: 'session-started'; by: string; at: number }
  | { type: 'host-away-started'; deadline: number }
  | { type: 'host-away-cancelled' }
  | { type: 'settings-changed'; hostAwayMs: number };

export interface SequencedEvent {
  seq: number;
  event: RoomEvent;
}

// ---------------------------------------------------------------------------
// Wire messages on the room socket (`/rooms/:room/socket`).
// ---------------------------------------------------------------------------

/** Browser → server. The first message must be `hello`. */
export type ClientMessage =
  | { type: 'hello'; token: string; since?: number; peerId?: string }
  | { type: 'ping'; t: number }
  | { type: 'command'; ref?: string; command: ClientCommand };

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
    }
  | { type: 'event'; seq: number; event: RoomEvent }
  | { type: 'pong'; t: number; serverTime: number }
  | { type: 'ack'; ref: string; seq: number }
  | { type: 'error'; code: ErrorCode; message: string; ref?: string; fatal?: boolean };

export type ErrorCode =
  | 'bad-message'
  | 'too-large'
  | 'unknown-type'
  | 'not-joined'
  | 'bad-token'
  | 'forbidden'
  | 'invalid'
  | 'session-ended'
  | 'replaced'
  | 'internal';
