/** Media-server frames at the one boundary: ops, sources, layers, versions and SDP sizes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_FRAME, MAX_LAYERS, MAX_SDP, parseClientMessage } from './schema.ts';

const SDP = 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\n';
const parse = (m: unknown) => parseClientMessage(typeof m === 'string' ? m : JSON.stringify(m));

describe('sfu frames', () => {
  it('accepts each well-formed frame, dropping unknown fields', () => {
    for (const m of [
      { type: 'sfu', op: 'publish', source: 'camera', sdp: SDP },
      { type: 'sfu', op: 'publish', source: 'screen', sdp: SDP },
      { type: 'sfu', op: 'unpublish', source: 'screen' },
      { type: 'sfu', op: 'subscribe' },
      { type: 'sfu', op: 'answer', sdp: SDP, version: 0 },
      { type: 'sfu', op: 'layers', want: [] },
      { type: 'sfu', op: 'layers', want: [{ userId: 'a', source: 'camera', layer: 'medium' }, { userId: 'b', source: 'screen', layer: 'off' }] },
    ]) {
      const r = parse({ ...m, token: 'x' });
      assert.deepEqual(r.ok && r.value, m, JSON.stringify(r));
    }
  });

  it('refuses bad frames, naming the field', () => {
    const cases: [object, string, RegExp][] = [
      [{ type: 'sfu' }, 'unknown-type', /Unknown sfu op undefined/],
      [{ type: 'sfu', op: 'join' }, 'unknown-type', /Unknown sfu op "join": use publish/],
      [{ type: 'sfu', op: 'publish', source: 'microphone', sdp: SDP }, 'bad-message', /source: source must be camera or screen/],
      [{ type: 'sfu', op: 'publish', source: 'camera' }, 'bad-message', /^sdp: .*"sdp"/],
      [{ type: 'sfu', op: 'publish', source: 'camera', sdp: 7 }, 'bad-message', /sdp: sdp must be a string/],
      [{ type: 'sfu', op: 'publish', source: 'camera', sdp: 'hello' }, 'bad-message', /sdp: sdp must be a complete session description/],
      [{ type: 'sfu', op: 'publish', source: 'camera', sdp: 'v=0\r\n' + 'a'.repeat(MAX_SDP) }, 'bad-message', /sdp: sdp can have at most 65536 characters/],
      [{ type: 'sfu', op: 'answer', sdp: SDP }, 'bad-message', /^version: .*"version"/],
      [{ type: 'sfu', op: 'answer', sdp: SDP, version: -1 }, 'bad-message', /version: version cannot be negative/],
      [{ type: 'sfu', op: 'answer', sdp: SDP, version: 1.5 }, 'bad-message', /version: version must be a whole number/],
      [{ type: 'sfu', op: 'answer', sdp: SDP, version: '2' }, 'bad-message', /version: version must be a number/],
      [{ type: 'sfu', op: 'layers', want: {} }, 'bad-message', /want: want must be a list/],
      [{ type: 'sfu', op: 'layers', want: [{ userId: 'a', source: 'camera', layer: 'huge' }] }, 'bad-message', /want\.0\.layer: layer must be high, medium, low or off/],
      [{ type: 'sfu', op: 'layers', want: [{ userId: '', source: 'camera', layer: 'low' }] }, 'bad-message', /want\.0\.userId: userId is missing/],
      [
        { type: 'sfu', op: 'layers', want: Array.from({ length: MAX_LAYERS + 1 }, (_, i) => ({ userId: `u${i}`, source: 'camera', layer: 'low' })) },
        'bad-message',
        /want: want can have at most 100 entries/,
      ],
    ];
    for (const [m, code, re] of cases) {
      const r = parse(m);
      assert.equal(!r.ok && r.code, code, JSON.stringify(m).slice(0, 120));
      assert.match(!r.ok ? r.message : '', re);
    }
  });

  it('only sfu frames may be larger than the usual frame, up to their own limit', () => {
    const big = 'v=0\r\n' + 'a'.repeat(40_000);
    assert.ok(parse({ type: 'sfu', op: 'publish', source: 'camera', sdp: big }).ok, 'a 40 KB offer passes');
    const chat = parse({ type: 'command', command: { type: 'chat/send', text: 'a'.repeat(MAX_FRAME) } });
    assert.equal(!chat.ok && chat.code, 'too-large');
    const huge = parse({ type: 'sfu', op: 'publish', source: 'camera', sdp: 'v=0\r\n' + 'a'.repeat(100_000) });
    assert.equal(!huge.ok && huge.code, 'too-large');
    assert.match(!huge.ok ? huge.message : '', /the limit is 16384 \(73728 for media-server sdp frames\)/);
    const notJson = parse('{"type":"sfu",' + ' '.repeat(MAX_FRAME));
    assert.equal(!notJson.ok && notJson.code, 'too-large');
  });
});
