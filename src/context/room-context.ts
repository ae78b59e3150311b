/**
 * The room, as nested elements see it: `<kaltura-room>` provides it, a nested
 * `<breakout-dashboard>` (or any element) consumes it.
 *
 * ```ts
 * @consume({ context: roomContext, subscribe: true }) room?: RoomContextValue;
 * ```
 *
 * The provider publishes a new frozen object whenever anything in it changes,
 * so consumers re-render on identity change and may keep old values safely.
 */
import { createContext } from '@lit/context';
import type { CommandAck, ConnectionStatus, RoomError, RoomSelf } from '../client/room-connection.ts';
import type { ClientCommand, RoomState } from '../protocol/types.ts';

export interface RoomContextValue {
  /** Where the room connection stands. */
  readonly status: ConnectionStatus;
  /** The mirrored room state (immutable); null before the first welcome. */
  readonly state: RoomState | null;
  /** The current user as the server verified them; null before the first welcome. */
  readonly self: RoomSelf | null;
  /** The latest connection error, if any. */
  readonly error: RoomError | null;
  /** Server time minus local time, in ms. */
  readonly clockOffset: number;
  /** The server's clock now (for countdowns against server deadlines). */
  serverNow(): number;
  /** Send a command over the room socket; resolves on ack, rejects with a `RoomCommandError`. */
  send(command: ClientCommand): Promise<CommandAck>;
}

/** Shared by every copy of the library on a page (the key is a global symbol). */
export const roomContext = createContext<RoomContextValue | undefined>(Symbol.for('kaltura.room-context'));
