import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { initialState } from '../../src/protocol/room.ts';
import type { RoomEvent } from '../../src/protocol/types.ts';
import { SqliteStore } from './sqlite.ts';

describe('room logs written before the meeting lifecycle was renamed', () => {
  it('replay with the current event names', async () => {
    const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'legacy-')), 'rooms.db'));
    const old = [
      { seq: 1, event: { type: 'session-ended', reason: 'ended-by-host', by: 'h', at: 5 } as unknown as RoomEvent },
      { seq: 2, event: { type: 'session-started', by: 'h', at: 9 } as unknown as RoomEvent },
      { seq: 3, event: { type: 'settings-changed', hostAwayMs: 1000 } as RoomEvent },
    ];
    await store.append('bio', old, null);
    await store.append('bio', [], { ...initialState('bio'), seq: 0 });
    const loaded = await store.loadRoom('bio');
    assert.deepEqual(loaded?.events.map((e) => e.event.type), ['meeting-ended', 'meeting-started', 'settings-changed']);
    assert.deepEqual((await store.eventsSince('bio', 1))?.map((e) => e.event.type), ['meeting-started', 'settings-changed']);
    await store.close();
  });
});
