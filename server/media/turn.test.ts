/**
 * ICE servers per connection: STUN as configured, TURN with coturn's shared-secret credentials
 * (`use-auth-secret`): username `<expiry>:<user>`, password base64(HMAC-SHA1(secret, username)).
 * The reference HMAC here is node:crypto's, independent of the Web Crypto code under test.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import type { IceConfig } from '../config.ts';
import { iceServersFor } from './turn.ts';

const SECRET = 'coturn-static-auth-secret-0123456789';
const NOW = 1_760_000_000_700; // ms, not on a whole second
const ice = (over: Partial<IceConfig> = {}): IceConfig => ({
  stun: [],
  turn: [],
  turnSecret: null,
  turnTtlSeconds: 3600,
  policy: 'all',
  ...over,
});
const TURN = ice({ turn: ['turn:10.0.0.9:3478?transport=udp', 'turns:turn.example.edu:443?transport=tcp'], turnSecret: SECRET });
const coturnPassword = (secret: string, username: string) => createHmac('sha1', secret).update(username).digest('base64');

describe('ICE servers for a connection', () => {
  it('are none when nothing is configured', async () => {
    assert.deepEqual(await iceServersFor(ice(), 'ann', NOW), []);
  });

  it('give STUN servers as configured, with no credential', async () => {
    assert.deepEqual(await iceServersFor(ice({ stun: ['stun:stun.example.edu:3478', 'stun:10.0.0.9:3478'] }), 'ann', NOW), [
      { urls: ['stun:stun.example.edu:3478', 'stun:10.0.0.9:3478'] },
    ]);
  });

  it('leave TURN out without its secret (no credential coturn would accept)', async () => {
    assert.deepEqual(await iceServersFor(ice({ turn: ['turn:10.0.0.9:3478'] }), 'ann', NOW), []);
  });

  it('give every TURN URL one credential in coturn\'s shared-secret scheme, after STUN', async () => {
    const servers = await iceServersFor({ ...TURN, stun: ['stun:stun.example.edu'] }, 'ann', NOW);
    assert.equal(servers.length, 2);
    assert.deepEqual(servers[0], { urls: ['stun:stun.example.edu'] });
    const turn = servers[1]!;
    assert.deepEqual(turn.urls, TURN.turn);
    assert.equal(turn.username, `${1_760_000_000 + 3600}:ann`);
    assert.equal(turn.credential, coturnPassword(SECRET, turn.username!));
    assert.ok(!turn.credential!.includes(SECRET) && !turn.username!.includes(SECRET), 'the secret itself never leaves the server');
  });

  it('expire TURN_TTL_SECONDS after now (whole seconds, as coturn reads them)', async () => {
    const [short] = await iceServersFor({ ...TURN, turnTtlSeconds: 60 }, 'ann', NOW);
    assert.equal(short!.username, '1760000060:ann');
    const [later] = await iceServersFor({ ...TURN, turnTtlSeconds: 60 }, 'ann', NOW + 30_000);
    assert.equal(later!.username, '1760000090:ann');
    // A later credential is a different password: an old one cannot be stretched by editing its expiry.
    assert.notEqual(later!.credential, short!.credential);
    assert.equal(later!.credential, coturnPassword(SECRET, '1760000090:ann'));
  });

  it('depend on the secret and the user', async () => {
    const [a] = await iceServersFor(TURN, 'ann', NOW);
    const [b] = await iceServersFor(TURN, 'bob', NOW);
    const [c] = await iceServersFor({ ...TURN, turnSecret: 'another-secret-0123456789' }, 'ann', NOW);
    assert.notEqual(a!.credential, b!.credential);
    assert.notEqual(a!.credential, c!.credential);
    assert.equal(c!.credential, coturnPassword('another-secret-0123456789', a!.username!));
  });

  it('sanitize the user id: one colon only (coturn reads the expiry up to it), no spaces or symbols, at most 64 characters', async () => {
    const [odd] = await iceServersFor(TURN, 'lti:ann lee@school.edu/42', NOW);
    assert.equal(odd!.username, `${1_760_003_600}:lti_ann_lee_school.edu_42`);
    assert.equal(odd!.username!.split(':').length, 2);
    assert.equal(odd!.credential, coturnPassword(SECRET, odd!.username!));

    const [long] = await iceServersFor(TURN, 'x'.repeat(300), NOW);
    assert.equal(long!.username, `${1_760_003_600}:${'x'.repeat(64)}`);

    const [unicode] = await iceServersFor(TURN, 'zoë-ü', NOW);
    assert.match(unicode!.username!, /^\d+:[\w.-]+$/);
  });
});
