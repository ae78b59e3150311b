import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as v from 'valibot';
import { JoinClaimsSchema, MAX_FRAME, parseClientMessage } from './schema.ts';

describe('parseClientMessage', () => {
  it('accepts each well-formed message', () => {
    for (const m of [
      { type: 'hello', token: 't', since: 4, peerId: 'p1-abc' },
      { type: 'ping', t: 1 },
      { type: 'command', ref: 'r1', command: { type: 'chat/send', text: 'hi' } },
      { type: 'command', command: { type: 'media/state', audio: true, video: false } },
      { type: 'command', command: { type: 'meeting/leave' } },
      { type: 'command', command: { type: 'meeting/end' } },
      { type: 'command', command: { type: 'meeting/start' } },
    ]) {
      const r = parseClientMessage(JSON.stringify(m));
      assert.ok(r.ok, JSON.stringify(r));
    }
  });

  it('takes participant/remove and meeting/join; a media id is never taken from a browser', () => {
    const remove = parseClientMessage('{"type":"command","command":{"type":"participant/remove","userId":"__proto__"}}');
    assert.deepEqual(remove.ok && remove.value, { type: 'command', command: { type: 'participant/remove', userId: '__proto__' } });
    const missing = parseClientMessage('{"type":"command","command":{"type":"participant/remove"}}');
    assert.equal(!missing.ok && missing.code, 'bad-message');
    for (const type of ['meeting/start', 'meeting/join']) {
      const r = parseClientMessage(JSON.stringify({ type: 'command', command: { type, peerId: 'someone-else' } }));
      assert.deepEqual(r.ok && r.value, { type: 'command', command: { type } }, 'the server adds the connection’s own peer id');
    }
  });

  it('takes the share commands; takeOver and the stopped user are optional', () => {
    for (const command of [
      { type: 'share/start', audio: true },
      { type: 'share/start', audio: false, takeOver: true },
      { type: 'share/stop' },
      { type: 'share/stop', userId: '__proto__' },
      { type: 'share/allow', allowed: false },
    ]) {
      const r = parseClientMessage(JSON.stringify({ type: 'command', command }));
      assert.deepEqual(r.ok && r.value, { type: 'command', command }, JSON.stringify(r));
    }
    const cases: [object, RegExp][] = [
      [{ type: 'share/start' }, /command\.audio: /],
      [{ type: 'share/start', audio: 'yes' }, /command\.audio: audio must be true or false/],
      [{ type: 'share/start', audio: true, takeOver: 'yes' }, /command\.takeOver: takeOver must be true or false/],
      [{ type: 'share/stop', userId: '' }, /command\.userId: userId is missing/],
      [{ type: 'share/allow', allowed: null }, /command\.allowed: allowed must be true or false/],
    ];
    for (const [command, re] of cases) {
      const r = parseClientMessage(JSON.stringify({ type: 'command', command }));
      assert.equal(!r.ok && r.code, 'bad-message', JSON.stringify(command));
      assert.match(!r.ok ? r.message : '', re);
    }
  });

  it('names what is wrong', () => {
    const cases: [string, string, RegExp][] = [
      ['{not json', 'bad-message', /not valid JSON/],
      ['[1,2]', 'bad-message', /JSON object/],
      ['"hi"', 'bad-message', /JSON object/],
      ['{"type":"dance"}', 'unknown-type', /Unknown message type "dance"/],
      ['{"type":"command","command":{"type":"room/explode"}}', 'unknown-type', /Unknown command type "room\/explode"/],
      ['{"type":"command","command":{"type":"chat/send","text":""}}', 'bad-message', /command\.text: A chat message cannot be empty/],
      ['{"type":"command","command":{"type":"chat/send","text":"' + 'x'.repeat(2001) + '"}}', 'bad-message', /at most 2000/],
      ['{"type":"command","command":{"type":"media/state","audio":"yes","video":false}}', 'bad-message', /command\.audio: audio must be true or false/],
      ['{"type":"hello","token":"t","since":-1}', 'bad-message', /since cannot be negative/],
      ['{"type":"hello","token":"t","peerId":"bad id!"}', 'bad-message', /peerId may hold only/],
    ];
    for (const [raw, code, re] of cases) {
      const r = parseClientMessage(raw);
      assert.equal(r.ok, false, raw);
      if (!r.ok) {
        assert.equal(r.code, code, raw);
        assert.match(r.message, re, raw);
      }
    }
  });

  it('refuses oversized frames before parsing them', () => {
    const r = parseClientMessage('x'.repeat(MAX_FRAME + 1));
    assert.equal(!r.ok && r.code, 'too-large');
  });

  it('echoes the ref of a bad command so the sender can match the error', () => {
    const r = parseClientMessage('{"type":"command","ref":"c7","command":{"type":"nope"}}');
    assert.equal(!r.ok && r.ref, 'c7');
  });
});

describe('JoinClaimsSchema', () => {
  it('requires a user, a name, a known role and a valid room', () => {
    const good = { sub: 'u1', name: 'Ann', role: 'participant', room: 'bio-101' };
    assert.ok(v.safeParse(JoinClaimsSchema, good).success);
    assert.equal(v.safeParse(JoinClaimsSchema, { ...good, role: 'admin' }).success, false);
    assert.equal(v.safeParse(JoinClaimsSchema, { ...good, room: '../etc' }).success, false);
    assert.equal(v.safeParse(JoinClaimsSchema, { ...good, name: ' ' }).success, false);
  });
});
