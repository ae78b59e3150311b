/**
 * Chat history: what the room keeps so latecomers and people changing rooms can
 * read back. Bounded per room (`CHAT_HISTORY` messages for the main room and for
 * each breakout room) and for all rooms together (`CHAT_TOTAL` messages and
 * `CHAT_TOTAL_CHARS` characters of text): when the whole is over its bound, the
 * room holding the most text loses its oldest message first, so one busy room
 * cannot push out the others. Chat of breakout rooms that no longer exist (a new
 * set of rooms was created) is dropped.
 *
 * Pure and deterministic; the server and each browser run the same code.
 */
import { CHAT_HISTORY, CHAT_TOTAL, CHAT_TOTAL_CHARS, type ChatMessage } from './types.ts';

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
