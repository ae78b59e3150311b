/**
 * Event tokens: the embedding event portal signs a short-lived JWT with the same
 * keys as room join tokens. Signature, expiry and issuer are checked by the shared
 * verifier; the claims are checked here:
 *
 *   { sub, name, event, eventRole: 'organizer' | 'moderator' | 'speaker' | 'attendee', exp }
 *
 * Nothing else the browser says about who it is or what it may do is trusted.
 */
import * as v from 'valibot';
import { describeIssues } from '../../src/protocol/schema.ts';
import { ENTITY_ID, EVENT_ID, EVENT_ROLES, EDITOR_ROLES, TEAM_ROLES, type EventRole } from '../../src/protocol/sessions.ts';
import { signToken, type TokenVerifier } from '../auth.ts';

export const EventClaimsSchema = v.object({
  sub: v.pipe(v.string('sub (the user id) must be a string'), v.regex(ENTITY_ID, 'sub (the user id) may hold letters, digits and . _ : @ - (at most 128)')),
  name: v.pipe(v.string('name must be a string'), v.trim(), v.minLength(1, 'name is missing'), v.maxLength(80, 'name can have at most 80 characters')),
  event: v.pipe(v.string('event must be a string'), v.regex(EVENT_ID, 'event may hold letters, digits, "_" and "-" (at most 64)')),
  eventRole: v.picklist(EVENT_ROLES, 'eventRole must be organizer, moderator, speaker or attendee'),
});
export type EventClaims = v.InferOutput<typeof EventClaimsSchema>;

/** Who is calling, as the verified event token says. */
export interface EventActor {
  id: string;
  name: string;
  event: string;
  role: EventRole;
}

export const isTeam = (a: EventActor) => TEAM_ROLES.includes(a.role);
export const isEditor = (a: EventActor) => EDITOR_ROLES.includes(a.role);

export type AuthResult = { ok: true; actor: EventActor } | { ok: false; status: 401; reason: string };

/** Read the bearer token (header, or `access_token` where a link cannot send headers) and check it. */
export async function authenticate(verifier: TokenVerifier, token: string | null): Promise<AuthResult> {
  if (!token) {
    return { ok: false, status: 401, reason: 'Sign in through the event portal: send its event token as "Authorization: Bearer <token>".' };
  }
  const checked = await verifier.verifyPayload(token);
  if (!checked.ok) return { ok: false, status: 401, reason: checked.reason.replaceAll('join token', 'event token') };
  const parsed = v.safeParse(EventClaimsSchema, checked.payload);
  if (!parsed.success) return { ok: false, status: 401, reason: `The event token's claims are wrong: ${describeIssues(parsed.issues)}.` };
  const c = parsed.output;
  return { ok: true, actor: { id: c.sub, name: c.name, event: c.event, role: c.eventRole } };
}

/** The token in an `Authorization: Bearer …` header, or null. */
export function bearerToken(header: string | undefined | null): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m ? m[1] : null;
}

/** Demo mode and tests: sign an event token like a portal would. */
export function issueEventToken(
  secret: string,
  claims: { sub: string; name: string; event: string; eventRole: EventRole },
  ttlSeconds = 4 * 3600,
): Promise<string> {
  return signToken(secret, claims, ttlSeconds);
}
