/**
 * Validation of everything that crosses the wire, with messages a person can act on.
 * One boundary: the server parses every client frame with `parseClientMessage`
 * before anything else sees it.
 */
import * as v from 'valibot';
import { CHAT_MAX_LENGTH, MAX_BREAKOUT_ROOMS, type ClientMessage, type Role } from './types.ts';

/** Largest room-socket frame the server reads (characters of JSON). */
export const MAX_FRAME = 16 * 1024;

/** Room names: what a course page may put in the `room` attribute. */
export const ROOM_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** PeerJS ids: letters and digits, inner `-` or `_` (what stock PeerJS accepts). */
export const PEER_ID = /^[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)*$/;

export const RoleSchema = v.picklist(['host', 'moderator', 'participant'] satisfies Role[], 'role must be host, moderator or participant');

const UserIdSchema = v.pipe(v.string('userId must be a string'), v.minLength(1, 'userId is missing'), v.maxLength(128, 'userId is too long'));
/** A breakout room id, or null for the main room. */
const BreakoutTargetSchema = v.nullable(v.pipe(v.string('to must be a room id or null'), v.regex(/^r[0-9]{1,6}$/, 'to must be a breakout room id (like "r3") or null for the main room')));

/** The breakout set-up form, shared by `<breakout-dashboard>` (live) and the server. */
export const BreakoutConfigSchema = v.object({
  type: v.literal('breakout/configure'),
  rooms: v.pipe(
    v.array(
      v.pipe(v.string('Each room needs a name.'), v.trim(), v.minLength(1, 'Each room needs a name.'), v.maxLength(60, 'A room name can have at most 60 characters.')),
      'rooms must be a list of names',
    ),
    v.minLength(1, 'Create at least one room.'),
    v.maxLength(MAX_BREAKOUT_ROOMS, `You can create at most ${MAX_BREAKOUT_ROOMS} rooms.`),
    v.check((names) => new Set(names.map((n) => n.toLowerCase())).size === names.length, 'Give each room a different name.'),
  ),
  timeLimitMinutes: v.nullable(v.pipe(v.number('The time limit must be a number of minutes.'), v.minValue(1, 'The time limit must be at least 1 minute.'), v.maxValue(600, 'The time limit can be at most 600 minutes.'))),
  countdownSeconds: v.pipe(v.number('The countdown must be a number of seconds.'), v.integer('Use whole seconds for the countdown.'), v.minValue(0, 'The countdown cannot be negative.'), v.maxValue(60, 'The countdown can be at most 60 seconds.')),
  assignment: v.picklist(['auto', 'manual', 'mixed'], 'Choose how participants are assigned: automatically, manually, or both.'),
});

const ClientCommandSchema = v.variant(
  'type',
  [
    v.object({
      type: v.literal('chat/send'),
      text: v.pipe(
        v.string('text must be a string'),
        v.trim(),
        v.minLength(1, 'A chat message cannot be empty.'),
        v.maxLength(CHAT_MAX_LENGTH, `A chat message can have at most ${CHAT_MAX_LENGTH} characters.`),
      ),
    }),
    v.object({
      type: v.literal('media/state'),
      audio: v.boolean('audio must be true or false'),
      video: v.boolean('video must be true or false'),
    }),
    v.object({ type: v.literal('engagement/report'), engaged: v.boolean('engaged must be true or false') }),
    v.object({ type: v.literal('session/leave') }),
    v.object({ type: v.literal('session/end') }),
    v.object({ type: v.literal('session/start') }),
    v.object({ type: v.literal('session/join') }),
    v.object({ type: v.literal('participant/remove'), userId: UserIdSchema }),
    BreakoutConfigSchema,
    v.object({ type: v.literal('breakout/start') }),
    v.object({ type: v.literal('breakout/shuffle') }),
    v.object({ type: v.literal('breakout/rotate') }),
    v.object({ type: v.literal('breakout/move'), userId: UserIdSchema, to: BreakoutTargetSchema }),
    v.object({ type: v.literal('breakout/join'), to: BreakoutTargetSchema }),
    v.object({ type: v.literal('breakout/gather') }),
    v.object({ type: v.literal('breakout/end') }),
    v.object({
      type: v.literal('breakout/add-time'),
      minutes: v.pipe(v.number('minutes must be a number'), v.integer('Add whole minutes.'), v.minValue(1, 'Add at least 1 minute.'), v.maxValue(120, 'Add at most 120 minutes at a time.')),
    }),
    v.object({
      type: v.literal('breakout/broadcast'),
      text: v.pipe(
        v.string('Broadcast supports text messages only, not files.'),
        v.trim(),
        v.minLength(1, 'A broadcast cannot be empty.'),
        v.maxLength(CHAT_MAX_LENGTH, `A broadcast can have at most ${CHAT_MAX_LENGTH} characters.`),
      ),
    }),
    v.object({ type: v.literal('breakout/call') }),
    v.object({ type: v.literal('breakout/cancel-call') }),
    v.object({ type: v.literal('breakout/dismiss'), callId: v.pipe(v.number('callId must be a number'), v.integer(), v.minValue(1)) }),
  ],
  (issue) => `Unknown command type ${JSON.stringify(issue.input)}.`,
);

