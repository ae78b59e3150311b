/**
 * What only PostgreSQL brings to the sessions store (the cases both stores share are in
 * server/sessions/store.test.ts): its faults (a lock held past the statement timeout, no free
 * connection, the database down and back) refuse the call as storage-unavailable and never end the
 * process, and the sessions API runs on it unchanged, answering 503 while the database is down.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { Attachment, Session } from '../../src/protocol/sessions.ts';
import { startPostgres, type PostgresLab } from '../../test/support/postgres-lab.ts';
import { EVENT, harness, sessionBody, type Harness } from '../sessions/test-helpers.ts';
import { openPostgres, type Postgres } from './pg.ts';
import { isPostgresFault, PostgresSessionsStore } from './sessions-postgres.ts';
import { StorageUnavailableError } from './sessions-store.ts';

let lab: PostgresLab;
before(async () => {
  lab = await startPostgres();
});
after(async () => {
  await lab?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Calls `fn` until it resolves (the database is back), for at most `ms`. */
async function eventually<T>(fn: () => Promise<T>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(100);
    }
  }
}

const refused = (err: unknown) => err instanceof StorageUnavailableError && err.code === 'storage-unavailable';

const fields = {
  type: 'interactive' as const, title: 'T', description: '', tags: [], date: '2025-01-01', time: '10:00', duration: 30,
  speakers: [], moderators: [], aiAssistant: false, visibility: 'published' as const,
};
const session = { event: 'e', id: 's', ...fields, header: null, version: 1, createdBy: 'o', createdAt: 1, updatedAt: 1 };

describe('PostgresSessionsStore faults', () => {
  let url: string;
  const opened: Postgres[] = [];
  const open = async (opts: Parameters<typeof openPostgres>[1] = {}) => {
    const db = await openPostgres(url, { log: () => {}, ...opts });
    opened.push(db);
    return new PostgresSessionsStore(db.pool);
  };
  before(async () => {
    url = await lab.newDatabase();
    const store = await open();
    await store.createEvent({ id: 'e', name: 'E', timeZone: 'UTC', createdBy: 'o', createdAt: 1 }, { id: 'o', name: 'O', roles: ['organizer'] });
    await store.insertSession(session);
  });
  after(async () => {
    for (const db of opened) await db.close();
  });

  it('tells the database failing from a bug', () => {
    const coded = (code: string) => Object.assign(new Error(code), { code });
    for (const e of [new Error('Connection terminated unexpectedly'), coded('ECONNREFUSED'), coded('57P01'), coded('57014'), coded('53300'), coded('08006'), coded('40P01'), coded('25006')]) {
      assert.equal(isPostgresFault(e), true, e.message);
    }
    for (const e of [coded('23505'), coded('42P01'), coded('42601'), coded('22P02'), 'text', null]) {
      assert.equal(isPostgresFault(e), false, String(e));
    }
  });

  it('refuses a write held up by a lock past the statement timeout, changing nothing', async () => {
    const store = await open({ statementTimeoutMs: 300 });
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      await other.query('begin');
      await other.query(`select 1 from event_sessions where event_id = 'e' and id = 's' for update`);
      await assert.rejects(store.updateSession('e', 's', 1, { ...fields, title: 'late' }, 2), refused);
      await assert.rejects(store.deleteSession('e', 's', null), refused);
      await other.query('rollback');
      assert.deepEqual(await store.getSession('e', 's'), session, 'nothing of the refused writes');
      const saved = await store.updateSession('e', 's', 1, { ...fields, title: 'now' }, 3);
      assert.equal(saved !== null && saved !== 'conflict' && saved.version, 2);
    } finally {
      await other.end();
    }
  });

  it('refuses a call that finds no free connection in time, then serves again', async () => {
    const db = await openPostgres(url, { poolSize: 1, connectTimeoutMs: 200, log: () => {} });
    opened.push(db);
    const store = new PostgresSessionsStore(db.pool);
    const held = await db.pool.connect();
    try {
      await assert.rejects(store.getEvent('e'), refused);
      await assert.rejects(store.upsertPerson('e', { id: 'p', name: 'P' }, ['attendee']), refused);
    } finally {
      held.release();
    }
    assert.equal((await store.getEvent('e'))?.name, 'E');
  });

  it('refuses every call while the database is down, keeps the process up, and serves again once it is back', async () => {
    const store = await open();
    await store.getEvent('e'); // a pooled connection, which the shutdown breaks
    await lab.down();
    try {
      const calls: [string, () => Promise<unknown>][] = [
        ['getEvent', () => store.getEvent('e')],
        ['listSessions', () => store.listSessions('e')],
        ['createEvent', () => store.createEvent({ id: 'x', name: 'X', timeZone: 'UTC', createdBy: 'o', createdAt: 1 }, { id: 'o', name: 'O', roles: ['organizer'] })],
        ['ensureTag', () => store.ensureTag('e', { id: 't', name: 'Tag' })],
        ['updateSession', () => store.updateSession('e', 's', 2, fields, 5)],
        ['deleteAttachment', () => store.deleteAttachment('e', 's', 'a')],
      ];
      for (const [name, call] of calls) await assert.rejects(call(), refused, name);
    } finally {
      await lab.up();
    }
    await eventually(() => store.getEvent('e'));
    assert.deepEqual((await store.ensureTag('e', { id: 't', name: 'Tag' })).created, true);
    assert.equal((await store.getSession('e', 's'))?.version, 2);
  });
});

