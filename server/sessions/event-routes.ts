/** Routes of the sessions API for an event itself, its people and its tags. */
import type { Hono } from 'hono';
import type { ApiContext } from './api-context.ts';

export function eventRoutes(api: Hono, ctx: ApiContext): void {
  const { service, problem, gate, json } = ctx;

  // ---- events ----

  api.post('/events', async (c) => {
    const actor = await ctx.caller(c);
    if (actor instanceof Response) return actor;
    const body = await json(c);
    if (!body.ok) return problem(c, body);
    const created = await service.createEvent(actor, body.value);
    if (!created.ok) return problem(c, created);
    c.header('Location', `${ctx.basePath}/events/${encodeURIComponent(created.value.id)}`);
    return c.json(created.value, 201);
  });

  api.get('/events/:event', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    return c.json(await service.eventInfo(g.actor, g.event));
  });

  // ---- people ----

  api.get('/events/:event/people', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    const people = await service.listPeople(g.actor, g.event.id, { role: c.req.query('role'), q: c.req.query('q'), limit: c.req.query('limit') });
    return people.ok ? c.json({ people: people.value }) : problem(c, people);
  });

  api.post('/events/:event/people', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    const body = await json(c);
    if (!body.ok) return problem(c, body);
    const added = await service.addPerson(g.actor, g.event.id, body.value);
    return added.ok ? c.json({ person: added.value }, 201) : problem(c, added);
  });

  // ---- tags ----

  api.get('/events/:event/tags', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    return c.json({ tags: await service.listTags(g.event.id, c.req.query('q')) });
  });

  api.post('/events/:event/tags', async (c) => {
    const g = await gate(c);
    if (g instanceof Response) return g;
    const body = await json(c);
    if (!body.ok) return problem(c, body);
    const made = await service.createTag(g.actor, g.event.id, body.value);
    if (!made.ok) return problem(c, made);
    return c.json(made.value, made.value.created ? 201 : 200);
  });
}
