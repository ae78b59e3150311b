/** Server settings: demo-mode rules, the upload quotas, the media server, STUN/TURN and several servers on PostgreSQL. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from './config.ts';

const root = mkdtempSync(join(tmpdir(), 'config-test-'));
const SECRET = 'config-test-secret-0123456789-0123456789';

describe('configuration', () => {
  after(() => rmSync(root, { recursive: true, force: true }));

  it('demo mode listens on loopback only, unless HOST says otherwise', () => {
    assert.equal(loadConfig({ DEMO: '1' }, root).hostname, '127.0.0.1');
    assert.equal(loadConfig({ DEMO: '1', HOST: '0.0.0.0' }, root).hostname, '0.0.0.0');
    assert.equal(loadConfig({ TOKEN_SECRET: SECRET }, root).hostname, '0.0.0.0');
  });

  it('refuses to start in demo mode with a production secret or key, naming what to pick', () => {
    const pem = join(root, 'key.pem');
    writeFileSync(pem, '-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n');
    for (const env of [
      { DEMO: '1', TOKEN_SECRET: SECRET },
      { DEMO: 'true', TOKEN_PUBLIC_KEY: 'pem' },
      { DEMO: 'on', TOKEN_PUBLIC_KEY_FILE: pem },
    ]) {
      assert.throws(() => loadConfig(env, root), (err: Error) => {
        const name = Object.keys(env).find((k) => k.startsWith('TOKEN_'))!;
        assert.match(err.message, new RegExp(`DEMO=1 cannot run with ${name}`));
        assert.match(err.message, /Pick one/);
        return true;
      });
    }
    // Without demo mode the secret is simply used.
    assert.equal(loadConfig({ TOKEN_SECRET: SECRET }, root).token.secret, SECRET);
  });

  it('keeps a per-event storage quota, 5 GB unless EVENT_STORAGE_MB says otherwise', () => {
    assert.equal(loadConfig({ TOKEN_SECRET: SECRET }, root).eventStorageBytes, 5120 * 1024 * 1024);
    assert.equal(loadConfig({ TOKEN_SECRET: SECRET, EVENT_STORAGE_MB: '20' }, root).eventStorageBytes, 20 * 1024 * 1024);
    assert.throws(() => loadConfig({ TOKEN_SECRET: SECRET, EVENT_STORAGE_MB: 'lots' }, root), /EVENT_STORAGE_MB must be a number/);
  });

  describe('the media server (Janus)', () => {
    const API = 'janus-api-secret-0123456789';
    const ADMIN = 'janus-admin-key-0123456789';
    const load = (env: Record<string, string>) => loadConfig({ TOKEN_SECRET: SECRET, ...env }, root);

    it('is off unless JANUS_URL is set: rooms stay a mesh', () => {
      assert.equal(load({}).janus, null);
      assert.equal(load({ JANUS_URL: '  ' }).janus, null);
      // The secrets alone do not turn it on.
      assert.equal(load({ JANUS_API_SECRET: API, JANUS_ADMIN_KEY: ADMIN }).janus, null);
    });

    it('takes the URL, both secrets, a room secret defaulting to the API secret, and a 10 s timeout', () => {
      assert.deepEqual(load({ JANUS_URL: 'ws://10.0.0.5:8188', JANUS_API_SECRET: API, JANUS_ADMIN_KEY: ADMIN }).janus, {
        url: 'ws://10.0.0.5:8188',
        apiSecret: API,
        adminKey: ADMIN,
        roomSecret: API,
        timeoutMs: 10_000,
      });
      const janus = load({
        JANUS_URL: 'wss://janus.internal:8989',
        JANUS_API_SECRET: API,
        JANUS_ADMIN_KEY: ADMIN,
        JANUS_ROOM_SECRET: 'another-room-secret',
        JANUS_TIMEOUT_SECONDS: '3',
      }).janus!;
      assert.equal(janus.roomSecret, 'another-room-secret');
      assert.equal(janus.timeoutMs, 3000);
    });

    it('refuses a URL that is not ws:// or wss://, or that carries credentials', () => {
      for (const url of ['http://10.0.0.5:8188', 'janus.internal:8188', 'ws://admin:pw@10.0.0.5:8188']) {
        assert.throws(() => load({ JANUS_URL: url, JANUS_API_SECRET: API, JANUS_ADMIN_KEY: ADMIN }), /JANUS_URL must be a ws:\/\/ or wss:\/\/ address without credentials/, url);
      }
    });

    it('refuses to start with a missing or short API secret or admin key, naming the setting', () => {
      assert.throws(() => load({ JANUS_URL: 'ws://10.0.0.5:8188', JANUS_ADMIN_KEY: ADMIN }), /set JANUS_API_SECRET \(at least 16 characters\)/);
      assert.throws(() => load({ JANUS_URL: 'ws://10.0.0.5:8188', JANUS_API_SECRET: 'short', JANUS_ADMIN_KEY: ADMIN }), /JANUS_API_SECRET/);
      assert.throws(() => load({ JANUS_URL: 'ws://10.0.0.5:8188', JANUS_API_SECRET: API }), /set JANUS_ADMIN_KEY \(at least 16 characters\)/);
      assert.throws(() => load({ JANUS_URL: 'ws://10.0.0.5:8188', JANUS_API_SECRET: API, JANUS_ADMIN_KEY: 'short' }), /JANUS_ADMIN_KEY/);
    });

    it('bounds the request timeout', () => {
      for (const t of ['0', '121', 'soon']) {
        assert.throws(() => load({ JANUS_URL: 'ws://10.0.0.5:8188', JANUS_API_SECRET: API, JANUS_ADMIN_KEY: ADMIN, JANUS_TIMEOUT_SECONDS: t }), /JANUS_TIMEOUT_SECONDS must be a number from 1 to 120/);
      }
    });

    it('moves a room past 4 cameras unless MESH_LIMIT says otherwise, from 1 to 50', () => {
      assert.equal(load({}).meshLimit, 4);
      assert.equal(load({ MESH_LIMIT: '6' }).meshLimit, 6);
      for (const n of ['0', '51', 'four']) assert.throws(() => load({ MESH_LIMIT: n }), /MESH_LIMIT must be a number from 1 to 50/);
    });
  });

  describe('STUN and TURN', () => {
    const load = (env: Record<string, string>) => loadConfig({ TOKEN_SECRET: SECRET, ...env }, root);

    it('hands out no servers by default, with the policy all and credentials lasting an hour', () => {
      assert.deepEqual(load({}).ice, { stun: [], turn: [], turnSecret: null, turnTtlSeconds: 3600, policy: 'all' });
    });

    it('reads comma-separated STUN and TURN URLs, trimming spaces and empty entries', () => {
      const ice = load({
        STUN_URLS: ' stun:stun.example.edu:3478 ,,stuns:stun.example.edu:5349',
        TURN_URLS: 'turn:turn.example.edu:3478?transport=udp, turns:turn.example.edu:443?transport=tcp',
        TURN_SECRET: 'coturn-static-auth-secret',
        TURN_TTL_SECONDS: '600',
      }).ice;
      assert.deepEqual(ice.stun, ['stun:stun.example.edu:3478', 'stuns:stun.example.edu:5349']);
      assert.deepEqual(ice.turn, ['turn:turn.example.edu:3478?transport=udp', 'turns:turn.example.edu:443?transport=tcp']);
      assert.equal(ice.turnSecret, 'coturn-static-auth-secret');
      assert.equal(ice.turnTtlSeconds, 600);
    });

    it('refuses a URL of the wrong kind, naming the setting and the schemes it takes', () => {
      assert.throws(() => load({ STUN_URLS: 'turn:turn.example.edu' }), /STUN_URLS entries must start with stun: or stuns:; got "turn:turn.example.edu"/);
      assert.throws(() => load({ TURN_URLS: 'stun:stun.example.edu', TURN_SECRET: 's' }), /TURN_URLS entries must start with turn: or turns:/);
      assert.throws(() => load({ TURN_URLS: 'https://turn.example.edu', TURN_SECRET: 's' }), /TURN_URLS entries must start with/);
    });

    it('refuses credentials inside a URL: the secret is set on its own', () => {
      assert.throws(() => load({ TURN_URLS: 'turn:user:pass@turn.example.edu:3478', TURN_SECRET: 's' }), /TURN_URLS must not carry credentials in the URL/);
      assert.throws(() => load({ STUN_URLS: 'stun:me@stun.example.edu' }), /STUN_URLS must not carry credentials in the URL/);
    });

    it('refuses TURN URLs without TURN_SECRET', () => {
      assert.throws(() => load({ TURN_URLS: 'turn:turn.example.edu:3478' }), /TURN_URLS is set: set TURN_SECRET/);
    });

    it('forces relay only with ICE_TRANSPORT_POLICY=relay, which needs TURN', () => {
      const turn = { TURN_URLS: 'turn:turn.example.edu:3478', TURN_SECRET: 'coturn-static-auth-secret' };
      assert.equal(load({ ...turn, ICE_TRANSPORT_POLICY: 'relay' }).ice.policy, 'relay');
      assert.equal(load({ ...turn, ICE_TRANSPORT_POLICY: 'RELAY' }).ice.policy, 'relay');
      assert.equal(load({ ICE_TRANSPORT_POLICY: 'all' }).ice.policy, 'all');
      assert.throws(() => load({ ICE_TRANSPORT_POLICY: 'relay' }), /ICE_TRANSPORT_POLICY=relay needs TURN_URLS and TURN_SECRET/);
      assert.throws(() => load({ ...turn, ICE_TRANSPORT_POLICY: 'turn-only' }), /ICE_TRANSPORT_POLICY must be all or relay; got "turn-only"/);
    });

    it('bounds how long a TURN credential lasts, from a minute to a week', () => {
      for (const t of ['59', String(7 * 86_400 + 1), 'long']) assert.throws(() => load({ TURN_TTL_SECONDS: t }), /TURN_TTL_SECONDS must be a number from 60 to 604800/);
      assert.equal(load({ TURN_TTL_SECONDS: '60' }).ice.turnTtlSeconds, 60);
    });
  });

  describe('several servers on PostgreSQL', () => {
    const load = (env: Record<string, string>) => loadConfig({ TOKEN_SECRET: SECRET, ...env }, root);

    it('keeps SQLite without DATABASE_URL, and takes PostgreSQL with its pool size when it is set', () => {
      assert.equal(load({}).database, null);
      const pg = load({ DATABASE_URL: 'postgres://classroom@db.internal:5432/classroom', DATABASE_POOL_SIZE: '4' }).database!;
      assert.equal(pg.url, 'postgres://classroom@db.internal:5432/classroom');
      assert.equal(pg.poolSize, 4);
      assert.equal(load({ DATABASE_URL: 'postgresql://db/classroom' }).database!.poolSize, 10);
    });

    it('refuses a DATABASE_URL of another kind without repeating its password', () => {
      assert.throws(
        () => load({ DATABASE_URL: 'mysql://classroom:hunter2@db/classroom' }),
        (err: Error) => /DATABASE_URL must be a postgres:\/\/ URL/.test(err.message) && !err.message.includes('hunter2'),
      );
      assert.throws(() => load({ DATABASE_URL: 'postgres://db/c', DATABASE_POOL_SIZE: '0' }), /DATABASE_POOL_SIZE must be a whole number from 1/);
    });

    it('takes SERVER_ID as given, checked; without it, a name of its own that differs at every start', () => {
      assert.equal(load({ SERVER_ID: 'rooms-1' }).serverId, 'rooms-1');
      assert.equal(load({ SERVER_ID: 'eu-west:rooms_2.a' }).serverId, 'eu-west:rooms_2.a');
      for (const bad of ['-rooms', 'rooms 1', 'rooms/1', 'x'.repeat(65)]) assert.throws(() => load({ SERVER_ID: bad }), /SERVER_ID must be 1 to 64 letters/, bad);
      const a = load({}).serverId;
      const b = load({}).serverId;
      assert.match(a, /^[A-Za-z0-9][A-Za-z0-9._:-]*-[0-9a-f]{6}$/);
      assert.notEqual(a, b, 'two servers started without SERVER_ID never share a name');
    });

    it('lasts a lease LEASE_SECONDS (default 5 s), from 1 s to 5 minutes', () => {
      assert.equal(load({}).leaseTtlMs, 5_000);
      assert.equal(load({ LEASE_SECONDS: '3' }).leaseTtlMs, 3_000);
      assert.equal(load({ LEASE_SECONDS: '1.5' }).leaseTtlMs, 1_500);
      for (const bad of ['0', '301', 'soon']) assert.throws(() => load({ LEASE_SECONDS: bad }), /LEASE_SECONDS must be a number of seconds from 1 to 300/, bad);
    });
  });
});
