/**
 * One set of cases every Store must pass, run against MemoryStore (tests), SqliteStore (the
 * embedded default) and PostgresStore (several servers, on a real PostgreSQL from the lab): the
 * room master can then be moved between them without changing what it sees.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Participant, RoomEvent, RoomState, SequencedEvent } from '../../src/protocol/types.ts';
import { initialState } from '../../src/protocol/room.ts';
import { startPostgres, type PostgresLab } from '../../test/support/postgres-lab.ts';
import { openPostgres, type Postgres } from './pg.ts';
import { PostgresStore } from './postgres.ts';
import { SqliteStore } from './sqlite.ts';
import { AUDIT_KEEP, MemoryStore, type AuditEntry, type Store } from './store.ts';

interface Kind {
  name: string;
  make(): Promise<Store>;
  /** How many events the log keeps: behind the latest snapshot (`snapshot`), or the newest (`newest`). */
  keep: { behind: 'snapshot' | 'newest'; count: number };
  /** Whether a failed write is detected (a duplicate seq); MemoryStore trusts the room master. */
  checksWrites: boolean;
}

let lab: PostgresLab;
const databases: Postgres[] = [];
const stores: Store[] = [];
before(async () => {
  lab = await startPostgres();
});
after(async () => {
  for (const s of stores) await s.close();
  for (const db of databases) await db.close();
  await lab?.stop();
});

const KINDS: Kind[] = [
  { name: 'MemoryStore', make: async () => new MemoryStore(), keep: { behind: 'newest', count: 1000 }, checksWrites: false },
  { name: 'SqliteStore', make: async () => new SqliteStore(':memory:'), keep: { behind: 'snapshot', count: 2000 }, checksWrites: true },
  {
    name: 'PostgresStore',
    make: async () => {
      const db = await openPostgres(await lab.newDatabase(), { log: () => {} });
      databases.push(db);
      return new PostgresStore(db.pool);
    },
    keep: { behind: 'snapshot', count: 2000 },
    checksWrites: true,
  },
];

const chat = (id: number): RoomEvent => ({ type: 'chat', message: { id, from: 'u1', name: 'Ann', text: `message ${id}`, at: 1000 + id } });
const seqs = (from: number, to: number): SequencedEvent[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ seq: from + i, event: chat(from + i) }));
const person = (id: string, present: boolean): Participant => ({
  id, name: id.toUpperCase(), role: 'participant', present, peerId: null, audio: false, video: false, joinedAt: 5,
});
const state = (room: string, seq: number, over: Partial<RoomState> = {}): RoomState => ({ ...initialState(room, 60_000), seq, ...over });
const entry = (n: number): AuditEntry => ({ at: 10_000 + n, action: 'remove', actor: { id: 'h1', name: 'Hana' }, detail: { userIds: [`u${n}`], n } });

