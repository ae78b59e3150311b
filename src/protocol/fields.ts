/**
 * Schemas of fields that several features' commands share (the features' own command schemas
 * live in their modules; `schema.ts` composes them into the one boundary).
 */
import * as v from 'valibot';

/** A user id as join tokens carry it (any string, `__proto__` included). */
export const UserIdSchema = v.pipe(v.string('userId must be a string'), v.minLength(1, 'userId is missing'), v.maxLength(128, 'userId is too long'));

/** A breakout room id, or null for the main room. */
export const BreakoutTargetSchema = v.nullable(
  v.pipe(v.string('to must be a room id or null'), v.regex(/^r[0-9]{1,6}$/, 'to must be a breakout room id (like "r3") or null for the main room')),
);

/** A command that carries nothing but its type. */
export function bare<T extends string>(type: T) {
  return v.object({ type: v.literal(type) });
}
