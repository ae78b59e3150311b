/**
 * The events/sessions/attachments REST API, as a Hono sub-app mounted at /api.
 * HTTP only: reading tokens, bodies and files, and turning results into replies.
 * The rules live in service.ts, the storage behind the SessionsStore interface.
 *
 * The routes live in one module per resource: event-routes.ts (the event, its
 * people and tags), session-routes.ts, header-routes.ts, attachment-routes.ts;
 * api-context.ts holds what they share, upload-quota.ts the upload checks.
 *
 * Every reply that is not a file is JSON; every error is
 * `{ error: 'sentence', fields?: { field: ['…'] } }` (a 409 also carries `current`).
 */
import { Hono, type Context } from 'hono';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteSessionsStore } from '../store/sessions-sqlite.ts';
import { guardStore, isStorageFault } from '../store/sessions-store.ts';
import { createApiContext, type SessionsApiDeps } from './api-context.ts';
import { attachmentRoutes } from './attachment-routes.ts';
import { eventRoutes } from './event-routes.ts';
import { headerRoutes } from './header-routes.ts';
import { createFileLinks } from './links.ts';
import { SessionsService } from './service.ts';
import { sessionRoutes } from './session-routes.ts';
import { UploadQuota } from './upload-quota.ts';

export type { SessionsApiDeps };

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
export function removePartialUploads(dataDir: string, uploadTmp = ''): void {
  for (const dir of [join(dataDir, 'attachments', '.tmp', uploadTmp), join(dataDir, 'headers', '.tmp', uploadTmp)]) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch (err) {
      console.error(`[sessions] could not remove partial uploads in ${dir}: ${(err as Error).message}`);
    }
  }
}

/** Build the API; mount it with `app.route('/api', createSessionsApi(deps))`. */
export function createSessionsApi(deps: SessionsApiDeps): Hono {
  const store = guardStore(deps.store ?? new SqliteSessionsStore(deps.db!));
  const links = deps.links ?? createFileLinks({ secret: deps.linkSecret, clock: deps.clock });
  const service = new SessionsService({ store, clock: deps.clock, basePath: deps.basePath, links });
  const ctx = createApiContext(deps, { store, service, links });
  const uploads = new UploadQuota({
    store,
    problem: ctx.problem,
    quota: deps.eventStorageBytes ?? 5120 * 1024 * 1024,
    maxUploadBytes: deps.maxUploadBytes,
  });
  removePartialUploads(deps.dataDir, deps.uploadTmp);
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

  eventRoutes(api, ctx);
  sessionRoutes(api, ctx);
  headerRoutes(api, ctx, uploads);
  attachmentRoutes(api, ctx, uploads);
  return api;
}
