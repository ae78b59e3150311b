/**
 * Demo mode (DEMO=1, what `npm start` runs): the demo pages and a token issuer
 * that stands in for an LMS or an event portal. It signs tokens for anyone who
 * asks, so it is kept small:
 *
 *  - it listens on 127.0.0.1 unless HOST is set (config.ts);
 *  - it refuses to start beside a production TOKEN_SECRET or key (config.ts);
 *  - it signs room tokens only for the demo rooms below, and event tokens only
 *    for the demo event (server/sessions/meeting.ts); the demo event's session
 *    rooms get their tokens through Start Meeting, as in production.
 */
import type { Hono } from 'hono';
import * as v from 'valibot';
import { describeIssues, fieldErrors, RoleSchema, ROOM_ID } from '../src/protocol/schema.ts';
import { issueToken } from './auth.ts';
import { decodablePath, serveFile } from './http.ts';

/** The event the demo portal shows (seeded at start). */
export const DEMO_EVENT = 'demo-summit';
/** The rooms the demo course page and breakout console open. */
export const DEMO_ROOMS: readonly string[] = ['bio-101-week-3', 'bio-101-week-4'];

const DemoTokenRequest = v.object({
  room: v.pipe(v.string('room is required'), v.regex(ROOM_ID, 'room may hold letters, digits, ".", "_" and "-" (at most 128)')),
  name: v.pipe(v.string('name is required'), v.trim(), v.minLength(1, 'Enter your name.'), v.maxLength(80, 'A name can have at most 80 characters.')),
  role: RoleSchema,
  user: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, 'user may hold letters, digits, "-" and "_" (at most 64)'))),
  hostAwayMinutes: v.optional(v.pipe(v.number('hostAwayMinutes must be a number'), v.minValue(0.05), v.maxValue(1440))),
});

/** Mount the demo pages and `POST /demo/token` on `app`. */
export function mountDemo(app: Hono, deps: { secret: string; demoDir: string }): void {
  app.get('/', (c) => c.redirect('/demo/'));
  app.get('/demo', (c) => c.redirect('/demo/'));
  app.get('/demo/*', async (c) => {
    const path = new URL(c.req.url).pathname.slice('/demo/'.length);
    if (!decodablePath(path)) return c.json({ error: 'The URL is not valid: it holds a broken percent-encoding.' }, 400);
    let rel = decodeURIComponent(path) || 'index.html';
    if (rel.endsWith('/')) rel += 'index.html';
    return (await serveFile(deps.demoDir, rel, 'no-cache')) ?? c.notFound();
  });
  app.post('/demo/token', async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.json({ error: 'Send a JSON body: {"room", "name", "role"}.' }, 400);
    }
    const parsed = v.safeParse(DemoTokenRequest, body);
    if (!parsed.success) {
      return c.json({ error: describeIssues(parsed.issues), fields: fieldErrors(parsed.issues) }, 400);
    }
    const { room, name, role, user, hostAwayMinutes } = parsed.output;
    if (!DEMO_ROOMS.includes(room)) {
      const error = `Demo mode signs tokens only for the demo rooms: ${DEMO_ROOMS.join(', ')}. Your own site signs tokens for its rooms.`;
      return c.json({ error, fields: { room: [error] } }, 403);
    }
    const sub = user ?? `u${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const token = await issueToken(deps.secret, { sub, name, role, room, ...(hostAwayMinutes ? { hostAwayMinutes } : {}) });
    return c.json({ token, user: sub });
  });
}
