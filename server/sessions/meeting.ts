/**
 * Start Meeting: the room join token for a session's live room, handed to
 * whoever may see the session, as a Hono sub-app mounted at /api.
 *
 *   POST /api/events/:event/sessions/:id/meeting   (Authorization: Bearer <event token>)
 *     → 200 { room, token, role }
 *
 * The event's organizers and the session's own moderators get a `host` token
 * (they start the meeting); everyone else gets a `participant` token. Attendees
 * get one only once the meeting is live (a host or moderator is in the room);
 * before that the reply is 409 "The meeting has not started yet.".
 *
 * Demo mode only: `POST /api/demo/event-token {event, user}` signs an event token
 * for a person of the (seeded) event, the way an event portal would.
 */
import { Hono, type Context } from 'hono';
import type { DatabaseSync } from 'node:sqlite';
import * as v from 'valibot';
import { EVENT_ID, ENTITY_ID, EVENT_ROLES, type EventRole } from '../../src/protocol/sessions.ts';
import type { Role } from '../../src/protocol/types.ts';
import { issueToken, type TokenVerifier } from '../auth.ts';
import { SqliteSessionsStore } from '../store/sessions-sqlite.ts';
import type { SessionsStore } from '../store/sessions-store.ts';
import { DEMO_EVENT } from '../demo.ts';
import { authenticate, bearerToken, issueEventToken } from './auth.ts';
import { SessionsService, type Failure } from './service.ts';

export interface MeetingDeps {
  /** The sessions database (or pass `store`). */
  db?: DatabaseSync;
  store?: SessionsStore;
  /** Verifies event tokens (the same verifier as the sessions API). */
  verifier: TokenVerifier;
  /**
   * The HS256 secret room join tokens are signed with (the server's TOKEN_SECRET).
   * Without it (a server that only holds a public key) the route answers 501:
   * the portal must then sign room tokens itself.
   */
  secret?: string;
  clock: { now(): number };
  /** Is the room live: is a host or moderator present in it right now (on whichever server serves it)? */
  isLive(room: string): boolean | Promise<boolean>;
  /** Demo mode: also serve `POST /demo/event-token`. */
  demo?: boolean;
  /** Lifetime of the room join tokens issued, in seconds (default 4 hours). */
  tokenTtlSeconds?: number;
}

/** What Start Meeting answers with. */
export interface MeetingTicket {
  room: string;
  token: string;
  role: Role;
}

export const NOT_STARTED = 'The meeting has not started yet.';

const DemoTokenRequest = v.object({
  event: v.pipe(v.string('event is required'), v.regex(EVENT_ID, 'event may hold letters, digits, "_" and "-" (at most 64)')),
  user: v.pipe(v.string('user is required'), v.regex(ENTITY_ID, 'user may hold letters, digits and . _ : @ - (at most 128)')),
});

/** The sub-app; mount it with `app.route('/api', meetingRoutes(deps))`. */
export function meetingRoutes(deps: MeetingDeps): Hono {
  const store = deps.store ?? new SqliteSessionsStore(deps.db!);
  const service = new SessionsService({ store, clock: deps.clock });
  const api = new Hono();

  const problem = (c: Context, f: Pick<Failure, 'status' | 'error'> | { status: 501; error: string }) => {
    if (f.status === 401) c.header('WWW-Authenticate', 'Bearer realm="events"');
    c.header('cache-control', 'no-store');
    return c.json({ error: f.error }, f.status);
  };

  api.post('/events/:event/sessions/:id/meeting', async (c) => {
    const auth = await authenticate(deps.verifier, bearerToken(c.req.header('authorization')));
    if (!auth.ok) return problem(c, { status: 401, error: auth.reason });
    const actor = auth.actor;
    const entered = await service.enterEvent(actor, c.req.param('event'));
    if (!entered.ok) return problem(c, entered);
    const found = await service.visibleSession(actor, entered.value.id, c.req.param('id'));
    if (!found.ok) return problem(c, found);
    const session = await service.toSession(found.value);
    if (session.type !== 'interactive') return problem(c, { status: 409, error: 'Only interactive room sessions have a meeting room.' });
    if (!deps.secret) {
      return problem(c, { status: 501, error: 'This server cannot sign room join tokens (it has no TOKEN_SECRET): the event portal must issue them.' });
    }
    // Host only when the current event token and the current session team agree: an
    // organizer, or a moderator by token who moderates this session now. A former
    // moderator whose portal now signs them in as an attendee is a participant.
    const host = actor.role === 'organizer' || (actor.role === 'moderator' && session.moderators.some((m) => m.id === actor.id));
    if (actor.role === 'attendee' && !(await deps.isLive(session.room))) return problem(c, { status: 409, error: NOT_STARTED });
    const role: Role = host ? 'host' : 'participant';
    const token = await issueToken(deps.secret, { sub: actor.id, name: actor.name, role, room: session.room }, deps.tokenTtlSeconds);
    c.header('cache-control', 'no-store');
    return c.json({ room: session.room, token, role } satisfies MeetingTicket);
  });

  if (deps.demo) {
    api.post('/demo/event-token', async (c) => {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return c.json({ error: 'Send a JSON body: {"event", "user"}.' }, 400);
      }
      const parsed = v.safeParse(DemoTokenRequest, body);
      if (!parsed.success) return c.json({ error: parsed.issues[0].message }, 400);
      const { event, user } = parsed.output;
      if (event !== DEMO_EVENT) {
        return c.json({ error: `Demo mode signs event tokens only for the demo event "${DEMO_EVENT}"; your portal signs them for its events.` }, 403);
      }
      if (!(await store.getEvent(event))) return c.json({ error: `There is no event "${event}".` }, 404);
      const person = await store.getPerson(event, user);
      if (!person) return c.json({ error: `There is no one with id "${user}" in event "${event}".` }, 404);
      if (!deps.secret) return problem(c, { status: 501, error: 'Demo event tokens need TOKEN_SECRET.' });
      // Their strongest role: an organizer who also moderates signs in as the organizer.
      const eventRole = EVENT_ROLES.find((r) => person.roles.includes(r)) as EventRole;
      const token = await issueEventToken(deps.secret, { sub: person.id, name: person.name, event, eventRole });
      return c.json({ token, user: { id: person.id, name: person.name, role: eventRole } });
    });
  }

  return api;
}