describe('the sessions API on PostgreSQL', () => {
  let h: Harness;
  let db: Postgres;
  const base = `/api/events/${EVENT}`;
  const bytes = (n: number) => new Uint8Array(n).fill(7);
  const upload = (s: Session, name: string, size: number) =>
    h.app.request(`${base}/sessions/${s.id}/attachments`, {
      method: 'POST',
      headers: { 'x-file-name': encodeURIComponent(name), authorization: `Bearer ${h.tokens.organizer}` },
      body: bytes(size),
    });

  before(async () => {
    db = await openPostgres(await lab.newDatabase(), { log: () => {} });
    h = await harness({ wrapStore: () => new PostgresSessionsStore(db.pool), eventStorageBytes: 10 * 1024 });
  });
  after(async () => {
    h?.close();
    await db?.close();
  });

  it('serves events, tags, sessions and attachments, within the event\'s quota', async () => {
    const info = await (await h.call('GET', base, { as: 'attendee' })).json();
    assert.deepEqual(info.counts, { organizer: 2, moderator: 2, speaker: 1, attendee: 1 });
    const tag = (await (await h.call('POST', `${base}/tags`, { body: { name: 'Keynote' } })).json()).tag;
    assert.equal((await (await h.call('POST', `${base}/tags`, { body: { name: 'keynote' } })).json()).tag.id, tag.id);
    const made: Session[] = [];
    for (const [time, visibility] of [['11:00', 'published'], ['09:00', 'private'], ['10:00', 'published']]) {
      const res = await h.call('POST', `${base}/sessions`, { body: sessionBody({ time, visibility, title: `At ${time}`, tags: [tag.id] }) });
      assert.equal(res.status, 201, await res.clone().text());
      made.push(await res.json());
    }
    const listed = async (as: 'attendee' | 'speaker') => {
      const res = await h.call('GET', `${base}/sessions?tag=${tag.id}`, { as });
      assert.equal(res.status, 200, await res.clone().text());
      return ((await res.json()).sessions as Session[]).map((x) => x.title);
    };
    assert.deepEqual(await listed('attendee'), ['At 10:00', 'At 11:00']);
    assert.deepEqual(await listed('speaker'), ['At 09:00', 'At 10:00', 'At 11:00']);

    const [s] = made;
    assert.equal((await upload(s, 'one.pdf', 6 * 1024)).status, 201);
    const over = await upload(s, 'two.pdf', 6 * 1024);
    assert.equal(over.status, 413);
    assert.match((await over.json()).error, /its files use 6 KB of 10 KB/);
    const [a] = (await (await h.call('GET', `${base}/sessions/${s.id}/attachments`)).json()).attachments as Attachment[];
    assert.equal((await h.call('PATCH', `${base}/sessions/${s.id}/attachments/${a.id}`, { body: { title: 'Slides' } })).status, 200);
    assert.equal((await (await h.call('GET', `${base}/sessions/${s.id}`)).json()).attachmentCount, 1);
    assert.ok(h.files().some((f) => f.startsWith('attachments/')));

    const removed = await h.call('DELETE', `${base}/sessions/${s.id}`, { headers: { 'if-match': `"${s.version}"` } });
    assert.equal(removed.status, 204);
    assert.deepEqual(h.files().filter((f) => !f.includes('.tmp')), [], 'its files went with it');
    assert.equal((await upload(made[2], 'three.pdf', 9 * 1024)).status, 201, 'its bytes no longer count');
  });

  it('gives the second of two writers of the same version a conflict carrying the winner', async () => {
    const s: Session = await (await h.call('POST', `${base}/sessions`, { body: sessionBody({ title: 'Raced' }) })).json();
    for (let round = 0; round < 5; round++) {
      const version = s.version + round;
      const [x, y] = await Promise.all([
        h.call('PATCH', `${base}/sessions/${s.id}`, { as: 'organizer', body: { version, title: `Olivia ${round}` } }),
        h.call('PATCH', `${base}/sessions/${s.id}`, { as: 'organizer2', body: { version, title: `Oscar ${round}` } }),
      ]);
      assert.deepEqual([x.status, y.status].sort(), [200, 409], `round ${round}`);
      const winner: Session = await (x.status === 200 ? x : y).json();
      assert.deepEqual((await (x.status === 409 ? x : y).json()).current, winner);
    }
  });

  it('answers 503 storage-unavailable while the database is down, and serves again once it is back', async () => {
    await lab.down();
    try {
      for (const [method, path, body] of [
        ['GET', base, undefined],
        ['POST', `${base}/sessions`, sessionBody()],
      ] as const) {
        const res = await h.call(method, path, { body });
        assert.equal(res.status, 503, `${method} ${path}`);
        assert.equal(res.headers.get('retry-after'), '60');
        assert.equal((await res.json()).code, 'storage-unavailable');
      }
    } finally {
      await lab.up();
    }
    const res = await eventually(async () => {
      const r = await h.call('GET', base);
      if (r.status !== 200) throw new Error(`still ${r.status}`);
      return r;
    });
    assert.equal((await res.json()).id, EVENT);
  });
});
