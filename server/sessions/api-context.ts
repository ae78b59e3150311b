/**
 * What every route module of the sessions API shares: its dependencies, the store and service, and
 * the HTTP steps each route repeats (the verified caller, the event gate, the JSON body, error
 * replies, session replies with their ETag, and access to a file by signed link or token).
 */
import type { Context } from 'hono';
import type { DatabaseSync } from 'node:sqlite';
import type { Session } from '../../src/protocol/sessions.ts';
import type { TokenVerifier } from '../auth.ts';
import type { EventRecord, SessionRecord, SessionsStore } from '../store/sessions-store.ts';
import { authenticate, bearerToken, type EventActor } from './auth.ts';
import type { FileLinks, FileLinkTarget } from './links.ts';
import { isPlainObject, type Failure, type SessionsService } from './service.ts';

export interface SessionsApiDeps {
  /** The server's SQLite database (the sessions tables live beside the rooms'); or pass `store`. */
  db?: DatabaseSync;
  /** Verifies event tokens (signature, expiry, issuer); the claims are checked here. */
  verifier: TokenVerifier;
  clock: { now(): number };
  /** Files go under `dataDir/attachments/…` and `dataDir/headers/…`. */
  dataDir: string;
  /**
   * This server's own folder for uploads under way (`.tmp/<uploadTmp>`), so servers sharing
   * `dataDir` never clear each other's at start. Default: `.tmp` itself (one server).
   */
  uploadTmp?: string;
  /** Largest upload accepted, in bytes (attachments and header images). */
  maxUploadBytes: number;
  /** Most bytes of files one event may keep (default 5 GB). */
  eventStorageBytes?: number;
  /** The secret file links are signed with a key derived from (random per start without one). */
  linkSecret?: string;
  /** Or the signer itself (tests). */
  links?: FileLinks;
  /** Use this store instead of SQLite over `db` (tests, other databases). */
  store?: SessionsStore;
  /** Where the sub-app is mounted, for URLs in replies (default "/api"). */
  basePath?: string;
}

/** The caller, and the event in the URL their token is for. */
export interface Gate {
  actor: EventActor;
  event: EventRecord;
}

/** Largest JSON body read, in bytes. */
const MAX_JSON = 64 * 1024;

export interface ApiContext {
  deps: SessionsApiDeps;
  /** The guarded store: its faults reject with `StorageUnavailableError`. */
  store: SessionsStore;
  service: SessionsService;
  links: FileLinks;
  basePath: string;
  /** A failure as a JSON reply (`{ error, fields?, current? }`). */
  problem(c: Context, f: Failure): Response;
  /** The verified caller, from the Authorization header. */
  caller(c: Context): Promise<EventActor | Response>;
  /** The caller and the event in the URL, which their token must be for. */
  gate(c: Context): Promise<Gate | Response>;
  /** The request's JSON body (at most 64 KB; an empty body is `{}`). */
  json(c: Context): Promise<{ ok: true; value: unknown } | Failure>;
  /** A session with its version as the ETag. */
  sessionReply(c: Context, s: Session, status?: 200 | 201): Response;
  /**
   * A file route's reader: a valid signed link for exactly this file, or an
   * authorized caller (Authorization header) who may see the session.
   */
  fileAccess(c: Context, target: FileLinkTarget): Promise<{ session: SessionRecord; signed: boolean } | Response>;
}

export function createApiContext(
  deps: SessionsApiDeps,
  parts: { store: SessionsStore; service: SessionsService; links: FileLinks },
): ApiContext {
  const { store, service, links } = parts;

  const problem: ApiContext['problem'] = (c, f) => {
    const body: Record<string, unknown> = { error: f.error };
    if (f.fields) body.fields = f.fields;
    if (f.current) body.current = f.current;
    if (f.status === 401) c.header('WWW-Authenticate', 'Bearer realm="events"');
    return c.json(body, f.status);
  };

  const caller: ApiContext['caller'] = async (c) => {
    const auth = await authenticate(deps.verifier, bearerToken(c.req.header('authorization')));
    if (!auth.ok) return problem(c, { ok: false, status: 401, error: auth.reason });
    return auth.actor;
  };

  const gate: ApiContext['gate'] = async (c) => {
    const actor = await caller(c);
    if (actor instanceof Response) return actor;
    const entered = await service.enterEvent(actor, c.req.param('event') ?? '');
    if (!entered.ok) return problem(c, entered);
    return { actor, event: entered.value };
  };

  return {
    deps,
    store,
    service,
    links,
    basePath: deps.basePath ?? '/api',
    problem,
    caller,
    gate,
    async json(c) {
      const text = await readText(c.req.raw, MAX_JSON);
      if (text === null) return { ok: false, status: 413, error: `The request body is larger than ${MAX_JSON / 1024} KB.` };
      if (!text.trim()) return { ok: true, value: {} };
      try {
        return { ok: true, value: JSON.parse(text) };
      } catch {
        return { ok: false, status: 400, error: 'The request body is not valid JSON.' };
      }
    },
    sessionReply(c, s, status = 200) {
      c.header('ETag', `"${s.version}"`);
      return c.json(s, status);
    },
    async fileAccess(c, target) {
      const expires = c.req.query('expires');
      const signature = c.req.query('signature');
      if (expires === undefined && signature === undefined) {
        const g = await gate(c);
        if (g instanceof Response) return g;
        const found = await service.visibleSession(g.actor, g.event.id, target.session);
        return found.ok ? { session: found.value, signed: false } : problem(c, found);
      }
      const verdict = links.check(target, expires, signature);
      if (verdict === 'expired') {
        return problem(c, { ok: false, status: 403, error: 'This link has expired (file links last a few minutes): reload the page to get a fresh one.' });
      }
      if (verdict !== 'ok') return problem(c, { ok: false, status: 403, error: 'This link is not valid: open the file from its session.' });
      const session = await store.getSession(target.event, target.session);
      if (!session) return problem(c, { ok: false, status: 404, error: `There is no session "${target.session}" in this event.` });
      return { session, signed: true };
    },
  };
}

/** The version a writer edited: If-Match (`"3"`, `W/"3"`, `3`) or the body's `version`. */
export function expectedVersion(ifMatch: string | undefined, body: unknown): number | null | 'bad' {
  if (ifMatch !== undefined && ifMatch.trim() !== '' && ifMatch.trim() !== '*') {
    const m = /^(?:W\/)?"?(\d{1,15})"?$/.exec(ifMatch.trim());
    return m ? Number(m[1]) : 'bad';
  }
  if (isPlainObject(body) && body.version !== undefined) {
    return Number.isInteger(body.version) && (body.version as number) >= 0 ? (body.version as number) : 'bad';
  }
  return null;
}

/** Read a body as text, or null when it is longer than `max` bytes. */
async function readText(req: Request, max: number): Promise<string | null> {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (declared > max) return null;
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let off = 0;
  for (const ch of chunks) {
    all.set(ch, off);
    off += ch.byteLength;
  }
  return new TextDecoder().decode(all);
}
