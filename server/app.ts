/**
 * Runtime-neutral wiring: HTTP routes (drop-in script, demo, health, demo token
 * issuer, PeerJS id) and the WebSocket routes (room sockets, PeerJS signaling),
 * built from an injected store, clock and configuration. node.ts and deno.ts only
 * adapt their runtime's server and sockets to it (backend.ts picks the store).
 *
 * Every room URL carries the room (`/rooms/<room>/socket`, `/rooms/<room>/peerjs`,
 * `/rooms/<room>/<key>/id`, `/api/rooms/<room>/…`), so a router keeps a room on one
 * server; with several servers (`cluster`), the one holding the room's lease serves it.
 */
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { ROOM_ID } from '../src/protocol/schema.ts';
import { createVerifier } from './auth.ts';
import type { ServerConfig } from './config.ts';
import { mountDemo } from './demo.ts';
import { rejectMalformedUrl, securityHeaders, serveFile } from './http.ts';
import { storageUnavailable } from './sessions/api.ts';
import { isStorageFault, StorageUnavailableError, type SessionsStore } from './store/sessions-store.ts';
import { createSignaling, type Signaling } from './peerjs/signaling.ts';
import { TicketStore } from './peerjs/tickets.ts';
import { mediaChanges } from './peerjs/presence.ts';
import { RoomHub } from './rooms/hub.ts';
import type { Connection } from './rooms/connection.ts';
import { SfuRooms } from './media/sfu.ts';
import { connectVideoRoom, type VideoRoom } from './media/videoroom.ts';
import { auditRoutes } from './rooms/audit-api.ts';
import { statusRoutes } from './rooms/status-api.ts';
import type { ClientInfo, Clock, WsAcceptor } from './socket.ts';
import { AddressCaps, clientAddress, defaultRateLimits, scaleRateLimits } from './rooms/limits.ts';
import type { Store } from './store/store.ts';
import type { DatabaseSync } from 'node:sqlite';
import { createSessionsApi, seedDemoEvent } from './sessions/index.ts';
import { SqliteSessionsStore } from './store/sessions-sqlite.ts';
import { meetingRoutes } from './sessions/meeting.ts';
import type { Cluster } from './backend.ts';
import { LocalLiveRooms, PostgresLiveRooms, type LiveRooms } from './cluster/live.ts';
import { orphanRooms } from './cluster/ownership.ts';
import { exchangesMedia } from '../src/protocol/media.ts';
import { zonedTimeToEpoch } from '../src/protocol/time.ts';
import type { SessionInfo } from '../src/protocol/types.ts';
import Sentiment from 'sentiment';

export interface AppDeps {
  config: ServerConfig;
  store: Store;
  /** The SQLite database the events/sessions API keeps its tables in (when `sessions` is not given). */
  db?: DatabaseSync;
  /** The events/sessions API's store (PostgreSQL); default: SQLite in `db`. */
  sessions?: SessionsStore;
  clock: Clock;
  /** Several servers on one PostgreSQL (backend.ts); none: this server alone serves every room. Closed with the app. */
  cluster?: Cluster;
}

export interface App {
  fetch(request: Request): Response | Promise<Response>;
  /** The acceptor for a WebSocket upgrade at this URL, or null when none lives there. */
  /** `client`: where the upgrade came from (sockets are capped per address). */
  websocket(url: URL, client?: ClientInfo): WsAcceptor | null;
  hub: RoomHub;
  /** "Is the meeting live?" for Start Meeting, the same answer on every server. */
  live: LiveRooms;
  /** Stop serving: close sockets and signaling, then the store. */
  close(): Promise<void>;
}

/** A session's room is named `<event>.<session>`; plain rooms have no session. */
export async function sessionInfo(sessions: SessionsStore, room: string): Promise<SessionInfo | null> {
  const dot = room.lastIndexOf('.');
  if (dot <= 0) return null;
  const eventId = room.slice(0, dot);
  const event = await sessions.getEvent(eventId);
  const session = event && (await sessions.getSession(eventId, room.slice(dot + 1)));
  if (!event || !session) return null;
  const startsAt = zonedTimeToEpoch(session.date, session.time, event.timeZone);
  return {
    title: session.title,
    aiAssistant: session.aiAssistant,
    startsAt,
    endsAt: startsAt + session.duration * 60_000,
    registered: (await sessions.roleCounts(eventId)).attendee,
  };
}

