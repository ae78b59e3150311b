import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { zonedTimeToEpoch } from './time.ts';

describe('zonedTimeToEpoch', () => {
  it('reads a wall-clock time in a time zone', () => {
    assert.equal(zonedTimeToEpoch('2026-11-23', '09:30', 'UTC'), Date.UTC(2026, 10, 23, 9, 30));
    assert.equal(zonedTimeToEpoch('2026-07-01', '12:00', 'Asia/Jerusalem'), Date.UTC(2026, 6, 1, 9, 0));
    assert.equal(zonedTimeToEpoch('2026-01-15', '12:00', 'America/New_York'), Date.UTC(2026, 0, 15, 17, 0));
    assert.equal(zonedTimeToEpoch('2026-07-15', '12:00', 'America/New_York'), Date.UTC(2026, 6, 15, 16, 0));
  });
});
