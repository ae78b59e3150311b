/**
 * Start Meeting (room join tokens for a session's room) and the demo event-token
 * issuer, in-process with app.request() beside the real sessions API.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Hono } from 'hono';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Session } from '../../src/protocol/sessions.ts';
import { createVerifier } from '../auth.ts';
import { createSessionsApi } from './api.ts';
import { issueEventToken } from './auth.ts';
import { meetingRoutes, NOT_STARTED } from './meeting.ts';
import { seedDemoEvent } from './seed.ts';
import { EVENT, harness, PEOPLE, SECRET, sessionBody, type Harness, type Who } from './test-helpers.ts';

const base = `/api/events/${EVENT}`;

describe('Start Meeting: POST …/sessions/:id/meeting', () => {
  let h: Harness;
  let app: Hono;
  const live = new Set<string>();
  let published: Session;
  let privateOne: Session;
  let webcast: Session;

  const start = (id: string, as: Who | null, token?: string) => {
    const bearer = token ?? (as ? h.tokens[as] : null);
    return app.request(`${base}/sessions/${id}/meeting`, {
      method: 'POST',
      headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
    });
  };

  const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());

  before(async () => {
    h = await harness();
    const verifier = await createVerifier({ secret: SECRET });
    app = new Hono()
      .route('/api', createSessionsApi({ db: h.db, verifier, clock: h.clock, dataDir: h.dataDir, maxUploadBytes: 1024 }))
      .route('/api', meetingRoutes({ db: h.db, verifier, clock: h.clock, secret: SECRET, isLive: (room) => live.has(room) }));
    const make = async (over: Record<string, unknown>) => {
      const res = await h.call('POST', `${base}/sessions`, { body: sessionBody(over) });
      assert.equal(res.status, 201, await res.clone().text());
      return (await res.json()) as Session;
    };
    published = await make({});
    privateOne = await make({ title: 'Rehearsal', visibility: 'private' });
    webcast = await make({ title: 'Broadcast', type: 'live-webcast' });
  });
  after(() => h.close());

  it('gives the session\'s moderators and the organizers a host token for the session\'s room', async () => {
    for (const who of ['moderator', 'organizer'] as const) {
      const res = await start(published.id, who);
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const body = await res.json();
      assert.equal(body.room, `${EVENT}.${published.id}`);
      assert.equal(body.room, published.room);
      assert.equal(body.role, 'host');
      const c = claims(body.token);
      assert.deepEqual({ sub: c.sub, name: c.name, role: c.role, room: c.room }, {
        sub: PEOPLE[who].id, name: PEOPLE[who].name, role: 'host', room: published.room,
      });
      assert.ok(c.exp > c.iat && c.exp - c.iat <= 24 * 3600);
    }
  });

  it('signs tokens the room server accepts for that room', async () => {
    const body = await (await start(published.id, 'moderator')).json();
    const verifier = await createVerifier({ secret: SECRET });
    const ok = await verifier.verify(body.token, published.room);
    assert.ok(ok.ok);
    const wrongRoom = await verifier.verify(body.token, 'another-room');
    assert.equal(wrongRoom.ok, false);
  });

  it('gives speakers and moderators of other sessions a participant token at any time', async () => {
    const res = await start(published.id, 'speaker');
    assert.equal(res.status, 200);
    assert.equal((await res.json()).role, 'participant');
    // A moderator of the event who does not moderate this session joins as a participant.
    const other = await h.call('POST', `${base}/sessions`, { body: sessionBody({ title: 'Other', moderators: [PEOPLE.organizer.id] }) });
    const otherSession = (await other.json()) as Session;
    const mod = await start(otherSession.id, 'moderator');
    assert.equal(mod.status, 200);
    assert.equal((await mod.json()).role, 'participant');
  });

  it('gives a former session moderator who now holds an attendee token no host role', async () => {
    // Still listed as this session's moderator, but the portal now signs them in as an attendee.
    const demoted = await h.token({ ...PEOPLE.moderator, role: 'attendee' });
    let res = await start(published.id, null, demoted);
    assert.equal(res.status, 409, 'an attendee waits for the meeting to go live');
    live.add(published.room);
    res = await start(published.id, null, demoted);
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.role, 'participant');
    assert.equal(claims(body.token).role, 'participant');
    live.delete(published.room);
    // A speaker token for the same person does not make them host either.
    res = await start(published.id, null, await h.token({ ...PEOPLE.moderator, role: 'speaker' }));
    assert.equal((await res.json()).role, 'participant');
    // With a moderator token again, they host.
    res = await start(published.id, 'moderator');
    assert.equal((await res.json()).role, 'host');
  });

  it('lets attendees in only once the meeting is live', async () => {
    let res = await start(published.id, 'attendee');
    assert.equal(res.status, 409);
    assert.deepEqual(await res.json(), { error: NOT_STARTED });
    live.add(published.room);
    res = await start(published.id, 'attendee');
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.role, 'participant');
    assert.equal(claims(body.token).sub, PEOPLE.attendee.id);
    live.delete(published.room);
  });

  it('hides sessions the caller may not see, and refuses bad tokens and other events', async () => {
    live.add(privateOne.room);
    let res = await start(privateOne.id, 'attendee');
    assert.equal(res.status, 404);
    assert.match((await res.json()).error, /There is no session/);
    res = await start(privateOne.id, 'speaker');
    assert.equal(res.status, 200);

    res = await start('s-missing', 'organizer');
    assert.equal(res.status, 404);

    res = await start(published.id, null);
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /Bearer/);
    assert.match((await res.json()).error, /event token/);

    const forged = await issueEventToken('not-the-secret-0123456789-0123456789-x', { sub: 'org', name: 'O', event: EVENT, eventRole: 'organizer' });
    res = await start(published.id, null, forged);
    assert.equal(res.status, 401);

    const otherEvent = await h.token(PEOPLE.organizer, 'other-event');
    res = await start(published.id, null, otherEvent);
    assert.equal(res.status, 403);
  });

  it('has no meeting room for sessions that are not interactive rooms', async () => {
    const res = await start(webcast.id, 'organizer');
    assert.equal(res.status, 409);
    assert.match((await res.json()).error, /interactive/);
  });

  it('answers 501 when the server holds no secret to sign room tokens with', async () => {
    const verifier = await createVerifier({ secret: SECRET });
    const noSecret = new Hono().route('/api', meetingRoutes({ db: h.db, verifier, clock: h.clock, isLive: () => true }));
    const res = await noSecret.request(`${base}/sessions/${published.id}/meeting`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.tokens.organizer}` },
    });
    assert.equal(res.status, 501);
    assert.match((await res.json()).error, /cannot sign room join tokens/);
  });

  it('serves no demo token issuer unless in demo mode', async () => {
    const res = await app.request('/api/demo/event-token', { method: 'POST', body: JSON.stringify({ event: EVENT, user: 'org' }) });
    assert.equal(res.status, 404);
  });
});

describe('demo: POST /api/demo/event-token', () => {
  let dir: string;
  let db: DatabaseSync;
  let app: Hono;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meeting-demo-'));
    db = new DatabaseSync(join(dir, 'rooms.db'));
    const clock = { now: () => Date.UTC(2025, 9, 10, 12) };
    await seedDemoEvent({ db, clock });
    const verifier = await createVerifier({ secret: SECRET });
    app = new Hono()
      .route('/api', createSessionsApi({ db, verifier, clock, dataDir: dir, maxUploadBytes: 1024 }))
      .route('/api', meetingRoutes({ db, verifier, clock, secret: SECRET, isLive: () => false, demo: true }));
  });
  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ask = (body: unknown) =>
    app.request('/api/demo/event-token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('signs an event token for a seeded person under their strongest role, which the API accepts', async () => {
    for (const [user, role] of [['olivia-grant', 'organizer'], ['morgan-lee', 'moderator'], ['alex-kim', 'attendee']] as const) {
      const res = await ask({ event: 'demo-summit', user });
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.equal(body.user.id, user);
      assert.equal(body.user.role, role);
      const listed = await app.request('/api/events/demo-summit/sessions', { headers: { authorization: `Bearer ${body.token}` } });
      assert.equal(listed.status, 200);
      const { sessions } = (await listed.json()) as { sessions: Session[] };
      // Attendees see published sessions only; the team sees the private rehearsal too.
      assert.equal(sessions.some((s) => s.visibility === 'private'), role !== 'attendee');
    }
  });

  it('refuses unknown people, unknown events and bad bodies', async () => {
    let res = await ask({ event: 'demo-summit', user: 'nobody' });
    assert.equal(res.status, 404);
    assert.match((await res.json()).error, /no one with id "nobody"/);
    // Only the demo event: demo mode signs nothing for other events, even ones that exist.
    res = await ask({ event: 'no-such-event', user: 'alex-kim' });
    assert.equal(res.status, 403);
    await seedDemoEvent({ db, clock: { now: () => Date.UTC(2025, 9, 10, 12) } }, { event: 'real-event' });
    res = await ask({ event: 'real-event', user: 'olivia-grant' });
    assert.equal(res.status, 403);
    assert.match((await res.json()).error, /only for the demo event "demo-summit"/);
    res = await ask({ event: 'demo-summit' });
    assert.equal(res.status, 400);
    res = await app.request('/api/demo/event-token', { method: 'POST', body: 'not json' });
    assert.equal(res.status, 400);
  });
});
