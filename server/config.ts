/**
 * Server settings from environment variables, read the same way on Node and Deno.
 * Every value is checked here, with a message that says what to fix.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { TokenConfig } from './auth.ts';
import { leaseTtlMs } from './cluster/lease.ts';
import { postgresSettings, type PostgresSettings } from './store/pg.ts';

export interface ServerConfig {
  port: number;
  hostname: string;
  dataDir: string;
  /** Demo mode: the built-in token issuer and demo pages are on. Never in production. */
  demo: boolean;
  token: TokenConfig;
  hostAwayMs: number;
  leaveGraceMs: number;
  /** Unload a room from memory after this long with nobody in it and no timer pending (ROOM_IDLE_SECONDS). */
  roomIdleMs: number;
  /** Where the built drop-in script and the demo pages are served from. */
  distDir: string;
  demoDir: string;
  /** Largest attachment upload, in bytes. */
  maxUploadBytes: number;
  /** Most bytes of attachments and header images one event may keep (EVENT_STORAGE_MB). */
  eventStorageBytes: number;
  /** Origins allowed to call the REST API from the browser (`*` for any). */
  corsOrigins: string[];
  /** Multiplies every room-socket rate limit (RATE_LIMIT_SCALE); 0 turns them off. */
  rateLimitScale: number;
  /** Open WebSockets (room and media signaling) per client address; 0 for no cap. */
  maxConnectionsPerAddress: number;
  /** Open room sockets per user in one room (tabs and consoles); 0 for no cap. */
  maxConnectionsPerUser: number;
  /** Behind a reverse proxy: take the client address from the last X-Forwarded-For entry. */
  trustProxy: boolean;
  /** The media server (Janus, VideoRoom plugin) rooms move to past `meshLimit` cameras; null: mesh only. */
  janus: JanusConfig | null;
  /** A room moves to the media server when more than this many cameras are on (MESH_LIMIT). */
  meshLimit: number;
  /** STUN and TURN servers handed to browsers, TURN with short-lived credentials. */
  ice: IceConfig;
  /** PostgreSQL (DATABASE_URL, DATABASE_POOL_SIZE, …): rooms, sessions and room leases go there; null: SQLite in `dataDir`. */
  database: PostgresSettings | null;
  /** This server's name among several on one database (SERVER_ID): the owner its room leases show. */
  serverId: string;
  /** How long a room's lease lasts without renewal (LEASE_SECONDS): about how long a failover waits. */
  leaseTtlMs: number;
}

export interface JanusConfig {
  /** The Janus WebSocket API (`ws://` or `wss://`), reached by this server only (JANUS_URL). */
  url: string;
  /** Janus's `api_secret` (JANUS_API_SECRET). */
  apiSecret: string;
  /** The VideoRoom plugin's `admin_key`, needed to create rooms (JANUS_ADMIN_KEY). */
  adminKey: string;
  /** Key each Janus room's own secret is derived from, the same on every server (JANUS_ROOM_SECRET, default: the API secret). */
  roomSecret: string;
  /** How long a Janus request may take before it is refused as `sfu-unavailable` (JANUS_TIMEOUT_SECONDS). */
  timeoutMs: number;
}

export interface IceConfig {
  /** STUN servers (STUN_URLS, comma-separated `stun:` URLs). */
  stun: string[];
  /** TURN servers (TURN_URLS, comma-separated `turn:`/`turns:` URLs); used only with `turnSecret`. */
  turn: string[];
  /** coturn's `static-auth-secret` (TURN_SECRET): credentials are derived per join, never stored. */
  turnSecret: string | null;
  /** How long a TURN credential lasts (TURN_TTL_SECONDS). */
  turnTtlSeconds: number;
  /** `relay`: browsers use TURN only (ICE_TRANSPORT_POLICY). */
  policy: 'all' | 'relay';
}

function urls(env: Env, name: string, schemes: string[]): string[] {
  const list = (env[name] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const u of list) {
    if (!schemes.some((s) => u.startsWith(s))) throw new Error(`${name} entries must start with ${schemes.join(' or ')}; got "${u}".`);
    if (/[@]/.test(u.split('?')[0]!)) throw new Error(`${name} must not carry credentials in the URL; got "${u}". Set the secret on its own.`);
  }
  return list;
}

