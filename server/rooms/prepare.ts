/**
 * The server's own choices, made before the pure reducer and carried in the command, so the
 * reducer stays deterministic (design: "How data flows", step 3):
 *
 * - the order people are dealt into breakout rooms (configure and shuffle become `breakout/deal`);
 * - the mood of a chat message, scored on the server (a browser cannot set it);
 * - the media id of whoever starts the session or rejoins from an open socket.
 *
 * Pure apart from the injected choices: the room master runs it, and the browser tests' fake
 * room server runs the same code with a join-order "shuffle". Web-standard APIs only.
 */
import { assignable } from '../../src/protocol/breakout-state.ts';
import type { Command, RoomState } from '../../src/protocol/types.ts';

/** Where a command came from, as far as the reducer needs to know beyond the actor. */
export interface Origin {
  /** The sender's media id in the room; absent for a console and for the server's own commands. */
  peerId?: string;
}

/** The random and scored choices the server makes (injected so tests are deterministic). */
export interface Choices {
  /** A random order of these people (breakout deals). */
  shuffle: <T>(items: T[]) => T[];
  /** Sentiment of a chat message, from -1 to 1 (the moderators' chat mood); none: no mood. */
  mood?: (text: string) => number;
}

/** Fisher–Yates with the platform's cryptographic randomness. */
export function cryptoShuffle<T>(items: T[]): T[] {
  const out = [...items];
  const rnd = crypto.getRandomValues(new Uint32Array(out.length));
  for (let i = out.length - 1; i > 0; i--) {
    const j = rnd[i]! % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The command the reducer decides: `command` with the server's choices filled in against `state`. */
export function prepare(state: RoomState, command: Command, origin: Origin, choices: Choices): Command {
  switch (command.type) {
    case 'breakout/configure': {
      const order = command.assignment === 'manual' ? [] : choices.shuffle(assignable(state));
      return { type: 'breakout/deal', reason: 'configure', order, configure: command };
    }
    case 'breakout/shuffle':
      return { type: 'breakout/deal', reason: 'shuffle', order: choices.shuffle(assignable(state)) };
    case 'chat/send':
      return choices.mood ? { ...command, mood: choices.mood(command.text) } : command;
    case 'meeting/start':
    case 'meeting/join':
      // Starting the session or Rejoin puts this connection's media id back in the room (not a console's).
      return origin.peerId ? { ...command, peerId: origin.peerId } : command;
    default:
      return command;
  }
}
