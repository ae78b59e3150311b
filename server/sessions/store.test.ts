/**
 * The sessions store: the same cases against SQLite (the embedded default) and PostgreSQL (a real
 * server from the lab, its database in an ICU "en" locale so that nothing depends on the lab's C
 * locale), then what only SQLite does (sharing the rooms' file) and the demo seed on both.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { Session } from '../../src/protocol/sessions.ts';
import { startPostgres, type PostgresLab } from '../../test/support/postgres-lab.ts';
import { openPostgres } from '../store/pg.ts';
import { SqliteStore } from '../store/sqlite.ts';
import { PostgresSessionsStore } from '../store/sessions-postgres.ts';
import { SqliteSessionsStore } from '../store/sessions-sqlite.ts';
import { isStorageFault, type AttachmentRecord, type SessionPatch, type SessionRecord, type SessionsStore } from '../store/sessions-store.ts';
import { seedDemoEvent } from './seed.ts';
import type { EventActor } from './auth.ts';
import { SessionsService } from './service.ts';

const clock = { now: () => Date.UTC(2025, 9, 10, 12) };

interface Subject {
  store: SessionsStore;
  close(): Promise<void>;
}

let lab: PostgresLab | null = null;
let labs = 0;

/** A fresh PostgreSQL database with the schema, whose default collation is ICU English (not C). */
async function postgresStore(): Promise<Subject> {
  lab ??= await startPostgres();
  const name = `sessions_${process.pid}_${++labs}`;
  const admin = new pg.Client({ host: '127.0.0.1', port: lab.port, user: 'postgres', database: 'postgres' });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template template0 encoding 'UTF8' locale_provider icu icu_locale 'en'`);
  } finally {
    await admin.end();
  }
  const db = await openPostgres(`postgres://postgres@127.0.0.1:${lab.port}/${name}`, { poolSize: 8 });
  return { store: new PostgresSessionsStore(db.pool), close: () => db.close() };
}

async function sqliteStore(): Promise<Subject> {
  const db = new DatabaseSync(':memory:');
  return {
    store: new SqliteSessionsStore(db),
    close: async () => db.close(),
  };
}

const STORES: [string, () => Promise<Subject>][] = [
  ['SqliteSessionsStore', sqliteStore],
  ['PostgresSessionsStore', postgresStore],
];

after(async () => {
  await lab?.stop();
});

const fields = (over: Partial<SessionPatch> = {}): SessionPatch => ({
  type: 'interactive',
  title: 'T',
  description: '',
  tags: [],
  date: '2025-01-01',
  time: '10:00',
  duration: 30,
  speakers: [],
  moderators: [],
  aiAssistant: false,
  visibility: 'published',
  ...over,
});

/** Has `n` connections open (a pool opens them lazily), so that `n` calls at once really run at once. */
const warm = (s: SessionsStore, n: number) => Promise.all(Array.from({ length: n }, () => s.countSessions('warm')));

const record = (event: string, id: string, over: Partial<SessionRecord> = {}): SessionRecord => ({
  event,
  id,
  ...fields(),
  header: null,
  version: 1,
  createdBy: 'o',
  createdAt: 1,
  updatedAt: 1,
  ...over,
});

const attachment = (event: string, session: string, id: string, over: Partial<AttachmentRecord> = {}): AttachmentRecord => ({
  event,
  session,
  id,
  name: `${id}.pdf`,
  title: id,
  description: '',
  extension: 'pdf',
  family: 'document',
  contentType: 'application/pdf',
  size: 100,
  path: `attachments/${event}/${session}/${id}`,
  createdBy: 'o',
  createdAt: 10,
  updatedAt: 10,
  ...over,
});

