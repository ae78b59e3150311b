/**
 * The events/sessions/attachments REST API, as a Hono sub-app mounted at /api.
 * HTTP only: reading tokens, bodies and files, and turning results into replies.
 * The rules live in service.ts, the storage behind the SessionsStore interface.
 *
 * Every reply that is not a file is JSON; every error is
 * `{ error: 'sentence', fields?: { field: ['…'] } }` (a 409 also carries `current`).
 */
import { Hono, type Context } from 'hono';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import {
  attachmentNameProblem,
  defaultAttachmentTitle,
  fileExtension,
  fileFamily,
  formatFileSize,
  headerNameProblem,
  type Session,
} from '../../src/protocol/sessions.ts';
import type { TokenVerifier } from '../auth.ts';
import { SqliteSessionsStore } from '../store/sessions-sqlite.ts';
import { guardStore, isStorageFault, type SessionsStore } from '../store/sessions-store.ts';
import { authenticate, bearerToken, type EventActor } from './auth.ts';
import { createFileLinks, type FileLinks, type FileLinkTarget } from './links.ts';
import { isPlainObject, SessionsService, type Failure } from './service.ts';
import {
  contentDisposition,
  contentTypeFor,
  fileResponseBody,
  receiveToFile,
  removeQuietly,
  sniffImage,
  SNIFF_BYTES,
  tooLarge,
  uploadName,
} from './uploads.ts';
import type { EventRecord, SessionRecord } from '../store/sessions-store.ts';

export interface SessionsApiDeps {
  /** The server's SQLite database (the sessions tables live beside the rooms'). */
  db: DatabaseSync;
  /** Verifies event tokens (signature, expiry, issuer); the claims are checked here. */
  verifier: TokenVerifier;
  clock: { now(): number };
  /** Files go under `dataDir/attachments/…` and `dataDir/headers/…`. */
  dataDir: string;
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

/** Largest JSON body read, in bytes. */
const MAX_JSON = 64 * 1024;

/** What a client is told when the disk or database cannot do the work. */
export const STORAGE_UNAVAILABLE = 'The server cannot store data right now (its disk is full or read-only). Nothing was changed; try again in a few minutes.';

/** Answer a storage fault with 503 `storage-unavailable`, and log what the operator should fix. */
export function storageUnavailable(c: Context, err: unknown): Response {
  console.error(
    `[storage] ${(err as Error)?.message ?? err}: free disk space or make DATA_DIR writable; requests that write are refused until then.`,
  );
  c.header('retry-after', '60');
  c.header('cache-control', 'no-store');
  return c.json({ error: STORAGE_UNAVAILABLE, code: 'storage-unavailable' }, 503);
}

/**
 * Partial uploads a killed server left behind (they only ever live in the `.tmp`
 * folders until complete), removed at start-up. Completed files are untouched.
 */
export function removePartialUploads(dataDir: string): void {
  for (const dir of [join(dataDir, 'attachments', '.tmp'), join(dataDir, 'headers', '.tmp')]) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch (err) {
      console.error(`[sessions] could not remove partial uploads in ${dir}: ${(err as Error).message}`);
    }
  }
}

