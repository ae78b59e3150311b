/**
 * The sessions API over a store that answers late, as one over the network (PostgreSQL) does: every
 * call waits a little before and after the real work, so requests interleave between store calls.
 * Answers stay the same, and two writers of one version still cannot both win.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Session } from '../../src/protocol/sessions.ts';
import type { SessionsStore } from '../store/sessions-store.ts';
import { EVENT, harness, sessionBody, type Harness } from './test-helpers.ts';

/** Delays of 0 to 4 ms in a fixed, irregular order (so runs are alike but calls interleave). */
function slowStore(store: SessionsStore): SessionsStore {
  let n = 0;
  const pause = () => new Promise<void>((resolve) => setTimeout(resolve, (n++ * 7) % 5));
  return new Proxy(store, {
    get(target, key) {
      const value = Reflect.get(target, key);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        await pause();
        const out = await value.apply(target, args);
        await pause();
        return out;
      };
    },
  });
}

describe('a slow, asynchronous store', () => {
  let h: Harness;
  const base = `/api/events/${EVENT}`;
  before(async () => (h = await harness({ wrapStore: slowStore })));
  after(() => h.close());

  it('serves the event, its tags and sessions as before', async () => {
    const tag = await (await h.call('POST', `${base}/tags`, { body: { name: 'Keynote' } })).json();
    const made = await Promise.all(
      ['10:00', '09:00', '11:00'].map((time) => h.call('POST', `${base}/sessions`, { body: sessionBody({ time, title: `At ${time}`, tags: [tag.tag.id] }) })),
    );
    assert.deepEqual(made.map((r) => r.status), [201, 201, 201]);
    const listed = (await (await h.call('GET', `${base}/sessions?tag=${tag.tag.id}`, { as: 'attendee' })).json()).sessions as Session[];
    assert.deepEqual(listed.map((s) => s.title), ['At 09:00', 'At 10:00', 'At 11:00']);
    assert.deepEqual(listed[0].tags, [{ id: tag.tag.id, name: 'Keynote' }]);
    const info = await (await h.call('GET', base, { as: 'attendee' })).json();
    assert.equal(info.sessionCount, 3);
    assert.equal(info.counts.attendee, 1);
  });

  it('gives the second of two writers of the same version a conflict carrying the winner', async () => {
    const s: Session = await (await h.call('POST', `${base}/sessions`, { body: sessionBody({ title: 'Raced' }) })).json();
    for (let round = 0; round < 5; round++) {
      const version = s.version + round;
      const [a, b] = await Promise.all([
        h.call('PATCH', `${base}/sessions/${s.id}`, { as: 'organizer', body: { version, title: `Olivia ${round}` } }),
        h.call('PATCH', `${base}/sessions/${s.id}`, { as: 'organizer2', body: { version, title: `Oscar ${round}` } }),
      ]);
      assert.deepEqual([a.status, b.status].sort(), [200, 409], `round ${round}`);
      const winner: Session = await (a.status === 200 ? a : b).json();
      const conflict = await (a.status === 409 ? a : b).json();
      assert.equal(winner.version, version + 1);
      assert.deepEqual(conflict.current, winner);
    }
  });
});