const ClientMessageSchema = v.variant(
  'type',
  [
    v.object({
      type: v.literal('hello'),
      token: v.pipe(v.string('token must be a string'), v.minLength(1, 'token is missing'), v.maxLength(8192, 'token is too long')),
      since: v.optional(v.pipe(v.number('since must be a number'), v.integer('since must be a whole number'), v.minValue(0, 'since cannot be negative'))),
      peerId: v.optional(v.pipe(v.string(), v.maxLength(64, 'peerId is too long'), v.regex(PEER_ID, 'peerId may hold only letters, digits, - and _'))),
      observer: v.optional(v.boolean('observer must be true or false')),
      away: v.optional(v.boolean('away must be true or false')),
    }),
    v.object({ type: v.literal('ping'), t: v.number('t must be a number') }),
    v.object({ type: v.literal('media-ticket') }),
    v.object({ type: v.literal('token'), token: v.pipe(v.string('token must be a string'), v.minLength(1, 'token is missing'), v.maxLength(8192, 'token is too long')) }),
    v.object({
      type: v.literal('command'),
      ref: v.optional(v.pipe(v.string('ref must be a string'), v.maxLength(64, 'ref is too long'))),
      command: ClientCommandSchema,
    }),
  ],
  (issue) => `Unknown message type ${JSON.stringify(issue.input)}.`,
);

export type ParseResult<T> =
  | { ok: true; value: T }
  | { ok: false; code: 'bad-message' | 'too-large' | 'unknown-type'; message: string; ref?: string };

/** Describe valibot issues as one readable sentence, naming the field. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .map((i) => {
      const path = v.getDotPath(i);
      return path ? `${path}: ${i.message}` : i.message;
    })
    .join('; ');
}

/** Field-level errors for forms and REST replies: `{ field: [messages] }`. */
export function fieldErrors(issues: readonly v.BaseIssue<unknown>[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const i of issues) {
    const key = v.getDotPath(i) ?? '';
    (out[key] ??= []).push(i.message);
  }
  return out;
}

/** Parse and validate one text frame from a browser. */
export function parseClientMessage(raw: string): ParseResult<ClientMessage> {
  if (raw.length > MAX_FRAME) {
    return { ok: false, code: 'too-large', message: `Message is ${raw.length} characters; the limit is ${MAX_FRAME}.` };
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ok: false, code: 'bad-message', message: 'Message is not valid JSON.' };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, code: 'bad-message', message: 'Message must be a JSON object with a "type".' };
  }
  const ref = typeof (data as { ref?: unknown }).ref === 'string' ? ((data as { ref: string }).ref).slice(0, 64) : undefined;
  const result = v.safeParse(ClientMessageSchema, data);
  if (result.success) return { ok: true, value: result.output as ClientMessage };
  const unknownType = result.issues.some((i) => i.type === 'variant');
  return {
    ok: false,
    code: unknownType ? 'unknown-type' : 'bad-message',
    message: describeIssues(result.issues),
    ...(ref ? { ref } : {}),
  };
}

/** Claims a join token must carry (after signature and expiry checks). */
export const JoinClaimsSchema = v.object({
  sub: v.pipe(v.string('sub (the user id) must be a string'), v.minLength(1, 'sub (the user id) is missing'), v.maxLength(128, 'sub (the user id) is too long')),
  name: v.pipe(v.string('name must be a string'), v.trim(), v.minLength(1, 'name is missing'), v.maxLength(80, 'name can have at most 80 characters')),
  role: RoleSchema,
  room: v.pipe(v.string('room must be a string'), v.regex(ROOM_ID, 'room may hold letters, digits, ".", "_" and "-" (at most 128)')),
  hostAwayMinutes: v.optional(v.pipe(v.number(), v.minValue(0.05, 'hostAwayMinutes must be at least 0.05'), v.maxValue(24 * 60, 'hostAwayMinutes can be at most 1440'))),
});
export type JoinClaims = v.InferOutput<typeof JoinClaimsSchema>;
