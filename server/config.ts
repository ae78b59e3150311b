/**
 * Server settings from environment variables, read the same way on Node and Deno.
 * Every value is checked here, with a message that says what to fix.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TokenConfig } from './auth.ts';

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
}

type Env = Record<string, string | undefined>;

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
  };
}
