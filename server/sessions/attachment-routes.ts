/**
 * Routes of the sessions API for a session's attachments: list, upload (streamed to disk within
 * the event's quota), read, edit title and description, delete, download (by signed link or token).
 */
import type { Context, Hono } from 'hono';
import { join } from 'node:path';
import { attachmentNameProblem, defaultAttachmentTitle, fileExtension, fileFamily } from '../../src/protocol/sessions.ts';
import type { ApiContext, Gate } from './api-context.ts';
import type { QuotaHold, UploadQuota } from './upload-quota.ts';
import { contentDisposition, contentTypeFor, fileResponseBody, receiveToFile, removeQuietly } from './uploads.ts';

export function attachmentRoutes(api: Hono, ctx: ApiContext, uploads: UploadQuota): void {
  const { store, service, problem, gate, json } = ctx;
  const { dataDir, maxUploadBytes, clock } = ctx.deps;
  const missing = (c: Context) =>
    problem(c, { ok: false, status: 404, error: `There is no attachment "${c.req.param('aid')}" in this session.` });

  api.get('/events/:event/sessions/:id/attachments', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    const found = await service.visibleSession(g.actor, g.event.id, c.req.param('id'));
    if (!found.ok) return problem(c, found);
    const records = await store.listAttachments(g.event.id, found.value.id);
    return c.json({ attachments: await Promise.all(records.map((a) => service.toAttachment(a))) });
  });

  api.post('/events/:event/sessions/:id/attachments', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    const found = await service.editableSession(g.actor, g.event.id, c.req.param('id'));
    if (!found.ok) return problem(c, found);
    const session = found.value;
    const name = uploads.checkUpload(c, 'file', attachmentNameProblem);
    if (name instanceof Response) return name;
    const id = `a${crypto.randomUUID().replaceAll('-', '').slice(0, 15)}`;
    const rel = join('attachments', g.event.id, session.id, id);
    const budget = await uploads.reserve(c, g.event.id, name);
    if (budget instanceof Response) return budget;
    try {
      const got = await receiveToFile(c.req.raw.body, {
        tmpDir: join(dataDir, 'attachments', '.tmp', ctx.deps.uploadTmp ?? ''),
        target: join(dataDir, rel),
        maxBytes: maxUploadBytes,
        name,
        onProgress: budget.check,
      });
      if (!got.ok) return problem(c, { ok: false, status: got.status, error: got.reason, fields: { file: [got.reason] } });
      const over = await budget.finalCheck(got.size);
      if (over || !(await store.getSession(g.event.id, session.id))) {
        await removeQuietly(join(dataDir, rel));
        if (over) return problem(c, { ok: false, status: 413, error: over, fields: { file: [over] } });
        return problem(c, { ok: false, status: 404, error: 'The session was deleted during the upload.' });
      }
      return await saveAttachment(c, g, session.id, id, name, got.size, rel, budget);
    } finally {
      budget.release();
    }
  });

  /** The record of a file now on disk; a record that cannot be saved leaves no file behind. */
  async function saveAttachment(c: Context, g: Gate, sessionId: string, id: string, name: string, size: number, rel: string, budget: QuotaHold): Promise<Response> {
    const extension = fileExtension(name);
    const now = clock.now();
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
    let kept: boolean;
    try {
      kept = await store.insertAttachment(record, budget.quota);
    } catch (err) {
      await removeQuietly(join(dataDir, rel));
      throw err;
    }
    if (!kept) {
      // Another server's upload to the same event took the room between our check and this write.
      await removeQuietly(join(dataDir, rel));
      const over = await budget.refusal(size);
      return problem(c, { ok: false, status: 413, error: over, fields: { file: [over] } });
    }
    c.header('Location', service.attachmentPath(record));
    return c.json(await service.toAttachment(record), 201);
  }

  api.get('/events/:event/sessions/:id/attachments/:aid', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    const found = await service.visibleSession(g.actor, g.event.id, c.req.param('id'));
    if (!found.ok) return problem(c, found);
    const a = await store.getAttachment(g.event.id, found.value.id, c.req.param('aid'));
    if (!a) return missing(c);
    return c.json(await service.toAttachment(a));
  });

  api.patch('/events/:event/sessions/:id/attachments/:aid', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    const body = await json(c);
    if (!body.ok) return problem(c, body);
    const saved = await service.editAttachment(g.actor, g.event.id, c.req.param('id'), c.req.param('aid'), body.value);
    return saved.ok ? c.json(saved.value) : problem(c, saved);
  });

  api.delete('/events/:event/sessions/:id/attachments/:aid', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    const found = await service.editableSession(g.actor, g.event.id, c.req.param('id'));
    if (!found.ok) return problem(c, found);
    const removed = await store.deleteAttachment(g.event.id, found.value.id, c.req.param('aid'));
    if (!removed) return missing(c);
    await removeQuietly(join(dataDir, removed.path));
    return c.body(null, 204);
  });

  api.get('/events/:event/sessions/:id/attachments/:aid/download', async (c) => {
    const target = { kind: 'attachment', event: c.req.param('event'), session: c.req.param('id'), file: c.req.param('aid') } as const;
    const found = await ctx.fileAccess(c, target);
    if (found instanceof Response) return found;
    const a = await store.getAttachment(found.session.event, found.session.id, target.file);
    const file = a ? await fileResponseBody(join(dataDir, a.path)) : null;
    if (!a || !file) return missing(c);
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
}
