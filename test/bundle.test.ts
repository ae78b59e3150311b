/**
 * The drop-in's size budget: what a course page downloads to be in a room (the
 * drop-in plus PeerJS, loaded at join) stays within 64 KB gzip. `npm test` builds
 * dist/ first. Staff tools (the breakout console) are not part of it: they load when opened.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ROOT } from '../server/testing/spawn.ts';

const dist = join(ROOT, 'dist');
const gz = (file: string) => gzipSync(readFileSync(join(dist, file))).length;

it('a room costs at most 64 KB gzip: the drop-in plus PeerJS', () => {
  const entry = gz('kaltura-room.js');
  const peer = readdirSync(dist).find((f) => /^kaltura-room-bundler-.*\.js$/.test(f));
  assert.ok(peer, 'PeerJS is a part of its own, loaded at join');
  const total = entry + gz(peer);
  console.log(`drop-in ${entry} B + PeerJS ${gz(peer)} B = ${total} B gzip`);
  assert.ok(total <= 64 * 1024, `${total} B is over the 64 KB budget`);
});

it('the drop-in does not carry the event elements; they load when used', () => {
  const entry = readFileSync(join(dist, 'kaltura-room.js'), 'utf8');
  assert.doesNotMatch(entry, /Replace thumbnail/);
  assert.match(entry, /import\("\.\/kaltura-room-session-editor-[^"]+\.js"\)/);
  assert.doesNotMatch(entry, /Create rooms/, 'the breakout console loads when opened');
  assert.match(entry, /import\("\.\/kaltura-room-breakout-dashboard-[^"]+\.js"\)/);
});

it("the drop-in mirrors a room with the features' apply alone: no command schemas, no decide handlers", () => {
  const entry = readFileSync(join(dist, 'kaltura-room.js'), 'utf8');
  // valibot's schemas carry a "~standard" property; every decide handler of a joined user refuses with this.
  assert.doesNotMatch(entry, /~standard/, 'no valibot schema');
  assert.doesNotMatch(entry, /Join the room first\./, 'no decide handler');
  assert.match(entry, /breakout-moved/, 'the apply handlers are there');
});
