/** Routes of the sessions API for an event's sessions: list, create, read, edit (versioned), delete. */
import type { Hono } from 'hono';
import { join } from 'node:path';
import { expectedVersion, type ApiContext } from './api-context.ts';
import { removeQuietly } from './uploads.ts';

export function sessionRoutes(api: Hono, ctx: ApiContext): void {
  const { service, problem, gate, json, sessionReply } = ctx;
  const { dataDir } = ctx.deps;

  api.get('/events/:event/sessions', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    const tags = (c.req.queries('tag') ?? []).flatMap((t) => t.split(',')).filter(Boolean);
    return c.json({ sessions: await service.listSessions(g.actor, g.event.id, tags) });
  });

  api.post('/events/:event/sessions', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    const body = await json(c);
    if (!body.ok) return problem(c, body);
    const made = await service.createSession(g.actor, g.event, body.value);
    if (!made.ok) return problem(c, made);
    c.header('Location', `${ctx.basePath}/events/${encodeURIComponent(g.event.id)}/sessions/${made.value.id}`);
    return sessionReply(c, made.value, 201);
  });

  api.get('/events/:event/sessions/:id', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    const found = await service.visibleSession(g.actor, g.event.id, c.req.param('id'));
    return found.ok ? sessionReply(c, await service.toSession(found.value)) : problem(c, found);
  });

  api.patch('/events/:event/sessions/:id', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    const body = await json(c);
    if (!body.ok) return problem(c, body);
    const version = expectedVersion(c.req.header('if-match'), body.value);
    if (version === 'bad') return problem(c, { ok: false, status: 400, error: 'The version (If-Match or "version") must be a whole number.' });
    const saved = await service.updateSession(g.actor, g.event.id, c.req.param('id'), body.value, version);
    return saved.ok ? sessionReply(c, saved.value) : problem(c, saved);
  });

  api.delete('/events/:event/sessions/:id', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    const version = expectedVersion(c.req.header('if-match'), null);
    if (version === 'bad') return problem(c, { ok: false, status: 400, error: 'The If-Match version must be a whole number.' });
    const removed = await service.deleteSession(g.actor, g.event.id, c.req.param('id'), version);
    if (!removed.ok) return problem(c, removed);
    // The id matched a stored session, so it is one the server generated: safe in a path.
    await removeQuietly(join(dataDir, 'attachments', g.event.id, c.req.param('id')));
    if (removed.value.header) await removeQuietly(join(dataDir, removed.value.header.path));
    return c.body(null, 204);
  });
}
