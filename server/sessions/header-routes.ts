/**
 * Routes of the sessions API for a session's header image: upload (checked to be an image by its
 * content), read (by signed link or token), remove.
 */
import type { Hono } from 'hono';
import { join } from 'node:path';
import { headerNameProblem } from '../../src/protocol/sessions.ts';
import type { ApiContext } from './api-context.ts';
import type { UploadQuota } from './upload-quota.ts';
import { contentDisposition, fileResponseBody, receiveToFile, removeQuietly, sniffImage, SNIFF_BYTES } from './uploads.ts';

export function headerRoutes(api: Hono, ctx: ApiContext, uploads: UploadQuota): void {
  const { store, service, problem, gate, sessionReply } = ctx;
  const { dataDir, maxUploadBytes, clock } = ctx.deps;

  api.put('/events/:event/sessions/:id/header', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    const found = await service.editableSession(g.actor, g.event.id, c.req.param('id'));
    if (!found.ok) return problem(c, found);
    const session = found.value;
    const name = uploads.checkUpload(c, 'header', headerNameProblem);
    if (name instanceof Response) return name;
    const rel = join('headers', g.event.id, `${session.id}-${crypto.randomUUID()}`);
    // The header it replaces is not counted against the quota.
    const budget = await uploads.reserve(c, g.event.id, name, session.header?.size ?? 0);
    if (budget instanceof Response) return budget;
    let replaced;
    try {
      const got = await receiveToFile(c.req.raw.body, {
        tmpDir: join(dataDir, 'headers', '.tmp', ctx.deps.uploadTmp ?? ''),
        target: join(dataDir, rel),
        maxBytes: maxUploadBytes,
        name,
        headBytes: SNIFF_BYTES,
        inspect: (head) => (sniffImage(head) ? null : notAnImage(name)),
        onProgress: budget.check,
      });
      if (!got.ok) return problem(c, { ok: false, status: got.status, error: got.reason, fields: { header: [got.reason] } });
      const over = await budget.finalCheck(got.size);
      if (over) {
        await removeQuietly(join(dataDir, rel));
        return problem(c, { ok: false, status: 413, error: over, fields: { header: [over] } });
      }
      const header = { name, contentType: sniffImage(got.head)!, size: got.size, path: rel, updatedAt: clock.now() };
      try {
        replaced = await store.setHeader(g.event.id, session.id, header, budget.quota);
      } catch (err) {
        await removeQuietly(join(dataDir, rel));
        throw err;
      }
      if (replaced === 'over-quota') {
        // Another server's upload to the same event took the room between our check and this write.
        await removeQuietly(join(dataDir, rel));
        const refusal = await budget.refusal(got.size);
        return problem(c, { ok: false, status: 413, error: refusal, fields: { header: [refusal] } });
      }
    } finally {
      budget.release();
    }
    if (!replaced) {
      await removeQuietly(join(dataDir, rel));
      return problem(c, { ok: false, status: 404, error: 'The session was deleted during the upload.' });
    }
    if (replaced.previous) await removeQuietly(join(dataDir, replaced.previous.path));
    return sessionReply(c, await service.toSession((await store.getSession(g.event.id, session.id))!));
  });

  api.get('/events/:event/sessions/:id/header', async (c) => {
    const version = c.req.query('v') ?? '';
    const found = await ctx.fileAccess(c, { kind: 'header', event: c.req.param('event'), session: c.req.param('id'), file: version });
    if (found instanceof Response) return found;
    const header = found.signed && String(found.session.header?.updatedAt) !== version ? null : found.session.header;
    const file = header ? await fileResponseBody(join(dataDir, header.path)) : null;
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
    const found = await service.editableSession(g.actor, g.event.id, c.req.param('id'));
    if (!found.ok) return problem(c, found);
    const cleared = await store.setHeader(g.event.id, found.value.id, null);
    if (cleared && cleared !== 'over-quota' && cleared.previous) await removeQuietly(join(dataDir, cleared.previous.path));
    return sessionReply(c, await service.toSession((await store.getSession(g.event.id, found.value.id))!));
  });
}

function notAnImage(name: string): string {
  return `"${name}" is not a jpg, png, gif, bmp or tiff image (its content says otherwise).`;
}