for (const [name, open] of STORES) {
  describe(name, () => {
    let subject: Subject;
    let s: SessionsStore;
    let n = 0;
    /** A new event (each case has its own, so cases share one database). */
    const newEvent = async (creator = { id: 'o', name: 'O', roles: ['organizer', 'moderator'] as const }) => {
      const id = `ev${++n}`;
      assert.ok(await s.createEvent({ id, name: `Event ${n}`, timeZone: 'UTC', createdBy: creator.id, createdAt: 1 }, { ...creator, roles: [...creator.roles] }));
      return id;
    };
    before(async () => {
      subject = await open();
      s = subject.store;
    });
    after(async () => {
      await s?.close();
      await subject?.close();
    });

    it('creates an event once, its creator recorded in their roles', async () => {
      const e = await newEvent();
      assert.equal(await s.createEvent({ id: e, name: 'Again', timeZone: 'UTC', createdBy: 'x', createdAt: 2 }, { id: 'x', name: 'X', roles: ['organizer'] }), false);
      assert.deepEqual(await s.getEvent(e), { id: e, name: `Event ${n}`, timeZone: 'UTC', createdBy: 'o', createdAt: 1 });
      assert.deepEqual(await s.getPerson(e, 'o'), { id: 'o', name: 'O', roles: ['organizer', 'moderator'] });
      assert.equal(await s.getPerson(e, 'x'), null, 'the refused creator is not recorded');
      assert.equal(await s.getEvent('nope'), null);
    });

    it('keeps a person\'s latest name and adds roles, in the roles\' order', async () => {
      const e = await newEvent();
      await s.upsertPerson(e, { id: 'p', name: 'Pat' }, ['attendee']);
      await s.upsertPerson(e, { id: 'p', name: 'Pat Doe' }, ['speaker', 'attendee']);
      await s.upsertPerson(e, { id: 'q', name: 'Quinn' }, []);
      assert.deepEqual(await s.getPerson(e, 'p'), { id: 'p', name: 'Pat Doe', roles: ['speaker', 'attendee'] });
      assert.deepEqual(await s.getPerson(e, 'q'), { id: 'q', name: 'Quinn', roles: [] });
      assert.equal(await s.getPerson(e, 'zed'), null);
      assert.deepEqual(await s.roleCounts(e), { organizer: 1, moderator: 1, speaker: 1, attendee: 1 });
      assert.deepEqual(await s.roleCounts('nope'), { organizer: 0, moderator: 0, speaker: 0, attendee: 0 });
      assert.deepEqual([...(await s.peopleNames(e, ['p', 'zed', 'o']))].sort(), [['o', 'O'], ['p', 'Pat Doe']]);
      assert.equal((await s.peopleNames(e, [])).size, 0);
    });

    it('lists people by name (any case, by code point), filtered by role and text, with wildcards taken literally', async () => {
      const e = await newEvent();
      const names = ['zoe', 'Émile', 'ada-c', 'ada b', 'adab', 'Ada', '100% Sure', 'under_score', 'back\\slash'];
      for (const [i, who] of names.entries()) await s.upsertPerson(e, { id: `p${i}`, name: who }, [i % 2 ? 'speaker' : 'attendee']);
      const all = (await s.listPeople(e)).map((p) => p.name);
      assert.deepEqual(all, ['100% Sure', 'Ada', 'ada b', 'ada-c', 'adab', 'back\\slash', 'O', 'under_score', 'zoe', 'Émile']);
      assert.deepEqual((await s.listPeople(e, { role: 'speaker' })).map((p) => p.name), ['Ada', 'ada b', 'under_score', 'Émile']);
      assert.deepEqual((await s.listPeople(e, { q: ' ADA ' })).map((p) => p.name), ['Ada', 'ada b', 'ada-c', 'adab']);
      assert.deepEqual((await s.listPeople(e, { q: '%' })).map((p) => p.name), ['100% Sure']);
      assert.deepEqual((await s.listPeople(e, { q: '_' })).map((p) => p.name), ['under_score']);
      assert.deepEqual((await s.listPeople(e, { q: '\\' })).map((p) => p.name), ['back\\slash']);
      assert.deepEqual((await s.listPeople(e, { q: 'ada', role: 'attendee', limit: 2 })).map((p) => p.name), ['ada-c', 'adab']);
      assert.deepEqual(await s.listPeople(e, { limit: 0 }), []);
      assert.equal((await s.listPeople(e, { limit: -1 })).length, names.length + 1, 'a negative limit is no limit');
      assert.deepEqual((await s.listPeople(e, { q: 'émile' }))[0], { id: 'p1', name: 'Émile', roles: ['speaker'] });
      assert.deepEqual(await s.listPeople('nope'), []);
    });

    it('keeps one tag per name in any case, and lists and finds tags in order', async () => {
      const e = await newEvent();
      assert.deepEqual(await s.ensureTag(e, { id: 't1', name: 'Keynote' }), { tag: { id: 't1', name: 'Keynote' }, created: true });
      assert.deepEqual(await s.ensureTag(e, { id: 't2', name: 'KEYNOTE' }), { tag: { id: 't1', name: 'Keynote' }, created: false });
      await s.ensureTag(e, { id: 't3', name: 'biology' });
      await s.ensureTag(e, { id: 't4', name: 'Écologie' });
      await s.ensureTag(e, { id: 't5', name: 'Q&A' });
      const other = await newEvent();
      assert.equal((await s.ensureTag(other, { id: 't9', name: 'keynote' })).created, true, 'names are unique per event');
      assert.deepEqual((await s.listTags(e)).map((t) => t.name), ['biology', 'Keynote', 'Q&A', 'Écologie']);
      assert.deepEqual(await s.listTags(e, ' o '), [{ id: 't3', name: 'biology' }, { id: 't1', name: 'Keynote' }, { id: 't4', name: 'Écologie' }]);
      assert.deepEqual(await s.listTags(e, '%'), []);
      assert.deepEqual(await s.getTags(e, ['t5', 'zzz', 't1', 't9']), [{ id: 't5', name: 'Q&A' }, { id: 't1', name: 'Keynote' }]);
      assert.deepEqual(await s.getTags(e, []), []);
    });

    it('saves a session with its tags and people in order, a repeat keeping its first place', async () => {
      const e = await newEvent();
      const x = record(e, 's1', { tags: ['b', 'a', 'b'], speakers: ['p2', 'p1'], moderators: ['m1', 'p1', 'm1'], aiAssistant: true, visibility: 'unlisted' });
      await s.insertSession(x);
      assert.deepEqual(await s.getSession(e, 's1'), { ...x, tags: ['b', 'a'], moderators: ['m1', 'p1'] });
      assert.equal(await s.getSession(e, 'nope'), null);
      assert.equal(await s.getSession('nope', 's1'), null);
      assert.equal(await s.countSessions(e), 1);
      await assert.rejects(s.insertSession(x), (err) => !isStorageFault(err), 'a repeated id is a bug, not a storage fault');
      assert.deepEqual(await s.getSession(e, 's1'), { ...x, tags: ['b', 'a'], moderators: ['m1', 'p1'] }, 'nothing of the refused insert is kept');
    });

    it('lists sessions by date, time, title and id, filtered by visibility and tags', async () => {
      const e = await newEvent();
      const add = (id: string, over: Partial<SessionRecord>) => s.insertSession(record(e, id, over));
      await add('s5', { date: '2025-01-02', time: '09:00', title: 'Zed', tags: ['t1'] });
      await add('s4', { date: '2025-01-01', time: '11:00', title: 'Émile', visibility: 'private' });
      await add('s3', { date: '2025-01-01', time: '11:00', title: 'zoe', tags: ['t2', 't1'] });
      await add('s2', { date: '2025-01-01', time: '11:00', title: 'Zoe', visibility: 'unlisted', tags: ['t2'] });
      await add('s1', { date: '2025-01-01', time: '11:00', title: 'Zoe' });
      await add('s0', { date: '2025-01-01', time: '09:30', title: 'Last' });
      const ids = async (q?: Parameters<SessionsStore['listSessions']>[1]) => (await s.listSessions(e, q)).map((x) => x.id);
      assert.deepEqual(await ids(), ['s0', 's1', 's2', 's3', 's4', 's5']);
      assert.deepEqual(await ids({ visibilities: ['published'] }), ['s0', 's1', 's3', 's5']);
      assert.deepEqual(await ids({ visibilities: ['private', 'unlisted'] }), ['s2', 's4']);
      assert.deepEqual(await ids({ visibilities: [] }), []);
      assert.deepEqual(await ids({ tags: ['t1'] }), ['s3', 's5']);
      assert.deepEqual(await ids({ tags: ['t2', 't1'], visibilities: ['published', 'unlisted'] }), ['s2', 's3', 's5']);
      assert.deepEqual(await ids({ tags: [] }), ['s0', 's1', 's2', 's3', 's4', 's5'], 'no tags: no tag filter');
      assert.deepEqual((await s.listSessions(e, { tags: ['t1'] }))[0].tags, ['t2', 't1'], 'every tag of a match, in order');
      assert.deepEqual(await s.listSessions('nope'), []);
    });

    it('saves only on the expected version, atomically', async () => {
      const e = await newEvent();
      await s.insertSession(record(e, 's', { moderators: ['o'], tags: ['t1'] }));
      const saved = await s.updateSession(e, 's', 1, fields({ title: 'T2', tags: ['t2', 't3'], speakers: ['p'], moderators: [] }), 5);
      assert.deepEqual(saved, { ...record(e, 's'), ...fields({ title: 'T2', tags: ['t2', 't3'], speakers: ['p'] }), version: 2, updatedAt: 5 });
      assert.equal(await s.updateSession(e, 's', 1, fields({ title: 'stale' }), 6), 'conflict');
      assert.equal(await s.updateSession(e, 's', 999_999_999_999_999, fields({ title: 'far' }), 6), 'conflict', 'any version a client may send');
      assert.deepEqual(await s.getSession(e, 's'), saved);
      assert.equal(await s.updateSession(e, 'missing', 1, fields(), 6), null);
      assert.deepEqual((await s.listSessions(e, { tags: ['t1'] })).map((x) => x.id), [], 'the old links are gone');
      assert.equal(await s.deleteSession(e, 's', 1), 'conflict');
      assert.ok(await s.deleteSession(e, 's', 2));
      assert.equal(await s.getSession(e, 's'), null);
      assert.equal(await s.deleteSession(e, 's', null), null);
    });

    it('gives exactly one of two writers of the same version the save', async () => {
      const e = await newEvent();
      await s.insertSession(record(e, 's'));
      for (let version = 1; version <= 5; version++) {
        await warm(s, 3);
        const out = await Promise.all(
          ['a', 'b', 'c'].map((who) => s.updateSession(e, 's', version, fields({ title: `${who}${version}`, tags: [who, `${who}2`] }), 10 + version)),
        );
        const won = out.filter((r): r is SessionRecord => typeof r === 'object' && r !== null);
        assert.equal(won.length, 1, `version ${version}: ${JSON.stringify(out)}`);
        assert.equal(out.filter((r) => r === 'conflict').length, 2);
        assert.equal(won[0].version, version + 1);
        assert.deepEqual(await s.getSession(e, 's'), won[0], 'the winner\'s fields and links, none of the others\'');
      }
    });

    it('replaces a header, returning the one it replaced, and counts it in the storage used', async () => {
      const e = await newEvent();
      await s.insertSession(record(e, 's'));
      const h1 = { name: 'a.png', contentType: 'image/png', size: 1000, path: 'headers/a', updatedAt: 7 };
      const h2 = { name: 'b.jpg', contentType: 'image/jpeg', size: 3000, path: 'headers/b', updatedAt: 8 };
      assert.deepEqual(await s.setHeader(e, 's', h1), { previous: null });
      assert.equal(await s.storageUsed(e), 1000);
      assert.deepEqual(await s.setHeader(e, 's', h2), { previous: h1 });
      assert.deepEqual((await s.getSession(e, 's'))?.header, h2);
      assert.equal((await s.getSession(e, 's'))?.version, 1, 'a header does not change the version');
      await s.insertAttachment(attachment(e, 's', 'a1', { size: 250 }));
      assert.equal(await s.storageUsed(e), 3250);
      assert.equal(await s.storageUsed('nope'), 0);
      assert.deepEqual(await s.setHeader(e, 's', null), { previous: h2 });
      assert.equal((await s.getSession(e, 's'))?.header, null);
      assert.equal(await s.storageUsed(e), 250);
      assert.equal(await s.setHeader(e, 'missing', h1), null);
    });

    it('with a quota, files written at once (as from several servers) never together pass it', async () => {
      const e = await newEvent();
      await s.insertSession(record(e, 's'));
      await warm(s, 6);
      // 1,000 bytes: a 300-byte header, then six 200-byte files at once; exactly three fit.
      assert.deepEqual(await s.setHeader(e, 's', { name: 'h.png', contentType: 'image/png', size: 300, path: 'headers/h', updatedAt: 1 }, 1000), { previous: null });
      const kept = await Promise.all(Array.from({ length: 6 }, (_, i) => s.insertAttachment(attachment(e, 's', `q${i}`, { size: 200 }), 1000)));
      assert.equal(kept.filter(Boolean).length, 3);
      assert.equal(await s.storageUsed(e), 900);
      assert.equal((await s.listAttachments(e, 's')).length, 3, 'nothing of the refused ones kept');
      // A header that replaces one counts without it: 300 out, 400 in fits in 1,000; 401 does not.
      assert.equal(await s.setHeader(e, 's', { name: 'i.png', contentType: 'image/png', size: 401, path: 'headers/i', updatedAt: 2 }, 1000), 'over-quota');
      assert.equal((await s.getSession(e, 's'))?.header?.path, 'headers/h');
      const replaced = await s.setHeader(e, 's', { name: 'j.png', contentType: 'image/png', size: 400, path: 'headers/j', updatedAt: 3 }, 1000);
      assert.equal(replaced !== 'over-quota' && replaced?.previous?.path, 'headers/h');
      assert.equal(await s.storageUsed(e), 1000);
      // Without a quota nothing is checked (the API always passes one; imports and seeds do not).
      assert.equal(await s.insertAttachment(attachment(e, 's', 'free', { size: 1 })), true);
    });

    it('hands each replaced header to exactly one of several replacements at once', async () => {
      const e = await newEvent();
      await s.insertSession(record(e, 's'));
      await warm(s, 6);
      const headers = Array.from({ length: 6 }, (_, i) => ({ name: `${i}.png`, contentType: 'image/png', size: i + 1, path: `headers/${i}`, updatedAt: i }));
      const out = await Promise.all(headers.map((h) => s.setHeader(e, 's', h)));
      const previous = out.map((r) => (r && r !== 'over-quota' ? r.previous?.path ?? null : 'refused'));
      const last = (await s.getSession(e, 's'))!.header!.path;
      // Every header but the last was replaced once, by one of the others; the first write replaced none.
      assert.deepEqual([...previous, last].sort(), [null, ...headers.map((h) => h.path)].sort());
    });

    it('counts the attachments of several sessions in one look, in the order asked, none as 0', async () => {
      const e = await newEvent();
      const other = await newEvent();
      for (const id of ['s', 't', 'u']) await s.insertSession(record(e, id));
      await s.insertSession(record(other, 's'));
      await s.insertAttachment(attachment(e, 's', 'a'));
      await s.insertAttachment(attachment(e, 's', 'b'));
      await s.insertAttachment(attachment(e, 'u', 'c'));
      await s.insertAttachment(attachment(other, 's', 'd'));
      assert.deepEqual([...(await s.attachmentCounts(e, ['u', 't', 's', 'gone']))], [['u', 1], ['t', 0], ['s', 2], ['gone', 0]]);
      assert.deepEqual([...(await s.attachmentCounts(other, ['s']))], [['s', 1]], 'per event');
      assert.deepEqual([...(await s.attachmentCounts(e, []))], []);
    });

    it('keeps attachments in the order they were added, edits and deletes them', async () => {
      const e = await newEvent();
      await s.insertSession(record(e, 's'));
      await s.insertAttachment(attachment(e, 's', 'b', { createdAt: 20 }));
      await s.insertAttachment(attachment(e, 's', 'c', { createdAt: 10 }));
      await s.insertAttachment(attachment(e, 's', 'a', { createdAt: 20, size: 5_000_000_000 }));
      assert.deepEqual((await s.listAttachments(e, 's')).map((a) => a.id), ['c', 'a', 'b']);
      assert.deepEqual([...(await s.attachmentCounts(e, ['s', 'other']))], [['s', 3], ['other', 0]]);
      assert.equal(await s.storageUsed(e), 5_000_000_200, 'sizes past 32 bits');
      assert.deepEqual(await s.getAttachment(e, 's', 'a'), attachment(e, 's', 'a', { createdAt: 20, size: 5_000_000_000 }));
      assert.equal(await s.getAttachment(e, 's', 'zzz'), null);

      const edited = await s.updateAttachment(e, 's', 'b', { title: 'New' }, 30);
      assert.deepEqual(edited, attachment(e, 's', 'b', { createdAt: 20, title: 'New', updatedAt: 30 }));
      assert.deepEqual(await s.updateAttachment(e, 's', 'b', { description: 'More' }, 31), { ...edited, description: 'More', updatedAt: 31 });
      assert.equal(await s.updateAttachment(e, 's', 'zzz', { title: 'x' }, 32), null);

      await warm(s, 2);
      const gone = await Promise.all([s.deleteAttachment(e, 's', 'c'), s.deleteAttachment(e, 's', 'c')]);
      assert.equal(gone.filter(Boolean).length, 1, 'one of two deletes at once gets the record');
      assert.deepEqual(gone.find(Boolean), attachment(e, 's', 'c'));
      assert.deepEqual((await s.listAttachments(e, 's')).map((a) => a.id), ['a', 'b']);
    });

    it('deletes a session with its links and attachment records, handing back their files', async () => {
      const e = await newEvent();
      const header = { name: 'h.png', contentType: 'image/png', size: 10, path: 'headers/h', updatedAt: 3 };
      await s.insertSession(record(e, 's', { tags: ['t1'], speakers: ['p'], header }));
      await s.insertSession(record(e, 'keep', { tags: ['t1'] }));
      await s.insertAttachment(attachment(e, 's', 'y', { createdAt: 2 }));
      await s.insertAttachment(attachment(e, 's', 'x', { createdAt: 2 }));
      await s.insertAttachment(attachment(e, 'keep', 'k'));
      const removed = await s.deleteSession(e, 's', null);
      assert.ok(removed && removed !== 'conflict');
      assert.deepEqual(removed.header, header);
      assert.deepEqual(removed.attachments, [attachment(e, 's', 'x', { createdAt: 2 }), attachment(e, 's', 'y', { createdAt: 2 })]);
      assert.deepEqual((await s.listSessions(e, { tags: ['t1'] })).map((x) => x.id), ['keep']);
      assert.deepEqual(await s.listAttachments(e, 's'), []);
      assert.equal(await s.storageUsed(e), 100);
      // A session made again with the same id starts with nothing of the old one's.
      await s.insertSession(record(e, 's'));
      assert.deepEqual(await s.getSession(e, 's'), record(e, 's'));
    });

    it('lets only one of a delete and an edit of the same version win', async () => {
      const e = await newEvent();
      for (let round = 0; round < 5; round++) {
        const id = `s${round}`;
        await s.insertSession(record(e, id));
        await warm(s, 2);
        const [edited, removed] = await Promise.all([s.updateSession(e, id, 1, fields({ title: 'edited' }), 9), s.deleteSession(e, id, 1)]);
        const editWon = typeof edited === 'object' && edited !== null;
        const deleteWon = typeof removed === 'object' && removed !== null;
        assert.ok(editWon !== deleteWon, `round ${round}: ${JSON.stringify([edited, removed])}`);
        assert.equal(await s.getSession(e, id) === null, deleteWon);
      }
    });

    it('creates a tag once when many ask for the same name at once', async () => {
      const e = await newEvent();
      for (const word of ['lab', 'talk', 'poster']) {
        await warm(s, 6);
        const names = [word, word.toUpperCase(), word, word[0].toUpperCase() + word.slice(1), word, word.toUpperCase()];
        const out = await Promise.all(names.map((name, i) => s.ensureTag(e, { id: `${word}${i}`, name })));
        assert.equal(out.filter((r) => r.created).length, 1, word);
        assert.equal(new Set(out.map((r) => r.tag.id)).size, 1, word);
      }
      assert.equal((await s.listTags(e)).length, 3);
    });

    it('creates an event once when two ask at once, and records people asking at once', async () => {
      await warm(s, 4);
      const made = await Promise.all([0, 1, 2].map((i) => s.createEvent({ id: 'race', name: `R${i}`, timeZone: 'UTC', createdBy: `c${i}`, createdAt: 1 }, { id: `c${i}`, name: 'C', roles: ['organizer'] })));
      assert.deepEqual(made.filter(Boolean).length, 1);
      const creator = (await s.getEvent('race'))!.createdBy;
      assert.deepEqual((await s.listPeople('race')).map((p) => p.id), [creator]);
      await Promise.all(['attendee', 'speaker', 'moderator', 'attendee'].map((role) => s.upsertPerson('race', { id: 'p', name: 'P' }, [role as 'attendee'])));
      assert.deepEqual((await s.getPerson('race', 'p'))?.roles, ['moderator', 'speaker', 'attendee']);
    });

    it('takes a NUL in text or in a looked-up id without failing', async () => {
      const e = await newEvent();
      await s.insertSession(record(e, 's', { title: 'a\0b', description: '\0' }));
      const got = await s.getSession(e, 's');
      assert.ok(['a\0b', 'a\uFFFDb'].includes(got!.title), JSON.stringify(got!.title));
      assert.equal(await s.getSession(e, 'x\0'), null);
      assert.equal(await s.getEvent('x\0'), null);
      assert.ok(Array.isArray(await s.listPeople(e, { q: '\0' })));
      await s.upsertPerson(e, { id: 'n', name: 'Nu\0l' }, ['attendee']);
      assert.equal((await s.getPerson(e, 'n'))?.name.length, 4);
    });
  });
}

