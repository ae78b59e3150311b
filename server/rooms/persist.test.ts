import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RoomEvent, SequencedEvent } from '../../src/protocol/types.ts';
import { needsSnapshot } from './persist.ts';

const at = (...events: RoomEvent[]): SequencedEvent[] => events.map((event, i) => ({ seq: i + 1, event }));

const chat: RoomEvent = { type: 'chat', message: { id: 1, from: 'a', name: 'Ann', text: 'hi', at: 1 } };
const media: RoomEvent = { type: 'media-changed', userId: 'a', audio: true, video: false };

describe('persist: when the hub writes a snapshot', () => {
  it('every `every` events, whatever they are', () => {
    assert.equal(needsSnapshot(at(chat), 9, 10), false);
    assert.equal(needsSnapshot(at(chat), 10, 10), true);
  });

  it('after presence, lifecycle, breakout, help and share events; not after chat, media, engagement or pruning', () => {
    const snapshot: RoomEvent[] = [
      { type: 'participant-left', userId: 'a', at: 1 },
      { type: 'participant-removed', userId: 'a', by: 'h', at: 1 },
      { type: 'meeting-ended', reason: 'ended-by-host', by: 'h', at: 1 },
      { type: 'meeting-started', by: 'h', at: 1 },
      { type: 'host-away-started', deadline: 5 },
      { type: 'host-away-cancelled' },
      { type: 'settings-changed', hostAwayMs: 5 },
      { type: 'breakout-planned', plan: {} },
      { type: 'breakout-moves', moves: {} },
      { type: 'breakout-moved', moved: {} },
      { type: 'breakout-ended', at: 1 },
      { type: 'help-cleared', callIds: [1], userIds: ['a'], reason: 'dismissed' },
      { type: 'share-started', share: { userId: 'h', room: null, startedAt: 1, audio: false } },
      { type: 'share-stopped', userId: 'h', room: null, reason: 'stopped' },
      { type: 'share-allowed', allowed: true, by: 'h' },
    ];
    for (const e of snapshot) assert.equal(needsSnapshot(at(chat, e), 2, 100), true, e.type);
    const quiet: RoomEvent[] = [
      chat,
      media,
      { type: 'engagement-changed', userId: 'a', engaged: true },
      { type: 'participants-pruned', userIds: ['x'] },
      { type: 'session-info', info: null },
      { type: 'redacted' },
    ];
    for (const e of quiet) assert.equal(needsSnapshot(at(e), 1, 100), false, e.type);
  });
});
