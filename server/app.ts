/**
 * Runtime-neutral wiring: HTTP routes (drop-in script, demo, health, demo token
 * issuer, PeerJS id) and the WebSocket routes (room sockets, PeerJS signaling),
 * built from an injected store, clock and configuration. node.ts and deno.ts only
 * adapt their runtime's server and sockets to it.
 */
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import * as v from 'valibot';
import { describeIssues, fieldErrors, RoleSchema, ROOM_ID } from '../src/protocol/schema.ts';
import { createVerifier, issueToken } from './auth.ts';
import type { ServerConfig } from './config.ts';
import { createSignaling, type Signaling } from './peerjs/signaling.ts';
import { TicketStore } from './peerjs/tickets.ts';
import { mediaChanges } from './peerjs/presence.ts';
import { RoomHub } from './rooms/hub.ts';
import { auditRoutes } from './rooms/audit-api.ts';
import type { ClientInfo, Clock, WsAcceptor } from './socket.ts';
import { AddressCaps, clientAddress, defaultRateLimits, scaleRateLimits } from './rooms/limits.ts';
import type { Store } from './store/store.ts';
import type { DatabaseSync } from 'node:sqlite';
import { createSessionsApi, seedDemoEvent } from './sessions/index.ts';
import { SqliteSessionsStore } from './store/sessions-sqlite.ts';
import { meetingRoutes } from './sessions/meeting.ts';
import { isStaff } from '../src/protocol/types.ts';
import { locationOf } from '../src/protocol/breakout.ts';
import { zonedTimeToEpoch } from '../src/protocol/time.ts';
import type { SessionInfo } from '../src/protocol/types.ts';
import Sentiment from 'sentiment';

export interface AppDeps {
  config: ServerConfig;
  store: Store;
  /** The database the events/sessions API keeps its tables in (the rooms' database by default). */
  db: DatabaseSync;
  clock: Clock;
}

export interface App {
  fetch(request: Request): Response | Promise<Response>;
  /** The acceptor for a WebSocket upgrade at this URL, or null when none lives there. */
  /** `client`: where the upgrade came from (sockets are capped per address). */
  websocket(url: URL, client?: ClientInfo): WsAcceptor | null;
  hub: RoomHub;
  close(): void;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

async function serveFile(root: string, rel: string, cache: string): Promise<Response | null> {
  const path = normalize(join(root, rel));
  if (path !== root && !path.startsWith(root + sep)) return null;
  try {
    const body = await readFile(path);
    return new Response(body, {
      headers: {
        'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
        'cache-control': cache,
        'x-content-type-options': 'nosniff',
      },
    });
  } catch {
    return null;
  }
}

const DemoTokenRequest = v.object({
  room: v.pipe(v.string('room is required'), v.regex(ROOM_ID, 'room may hold letters, digits, ".", "_" and "-" (at most 128)')),
  name: v.pipe(v.string('name is required'), v.trim(), v.minLength(1, 'Enter your name.'), v.maxLength(80, 'A name can have at most 80 characters.')),
  role: RoleSchema,
  user: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, 'user may hold letters, digits, "-" and "_" (at most 64)'))),
  hostAwayMinutes: v.optional(v.pipe(v.number('hostAwayMinutes must be a number'), v.minValue(0.05), v.maxValue(1440))),
});

/** A session's room is named `<event>.<session>`; plain rooms have no session. */
export function sessionInfo(sessions: SqliteSessionsStore, room: string): SessionInfo | null {
  const dot = room.lastIndexOf('.');
  if (dot <= 0) return null;
  const eventId = room.slice(0, dot);
  const event = sessions.getEvent(eventId);
  const session = event && sessions.getSession(eventId, room.slice(dot + 1));
  if (!event || !session) return null;
  const startsAt = zonedTimeToEpoch(session.date, session.time, event.timeZone);
  return {
    title: session.title,
    aiAssistant: session.aiAssistant,
    startsAt,
    endsAt: startsAt + session.duration * 60_000,
    registered: sessions.roleCounts(eventId).attendee,
  };
}