for (const kind of KINDS) {
  describe(`Store conformance: ${kind.name}`, () => {
    let store: Store;
    before(async () => {
      store = await kind.make();
      stores.push(store);
    });

    it('a room never stored: no snapshot, an empty log from 0, nothing to resume from later, no audit', async () => {
      assert.equal(await store.loadRoom('never'), null);
      assert.deepEqual(await store.eventsSince('never', 0), []);
      assert.equal(await store.eventsSince('never', 3), null);
      assert.deepEqual(await store.auditLog('never', 10), []);
    });

    it('loads the latest snapshot and the events after it, in order', async () => {
      await store.append('load', seqs(1, 3), state('load', 3));
      await store.append('load', seqs(4, 5), null);
      await store.append('load', seqs(6, 6), null);
      const loaded = await store.loadRoom('load');
      assert.equal(loaded!.snapshot.seq, 3);
      assert.deepEqual(loaded!.events, seqs(4, 6));
      await store.append('load', seqs(7, 8), state('load', 8, { nextChatId: 9 }));
      const later = await store.loadRoom('load');
      assert.deepEqual(later!.snapshot, state('load', 8, { nextChatId: 9 }));
      assert.deepEqual(later!.events, []);
    });

    it('gives back exactly what it was given, maps in the same key order', async () => {
      const participants = { zed: person('zed', true), al: person('al', false), '10': person('10', true), mo: person('mo', true) };
      const snap = state('exact', 2, { participants, hostAwayDeadline: 1_700_000_000_123, session: { title: 'Bio ✓ «101»', aiAssistant: true } as RoomState['session'] });
      const moves: RoomEvent = { type: 'breakout-moved', moved: { zed: 'r2', al: null, '10': 'r1' } };
      await store.append('exact', [{ seq: 1, event: chat(1) }, { seq: 2, event: moves }], snap);
      await store.append('exact', [{ seq: 3, event: moves }], null);
      const loaded = await store.loadRoom('exact');
      assert.equal(JSON.stringify(loaded!.snapshot), JSON.stringify(snap));
      assert.equal(JSON.stringify(loaded!.events), JSON.stringify([{ seq: 3, event: moves }]));
      assert.equal(JSON.stringify(await store.eventsSince('exact', 0)), JSON.stringify([{ seq: 1, event: chat(1) }, { seq: 2, event: moves }, { seq: 3, event: moves }]));
    });

    it('eventsSince: the events after a seq, in order; none after the newest', async () => {
      await store.append('since', seqs(1, 10), state('since', 10));
      await store.append('since', seqs(11, 12), null);
      assert.deepEqual(await store.eventsSince('since', 0), seqs(1, 12));
      assert.deepEqual(await store.eventsSince('since', 9), seqs(10, 12));
      assert.deepEqual(await store.eventsSince('since', 12), []);
    });

    it('keeps each room to itself', async () => {
      await store.append('a', seqs(1, 2), state('a', 2));
      await store.append('b', seqs(1, 1), state('b', 1, { nextChatId: 7 }));
      assert.deepEqual(await store.eventsSince('a', 0), seqs(1, 2));
      assert.deepEqual(await store.eventsSince('b', 0), seqs(1, 1));
      assert.equal((await store.loadRoom('b'))!.snapshot.nextChatId, 7);
      await store.append('a', [], null, [entry(1)]);
      assert.deepEqual(await store.auditLog('b', 10), []);
    });

    it(`keeps a window of the log (${kind.keep.count} events behind the ${kind.keep.behind === 'snapshot' ? 'latest snapshot' : 'newest'}); a resume from before it is refused`, async () => {
      for (let from = 1; from <= 2500; from += 500) await store.append('long', seqs(from, from + 499), null);
      await store.append('long', seqs(2501, 2510), state('long', 2510));
      const first = 2510 - kind.keep.count + 1;
      assert.equal(await store.eventsSince('long', 0), null);
      assert.equal(await store.eventsSince('long', first - 2), null);
      const resumed = await store.eventsSince('long', first - 1);
      assert.equal(resumed!.length, kind.keep.count);
      assert.equal(resumed![0]!.seq, first);
      assert.deepEqual(resumed!.at(-1), { seq: 2510, event: chat(2510) });
      assert.deepEqual((await store.loadRoom('long'))!.events, []);
    });

    it('a write that fails keeps nothing of itself and the store works on', { skip: !kind.checksWrites && 'MemoryStore trusts the room master' }, async () => {
      await store.append('atomic', seqs(1, 2), state('atomic', 2), [entry(1)]);
      // seq 3 twice: the second insert fails after the first succeeded.
      const bad: SequencedEvent[] = [...seqs(3, 3), ...seqs(3, 3)];
      await assert.rejects(store.append('atomic', bad, state('atomic', 3), [entry(2)]));
      assert.deepEqual(await store.eventsSince('atomic', 0), seqs(1, 2));
      assert.equal((await store.loadRoom('atomic'))!.snapshot.seq, 2);
      assert.deepEqual(await store.auditLog('atomic', 10), [entry(1)]);
      await store.append('atomic', seqs(3, 3), state('atomic', 3), [entry(2)]);
      assert.deepEqual(await store.eventsSince('atomic', 0), seqs(1, 3));
    });

    it(`the audit log: newest first, at most the limit asked, the newest ${AUDIT_KEEP} kept`, async () => {
      await store.append('audit', [], null, [entry(1), entry(2)]);
      await store.append('audit', [], null, [entry(3)]);
      assert.deepEqual(await store.auditLog('audit', 10), [entry(3), entry(2), entry(1)]);
      assert.deepEqual(await store.auditLog('audit', 2), [entry(3), entry(2)]);
      assert.deepEqual(await store.auditLog('audit', 0), []);
      const many = Array.from({ length: AUDIT_KEEP }, (_, i) => entry(4 + i));
      await store.append('audit', [], null, many.slice(0, AUDIT_KEEP - 1));
      await store.append('audit', [], null, many.slice(AUDIT_KEEP - 1));
      const kept = await store.auditLog('audit', AUDIT_KEEP + 10);
      assert.equal(kept.length, AUDIT_KEEP);
      assert.deepEqual(kept[0], entry(3 + AUDIT_KEEP));
      assert.deepEqual(kept.at(-1), entry(4), 'the three oldest went first');
      // One write larger than the whole log: its own newest are kept.
      await store.append('audit2', [], null, Array.from({ length: AUDIT_KEEP + 2 }, (_, i) => entry(i)));
      const big = await store.auditLog('audit2', AUDIT_KEEP + 10);
      assert.equal(big.length, AUDIT_KEEP);
      assert.deepEqual([big[0], big.at(-1)], [entry(AUDIT_KEEP + 1), entry(2)]);
    });

    it('activeRooms: open rooms with someone present or the host-away timer pending, by their latest snapshot', async () => {
      const before = new Set(await store.activeRooms());
      await store.append('act-present', seqs(1, 1), state('act-present', 1, { participants: { u: person('u', true) } }));
      await store.append('act-timer', seqs(1, 1), state('act-timer', 1, { hostAwayDeadline: 99 }));
      await store.append('act-empty', seqs(1, 1), state('act-empty', 1, { participants: { u: person('u', false) } }));
      await store.append('act-ended', seqs(1, 1), state('act-ended', 1, { status: 'ended', participants: { u: person('u', true) } }));
      const now = (await store.activeRooms()).filter((r) => !before.has(r)).sort();
      assert.deepEqual(now, ['act-present', 'act-timer']);
      await store.append('act-present', seqs(2, 2), state('act-present', 2, { participants: { u: person('u', false) } }));
      await store.append('act-timer', seqs(2, 2), null); // no snapshot: still judged by the last one
      assert.deepEqual((await store.activeRooms()).filter((r) => !before.has(r)), ['act-timer']);
    });
  });
}
