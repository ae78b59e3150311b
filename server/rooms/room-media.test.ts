/**
 * The room master decides with the server's media server in the context: a room moves to it past
 * the configured mesh limit and hosts may pin it there; a server without one refuses the pin.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mediaModeState } from '../../src/protocol/media-mode.ts';
import { initialState } from '../../src/protocol/room.ts';
import type { Actor, MediaConfig } from '../../src/protocol/types.ts';
import { MemoryStore } from '../store/store.ts';
import { FakeClock } from '../testing/fakes.ts';
import { RoomMaster, type RoomListener } from './room.ts';
import { StorageHealth } from './storage-guard.ts';

const HOST: Actor = { id: 'h', name: 'Hana', role: 'host' };
const ANN: Actor = { id: 'a', name: 'Ann', role: 'participant' };

function master(media?: MediaConfig): RoomMaster {
  const clock = new FakeClock();
  return new RoomMaster({
    id: 'r1',
    state: initialState('r1', 60_000),
    store: new MemoryStore(),
    clock,
    storage: new StorageHealth(clock, () => {}),
    transport: { send: () => {}, resync: () => {}, expel: () => {} },
    choices: { shuffle: (items) => items },
    config: { snapshotEvery: 64, leaveGraceMs: 10_000, ...(media ? { media } : {}) },
  });
}

async function withTwo(media?: MediaConfig): Promise<RoomMaster<RoomListener>> {
  const room = master(media);
  for (const who of [HOST, ANN]) assert.equal((await room.dispatch({ type: 'presence/join', peerId: `p-${who.id}` }, who)).ok, true);
  return room;
}

describe('room master: the media mode follows the server’s media server', () => {
  it('with a media server, the cameras past its mesh limit move the room there', async () => {
    const room = await withTwo({ sfu: true, meshLimit: 1 });
    assert.equal((await room.dispatch({ type: 'media/state', audio: false, video: true }, HOST)).ok, true);
    assert.equal(mediaModeState(room.state).mode, 'mesh');
    assert.equal((await room.dispatch({ type: 'media/state', audio: false, video: true }, ANN)).ok, true);
    assert.deepEqual(mediaModeState(room.state), { mode: 'sfu', pinned: false, crowdedAt: null });
  });

  it('with a media server a host pins the room; without one the pin is refused and hosts hear when it is crowded', async () => {
    const sfu = await withTwo({ sfu: true, meshLimit: 4 });
    assert.deepEqual(await sfu.dispatch({ type: 'media/pin-sfu', pinned: true }, HOST), { ok: true, seq: sfu.state.seq });
    assert.equal(mediaModeState(sfu.state).pinned, true);

    const none = await withTwo();
    const refused = await none.dispatch({ type: 'media/pin-sfu', pinned: true }, HOST);
    assert.equal(!refused.ok && refused.code, 'sfu-unavailable');
  });
});