function janusConfig(env: Env): JanusConfig | null {
  const url = env.JANUS_URL?.trim();
  if (!url) return null;
  if (!/^wss?:\/\/[^@/?#]+(?:[/?#]|$)/.test(url)) throw new Error(`JANUS_URL must be a ws:// or wss:// address without credentials; got "${url}".`);
  const apiSecret = env.JANUS_API_SECRET ?? '';
  const adminKey = env.JANUS_ADMIN_KEY ?? '';
  if (apiSecret.length < 16) throw new Error('JANUS_URL is set: set JANUS_API_SECRET (at least 16 characters) to Janus\'s api_secret as well.');
  if (adminKey.length < 16) throw new Error('JANUS_URL is set: set JANUS_ADMIN_KEY (at least 16 characters) to the VideoRoom plugin\'s admin_key as well.');
  return {
    url,
    apiSecret,
    adminKey,
    roomSecret: env.JANUS_ROOM_SECRET || apiSecret,
    timeoutMs: num(env, 'JANUS_TIMEOUT_SECONDS', 10, 1, 120) * 1000,
  };
}

function iceConfig(env: Env): IceConfig {
  const turn = urls(env, 'TURN_URLS', ['turn:', 'turns:']);
  const turnSecret = env.TURN_SECRET || null;
  if (turn.length && !turnSecret) throw new Error('TURN_URLS is set: set TURN_SECRET to coturn\'s static-auth-secret as well.');
  const policy = (env.ICE_TRANSPORT_POLICY || 'all').toLowerCase();
  if (policy !== 'all' && policy !== 'relay') throw new Error(`ICE_TRANSPORT_POLICY must be all or relay; got "${env.ICE_TRANSPORT_POLICY}".`);
  if (policy === 'relay' && !turn.length) throw new Error('ICE_TRANSPORT_POLICY=relay needs TURN_URLS and TURN_SECRET.');
  return {
    stun: urls(env, 'STUN_URLS', ['stun:', 'stuns:']),
    turn,
    turnSecret,
    turnTtlSeconds: num(env, 'TURN_TTL_SECONDS', 3600, 60, 7 * 86_400),
    policy,
  };
}

type Env = Record<string, string | undefined>;

const SERVER_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** SERVER_ID, checked; without it, this machine's name and a random suffix (a new one at every start). */
function serverId(env: Env): string {
  const raw = env.SERVER_ID?.trim();
  if (raw) {
    if (!SERVER_ID.test(raw)) throw new Error(`SERVER_ID must be 1 to 64 letters, digits and . _ : - (starting with a letter or digit); got "${raw}".`);
    return raw;
  }
  const host = hostname().replace(/[^A-Za-z0-9._-]/g, '').slice(0, 40) || 'server';
  const suffix = Array.from(crypto.getRandomValues(new Uint8Array(3)), (b) => b.toString(16).padStart(2, '0')).join('');
  return `${host}-${suffix}`;
}

function num(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new Error(`${name} must be a number from ${min} to ${max}; got "${raw}".`);
  }
  return n;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new Error(`${name} must be true or false; got "${env[name]}".`);
}

/** Read the configuration; `root` is the project folder (for dist/ and demo/). */
export function loadConfig(env: Env, root: string): ServerConfig {
  const demo = bool(env, 'DEMO', false);
  // Demo mode signs tokens with its own secret: never beside a production key.
  const production = ['TOKEN_SECRET', 'TOKEN_PUBLIC_KEY', 'TOKEN_PUBLIC_KEY_FILE'].filter((name) => env[name]);
  if (demo && production.length) {
    throw new Error(
      `DEMO=1 cannot run with ${production.join(' / ')} set: demo mode issues its own tokens to anyone who asks. ` +
        'Pick one: unset DEMO for production, or unset the token settings for a local demo.',
    );
  }
  const dataDir = resolve(root, env.DATA_DIR || 'data');
  mkdirSync(dataDir, { recursive: true });

  let publicKey = env.TOKEN_PUBLIC_KEY;
  if (!publicKey && env.TOKEN_PUBLIC_KEY_FILE) publicKey = readFileSync(env.TOKEN_PUBLIC_KEY_FILE, 'utf8');
  let secret = env.TOKEN_SECRET;
  if (!secret && !publicKey) {
    if (!demo) {
      throw new Error(
        'No way to verify join tokens: set TOKEN_SECRET (at least 32 characters) or TOKEN_PUBLIC_KEY / TOKEN_PUBLIC_KEY_FILE (PEM). ' +
          'For a local try-out, set DEMO=1 (npm start does).',
      );
    }
    // Demo mode: a secret kept in the data directory, so tokens outlive restarts.
    const file = join(dataDir, 'demo-secret');
    if (existsSync(file)) secret = readFileSync(file, 'utf8').trim();
    else {
      secret = Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, '0')).join('');
      writeFileSync(file, secret, { mode: 0o600 });
    }
  }

  return {
    port: num(env, 'PORT', 8080, 0, 65535),
    // Demo mode hands out tokens to anyone: only this machine may ask, unless HOST says otherwise.
    hostname: env.HOST || (demo ? '127.0.0.1' : '0.0.0.0'),
    dataDir,
    demo,
    token: {
      secret,
      publicKey,
      publicKeyAlg: env.TOKEN_ALG || undefined,
      issuer: env.TOKEN_ISSUER || undefined,
      audience: env.TOKEN_AUDIENCE || undefined,
    },
    hostAwayMs: num(env, 'HOST_AWAY_MINUTES', 15, 0.01, 24 * 60) * 60_000,
    leaveGraceMs: num(env, 'LEAVE_GRACE_SECONDS', 10, 0, 3600) * 1000,
    roomIdleMs: num(env, 'ROOM_IDLE_SECONDS', 60, 1, 86_400) * 1000,
    distDir: resolve(root, env.DIST_DIR || 'dist'),
    demoDir: resolve(root, 'demo'),
    maxUploadBytes: num(env, 'MAX_UPLOAD_MB', 500, 1, 10_240) * 1024 * 1024,
    eventStorageBytes: num(env, 'EVENT_STORAGE_MB', 5120, 1, 10_485_760) * 1024 * 1024,
    corsOrigins: (env.CORS_ORIGINS ?? '*').split(',').map((s) => s.trim()).filter(Boolean),
    rateLimitScale: num(env, 'RATE_LIMIT_SCALE', 1, 0, 1000),
    maxConnectionsPerAddress: num(env, 'MAX_CONNECTIONS_PER_IP', 200, 0, 1_000_000),
    maxConnectionsPerUser: num(env, 'MAX_CONNECTIONS_PER_USER', 8, 0, 10_000),
    trustProxy: bool(env, 'TRUST_PROXY', false),
    janus: janusConfig(env),
    meshLimit: num(env, 'MESH_LIMIT', 4, 1, 50),
    ice: iceConfig(env),
    database: postgresSettings(env),
    serverId: serverId(env),
    leaseTtlMs: leaseTtlMs(env),
  };
}
