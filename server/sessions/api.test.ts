/**
 * The sessions API in-process (app.request): identity, events, people, tags,
 * every field rule over HTTP, every permission (role × visibility × action),
 * and concurrent edits. Real-HTTP uploads live in uploads.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import type { EventInfo, Session, Tag } from '../../src/protocol/sessions.ts';
import { issueEventToken } from './auth.ts';
import { EVENT, harness, PEOPLE, SECRET, sessionBody, type Harness, type Who } from './test-helpers.ts';

const base = `/api/events/${EVENT}`;

async function createSession(h: Harness, over: Record<string, unknown> = {}, as: Who = 'organizer'): Promise<Session> {
  const res = await h.call('POST', `${base}/sessions`, { as, body: sessionBody(over) });
  assert.equal(res.status, 201, await res.clone().text());
  return res.json();
}

describe('identity: event tokens', () => {
  let h: Harness;
  before(async () => (h = await harness()));
  after(() => h.close());

  it('refuses a request without a token, with a bad signature, or with wrong claims', async () => {
    let res = await h.call('GET', `${base}/sessions`, { as: null });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /Bearer/);
    assert.match((await res.json()).error, /Authorization: Bearer/);

    const forged = await issueEventToken('another-secret-0123456789-0123456789-xyz', { sub: 'org', name: 'O', event: EVENT, eventRole: 'organizer' });
    res = await h.call('GET', `${base}/sessions`, { token: forged });
    assert.equal(res.status, 401);
    assert.match((await res.json()).error, /event token was not signed by this site/);

    const noRole = await new SignJWT({ sub: 'x', name: 'X', event: EVENT, eventRole: 'superuser' })
      .setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));
    res = await h.call('GET', `${base}/sessions`, { token: noRole });
    assert.equal(res.status, 401);
    assert.match((await res.json()).error, /eventRole must be organizer, moderator, speaker or attendee/);

    const expired = await new SignJWT({ sub: 'x', name: 'X', event: EVENT, eventRole: 'attendee' })
      .setProtectedHeader({ alg: 'HS256' }).setIssuedAt(1000).setExpirationTime(2000).sign(new TextEncoder().encode(SECRET));
    res = await h.call('GET', `${base}/sessions`, { token: expired });
    assert.equal(res.status, 401);
    assert.match((await res.json()).error, /expired/);
  });

  it('accepts a token only for its own event', async () => {
    const other = await h.token(PEOPLE.organizer, 'other-event');
    const res = await h.call('GET', `${base}/sessions`, { token: other });
    assert.equal(res.status, 403);
    assert.match((await res.json()).error, /for event "other-event", not "ev1"/);
    const missing = await h.call('GET', '/api/events/other-event/sessions', { token: other });
    assert.equal(missing.status, 404);
    assert.match((await missing.json()).error, /no event "other-event"/);
  });

  it('records whoever arrives with a token under their role (the turnout denominator)', async () => {
    let info: EventInfo = await (await h.call('GET', base, { as: 'attendee' })).json();
    assert.deepEqual(info.counts, { organizer: 2, moderator: 2, speaker: 1, attendee: 1 });
    const newcomer = await h.token({ id: 'att2', name: 'Ann Other', role: 'attendee' });
    await h.call('GET', base, { token: newcomer });
    info = await (await h.call('GET', base, { token: newcomer })).json();
    assert.equal(info.counts.attendee, 2);
  });
});

describe('events', () => {
  it('lets an organizer create the event of their token, and makes them its moderator', async () => {
    const h = await harness({ createEvent: false });
    try {
      let res = await h.call('POST', '/api/events', { as: 'moderator', body: { name: 'X' } });
      assert.equal(res.status, 403);
      res = await h.call('POST', '/api/events', { body: { name: '  ', timeZone: 'Mars/Olympus' } });
      assert.equal(res.status, 422);
      const bad = await res.json();
      assert.deepEqual(bad.fields, { name: ['Enter a name for the event.'], timeZone: ['Use an IANA time zone such as Europe/Berlin.'] });
      res = await h.call('POST', '/api/events', { body: '{not json' });
      assert.equal(res.status, 400);
      assert.equal((await res.json()).error, 'The request body is not valid JSON.');

      res = await h.call('POST', '/api/events', { body: { name: 'Life Sciences Summit', timeZone: 'Europe/Berlin' } });
      assert.equal(res.status, 201);
      assert.equal(res.headers.get('location'), `/api/events/${EVENT}`);
      const info: EventInfo = await res.json();
      assert.equal(info.id, EVENT);
      assert.equal(info.timeZone, 'Europe/Berlin');
      assert.deepEqual(info.createdBy, { id: 'org', name: 'Olivia Organizer' });
      assert.deepEqual(info.sessionDefaults.moderators, [{ id: 'org', name: 'Olivia Organizer' }]);

      const people = await (await h.call('GET', `${base}/people?role=moderator`)).json();
      assert.deepEqual(people.people, [{ id: 'org', name: 'Olivia Organizer', roles: ['organizer', 'moderator'] }]);

      res = await h.call('POST', '/api/events', { body: { name: 'Again' } });
      assert.equal(res.status, 409);
      assert.match((await res.json()).error, /already exists/);
    } finally {
      h.close();
    }
  });

  it('makes the creator the moderator of the first session only', async () => {
    const h = await harness();
    try {
      const first = await createSession(h, { moderators: [] }, 'moderator');
      assert.deepEqual(first.moderators, [{ id: 'org', name: 'Olivia Organizer' }]);
      const withOthers = await createSession(h, { moderators: ['mod'] });
      assert.deepEqual(withOthers.moderators.map((m) => m.id), ['mod'], 'second session: only who was chosen');
      const res = await h.call('POST', `${base}/sessions`, { body: sessionBody({ moderators: [] }) });
      assert.equal(res.status, 422);
      assert.deepEqual((await res.json()).fields, { moderators: ['Add at least one moderator.'] });
      const info: EventInfo = await (await h.call('GET', base)).json();
      assert.deepEqual(info.sessionDefaults.moderators, []);
    } finally {
      h.close();
    }
  });

  it('adds the creator to the first session beside the chosen moderators', async () => {
    const h = await harness();
    try {
      const first = await createSession(h, { moderators: ['mod'] });
      assert.deepEqual(first.moderators.map((m) => m.id), ['org', 'mod']);
    } finally {
      h.close();
    }
  });
});

describe('people and tags', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
    await h.call('POST', `${base}/people`, { body: { id: 'spk2', name: 'Sam Okafor', roles: ['speaker'] } });
    await h.call('POST', `${base}/people`, { body: { id: 'both', name: 'Bea Samson', roles: ['speaker', 'moderator'] } });
  });
  after(() => h.close());

  it('finds people by role and by part of their name, for the pickers', async () => {
    const get = async (qs: string, as: Who = 'moderator') => (await (await h.call('GET', `${base}/people${qs}`, { as })).json()).people;
    assert.deepEqual((await get('?role=speaker')).map((p: { id: string }) => p.id), ['both', 'spk2', 'spk']);
    assert.deepEqual((await get('?role=speaker&q=SAM')).map((p: { id: string }) => p.id), ['both', 'spk2', 'spk']);
    assert.deepEqual((await get('?role=speaker&q=oka')).map((p: { name: string }) => p.name), ['Sam Okafor']);
    assert.deepEqual((await get('?role=moderator&q=bea'))[0].roles, ['moderator', 'speaker']);
    assert.deepEqual(await get('?role=speaker&q=%25'), [], 'wildcards are literal');
    for (const who of ['speaker', 'attendee'] as const) {
      assert.equal((await h.call('GET', `${base}/people?role=speaker`, { as: who })).status, 403);
    }
    assert.equal((await h.call('GET', `${base}/people?role=boss`)).status, 400);
  });

  it('lets only organizers add people', async () => {
    const res = await h.call('POST', `${base}/people`, { as: 'moderator', body: { id: 'x', name: 'X', roles: ['speaker'] } });
    assert.equal(res.status, 403);
    const bad = await h.call('POST', `${base}/people`, { body: { id: 'x', name: '', roles: [] } });
    assert.equal(bad.status, 422);
    assert.deepEqual(Object.keys((await bad.json()).fields).sort(), ['name', 'roles']);
  });

  it('creates tags once per name (any case), finds them as you type, and refuses bad names', async () => {
    let res = await h.call('POST', `${base}/tags`, { as: 'moderator', body: { name: 'Keynote' } });
    assert.equal(res.status, 201);
    const keynote = (await res.json()).tag as Tag;
    res = await h.call('POST', `${base}/tags`, { body: { name: '  keynote ' } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { tag: keynote, created: false });
    await h.call('POST', `${base}/tags`, { body: { name: 'Workshop' } });
    const all = (await (await h.call('GET', `${base}/tags`, { as: 'attendee' })).json()).tags;
    assert.deepEqual(all.map((t: Tag) => t.name), ['Keynote', 'Workshop']);
    const typed = (await (await h.call('GET', `${base}/tags?q=wor`)).json()).tags;
    assert.deepEqual(typed.map((t: Tag) => t.name), ['Workshop']);
    res = await h.call('POST', `${base}/tags`, { body: { name: '<b>' } });
    assert.equal(res.status, 422);
    assert.deepEqual((await res.json()).fields, { name: ['Characters "<" and ">" are not supported in tags.'] });
    res = await h.call('POST', `${base}/tags`, { body: { name: '' } });
    assert.deepEqual((await res.json()).fields, { name: ['Enter a tag name.'] });
    for (const who of ['speaker', 'attendee'] as const) {
      assert.equal((await h.call('POST', `${base}/tags`, { as: who, body: { name: 'Mine' } })).status, 403);
    }
  });
});

describe('session fields over HTTP', () => {
  let h: Harness;
  let tagA: Tag;
  let tagB: Tag;
  before(async () => {
    h = await harness();
    tagA = (await (await h.call('POST', `${base}/tags`, { body: { name: 'Biology' } })).json()).tag;
    tagB = (await (await h.call('POST', `${base}/tags`, { body: { name: 'Workshop' } })).json()).tag;
    await createSession(h); // the first session (gets the creator as moderator)
  });
  after(() => h.close());

  const fieldsOf = async (over: Record<string, unknown>) => {
    const res = await h.call('POST', `${base}/sessions`, { body: sessionBody(over) });
    assert.equal(res.status, 422, `expected 422 for ${JSON.stringify(over)}`);
    const body = await res.json();
    assert.equal(typeof body.error, 'string');
    return body.fields;
  };

  it('creates an interactive session with every field and returns it whole', async () => {
    const s = await createSession(h, {
      title: 'Cell signalling', description: 'Deep dive.', tags: [tagA.id, tagB.id], date: '2025-11-04', time: '14:15',
      duration: 1440, speakers: ['spk'], moderators: ['mod', 'org'], aiAssistant: true, visibility: 'unlisted',
    });
    assert.equal(s.type, 'interactive');
    assert.equal(s.title, 'Cell signalling');
    assert.deepEqual(s.tags, [tagA, tagB]);
    assert.deepEqual(s.speakers, [{ id: 'spk', name: 'Samira Speaker' }]);
    assert.deepEqual(s.moderators.map((m) => m.id), ['mod', 'org']);
    assert.equal(s.aiAssistant, true);
    assert.equal(s.visibility, 'unlisted');
    assert.equal(s.duration, 1440);
    assert.equal(s.version, 1);
    assert.equal(s.room, `${EVENT}.${s.id}`);
    assert.equal(s.header, null);
    assert.equal(s.attachmentCount, 0);
    assert.equal(s.createdAt, '2025-10-10T12:00:00.000Z');
    const again: Session = await (await h.call('GET', `${base}/sessions/${s.id}`)).json();
    assert.deepEqual(again, s);
  });

  it('stores other session types too', async () => {
    const s = await createSession(h, { type: 'live-webcast' });
    assert.equal(s.type, 'live-webcast');
  });

  it('enforces the title rules', async () => {
    assert.deepEqual(await fieldsOf({ title: '' }), { title: ['Enter a title for your session.'] });
    assert.deepEqual(await fieldsOf({ title: undefined }), { title: ['Enter a title for your session.'] });
    assert.deepEqual(await fieldsOf({ title: 'y'.repeat(121) }), { title: ['A title can have at most 120 characters.'] });
    assert.deepEqual(await fieldsOf({ title: '<script>' }), { title: ['Characters "<" and ">" are not supported.'] });
    assert.equal((await createSession(h, { title: 'z'.repeat(120) })).title.length, 120);
  });

  it('enforces date, time and duration', async () => {
    assert.deepEqual(await fieldsOf({ date: undefined }), { date: ['Choose the day your session will start.'] });
    assert.deepEqual(await fieldsOf({ date: '2025-13-01' }), { date: ['Enter the date as YYYY-MM-DD (a real calendar day).'] });
    assert.deepEqual(await fieldsOf({ time: '' }), { time: ['Choose the time your session will start.'] });
    assert.deepEqual(await fieldsOf({ time: '7pm' }), { time: ['Enter the time as HH:MM (24-hour clock).'] });
    assert.deepEqual(await fieldsOf({ duration: undefined }), { duration: ['Choose the duration of your session (in minutes).'] });
    assert.deepEqual(await fieldsOf({ duration: 1441 }), { duration: ['Max duration is 1440 minutes (24 hours).'] });
    assert.deepEqual(await fieldsOf({ duration: 0 }), { duration: ['A session lasts at least 1 minute.'] });
    assert.deepEqual(await fieldsOf({ duration: 2.5 }), { duration: ['The duration is a whole number of minutes.'] });
  });

  it('enforces visibility, the AI assistant switch, type and description', async () => {
    assert.deepEqual(await fieldsOf({ visibility: 'public' }), { visibility: ['Choose the visibility: private, unlisted or published.'] });
    assert.deepEqual(await fieldsOf({ aiAssistant: 'on' }), { aiAssistant: ['The AI assistant is either on (true) or off (false).'] });
    assert.ok((await fieldsOf({ type: 'town-hall' })).type);
    assert.deepEqual(await fieldsOf({ description: 'd'.repeat(5001) }), { description: ['A description can have at most 5000 characters.'] });
  });

  it('takes speakers only from people with the speaker role, and moderators from the moderator role', async () => {
    assert.deepEqual(await fieldsOf({ speakers: ['att'] }), { speakers: ['Alex Attendee has not been assigned the Speaker role.'] });
    assert.deepEqual(await fieldsOf({ speakers: ['ghost'] }), { speakers: ['There is no one with id "ghost" in this event.'] });
    assert.deepEqual(await fieldsOf({ moderators: ['spk'] }), { moderators: ['Samira Speaker has not been assigned the Moderator role.'] });
    assert.deepEqual(await fieldsOf({ moderators: [] }), { moderators: ['Add at least one moderator.'] });
    const s = await createSession(h, { speakers: [], moderators: ['mod'] });
    assert.deepEqual(s.speakers, []);
  });

  it('applies only existing tags, and detaches them on edit', async () => {
    assert.deepEqual(await fieldsOf({ tags: ['nope'] }), { tags: ['There is no tag "nope" in this event; create it first.'] });
    const s = await createSession(h, { tags: [tagA.id] });
    // Create a new tag, apply it, and detach the old one.
    const fresh: Tag = (await (await h.call('POST', `${base}/tags`, { body: { name: 'Genetics' } })).json()).tag;
    let res = await h.call('PATCH', `${base}/sessions/${s.id}`, { body: { version: s.version, tags: [tagA.id, fresh.id] } });
    const withBoth: Session = await res.json();
    assert.deepEqual(withBoth.tags.map((t) => t.name), ['Biology', 'Genetics']);
    res = await h.call('PATCH', `${base}/sessions/${s.id}`, { body: { version: withBoth.version, tags: [fresh.id] } });
    assert.deepEqual(((await res.json()) as Session).tags.map((t) => t.name), ['Genetics']);
  });

  it('answers every bad field at once, and malformed bodies with 400', async () => {
    const res = await h.call('POST', `${base}/sessions`, { body: { title: '<x>', duration: 9999, visibility: 'nope' } });
    assert.equal(res.status, 422);
    const body = await res.json();
    assert.deepEqual(Object.keys(body.fields).sort(), ['date', 'duration', 'moderators', 'time', 'title', 'visibility']);
    assert.match(body.error, /and 5 more problems/);
    assert.equal((await h.call('POST', `${base}/sessions`, { body: '[1,2]' })).status, 400);
    assert.equal((await h.call('POST', `${base}/sessions`, { body: '{"title":' })).status, 400);
    const huge = await h.call('POST', `${base}/sessions`, { body: JSON.stringify({ title: 'x'.repeat(70_000) }) });
    assert.equal(huge.status, 413);
  });

  it('filters the agenda by tag', async () => {
    const tagged = await createSession(h, { title: 'Tagged B', tags: [tagB.id] });
    const list: Session[] = (await (await h.call('GET', `${base}/sessions?tag=${tagB.id}`)).json()).sessions;
    assert.ok(list.length >= 1);
    assert.ok(list.every((s) => s.tags.some((t) => t.id === tagB.id)));
    assert.ok(list.some((s) => s.id === tagged.id));
    const none: Session[] = (await (await h.call('GET', `${base}/sessions?tag=unknown`)).json()).sessions;
    assert.deepEqual(none, []);
  });

  it('lists sessions by date and time', async () => {
    const h2 = await harness();
    try {
      await createSession(h2, { title: 'Late', date: '2025-11-04', time: '08:00' });
      await createSession(h2, { title: 'Early', date: '2025-11-03', time: '17:00' });
      await createSession(h2, { title: 'Earlier', date: '2025-11-03', time: '09:00' });
      const list: Session[] = (await (await h2.call('GET', `${base}/sessions`)).json()).sessions;
      assert.deepEqual(list.map((s) => s.title), ['Earlier', 'Early', 'Late']);
    } finally {
      h2.close();
    }
  });
});

describe('edits and conflicts', () => {
  let h: Harness;
  before(async () => (h = await harness()));
  after(() => h.close());

  it('saves a partial edit, raises the version and sends an ETag', async () => {
    const s = await createSession(h);
    h.clock.time += 60_000;
    const res = await h.call('PATCH', `${base}/sessions/${s.id}`, { headers: { 'if-match': `"${s.version}"` }, body: { title: 'Renamed', aiAssistant: true } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('etag'), '"2"');
    const saved: Session = await res.json();
    assert.equal(saved.title, 'Renamed');
    assert.equal(saved.aiAssistant, true);
    assert.equal(saved.description, s.description, 'untouched fields stay');
    assert.equal(saved.version, 2);
    assert.equal(saved.updatedAt, '2025-10-10T12:01:00.000Z');
  });

  it('refuses an invalid edit without saving anything', async () => {
    const s = await createSession(h);
    const res = await h.call('PATCH', `${base}/sessions/${s.id}`, { body: { version: 1, title: '', duration: 2000 } });
    assert.equal(res.status, 422);
    assert.deepEqual((await res.json()).fields, { title: ['Enter a title for your session.'], duration: ['Max duration is 1440 minutes (24 hours).'] });
    const now: Session = await (await h.call('GET', `${base}/sessions/${s.id}`)).json();
    assert.equal(now.version, 1);
    assert.equal(now.title, s.title);
  });

  it('gives the second of two organizers saving the same version a conflict, not a silent overwrite', async () => {
    const s = await createSession(h);
    const [a, b] = await Promise.all([
      h.call('PATCH', `${base}/sessions/${s.id}`, { as: 'organizer', body: { version: s.version, title: 'Olivia’s title' } }),
      h.call('PATCH', `${base}/sessions/${s.id}`, { as: 'organizer2', body: { version: s.version, title: 'Oscar’s title' } }),
    ]);
    assert.deepEqual([a.status, b.status].sort(), [200, 409]);
    const conflict = await (a.status === 409 ? a : b).json();
    assert.equal(
      conflict.error,
      'Someone else saved this session while you were editing it. Reload to see their changes, then make your edits again.',
    );
    const winner: Session = await (a.status === 200 ? a : b).json();
    assert.deepEqual(conflict.current, winner, 'the conflict carries the session as it now is');
    const stored: Session = await (await h.call('GET', `${base}/sessions/${s.id}`)).json();
    assert.equal(stored.title, winner.title);
    assert.equal(stored.version, 2);
    // With the current version, the loser can save again.
    const retry = await h.call('PATCH', `${base}/sessions/${s.id}`, { as: 'organizer2', headers: { 'if-match': 'W/"2"' }, body: { title: 'Merged title' } });
    assert.equal(retry.status, 200);
  });

  it('asks for the version on edit, and checks it on delete when given', async () => {
    const s = await createSession(h);
    let res = await h.call('PATCH', `${base}/sessions/${s.id}`, { body: { title: 'No version' } });
    assert.equal(res.status, 428);
    assert.match((await res.json()).error, /If-Match/);
    res = await h.call('PATCH', `${base}/sessions/${s.id}`, { headers: { 'if-match': 'abc' }, body: {} });
    assert.equal(res.status, 400);
    await h.call('PATCH', `${base}/sessions/${s.id}`, { body: { version: 1, title: 'v2' } });
    res = await h.call('DELETE', `${base}/sessions/${s.id}`, { headers: { 'if-match': '"1"' } });
    assert.equal(res.status, 409);
    res = await h.call('DELETE', `${base}/sessions/${s.id}`, { headers: { 'if-match': '"2"' } });
    assert.equal(res.status, 204);
    assert.equal((await h.call('GET', `${base}/sessions/${s.id}`)).status, 404);
    assert.equal((await h.call('PATCH', `${base}/sessions/${s.id}`, { body: { version: 2 } })).status, 404);
  });
});

describe('who may do what (role × visibility × action)', () => {
  const roles = ['organizer', 'moderator', 'speaker', 'attendee'] as const;
  const visibilities = ['private', 'unlisted', 'published'] as const;
  const team = (r: string) => r !== 'attendee';
  const editor = (r: string) => r === 'organizer' || r === 'moderator';
  let h: Harness;
  before(async () => {
    h = await harness();
    await createSession(h, { title: 'First' });
  });
  after(() => h.close());

  for (const role of roles) {
    it(`${role}: create`, async () => {
      const res = await h.call('POST', `${base}/sessions`, { as: role, body: sessionBody() });
      assert.equal(res.status, editor(role) ? 201 : 403);
      if (!editor(role)) assert.equal((await res.json()).error, 'Only the event\'s organizers and moderators can change sessions.');
    });

    for (const visibility of visibilities) {
      it(`${role} × ${visibility}: list, get, edit, delete, attachments`, async () => {
        const s = await createSession(h, { title: `${visibility} for ${role}`, visibility });
        const sees = team(role) || visibility !== 'private';
        const listed = team(role) || visibility === 'published';
        const hidden = sees ? 403 : 404;

        const list: Session[] = (await (await h.call('GET', `${base}/sessions`, { as: role })).json()).sessions;
        assert.equal(list.some((x) => x.id === s.id), listed, 'listing');
        if (!team(role)) assert.ok(list.every((x) => x.visibility === 'published'));

        const got = await h.call('GET', `${base}/sessions/${s.id}`, { as: role });
        assert.equal(got.status, sees ? 200 : 404, 'get by id');

        const att = await h.call('POST', `${base}/sessions/${s.id}/attachments`, { headers: { 'x-file-name': 'notes.pdf' }, body: new Uint8Array([1, 2, 3]) });
        const aid = (await att.json()).id;
        const files = await h.call('GET', `${base}/sessions/${s.id}/attachments`, { as: role });
        assert.equal(files.status, sees ? 200 : 404, 'list attachments');
        assert.equal((await h.call('GET', `${base}/sessions/${s.id}/attachments/${aid}`, { as: role })).status, sees ? 200 : 404, 'attachment info');
        assert.equal((await h.call('GET', `${base}/sessions/${s.id}/attachments/${aid}/download`, { as: role })).status, sees ? 200 : 404, 'download');
        const upload = await h.call('POST', `${base}/sessions/${s.id}/attachments`, { as: role, headers: { 'x-file-name': 'more.pdf' }, body: new Uint8Array([4]) });
        assert.equal(upload.status, editor(role) ? 201 : hidden, 'upload');
        const editAtt = await h.call('PATCH', `${base}/sessions/${s.id}/attachments/${aid}`, { as: role, body: { title: 'Renamed' } });
        assert.equal(editAtt.status, editor(role) ? 200 : hidden, 'edit attachment');

        const edit = await h.call('PATCH', `${base}/sessions/${s.id}`, { as: role, body: { version: 1, description: 'edited' } });
        assert.equal(edit.status, editor(role) ? 200 : hidden, 'edit');

        const delAtt = await h.call('DELETE', `${base}/sessions/${s.id}/attachments/${aid}`, { as: role });
        assert.equal(delAtt.status, editor(role) ? 204 : hidden, 'delete attachment');

        const del = await h.call('DELETE', `${base}/sessions/${s.id}`, { as: role });
        assert.equal(del.status, editor(role) ? 204 : hidden, 'delete');
        const after = await h.call('GET', `${base}/sessions/${s.id}`);
        assert.equal(after.status, editor(role) ? 404 : 200, 'deleted only by editors');
      });
    }
  }

  it('counts only the sessions a role may see', async () => {
    const forAttendee: EventInfo = await (await h.call('GET', base, { as: 'attendee' })).json();
    const forSpeaker: EventInfo = await (await h.call('GET', base, { as: 'speaker' })).json();
    assert.ok(forSpeaker.sessionCount > forAttendee.sessionCount);
  });
});