/** Build the API; mount it with `app.route('/api', createSessionsApi(deps))`. */
export function createSessionsApi(deps: SessionsApiDeps): Hono {
  const store = guardStore(deps.store ?? new SqliteSessionsStore(deps.db));
  const links = deps.links ?? createFileLinks({ secret: deps.linkSecret, clock: deps.clock });
  const service = new SessionsService({ store, clock: deps.clock, basePath: deps.basePath, links });
  const attachmentsDir = join(deps.dataDir, 'attachments');
  const headersDir = join(deps.dataDir, 'headers');
  const quota = deps.eventStorageBytes ?? 5120 * 1024 * 1024;
  removePartialUploads(deps.dataDir);
  const api = new Hono();

  api.onError((err, c) => {
    if (isStorageFault(err)) return storageUnavailable(c, err);
    console.error(err);
    return c.json({ error: 'The server hit an unexpected error.' }, 500);
  });
  api.use('*', async (c, next) => {
    // Tokens never travel in URLs (they end up in logs, history and Referer headers).
    if (c.req.query('access_token') !== undefined || c.req.query('token') !== undefined) {
      return c.json(
        {
          error:
            'Tokens are not accepted in URLs: send the token as "Authorization: Bearer <token>", ' +
            'and open files through the signed links the API gives out (downloadUrl, header.url).',
        },
        400,
      );
    }
    await next();
    if (!c.res.headers.has('cache-control')) c.res.headers.set('cache-control', 'no-store');
  });

  // A refused upload leaves its body unread: close the connection after the
  // reply, so the client does not send its next request down a dying socket.
  const closeIfRefused = async (c: Context, next: () => Promise<void>) => {
    await next();
    if (c.req.method !== 'GET' && c.res.status >= 400) c.res.headers.set('connection', 'close');
  };
  api.use('/events/:event/sessions/:id/attachments', closeIfRefused);
  api.use('/events/:event/sessions/:id/header', closeIfRefused);

  const problem = (c: Context, f: Failure) => {
    const body: Record<string, unknown> = { error: f.error };
    if (f.fields) body.fields = f.fields;
    if (f.current) body.current = f.current;
    if (f.status === 401) c.header('WWW-Authenticate', 'Bearer realm="events"');
    return c.json(body, f.status);
  };

  /** The verified caller, from the Authorization header. */
  async function caller(c: Context): Promise<EventActor | Response> {
    const auth = await authenticate(deps.verifier, bearerToken(c.req.header('authorization')));
    if (!auth.ok) return problem(c, { ok: false, status: 401, error: auth.reason });
    return auth.actor;
  }

  /** The caller and the event in the URL, which their token must be for. */
  async function gate(c: Context): Promise<{ actor: EventActor; event: EventRecord } | Response> {
    const actor = await caller(c);
    if (actor instanceof Response) return actor;
    const entered = service.enterEvent(actor, c.req.param('event') ?? '');
    if (!entered.ok) return problem(c, entered);
    return { actor, event: entered.value };
  }

  async function json(c: Context): Promise<{ ok: true; value: unknown } | Failure> {
    const text = await readText(c.req.raw, MAX_JSON);
    if (text === null) return { ok: false, status: 413, error: `The request body is larger than ${MAX_JSON / 1024} KB.` };
    if (!text.trim()) return { ok: true, value: {} };
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch {
      return { ok: false, status: 400, error: 'The request body is not valid JSON.' };
    }
  }

  const sessionReply = (c: Context, s: Session, status: 200 | 201 = 200) => {
    c.header('ETag', `"${s.version}"`);
    return c.json(s, status);
  };

  // ---- events ----

  api.post('/events', async (c) => {
    const actor = await caller(c);
    if (actor instanceof Response) return actor;
    const body = await json(c);
    if (!body.ok) return problem(c, body);
    const created = service.createEvent(actor, body.value);
    if (!created.ok) return problem(c, created);
    c.header('Location', `${deps.basePath ?? '/api'}/events/${encodeURIComponent(created.value.id)}`);
    return c.json(created.value, 201);
  });

  api.get('/events/:event', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    return c.json(service.eventInfo(g.actor, g.event));
  });

  api.get('/events/:event/people', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    const people = service.listPeople(g.actor, g.event.id, { role: c.req.query('role'), q: c.req.query('q'), limit: c.req.query('limit') });
    return people.ok ? c.json({ people: people.value }) : problem(c, people);
  });

  api.post('/events/:event/people', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    const body = await json(c);
    if (!body.ok) return problem(c, body);
    const added = service.addPerson(g.actor, g.event.id, body.value);
    return added.ok ? c.json({ person: added.value }, 201) : problem(c, added);
  });

  // ---- tags ----

  api.get('/events/:event/tags', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    return c.json({ tags: service.listTags(g.event.id, c.req.query('q')) });
  });

  api.post('/events/:event/tags', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    const body = await json(c);
    if (!body.ok) return problem(c, body);
    const made = service.createTag(g.actor, g.event.id, body.value);
    if (!made.ok) return problem(c, made);
    return c.json(made.value, made.value.created ? 201 : 200);
  });

  // ---- sessions ----

  api.get('/events/:event/sessions', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    const tags = (c.req.queries('tag') ?? []).flatMap((t) => t.split(',')).filter(Boolean);
    return c.json({ sessions: service.listSessions(g.actor, g.event.id, tags) });
  });

  api.post('/events/:event/sessions', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    const body = await json(c);
    if (!body.ok) return problem(c, body);
    const made = service.createSession(g.actor, g.event, body.value);
    if (!made.ok) return problem(c, made);
    c.header('Location', `${deps.basePath ?? '/api'}/events/${encodeURIComponent(g.event.id)}/sessions/${made.value.id}`);
    return sessionReply(c, made.value, 201);
  });

  api.get('/events/:event/sessions/:id', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    const found = service.visibleSession(g.actor, g.event.id, c.req.param('id'));
    return found.ok ? sessionReply(c, service.toSession(found.value)) : problem(c, found);
  });

  api.patch('/events/:event/sessions/:id', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    const body = await json(c);
    if (!body.ok) return problem(c, body);
    const version = expectedVersion(c.req.header('if-match'), body.value);
    if (version === 'bad') return problem(c, { ok: false, status: 400, error: 'The version (If-Match or "version") must be a whole number.' });
    const saved = service.updateSession(g.actor, g.event.id, c.req.param('id'), body.value, version);
    return saved.ok ? sessionReply(c, saved.value) : problem(c, saved);
  });

  api.delete('/events/:event/sessions/:id', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    const version = expectedVersion(c.req.header('if-match'), null);
    if (version === 'bad') return problem(c, { ok: false, status: 400, error: 'The If-Match version must be a whole number.' });
    const removed = service.deleteSession(g.actor, g.event.id, c.req.param('id'), version);
    if (!removed.ok) return problem(c, removed);
    // The id matched a stored session, so it is one the server generated: safe in a path.
    await removeQuietly(join(attachmentsDir, g.event.id, c.req.param('id')));
    if (removed.value.header) await removeQuietly(join(deps.dataDir, removed.value.header.path));
    return c.body(null, 204);
  });

  // ---- header image ----

  api.put('/events/:event/sessions/:id/header', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    const found = service.editableSession(g.actor, g.event.id, c.req.param('id'));
    if (!found.ok) return problem(c, found);
    const session = found.value;
    const name = checkUpload(c, 'header', headerNameProblem);
    if (name instanceof Response) return name;
    const rel = join('headers', g.event.id, `${session.id}-${crypto.randomUUID()}`);
    // The header it replaces is not counted against the quota.
    const budget = reserve(c, g.event.id, name, session.header?.size ?? 0);
    if (budget instanceof Response) return budget;
    let got;
    try {
      got = await receiveToFile(c.req.raw.body, {
        tmpDir: join(headersDir, '.tmp'),
        target: join(deps.dataDir, rel),
        maxBytes: deps.maxUploadBytes,
        name,
        headBytes: SNIFF_BYTES,
        inspect: (head) => (sniffImage(head) ? null : notAnImage(name)),
        onProgress: budget.check,
      });
      if (!got.ok) return problem(c, { ok: false, status: got.status, error: got.reason, fields: { header: [got.reason] } });
      const over = budget.finalCheck(got.size);
      if (over) {
        await removeQuietly(join(deps.dataDir, rel));
        return problem(c, { ok: false, status: 413, error: over, fields: { header: [over] } });
      }
    } finally {
      budget.release();
    }
    const replaced = store.setHeader(g.event.id, session.id, {
      name,
      contentType: sniffImage(got.head)!,
      size: got.size,
      path: rel,
      updatedAt: deps.clock.now(),
    });
    if (!replaced) {
      await removeQuietly(join(deps.dataDir, rel));
      return problem(c, { ok: false, status: 404, error: 'The session was deleted during the upload.' });
    }
    if (replaced.previous) await removeQuietly(join(deps.dataDir, replaced.previous.path));
    return sessionReply(c, service.toSession(store.getSession(g.event.id, session.id)!));
  });

  api.get('/events/:event/sessions/:id/header', async (c) => {
    const version = c.req.query('v') ?? '';
    const found = await fileAccess(c, { kind: 'header', event: c.req.param('event'), session: c.req.param('id'), file: version });
    if (found instanceof Response) return found;
    const header = found.signed && String(found.session.header?.updatedAt) !== version ? null : found.session.header;
    const file = header ? await fileResponseBody(join(deps.dataDir, header.path)) : null;
    if (!header || !file) return problem(c, { ok: false, status: 404, error: 'This session has no header image (or it was replaced).' });
    return new Response(file.body, {
      headers: {
        'content-type': header.contentType,
        'content-length': String(file.size),
        'content-disposition': contentDisposition(header.name, 'inline'),
        'cache-control': 'private, max-age=300',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "sandbox; default-src 'none'",
      },
    });
  });

  api.delete('/events/:event/sessions/:id/header', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    const found = service.editableSession(g.actor, g.event.id, c.req.param('id'));
    if (!found.ok) return problem(c, found);
    const cleared = store.setHeader(g.event.id, found.value.id, null);
    if (cleared?.previous) await removeQuietly(join(deps.dataDir, cleared.previous.path));
    return sessionReply(c, service.toSession(store.getSession(g.event.id, found.value.id)!));
  });

  // ---- attachments ----

  api.get('/events/:event/sessions/:id/attachments', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    const found = service.visibleSession(g.actor, g.event.id, c.req.param('id'));
    if (!found.ok) return problem(c, found);
    return c.json({ attachments: store.listAttachments(g.event.id, found.value.id).map((a) => service.toAttachment(a)) });
  });

  api.post('/events/:event/sessions/:id/attachments', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    const found = service.editableSession(g.actor, g.event.id, c.req.param('id'));
    if (!found.ok) return problem(c, found);
    const session = found.value;
    const name = checkUpload(c, 'file', attachmentNameProblem);
    if (name instanceof Response) return name;
    const id = `a${crypto.randomUUID().replaceAll('-', '').slice(0, 15)}`;
    const rel = join('attachments', g.event.id, session.id, id);
    const budget = reserve(c, g.event.id, name);
    if (budget instanceof Response) return budget;
    try {
      const got = await receiveToFile(c.req.raw.body, {
        tmpDir: join(attachmentsDir, '.tmp'),
        target: join(deps.dataDir, rel),
        maxBytes: deps.maxUploadBytes,
        name,
        onProgress: budget.check,
      });
      if (!got.ok) return problem(c, { ok: false, status: got.status, error: got.reason, fields: { file: [got.reason] } });
      const over = budget.finalCheck(got.size);
      if (over || !store.getSession(g.event.id, session.id)) {
        await removeQuietly(join(deps.dataDir, rel));
        if (over) return problem(c, { ok: false, status: 413, error: over, fields: { file: [over] } });
        return problem(c, { ok: false, status: 404, error: 'The session was deleted during the upload.' });
      }
      return await saveAttachment(c, g, session.id, id, name, got.size, rel);
    } finally {
      budget.release();
    }
  });

  async function saveAttachment(
    c: Context,
    g: { actor: EventActor; event: EventRecord },
    sessionId: string,
    id: string,
    name: string,
    size: number,
    rel: string,
  ): Promise<Response> {
    const extension = fileExtension(name);
    const now = deps.clock.now();
    const record = {
      event: g.event.id,
      session: sessionId,
      id,
      name,
      title: defaultAttachmentTitle(name),
      description: '',
      extension,
      family: fileFamily(name)!,
      contentType: contentTypeFor(extension),
      size,
      path: rel,
      createdBy: g.actor.id,
      createdAt: now,
      updatedAt: now,
    };
    try {
      store.insertAttachment(record);
    } catch (err) {
      await removeQuietly(join(deps.dataDir, rel));
      throw err;
    }
    c.header('Location', service.attachmentPath(record));
    return c.json(service.toAttachment(record), 201);
  }

  api.get('/events/:event/sessions/:id/attachments/:aid', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    const found = service.visibleSession(g.actor, g.event.id, c.req.param('id'));
    if (!found.ok) return problem(c, found);
    const a = store.getAttachment(g.event.id, found.value.id, c.req.param('aid'));
    if (!a) return problem(c, { ok: false, status: 404, error: `There is no attachment "${c.req.param('aid')}" in this session.` });
    return c.json(service.toAttachment(a));
  });

  api.patch('/events/:event/sessions/:id/attachments/:aid', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    const body = await json(c);
    if (!body.ok) return problem(c, body);
    const saved = service.editAttachment(g.actor, g.event.id, c.req.param('id'), c.req.param('aid'), body.value);
    return saved.ok ? c.json(saved.value) : problem(c, saved);
  });

  api.delete('/events/:event/sessions/:id/attachments/:aid', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    const found = service.editableSession(g.actor, g.event.id, c.req.param('id'));
    if (!found.ok) return problem(c, found);
    const removed = store.deleteAttachment(g.event.id, found.value.id, c.req.param('aid'));
    if (!removed) return problem(c, { ok: false, status: 404, error: `There is no attachment "${c.req.param('aid')}" in this session.` });
    await removeQuietly(join(deps.dataDir, removed.path));
    return c.body(null, 204);
  });

  api.get('/events/:event/sessions/:id/attachments/:aid/download', async (c) => {
    const target = { kind: 'attachment', event: c.req.param('event'), session: c.req.param('id'), file: c.req.param('aid') } as const;
    const found = await fileAccess(c, target);
    if (found instanceof Response) return found;
    const a = store.getAttachment(found.session.event, found.session.id, target.file);
    const file = a ? await fileResponseBody(join(deps.dataDir, a.path)) : null;
    if (!a || !file) return problem(c, { ok: false, status: 404, error: `There is no attachment "${c.req.param('aid')}" in this session.` });
    return new Response(file.body, {
      headers: {
        'content-type': a.contentType,
        'content-length': String(file.size),
        'content-disposition': contentDisposition(a.name),
        'cache-control': 'private, no-cache',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "sandbox; default-src 'none'",
      },
    });
  });

  /**
   * A file route's reader: a valid signed link for exactly this file, or an
   * authorized caller (Authorization header) who may see the session.
   */
  async function fileAccess(c: Context, target: FileLinkTarget): Promise<{ session: SessionRecord; signed: boolean } | Response> {
    const expires = c.req.query('expires');
    const signature = c.req.query('signature');
    if (expires === undefined && signature === undefined) {
      const g = await gate(c);
      if (g instanceof Response) return g;
      const found = service.visibleSession(g.actor, g.event.id, target.session);
      return found.ok ? { session: found.value, signed: false } : problem(c, found);
    }
    const verdict = links.check(target, expires, signature);
    if (verdict === 'expired') {
      return problem(c, { ok: false, status: 403, error: 'This link has expired (file links last a few minutes): reload the page to get a fresh one.' });
    }
    if (verdict !== 'ok') return problem(c, { ok: false, status: 403, error: 'This link is not valid: open the file from its session.' });
    const session = store.getSession(target.event, target.session);
    if (!session) return problem(c, { ok: false, status: 404, error: `There is no session "${target.session}" in this event.` });
    return { session, signed: true };
  }

  /** Uploads in flight per event, counted against its quota with what is stored. */
  const uploading = new Map<string, Set<{ bytes: number }>>();

  /**
   * Hold a place for an upload in the event's storage quota. `check` runs as bytes
   * arrive, `finalCheck` once the file is complete (against what is stored by then),
   * `release` always. Refuses at once when the declared size does not fit.
   */
  function reserve(c: Context, event: string, name: string, replacing = 0) {
    const mine = { bytes: 0 };
    const others = () => {
      let n = 0;
      for (const u of uploading.get(event) ?? []) if (u !== mine) n += u.bytes;
      return n;
    };
    let used = store.storageUsed(event) - replacing;
    const verdict = (size: number) =>
      used + others() + size > quota ? overQuota(name, used + others(), size) : null;
    const declared = Number(c.req.header('content-length') ?? NaN);
    const early = Number.isFinite(declared) ? verdict(declared) : null;
    if (early) return problem(c, { ok: false, status: 413, error: early, fields: { file: [early] } });
    let set = uploading.get(event);
    if (!set) uploading.set(event, (set = new Set()));
    set.add(mine);
    return {
      check: (size: number) => {
        mine.bytes = size;
        return verdict(size);
      },
      finalCheck: (size: number) => {
        used = store.storageUsed(event) - replacing;
        return verdict(size);
      },
      release: () => {
        set.delete(mine);
        if (set.size === 0 && uploading.get(event) === set) uploading.delete(event);
      },
    };
  }

  function overQuota(name: string, used: number, size: number): string {
    return (
      `"${name}" (${formatFileSize(size)}${size >= deps.maxUploadBytes ? ' or more' : ''}) does not fit in this event's storage quota: ` +
      `its files use ${formatFileSize(used)} of ${formatFileSize(quota)}. Delete files the event no longer needs, ` +
      'or ask the server\'s administrator to raise EVENT_STORAGE_MB.'
    );
  }

  /**
   * Before reading an upload's body: its file name (X-File-Name or ?name=), its type by that
   * name, and its declared size. Returns the name, or the response refusing it.
   */
  function checkUpload(c: Context, field: string, typeProblem: (name: string) => string | null): string | Response {
    const named = uploadName(c.req.header('x-file-name'), c.req.query('name'));
    if (!named.ok) return problem(c, { ok: false, status: 400, error: named.reason, fields: { [field]: [named.reason] } });
    const refused = typeProblem(named.name);
    if (refused) return problem(c, { ok: false, status: 415, error: refused, fields: { [field]: [refused] } });
    const declared = Number(c.req.header('content-length') ?? NaN);
    if (declared > deps.maxUploadBytes) return tooBig(c, named.name);
    return named.name;
  }

  function tooBig(c: Context, name: string) {
    const reason = tooLarge(name, deps.maxUploadBytes);
    return problem(c, { ok: false, status: 413, error: reason, fields: { file: [reason] } });
  }

  return api;
}

function notAnImage(name: string): string {
  return `"${name}" is not a jpg, png, gif, bmp or tiff image (its content says otherwise).`;
}

/** The version a writer edited: If-Match (`"3"`, `W/"3"`, `3`) or the body's `version`. */
function expectedVersion(ifMatch: string | undefined, body: unknown): number | null | 'bad' {
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