export async function createApp(deps: AppDeps): Promise<App> {
  const { config, store, clock, db, cluster } = deps;
  const verifier = await createVerifier(config.token);
  if (!deps.sessions && !db) throw new Error('createApp needs a sessions store or a SQLite database for it');
  const sessions = deps.sessions ?? new SqliteSessionsStore(db!);
  const sentiment = new Sentiment();
  // Media follows presence: the room socket hands out tickets, and whoever leaves the room (or the
  // session ends, or their peer id changes) loses their signaling at once. See peerjs/presence.ts.
  const tickets = new TicketStore({ clock });
  let media: Signaling | null = null;
  // Past a few cameras, media goes through Janus: the server makes and tears down its handles for
  // exactly what each user may publish and receive (media/sfu.ts). None configured: mesh only.
  const videoRoom: VideoRoom | null = config.janus ? connectVideoRoom(config.janus) : null;
  let hub: RoomHub | null = null;
  // "Is the meeting live?" for Start Meeting: the room's state here, or what its server said (live.ts).
  const state = (room: string) => hub?.peek(room)?.state;
  const live: LiveRooms = cluster
    ? new PostgresLiveRooms({ pool: cluster.pool, notices: cluster.notices, serverId: config.serverId, state })
    : new LocalLiveRooms(state);
  const sfu = videoRoom
    ? new SfuRooms<Connection>({
        api: videoRoom,
        clock,
        state: (room) => hub?.peek(room)?.state,
        send: (to, msg) => hub?.sockets.out.send(to, msg),
      })
    : null;
  hub = new RoomHub({
    tickets,
    onStateChange: (room, before, after) => {
      if (media) mediaChanges(room, before, after, media, tickets);
      sfu?.stateChanged(room, before, after);
    },
    ...(sfu ? { sfu } : {}),
    ice: config.ice,
    store,
    clock,
    verifier,
    config: {
      hostAwayMs: config.hostAwayMs,
      leaveGraceMs: config.leaveGraceMs,
      idleMs: config.roomIdleMs,
      rateLimits: scaleRateLimits(defaultRateLimits, config.rateLimitScale),
      maxConnectionsPerUser: config.maxConnectionsPerUser,
      media: { sfu: !!config.janus, meshLimit: config.meshLimit },
    },
    sessionInfo: (room) => sessionInfo(sessions, room),
    // Chat mood for moderators: AFINN sentiment, squashed into -1..1.
    mood: (text) => Math.tanh(sentiment.analyze(text).comparative),
    live,
    // A room that left this server takes its media signaling along (it reconnects to the room's new server).
    onUnload: (room, why) => {
      media?.drop(room);
      // Nobody is left in an idle room: its Janus rooms go (made again on demand). A room that
      // moved keeps them, for its new server may use the same Janus.
      if (why === 'idle') sfu?.unloaded(room);
    },
    // Removed on another server: whatever of theirs this server still holds closes.
    onRemoved: (room, userId) => {
      media?.drop(room, userId);
      tickets.revoke(room, userId);
    },
    ...(cluster
      ? {
          leases: cluster.leases,
          notices: cluster.notices,
          // Rooms left by a server that died, that nobody came back to, a lease period after it lapsed.
          orphans: () => orphanRooms(cluster.pool, cluster.leases.ttlMs),
        }
      : {}),
  });
  await hub.resume();

  const signaling = createSignaling({
    clock,
    async admit(key, peerId, pathRoom) {
      const redeemed = tickets.redeem(key, peerId);
      if (!redeemed.ok) return { ok: false, reason: redeemed.reason };
      const { room, userId } = redeemed.grant;
      if (pathRoom !== undefined && pathRoom !== room) {
        return { ok: false, reason: `Invalid key provided: the media ticket is for room "${room}", not "${pathRoom}".` };
      }
      if (!hub.peerAdmitted(room, userId, peerId)) {
        return { ok: false, reason: `Peer id "${peerId}" is not admitted to room "${room}": join the room first.` };
      }
      return { ok: true, admission: { room, userId } };
    },
    // The same rule as each browser's mesh: present, session running, in the same (main or breakout) room.
    canRelay: (room, from, to) => {
      const state = hub.peek(room)?.state;
      return !!state && exchangesMedia(state, from, to);
    },
  });
  media = signaling;

  const app = new Hono();
  app.use('*', rejectMalformedUrl, securityHeaders);
  app.use('/api/*', cors({ origin: config.corsOrigins.includes('*') ? '*' : config.corsOrigins }));

  app.route(
    '/api',
    createSessionsApi({
      store: sessions,
      verifier,
      clock,
      dataDir: config.dataDir,
      // Servers share DATA_DIR: each clears only its own unfinished uploads at start.
      ...(cluster ? { uploadTmp: config.serverId } : {}),
      maxUploadBytes: config.maxUploadBytes,
      eventStorageBytes: config.eventStorageBytes,
      linkSecret: config.token.secret,
    }),
  );
  if (config.demo) await seedDemoEvent({ store: sessions, clock });
  app.route(
    '/api',
    meetingRoutes({
      store: sessions,
      verifier,
      clock,
      secret: config.token.secret,
      demo: config.demo,
      // Live: open, with a host or moderator in the room, on whichever server serves it.
      isLive: (room) =>
        live.isLive(room).catch((err) => {
          throw new StorageUnavailableError(err);
        }),
    }),
  );

  app.route('/api', auditRoutes({ verifier, store })); // GET /api/rooms/:room/audit (hosts and moderators)
  app.route('/api', statusRoutes({ verifier, store, clock, live: (room) => hub.peek(room)?.state })); // GET /api/rooms/:room/status (before joining)

  app.get('/health', (c) => c.json({ ok: true, ...hub.stats(), signaling: signaling.stats(), ...(sfu ? { sfu: sfu.stats() } : {}) }));

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

  // PeerJS (its `path` is `/rooms/<room>/`): the stock client asks `${path}${key}/id` when it has no id of its own.
  app.get('/rooms/:room/:key/id', (c) => c.text(signaling.generateId()));
  app.get('/rooms/:room/:key/peers', (c) => c.json({ error: 'Peer discovery is disabled.' }, 403));

  if (config.demo) {
    mountDemo(app, { secret: config.token.secret!, demoDir: config.demoDir });
  } else {
    app.get('/', (c) => c.text('Classroom server. Embed /kaltura-room.js on your page.'));
  }

  app.notFound((c) => c.json({ error: `Nothing at ${new URL(c.req.url).pathname}.` }, 404));
  app.onError((err, c) => {
    if (isStorageFault(err)) return storageUnavailable(c, err);
    console.error(err);
    return c.json({ error: 'The server hit an unexpected error.' }, 500);
  });

  const ROOM_SOCKET = /^\/rooms\/([^/]+)\/(socket|peerjs)$/;
  const caps = new AddressCaps(config.maxConnectionsPerAddress);
  const route = (url: URL): WsAcceptor | null => {
    const m = ROOM_SOCKET.exec(url.pathname);
    if (!m) return null;
    // A broken percent-encoding is no room (it must never throw in the upgrade handler).
    let room: string;
    try {
      room = decodeURIComponent(m[1]!);
    } catch {
      return null;
    }
    if (!ROOM_ID.test(room)) return null;
    return m[2] === 'socket' ? hub.accept(room) : signaling.accept(url, room);
  };
  return {
    fetch: (request) => app.fetch(request),
    websocket(url, client = {}) {
      const acceptor = route(url);
      // Room sockets and media signaling count together against the client's address.
      return acceptor && caps.guard(clientAddress(client, config.trustProxy), acceptor);
    },
    hub,
    live,
    async close() {
      signaling.close();
      sfu?.close();
      await hub.close(); // gives the rooms' leases up: other servers take them at once
      videoRoom?.close();
      await live.close();
      await store.close();
      await cluster?.close();
    },
  };
}
