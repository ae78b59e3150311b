/** Server settings: demo-mode rules and the upload quotas. */
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
});
