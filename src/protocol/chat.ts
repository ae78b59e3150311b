/**
 * Chat: messages in the main room and in each breakout room (a moderator's broadcast from the
 * main room reaches every room). Each message is heard in the room it was said in, and someone
 * who changes rooms reads back that room's history.
 *
 * History is bounded per room (`CHAT_HISTORY` messages for the main room and for
 * each breakout room) and for all rooms together (`CHAT_TOTAL` messages and
 * `CHAT_TOTAL_CHARS` characters of text): when the whole is over its bound, the
 * room holding the most text loses its oldest message first, so one busy room
 * cannot push out the others. Chat of breakout rooms that no longer exist (a new
 * set of rooms was created) is dropped.
 *
 * Pure and deterministic; the server and each browser run the same code.
 */
import * as v from 'valibot';
import { locationOf } from './breakout-state.ts';
import { NOT_JOINED, ok, refuse, type RoomFeature, type ApplyTable } from './feature.ts';
import { CHAT_HISTORY, CHAT_MAX_LENGTH, CHAT_TOTAL, CHAT_TOTAL_CHARS, type ChatMessage, type RoomState } from './types.ts';

/** The room a message belongs to, for the bounds: broadcasts count with the main room. */
function roomKey(m: ChatMessage): string | null {
  return m.broadcast ? null : (m.room ?? null);
}

interface Bucket {
  /** Indexes into the chat list, oldest first. */
  at: number[];
  /** The next of `at` still kept. */
  head: number;
  chars: number;
}

/** The history with `message` added and every bound kept. */
export function addChat(chat: readonly ChatMessage[], message: ChatMessage): ChatMessage[] {
  const all = [...chat, message];
  const rooms = new Map<string | null, Bucket>();
  let count = all.length;
  let chars = 0;
  all.forEach((m, i) => {
    const key = roomKey(m);
    let b = rooms.get(key);
    if (!b) rooms.set(key, (b = { at: [], head: 0, chars: 0 }));
    b.at.push(i);
    b.chars += m.text.length;
    chars += m.text.length;
  });
  const drop = new Set<number>();
  const dropOldest = (b: Bucket) => {
    const i = b.at[b.head++]!;
    drop.add(i);
    b.chars -= all[i]!.text.length;
    chars -= all[i]!.text.length;
    count--;
  };
  // Each room keeps its most recent CHAT_HISTORY messages.
  for (const b of rooms.values()) while (b.at.length - b.head > CHAT_HISTORY) dropOldest(b);
  // All rooms together: trim the room with the most text (then the most messages) first.
  while (count > CHAT_TOTAL || chars > CHAT_TOTAL_CHARS) {
    let biggest: Bucket | null = null;
    for (const b of rooms.values()) {
      if (b.head >= b.at.length) continue;
      if (!biggest || b.chars > biggest.chars || (b.chars === biggest.chars && b.at.length - b.head > biggest.at.length - biggest.head)) biggest = b;
    }
    if (!biggest) break;
    dropOldest(biggest);
  }
  return drop.size ? all.filter((_, i) => !drop.has(i)) : all;
}

/** The history without the chat of breakout rooms outside `rooms` (main room and broadcasts stay). */
export function keepRooms(chat: ChatMessage[], rooms: readonly string[]): ChatMessage[] {
  const keep = new Set(rooms);
  const out = chat.filter((m) => roomKey(m) === null || keep.has(m.room!));
  return out.length === chat.length ? chat : out;
}

/** Chat messages of one room (for someone who just moved in), broadcasts included. */
export function historyOf(state: RoomState, room: string | null): RoomState['chat'] {
  return state.chat.filter((m) => m.broadcast || (m.room ?? null) === room);
}

/** A chat text as browsers may send it: trimmed, not empty, not too long (`what` names it in messages). */
export function chatText(what: string, notText: string) {
  return v.pipe(
    v.string(notText),
    v.trim(),
    v.minLength(1, `${what} cannot be empty.`),
    v.maxLength(CHAT_MAX_LENGTH, `${what} can have at most ${CHAT_MAX_LENGTH} characters.`),
  );
}

/** Does `userId` hear `message`, said in `before`? Said in a room: heard in that room (where the listener was when it was said); broadcasts everywhere. */
export function hearsChat(message: ChatMessage, before: RoomState, userId: string): boolean {
  return message.broadcast === true || (message.room ?? null) === locationOf(before, userId);
}

/** How each event of this feature changes the state (browsers need only this part; see room-apply.ts). */
export const chatApply: ApplyTable<'chat'> = {
  chat: (state, event) => ({
    ...state,
    chat: addChat(state.chat, event.message),
    nextChatId: Math.max(state.nextChatId, event.message.id + 1),
  }),
};

export const chat: RoomFeature<'chat/send', 'chat'> = {
  name: 'chat',
  commands: {
    /** `mood` is added by the server (sentiment analysis), never taken from a browser. */
    'chat/send': v.object({ type: v.literal('chat/send'), text: chatText('A chat message', 'text must be a string') }),
  },
  decide: {
    'chat/send': (state, command, { actor, now }) => {
      if (!actor) return refuse('not-joined', NOT_JOINED);
      if (state.status !== 'open') return refuse('meeting-ended', 'The session has ended; chat is closed.');
      const text = command.text.trim();
      if (!text) return refuse('invalid', 'A chat message cannot be empty.');
      const room = locationOf(state, actor.id);
      const mood = typeof command.mood === 'number' && Number.isFinite(command.mood) ? Math.max(-1, Math.min(1, command.mood)) : undefined;
      return ok({
        type: 'chat',
        message: {
          id: state.nextChatId,
          from: actor.id,
          name: actor.name,
          text,
          at: now,
          ...(room !== null ? { room } : {}),
          ...(mood !== undefined ? { mood } : {}),
        },
      });
    },
  },
  apply: chatApply,
  audience: {
    chat: { to: (event, before, viewer) => hearsChat(event.message, before, viewer.id) },
  },
  /** Only the chat of the viewer's room, and broadcasts. */
  view: (state, viewer) => {
    const here = locationOf(state, viewer.id);
    const mine = state.chat.filter((m) => m.broadcast || (m.room ?? null) === here);
    return mine.length === state.chat.length ? state : { ...state, chat: mine };
  },
};
