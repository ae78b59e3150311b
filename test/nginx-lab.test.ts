/**
 * The shipped nginx configuration, run by the nginx lab in front of three small servers that
 * answer with their name: every URL of one room (its socket, PeerJS, its REST calls, Start
 * Meeting for a session) reaches the same server, rooms spread over the servers, WebSocket
 * upgrades pass both ways, the client's address is forwarded, a room whose server is down goes
 * to one other server (the same one for every request), and nothing is left behind after stop.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { WebSocketServer } from 'ws';

import { startNginx, type NginxLab } from './support/nginx-lab.ts';

interface Backend {
  name: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** A server that answers every request, and every WebSocket, with its name and what it got. */
async function backend(name: string, port = 0): Promise<Backend> {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ name, path: req.url, xff: req.headers['x-forwarded-for'] ?? null, method: req.method }));
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws, req) => {
    ws.send(JSON.stringify({ name, path: req.url, xff: req.headers['x-forwarded-for'] ?? null }));
    ws.on('message', (m) => ws.send(JSON.stringify({ echo: String(m) })));
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    name,
    port: (server.address() as AddressInfo).port,
    server,
    close: () =>
      new Promise((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

async function get(url: string, method = 'GET'): Promise<{ name: string; path: string; xff: string | null }> {
  const res = await fetch(url, { method });
  assert.equal(res.status, 200, `${method} ${url}: ${res.status}`);
  return res.json();
}

/** Opens a WebSocket, reads the greeting, checks an echo both ways, closes. */
async function socket(url: string): Promise<{ name: string; path: string; xff: string | null }> {
  const ws = new WebSocket(url);
  const messages: any[] = [];
  const waiters: (() => void)[] = [];
  ws.onmessage = (e) => {
    messages.push(JSON.parse(String(e.data)));
    waiters.splice(0).forEach((w) => w());
  };
  const nth = async (n: number) => {
    const deadline = Date.now() + 10_000;
    while (messages.length < n) {
      if (Date.now() > deadline) throw new Error(`no message ${n} from ${url}`);
      await new Promise<void>((r) => (waiters.push(r), setTimeout(r, 200)));
    }
    return messages[n - 1];
  };
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error(`could not open ${url}`));
  });
  const hello = await nth(1);
  ws.send('ping from the browser');
  assert.deepEqual(await nth(2), { echo: 'ping from the browser' });
  ws.close();
  return hello;
}

describe('nginx lab with the shipped configuration', { timeout: 120_000 }, () => {
  const backends: Backend[] = [];
  let lab: NginxLab;
  const rooms = Array.from({ length: 24 }, (_, i) => `bio-${100 + i}`);

  before(async () => {
    for (const name of ['a', 'b', 'c']) backends.push(await backend(name));
    lab = await startNginx(backends.map((b) => b.port));
  });
  after(async () => {
    await lab?.stop();
    for (const b of backends) await b.close();
  });

  test('renders only the site-specific parts: the test servers, a loopback port, no TLS', () => {
    for (const b of backends) assert.match(lab.conf, new RegExp(`server 127\\.0\\.0\\.1:${b.port} max_fails=1 fail_timeout=5s;`));
    assert.match(lab.conf, /hash \$kaltura_room consistent;/);
    assert.match(lab.conf, new RegExp(`listen 127\\.0\\.0\\.1:${lab.port};`));
    assert.doesNotMatch(lab.conf, /ssl_certificate|listen 443|server 10\.0\.0\./);
  });

  test('every URL of a room reaches one server, and the rooms spread over all three', async () => {
    const owner: Record<string, string> = {};
    for (const room of rooms) {
      const seen = new Set<string>();
      for (const path of [`/rooms/${room}/socket`, `/rooms/${room}/peerjs`, `/rooms/${room}/k3y/id`, `/api/rooms/${room}/status`, `/api/rooms/${room}/audit?limit=5`]) {
        for (let i = 0; i < 2; i++) seen.add((await get(`${lab.url}${path}`)).name);
      }
      assert.equal(seen.size, 1, `${room} reached ${[...seen]}`);
      owner[room] = [...seen][0];
    }
    assert.deepEqual(new Set(Object.values(owner)), new Set(['a', 'b', 'c']), 'each server holds some rooms');

    // Start Meeting for session s7 of event bio-2 belongs to the room "bio-2.s7".
    const meeting = await get(`${lab.url}/api/events/bio-2/sessions/s7/meeting`, 'POST');
    assert.equal(meeting.path, '/api/events/bio-2/sessions/s7/meeting');
    for (let i = 0; i < 3; i++) assert.equal((await get(`${lab.url}/rooms/bio-2.s7/socket`)).name, meeting.name);
  });

  test('requests without a room go to any server', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) seen.add((await get(`${lab.url}/kaltura-room.js`)).name);
    assert.ok(seen.size >= 2, `all went to ${[...seen]}`);
  });

  test('WebSocket upgrades pass, to the room\'s server, with the client address forwarded', async () => {
    for (const room of rooms.slice(0, 6)) {
      const http = await get(`${lab.url}/rooms/${room}/status`);
      const ws = await socket(`${lab.wsUrl}/rooms/${room}/socket`);
      assert.equal(ws.name, http.name);
      assert.equal(ws.path, `/rooms/${room}/socket`);
      assert.equal(ws.xff, '127.0.0.1');
      assert.equal((await socket(`${lab.wsUrl}/rooms/${room}/peerjs?key=x&id=y&token=t`)).name, http.name);
    }
  });

  test('the rooms of a server that is down go to one other server each; the other rooms stay put', async () => {
    const before: Record<string, string> = {};
    for (const room of rooms) before[room] = (await get(`${lab.url}/rooms/${room}/socket`)).name;
    const down = backends[0];
    await down.close();
    try {
      for (const room of rooms) {
        const seen = new Set<string>();
        for (let i = 0; i < 3; i++) seen.add((await socket(`${lab.wsUrl}/rooms/${room}/socket`)).name);
        assert.equal(seen.size, 1, `${room} reached ${[...seen]}`);
        const now = [...seen][0];
        if (before[room] === down.name) assert.notEqual(now, down.name);
        else assert.equal(now, before[room], `${room} moved although its server is up`);
      }
    } finally {
      backends[0] = await backend(down.name, down.port);
    }
  });

  test('stop() ends nginx and removes its folder', async () => {
    const other = await startNginx([backends[1].port]);
    assert.equal((await get(`${other.url}/rooms/x/socket`)).name, 'b');
    const dir = other.dir;
    await other.stop();
    assert.equal(existsSync(dir), false);
    await assert.rejects(fetch(`${other.url}/health`));
  });
});
