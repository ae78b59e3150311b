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
/** Largest SDP a browser may send (a complete offer or answer, ICE candidates included). */
export const MAX_SDP = 64 * 1024;
/** Largest `sfu` frame: one SDP, JSON-escaped, with room to spare. */
export const MAX_SFU_FRAME = MAX_SDP + 8 * 1024;
/** Most entries of one `layers` request (one per person and source received). */
export const MAX_LAYERS = 100;

/** Room names: what a course page may put in the `room` attribute. */
export const ROOM_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** PeerJS ids: letters and digits, inner `-` or `_` (what stock PeerJS accepts). */
export const PEER_ID = /^[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)*$/;

export const RoleSchema = v.picklist(['host', 'moderator', 'participant'] satisfies Role[], 'role must be host, moderator or participant');

export { BreakoutConfigSchema } from './breakout-config.ts';
export { describeIssues, fieldErrors } from './issues.ts';
import { describeIssues } from './issues.ts';

const SourceSchema = v.picklist(['camera', 'screen'], 'source must be camera or screen');
const SdpSchema = v.pipe(
  v.string('sdp must be a string'),
  v.maxLength(MAX_SDP, `sdp can have at most ${MAX_SDP} characters`),
  v.regex(/^v=0\r?\n/, 'sdp must be a complete session description (starting with v=0)'),
);

/** Media-server signaling (only while the room is on the media server; the server checks the rest). */
const SfuMessageSchema = v.variant(
  'op',
  [
    v.object({ type: v.literal('sfu'), op: v.literal('publish'), source: SourceSchema, sdp: SdpSchema }),
    v.object({ type: v.literal('sfu'), op: v.literal('unpublish'), source: SourceSchema }),
    v.object({ type: v.literal('sfu'), op: v.literal('subscribe') }),
    v.object({
      type: v.literal('sfu'),
      op: v.literal('answer'),
      sdp: SdpSchema,
      version: v.pipe(v.number('version must be a number'), v.integer('version must be a whole number'), v.minValue(0, 'version cannot be negative'), v.maxValue(Number.MAX_SAFE_INTEGER, 'version is too large')),
    }),
    v.object({
      type: v.literal('sfu'),
      op: v.literal('layers'),
      want: v.pipe(
        v.array(
          v.object({
            userId: v.pipe(v.string('userId must be a string'), v.minLength(1, 'userId is missing'), v.maxLength(128, 'userId is too long')),
            source: SourceSchema,
            layer: v.picklist(['high', 'medium', 'low', 'off'], 'layer must be high, medium, low or off'),
          }),
          'want must be a list',
        ),
        v.maxLength(MAX_LAYERS, `want can have at most ${MAX_LAYERS} entries`),
      ),
    }),
  ],
  'Unknown sfu op.',
);

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
    SfuMessageSchema,
  ],
  // A nested variant's issue carries the outer message: say which key was unknown.
  (issue) =>
    issue.path?.[0]?.key === 'op'
      ? `Unknown sfu op ${JSON.stringify(issue.input)}: use publish, unpublish, subscribe, answer or layers.`
      : `Unknown message type ${JSON.stringify(issue.input)}.`,
);

export type ParseResult<T> =
  | { ok: true; value: T }
  | { ok: false; code: 'bad-message' | 'too-large' | 'unknown-type'; message: string; ref?: string };

/** Parse and validate one text frame from a browser. */
export function parseClientMessage(raw: string): ParseResult<ClientMessage> {
  // Media-server frames carry a whole SDP: they alone may be larger, up to their own limit.
  const tooLarge = () => ({
    ok: false as const,
    code: 'too-large' as const,
    message: `Message is ${raw.length} characters; the limit is ${MAX_FRAME} (${MAX_SFU_FRAME} for media-server sdp frames).`,
  });
  if (raw.length > MAX_SFU_FRAME) return tooLarge();
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return raw.length > MAX_FRAME ? tooLarge() : { ok: false, code: 'bad-message', message: 'Message is not valid JSON.' };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return raw.length > MAX_FRAME ? tooLarge() : { ok: false, code: 'bad-message', message: 'Message must be a JSON object with a "type".' };
  }
  if (raw.length > MAX_FRAME && (data as { type?: unknown }).type !== 'sfu') return tooLarge();
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