export async function createApp(deps: AppDeps): Promise<App> {
  const { config, store, clock, db } = deps;
  const verifier = await createVerifier(config.token);
  const sessions = new SqliteSessionsStore(db);
  const sentiment = new Sentiment();
  // Media follows presence: the room socket hands out tickets, and whoever leaves the room (or the
  // session ends, or their peer id changes) loses their signaling at once. See peerjs/presence.ts.
  const tickets = new TicketStore({ clock });
  let media: Signaling | null = null;
  const hub = new RoomHub({
    tickets,
    onStateChange: (room, before, after) => {
      if (media) mediaChanges(room, before, after, media, tickets);
    },
    store,
    clock,
    verifier,
    config: {
      hostAwayMs: config.hostAwayMs,
      leaveGraceMs: config.leaveGraceMs,
      idleMs: config.roomIdleMs,
      rateLimits: scaleRateLimits(defaultRateLimits, config.rateLimitScale),
      maxConnectionsPerUser: config.maxConnectionsPerUser,
    },
    sessionInfo: (room) => sessionInfo(sessions, room),
    // Chat mood for moderators: AFINN sentiment, squashed into -1..1.
    mood: (text) => Math.tanh(sentiment.analyze(text).comparative),
  });
  hub.resume();

  const signaling = createSignaling({
    clock,
    async admit(key, peerId) {
      const redeemed = tickets.redeem(key, peerId);
      if (!redeemed.ok) return { ok: false, reason: redeemed.reason };
      const { room, userId } = redeemed.grant;
      if (!hub.peerAdmitted(room, userId, peerId)) {
        return { ok: false, reason: `Peer id "${peerId}" is not admitted to room "${room}": join the room first.` };
      }
      return { ok: true, admission: { room, userId } };
    },
    // Media stays inside each breakout room: only people in the same (breakout or main) room may signal.
    canRelay: (room, from, to) => {
      const state = hub.peek(room)?.state;
      return !state || locationOf(state, from) === locationOf(state, to);
    },
  });
  media = signaling;

  const app = new Hono();
  app.use('/api/*', cors({ origin: config.corsOrigins.includes('*') ? '*' : config.corsOrigins }));

  app.route(
    '/api',
    createSessionsApi({
      db,
      store: sessions,
      verifier,
      clock,
      dataDir: config.dataDir,
      maxUploadBytes: config.maxUploadBytes,
      eventStorageBytes: config.eventStorageBytes,
      linkSecret: config.token.secret,
    }),
  );
  if (config.demo) seedDemoEvent({ db, clock });
  app.route(
    '/api',
    meetingRoutes({
      store: sessions,
      verifier,
      clock,
      secret: config.token.secret,
      demo: config.demo,
      // Live: open, with a host or moderator in the room (a room nobody opened is not loaded).
      isLive: (room) => {
        const state = hub.peek(room)?.state;
        return !!state && state.status === 'open' && Object.values(state.participants).some((p) => p.present && isStaff(p.role));
      },
    }),
  );

  app.route('/api', auditRoutes({ verifier, store })); // GET /api/rooms/:room/audit (hosts and moderators)

  app.get('/health', (c) => c.json({ ok: true, ...hub.stats(), signaling: signaling.stats() }));

  app.get('/kaltura-room.js', async (c) => {
    const res = await serveFile(config.distDir, 'kaltura-room.js', 'public, max-age=300');
    if (res) res.headers.set('access-control-allow-origin', '*');
    return res ?? c.text('The drop-in script is not built yet: run `npm run build`.', 503);
  });
  app.get('/kaltura-room.js.map', async (c) => (await serveFile(config.distDir, 'kaltura-room.js.map', 'no-cache')) ?? c.notFound());
  // The drop-in's on-demand parts: content-hashed names, so they never change.
  app.get('/:chunk{kaltura-room-[A-Za-z0-9._-]+\\.js(?:\\.map)?}', async (c) => {
    const res = await serveFile(config.distDir, c.req.param('chunk'), 'public, max-age=31536000, immutable');
    if (res) res.headers.set('access-control-allow-origin', '*');
    return res ?? c.notFound();
  });

  // PeerJS: the stock client asks `${path}${key}/id` when it has no id of its own.
  app.get('/:key/id', (c) => c.text(signaling.generateId()));
  app.get('/:key/peers', (c) => c.json({ error: 'Peer discovery is disabled.' }, 403));

  if (config.demo) {
    app.get('/', (c) => c.redirect('/demo/'));
    app.get('/demo', (c) => c.redirect('/demo/'));
    app.get('/demo/*', async (c) => {
      let rel = decodeURIComponent(new URL(c.req.url).pathname.slice('/demo/'.length)) || 'index.html';
      if (rel.endsWith('/')) rel += 'index.html';
      return (await serveFile(config.demoDir, rel, 'no-cache')) ?? c.notFound();
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
      const sub = user ?? `u${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`;
      const token = await issueToken(config.token.secret!, { sub, name, role, room, ...(hostAwayMinutes ? { hostAwayMinutes } : {}) });
      return c.json({ token, user: sub });
    });
  } else {
    app.get('/', (c) => c.text('Classroom server. Embed /kaltura-room.js on your page.'));
  }

  app.notFound((c) => c.json({ error: `Nothing at ${new URL(c.req.url).pathname}.` }, 404));
  app.onError((err, c) => {
    console.error(err);
    return c.json({ error: 'The server hit an unexpected error.' }, 500);
  });

  const ROOM_SOCKET = /^\/rooms\/([^/]+)\/socket$/;
  const caps = new AddressCaps(config.maxConnectionsPerAddress);
  const route = (url: URL): WsAcceptor | null => {
    if (url.pathname === '/peerjs') return signaling.accept(url);
    const m = ROOM_SOCKET.exec(url.pathname);
    if (m) {
      const room = decodeURIComponent(m[1]);
      if (!ROOM_ID.test(room)) return null;
      return hub.accept(room);
    }
    return null;
  };
  return {
    fetch: (request) => app.fetch(request),
    websocket(url, client = {}) {
      const acceptor = route(url);
      // Room sockets and media signaling count together against the client's address.
      return acceptor && caps.guard(clientAddress(client, config.trustProxy), acceptor);
    },
    hub,
    close() {
      signaling.close();
      hub.close();
      store.close();
    },
  };
}
