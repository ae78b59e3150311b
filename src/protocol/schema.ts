/**
 * Validation of everything that crosses the wire, with messages a person can act on.
 * One boundary: the server parses every client frame with `parseClientMessage`
 * before anything else sees it.
 */
import * as v from 'valibot';
import { clientCommandSchemas } from './room.ts';
import type { ClientMessage, Role } from './types.ts';

/** Largest room-socket frame the server reads (characters of JSON). */
export const MAX_FRAME = 16 * 1024;

/** Room names: what a course page may put in the `room` attribute. */
export const ROOM_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** PeerJS ids: letters and digits, inner `-` or `_` (what stock PeerJS accepts). */
export const PEER_ID = /^[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)*$/;

export const RoleSchema = v.picklist(['host', 'moderator', 'participant'] satisfies Role[], 'role must be host, moderator or participant');

export { BreakoutConfigSchema } from './breakout.ts';

/**
 * Every client command, from the features' schemas (each feature module declares the commands
 * it owns; `room.ts` collects them). The variant picks the schema by `type`.
 */
const ClientCommandSchema = v.variant(
  'type',
  [...clientCommandSchemas().values()] as unknown as v.VariantOptions<'type'>,
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
      console: v.optional(v.boolean('console must be true or false')),
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