describe('SqliteSessionsStore', () => {
  it('shares the room store\'s database file and keeps data across reopening', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sessions-store-'));
    try {
      const file = join(dir, 'rooms.db');
      const rooms = new SqliteStore(file);
      const sessions = new SqliteSessionsStore(rooms.db);
      assert.ok(await sessions.createEvent({ id: 'e', name: 'E', timeZone: 'UTC', createdBy: 'o', createdAt: 1 }, { id: 'o', name: 'O', roles: ['organizer', 'moderator'] }));
      await sessions.close(); // borrowed database: left open for the room store
      assert.deepEqual(await rooms.activeRooms(), []);
      await rooms.close();

      const reopened = new SqliteSessionsStore(file);
      assert.equal((await reopened.getEvent('e'))?.name, 'E');
      assert.deepEqual((await reopened.getPerson('e', 'o'))?.roles, ['organizer', 'moderator']);
      await reopened.close();
      assert.equal(reopened.db.isOpen, false, 'an owned database is closed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

for (const [name, open] of STORES) {
  describe(`seedDemoEvent on ${name}`, () => {
    let subject: Subject;
    before(async () => (subject = await open()));
    after(async () => subject?.close());

    it('seeds one event with people in every role, tags and sessions, once', async () => {
      const store = subject.store;
      const demo = await seedDemoEvent({ store, clock });
      assert.equal(demo.created, true);
      assert.equal(demo.event, 'demo-summit');
      for (const role of ['organizer', 'moderator', 'speaker', 'attendee'] as const) assert.ok(demo.people[role].length > 0, role);
      assert.deepEqual(demo.tags.map((t) => t.name), ['Biology', 'Keynote', 'Q&A', 'Workshop']);

      const service = new SessionsService({ store, clock });
      const organizer = (await store.getPerson(demo.event, demo.people.organizer[0].id))!;
      assert.deepEqual(organizer.roles, ['organizer', 'moderator'], 'the creator moderates the event');
      const attendee: EventActor = { id: 'alex-kim', name: 'Alex Kim', event: demo.event, role: 'attendee' };
      const team: EventActor = { ...attendee, id: 'samira-haddad', role: 'speaker' };
      const seen = async (a: EventActor) => (await service.listSessions(a, demo.event, [])).map((x: Session) => x.title);
      assert.equal((await seen(attendee)).length, 2);
      assert.equal((await seen(team)).length, 3);
      const [firstCreated] = (await store.listSessions(demo.event)).filter((x) => x.title.startsWith('Opening'));
      assert.ok(firstCreated.moderators.includes(organizer.id));

      assert.equal((await seedDemoEvent({ store, clock })).created, false);
      assert.equal((await store.listSessions(demo.event)).length, 3, 'seeding again adds nothing');
    });
  });
}

describe('seedDemoEvent on a database', () => {
  it('makes its SQLite store over the database it is given', async () => {
    const db = new DatabaseSync(':memory:');
    assert.equal((await seedDemoEvent({ db, clock })).created, true);
    assert.equal((await new SqliteSessionsStore(db).listSessions('demo-summit')).length, 3);
    db.close();
  });
});
