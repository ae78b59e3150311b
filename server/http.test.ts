/**
 * The HTTP edges of the whole app, in-process: security headers that keep the
 * drop-in and API embeddable, malformed URLs answered with 400, storage faults
 * with 503, and demo mode's limits on what it signs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApp, type App } from './app.ts';
import { loadConfig } from './config.ts';
import { DEMO_ROOMS } from './demo.ts';
import { issueEventToken } from './sessions/auth.ts';
import { systemClock } from './socket.ts';
import { SqliteStore } from './store/sqlite.ts';
import { ROOT } from './testing/spawn.ts';

const dir = mkdtempSync(join(tmpdir(), 'http-test-'));

async function start(env: Record<string, string>): Promise<{ app: App; secret: string }> {
  const config = loadConfig({ DATA_DIR: join(dir, crypto.randomUUID()), ...env }, ROOT);
  const store = new SqliteStore(join(config.dataDir, 'rooms.db'));
  const app = await createApp({ config, store, db: store.db, clock: systemClock });
  return { app, secret: config.token.secret! };
}

describe('HTTP edges in demo mode', () => {
  let app: App;
  let secret: string;
  before(async () => ({ app, secret } = await start({ DEMO: '1' })));
  after(() => {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const get = (path: string, init?: RequestInit) => app.fetch(new Request(`http://localhost${path}`, init));

  it('gives the demo pages a CSP, nosniff and no-referrer', async () => {
    for (const path of ['/demo/', '/demo/course.html', '/demo/portal.html', '/demo/console.html']) {
      const res = await get(path);
      assert.equal(res.status, 200, path);
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self'(;|$)/, path);
      assert.match(csp, /connect-src 'self' ws: wss:/);
      assert.match(csp, /frame-ancestors 'self'/);
      assert.match(csp, /object-src 'none'/);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
      // No inline script on our pages: the CSP would block it.
      assert.doesNotMatch(await res.text(), /<script(?![^>]*\bsrc=)[^>]*>/, `${path} has an inline script`);
    }
  });

  it('keeps the API embeddable cross-origin, never cached, with nosniff and no-referrer', async () => {
    const token = await issueEventToken(secret, { sub: 'alex-kim', name: 'Alex Kim', event: 'demo-summit', eventRole: 'attendee' });
    const res = await get('/api/events/demo-summit/sessions', { headers: { authorization: `Bearer ${token}`, origin: 'https://portal.example' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(res.headers.get('content-security-policy'), null, 'JSON needs no page policy');
    assert.equal(res.headers.get('x-frame-options'), null);
    const pre = await get('/api/events/demo-summit/sessions', {
      method: 'OPTIONS',
      headers: { origin: 'https://portal.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    assert.ok(pre.status === 204 || pre.status === 200);
    assert.match(pre.headers.get('access-control-allow-headers') ?? '', /authorization/i);
    // The demo token issuer's replies carry tokens: never cached either.
    const tok = await get('/demo/token', { method: 'POST', body: JSON.stringify({ room: DEMO_ROOMS[0], name: 'Ann', role: 'participant' }) });
    assert.equal(tok.status, 200);
    assert.equal(tok.headers.get('cache-control'), 'no-store');
  });

  it('answers a malformed URL with 400 in any route, and never throws on the room socket path', async () => {
    for (const path of ['/demo/%E0%A4%A', '/api/events/%E0%A4%A/sessions', '/rooms/%E0%A4%A/socket', '/%', '/kaltura-room-%ZZ.js', '/api/events/demo-summit/sessions?tag=%E0%A4%A']) {
      const res = await get(path);
      assert.equal(res.status, 400, path);
      assert.match((await res.json()).error, /percent-encoding/);
    }
    assert.equal(app.websocket(new URL('http://localhost/rooms/%E0%A4%A/socket')), null);
  });

  it('signs demo room tokens only for the demo rooms', async () => {
    for (const room of DEMO_ROOMS) {
      const res = await get('/demo/token', { method: 'POST', body: JSON.stringify({ room, name: 'Ann', role: 'host' }) });
      assert.equal(res.status, 200, room);
    }
    for (const room of ['bio-101', 'demo-summit.s1', 'someone-elses-class']) {
      const res = await get('/demo/token', { method: 'POST', body: JSON.stringify({ room, name: 'Ann', role: 'host' }) });
      assert.equal(res.status, 403, room);
      assert.match((await res.json()).error, new RegExp(`only for the demo rooms: ${DEMO_ROOMS.join(', ')}`));
    }
  });
});

describe('HTTP edges outside demo mode', () => {
  it('has no demo pages; the drop-in stays open to any origin without a page policy', async () => {
    const { app } = await start({ TOKEN_SECRET: 'http-test-secret-0123456789-0123456789' });
    try {
      const page = await app.fetch(new Request('http://localhost/demo/course.html'));
      assert.equal(page.status, 404);
      const script = await app.fetch(new Request('http://localhost/kaltura-room.js'));
      if (script.status === 200) {
        assert.equal(script.headers.get('access-control-allow-origin'), '*');
        assert.equal(script.headers.get('content-security-policy'), null);
        assert.equal(script.headers.get('cross-origin-resource-policy'), null);
      }
      assert.equal(script.headers.get('x-content-type-options'), 'nosniff');
    } finally {
      app.close();
    }
  });
});
