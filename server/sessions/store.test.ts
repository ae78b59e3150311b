/** The SQLite sessions store beside the room store in one file, and the demo seed. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'node:test';
import type { Session } from '../../src/protocol/sessions.ts';
import { SqliteStore } from '../store/sqlite.ts';
import { SqliteSessionsStore } from '../store/sessions-sqlite.ts';
import { seedDemoEvent } from './seed.ts';
import type { EventActor } from './auth.ts';
import { SessionsService } from './service.ts';

const clock = { now: () => Date.UTC(2025, 9, 10, 12) };

describe('SqliteSessionsStore', () => {
  it('shares the room store\'s database file and keeps data across reopening', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sessions-store-'));
    try {
      const file = join(dir, 'rooms.db');
      const rooms = new SqliteStore(file);
      const sessions = new SqliteSessionsStore(rooms.db);
      assert.ok(await sessions.createEvent({ id: 'e', name: 'E', timeZone: 'UTC', createdBy: 'o', createdAt: 1 }, { id: 'o', name: 'O', roles: ['organizer', 'moderator'] }));
      assert.equal(await sessions.createEvent({ id: 'e', name: 'Again', timeZone: 'UTC', createdBy: 'x', createdAt: 2 }, { id: 'x', name: 'X', roles: ['organizer'] }), false);
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

  it('saves only on the expected version, atomically', async () => {
    const store = new SqliteSessionsStore(new DatabaseSync(':memory:'));
    await store.createEvent({ id: 'e', name: 'E', timeZone: 'UTC', createdBy: 'o', createdAt: 1 }, { id: 'o', name: 'O', roles: ['organizer', 'moderator'] });
    const fields = {
      type: 'interactive' as const, title: 'T', description: '', tags: [], date: '2025-01-01', time: '10:00', duration: 30,
      speakers: [], moderators: ['o'], aiAssistant: false, visibility: 'published' as const,
    };
    await store.insertSession({ event: 'e', id: 's', ...fields, header: null, version: 1, createdBy: 'o', createdAt: 1, updatedAt: 1 });
    const saved = await store.updateSession('e', 's', 1, { ...fields, title: 'T2' }, 5);
    assert.ok(saved && saved !== 'conflict' && saved.version === 2 && saved.title === 'T2');
    assert.equal(await store.updateSession('e', 's', 1, { ...fields, title: 'stale' }, 6), 'conflict');
    assert.equal((await store.getSession('e', 's'))?.title, 'T2');
    assert.equal(await store.updateSession('e', 'missing', 1, fields, 6), null);
    assert.equal(await store.deleteSession('e', 's', 1), 'conflict');
    assert.ok(await store.deleteSession('e', 's', 2));
    assert.equal(await store.getSession('e', 's'), null);
  });
});

describe('seedDemoEvent', () => {
  it('seeds one event with people in every role, tags and sessions, once', async () => {
    const db = new DatabaseSync(':memory:');
    const demo = await seedDemoEvent({ db, clock });
    assert.equal(demo.created, true);
    assert.equal(demo.event, 'demo-summit');
    for (const role of ['organizer', 'moderator', 'speaker', 'attendee'] as const) assert.ok(demo.people[role].length > 0, role);
    assert.deepEqual(demo.tags.map((t) => t.name), ['Biology', 'Keynote', 'Q&A', 'Workshop']);

    const store = new SqliteSessionsStore(db);
    const service = new SessionsService({ store, clock });
    const organizer = (await store.getPerson(demo.event, demo.people.organizer[0].id))!;
    assert.deepEqual(organizer.roles, ['organizer', 'moderator'], 'the creator moderates the event');
    const attendee: EventActor = { id: 'alex-kim', name: 'Alex Kim', event: demo.event, role: 'attendee' };
    const team: EventActor = { ...attendee, id: 'samira-haddad', role: 'speaker' };
    const seen = async (a: EventActor) => (await service.listSessions(a, demo.event, [])).map((s: Session) => s.title);
    assert.equal((await seen(attendee)).length, 2);
    assert.equal((await seen(team)).length, 3);
    const [firstCreated] = (await store.listSessions(demo.event)).filter((s) => s.title.startsWith('Opening'));
    assert.ok(firstCreated.moderators.includes(organizer.id));

    assert.equal((await seedDemoEvent({ db, clock })).created, false);
    assert.equal((await store.listSessions(demo.event)).length, 3, 'seeding again adds nothing');
  });
});
