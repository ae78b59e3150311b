/**
 * The real server over real sockets on loopback: started as a child process
 * (server/node.ts), and a smoke run of the same source under Deno.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { issueToken } from './auth.ts';
import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { joinRoom, ROOT, startServer, TEST_SECRET, TestClient, type RunningServer } from './testing/spawn.ts';

const tok = (sub: string, role: 'host' | 'moderator' | 'participant', room = 'bio-101', ttl?: number) =>
  issueToken(TEST_SECRET, { sub, name: `User ${sub}`, role, room }, ttl);

async function peer(base: string, room: string, key: string, id: string) {
  const c = new TestClient(`${base}/rooms/${room}/peerjs?key=${encodeURIComponent(key)}&id=${id}&token=t${id}&version=1.5.5`);
  await c.opened;
  const first = await c.next(() => true);
  return { client: c, first };
}

/** Ask for a WebSocket upgrade at `target` over a raw socket (no client library to tidy the URL); the reply as sent. */
function rawUpgrade(port: number, target: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      ),
    );
    let reply = '';
    const timer = setTimeout(() => (socket.destroy(), reject(new Error(`no complete reply to ${target}: ${JSON.stringify(reply)}`))), 15_000);
    socket.on('data', (d) => (reply += d));
    socket.on('error', (e) => (clearTimeout(timer), reject(e)));
    socket.on('close', () => {
      clearTimeout(timer);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0);
      resolve({ status, body: reply.slice(reply.indexOf('\r\n\r\n') + 4) });
    });
  });
}

/** Upgrades with broken percent-encoding get 400 and the reason; an unknown socket path gets 404; the server keeps serving. */
async function assertUpgradeRefusals(server: RunningServer): Promise<void> {
  for (const target of ['/rooms/%E0%A4%A/socket', '/rooms/%/socket', '/rooms/r1/peerjs?key=%E0%A4%A&id=p1']) {
    const res = await rawUpgrade(server.port, target);
    assert.equal(res.status, 400, target);
    assert.match(JSON.parse(res.body).error, /broken percent-encoding/, target);
  }
  const missing = await rawUpgrade(server.port, '/no-such-socket');
  assert.equal(missing.status, 404);
  assert.match(JSON.parse(missing.body).error, /no WebSocket at this address/);
  assert.equal((await fetch(`${server.url}/health`).then((r) => r.json())).ok, true);
}

describe('server on Node.js', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ env: { LEAVE_GRACE_SECONDS: '1' } });
  });
  after(async () => {
    await server?.stop();
  });

  it('answers health and serves the drop-in script to any origin', async () => {
    const health = await fetch(`${server.url}/health`).then((r) => r.json());
    assert.equal(health.ok, true);
    const res = await fetch(`${server.url}/kaltura-room.js`);
    assert.equal(res.status, 200, await res.clone().text().then((t) => t.slice(0, 200)));
    assert.match(res.headers.get('content-type') ?? '', /javascript/);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    const body = await res.text();
    assert.match(body, /kaltura-room/);
    // Parts loaded on demand sit beside it, also open to any origin.
    assert.match(body, /import\("\.\/kaltura-room-[^"]+\.js"\)/, 'the drop-in loads parts on demand');
    const parts = readdirSync(join(ROOT, 'dist')).filter((f) => /^kaltura-room-.+\.js$/.test(f));
    assert.ok(parts.length >= 2);
    for (const chunk of parts) {
      const part = await fetch(`${server.url}/${chunk}`);
      assert.equal(part.status, 200, chunk);
      assert.equal(part.headers.get('access-control-allow-origin'), '*');
      assert.match(part.headers.get('cache-control') ?? '', /immutable/);
    }
    assert.equal((await fetch(`${server.url}/kaltura-room-../../etc/passwd.js`)).status, 404);
  });

  it('refuses a WebSocket upgrade to a malformed URL with 400 and the reason', async () => {
    await assertUpgradeRefusals(server);
    const ok = await joinRoom(server.wsUrl, 'bio-101', await tok('u', 'participant'));
    assert.ok(ok.welcome, 'well-formed room sockets still open');
    ok.client.close();
  });

  it('has no demo token issuer outside demo mode', async () => {
    const res = await fetch(`${server.url}/demo/token`, { method: 'POST', body: '{}' });
    assert.equal(res.status, 404);
  });

  it('joins, chats across clients and refuses what a participant may not do', async () => {
    const host = await joinRoom(server.wsUrl, 'bio-101', await tok('h', 'host'));
    const ann = await joinRoom(server.wsUrl, 'bio-101', await tok('a', 'participant'));
    assert.equal(host.welcome.self.role, 'host');
    ann.client.send({ type: 'command', ref: 'c1', command: { type: 'chat/send', text: 'Hello <b>class</b>' } });
    const chat = await host.client.next((m) => m.type === 'event' && m.event.type === 'chat');
    assert.equal(chat.event.message.text, 'Hello <b>class</b>');
    assert.equal(chat.event.message.name, 'User a', 'the name comes from the token');
    ann.client.send({ type: 'command', ref: 'c2', command: { type: 'meeting/end' } });
    const err = await ann.client.next((m) => m.type === 'error' && m.ref === 'c2');
    assert.equal(err.code, 'forbidden');
    host.client.close();
    ann.client.close();
  });

  it('answers bad input with clear errors and keeps serving everyone else', async () => {
    const host = await joinRoom(server.wsUrl, 'bad-input', await tok('h', 'host', 'bad-input'));
    const ann = await joinRoom(server.wsUrl, 'bad-input', await tok('a', 'participant', 'bad-input'));
    ann.client.send('{"type":');
    assert.equal((await ann.client.next((m) => m.type === 'error')).code, 'bad-message');
    ann.client.send({ type: 'command', ref: 'x', command: { type: 'room/delete' } });
    assert.equal((await ann.client.next((m) => m.type === 'error' && m.ref === 'x')).code, 'unknown-type');
    ann.client.send(JSON.stringify({ type: 'command', ref: 'big', command: { type: 'chat/send', text: 'x'.repeat(30_000) } }));
    assert.equal((await ann.client.next((m) => m.type === 'error' && m.code === 'too-large')).code, 'too-large');
    ann.client.ws.send(new Uint8Array([0xde, 0xad]));
    await ann.client.next((m) => m.type === 'error' && /Binary/.test(m.message));

    // A frame beyond the transport limit (1 MiB) closes only that socket, with 1009.
    const bully = await joinRoom(server.wsUrl, 'bad-input', await tok('b', 'participant', 'bad-input'));
    bully.client.send('x'.repeat(1.5 * 1024 * 1024));
    assert.equal((await bully.client.waitClose()).code, 1009);

    host.client.send({ type: 'command', command: { type: 'chat/send', text: 'still serving' } });
    const chat = await ann.client.next((m) => m.type === 'event' && m.event.type === 'chat');
    assert.equal(chat.event.message.text, 'still serving');
    host.client.close();
    ann.client.close();
  });

  it('refuses expired, forged and other-room tokens with a reason', async () => {
    const expired = await joinRoom(server.wsUrl, 'bio-101', await tok('a', 'participant', 'bio-101', -30));
    assert.match(expired.error.message, /expired/);
    assert.equal((await expired.client.waitClose()).code, 4001);
    const forged = await issueToken('x'.repeat(40), { sub: 'a', name: 'A', role: 'host', room: 'bio-101' });
    assert.match((await joinRoom(server.wsUrl, 'bio-101', forged)).error.message, /not signed by this site/);
    assert.match((await joinRoom(server.wsUrl, 'bio-101', await tok('a', 'host', 'chem-9'))).error.message, /for room "chem-9"/);
  });

  it('admits to PeerJS signaling only peers that joined the room, and relays within the room only', async () => {
    const tA = await tok('a', 'participant', 'media-room');
    const tB = await tok('b', 'participant', 'media-room');
    const tC = await tok('c', 'participant', 'elsewhere');
    const a = await joinRoom(server.wsUrl, 'media-room', tA);
    const b = await joinRoom(server.wsUrl, 'media-room', tB);
    const c = await joinRoom(server.wsUrl, 'elsewhere', tC);
    const pa = await peer(server.wsUrl, 'media-room', a.welcome.mediaTicket, a.welcome.self.peerId);
    const pb = await peer(server.wsUrl, 'media-room', b.welcome.mediaTicket, b.welcome.self.peerId);
    const pc = await peer(server.wsUrl, 'elsewhere', c.welcome.mediaTicket, c.welcome.self.peerId);
    assert.deepEqual([pa.first.type, pb.first.type, pc.first.type], ['OPEN', 'OPEN', 'OPEN']);

    pa.client.send({ type: 'OFFER', dst: b.welcome.self.peerId, payload: { sdp: 'x' } });
    const offer = await pb.client.next((m) => m.type === 'OFFER');
    assert.equal(offer.src, a.welcome.self.peerId);

    pc.client.send({ type: 'OFFER', dst: a.welcome.self.peerId, payload: { sdp: 'sneaky' } });
    const expire = await pc.client.next((m) => m.type === 'EXPIRE', 10_000);
    assert.equal(expire.src, a.welcome.self.peerId);
    assert.ok(!pa.client.received.some((m) => m.type === 'OFFER'), 'nothing crossed rooms');

    // Someone else's token, or an id never admitted, is refused.
    assert.equal((await peer(server.wsUrl, 'elsewhere', tC, 'pNotAdmitted')).first.type, 'ERROR');
    assert.equal((await peer(server.wsUrl, 'elsewhere', 'garbage', 'pWhatever')).first.type, 'ERROR');
    for (const x of [a, b, c]) x.client.close();
    for (const x of [pa, pb, pc]) x.client.close();
  });
});

describe('breakout and signaling', () => {
  it('relays media signaling only between people in the same breakout room', async () => {
    const server = await startServer();
    try {
      const room = 'split-room';
      const h = await joinRoom(server.wsUrl, room, await tok('h', 'host', room));
      const ids = ['a', 'b', 'c', 'd'];
      const people: Record<string, Awaited<ReturnType<typeof joinRoom>>> = {};
      const keys: Record<string, string> = {};
      for (const id of ids) {
        keys[id] = await tok(id, 'participant', room);
        people[id] = await joinRoom(server.wsUrl, room, keys[id]);
      }
      h.client.send({ type: 'command', ref: 'cfg', command: { type: 'breakout/configure', rooms: ['One', 'Two'], timeLimitMinutes: null, countdownSeconds: 0, assignment: 'auto' } });
      await h.client.next((m) => m.type === 'ack' && m.ref === 'cfg');
      h.client.send({ type: 'command', ref: 'go', command: { type: 'breakout/start' } });
      await h.client.next((m) => m.type === 'ack' && m.ref === 'go');
      const moved = (await h.client.next((m) => m.type === 'event' && m.event.type === 'breakout-moved')).event.moved as Record<string, string>;
      const [x, y] = ids.filter((id) => moved[id] === 'r1');
      const z = ids.find((id) => moved[id] === 'r2')!;
      const px = await peer(server.wsUrl, room, people[x].welcome.mediaTicket, people[x].welcome.self.peerId);
      const py = await peer(server.wsUrl, room, people[y].welcome.mediaTicket, people[y].welcome.self.peerId);
      const pz = await peer(server.wsUrl, room, people[z].welcome.mediaTicket, people[z].welcome.self.peerId);
      px.client.send({ type: 'OFFER', dst: people[y].welcome.self.peerId, payload: { sdp: 'same room' } });
      assert.equal((await py.client.next((m) => m.type === 'OFFER')).src, people[x].welcome.self.peerId);
      px.client.send({ type: 'OFFER', dst: people[z].welcome.self.peerId, payload: { sdp: 'other room' } });
      const expire = await px.client.next((m) => m.type === 'EXPIRE');
      assert.equal(expire.src, people[z].welcome.self.peerId);
      assert.ok(!pz.client.received.some((m) => m.type === 'OFFER'), 'nothing crossed into room two');
      for (const c of [h.client, ...ids.map((id) => people[id].client), px.client, py.client, pz.client]) c.close();
    } finally {
      await server.stop();
    }
  });
});

describe('server restart', () => {
  it('keeps rooms, chat and presence across a restart; clients resume where they were', async () => {
    let server = await startServer({ env: { LEAVE_GRACE_SECONDS: '20' } });
    const port = server.port;
    const dataDir = server.dataDir;
    const tH = await tok('h', 'host', 'persist');
    const tA = await tok('a', 'participant', 'persist');
    const host = await joinRoom(server.wsUrl, 'persist', tH);
    const ann = await joinRoom(server.wsUrl, 'persist', tA);
    host.client.send({ type: 'command', ref: 'm', command: { type: 'chat/send', text: 'remember me' } });
    const ack = await host.client.next((m) => m.type === 'ack' && m.ref === 'm');
    await server.stop('SIGKILL'); // a crash, not a clean shutdown
    server = await startServer({ dataDir, port, env: { LEAVE_GRACE_SECONDS: '20' } });
    try {
      const back = await joinRoom(server.wsUrl, 'persist', tA, { since: ack.seq, peerId: ann.welcome.self.peerId });
      assert.deepEqual(back.welcome.events, [], 'nothing acknowledged was lost, nothing new to replay');
      assert.equal(back.welcome.self.peerId, ann.welcome.self.peerId);
      const fresh = await joinRoom(server.wsUrl, 'persist', await tok('n', 'participant', 'persist'));
      assert.equal(fresh.welcome.snapshot.chat[0].text, 'remember me');
      assert.equal(fresh.welcome.snapshot.participants.a.present, true);
      fresh.client.close();
      back.client.close();
    } finally {
      await server.stop();
    }
  });
});

describe('server on Deno (smoke)', () => {
  it('runs the same source: health, drop-in, room chat, PeerJS signaling and 400 for a malformed socket URL', async () => {
    const server = await startServer({ runtime: 'deno' });
    try {
      await assertUpgradeRefusals(server);
      assert.equal((await fetch(`${server.url}/health`).then((r) => r.json())).ok, true);
      assert.equal((await fetch(`${server.url}/kaltura-room.js`)).status, 200);
      const t1 = await tok('h', 'host', 'deno-room');
      const h = await joinRoom(server.wsUrl, 'deno-room', t1);
      const a = await joinRoom(server.wsUrl, 'deno-room', await tok('a', 'participant', 'deno-room'));
      a.client.send({ type: 'command', command: { type: 'chat/send', text: 'from deno' } });
      assert.equal((await h.client.next((m) => m.type === 'event' && m.event.type === 'chat')).event.message.text, 'from deno');
      a.client.send('nonsense');
      assert.equal((await a.client.next((m) => m.type === 'error')).code, 'bad-message');
      const p = await peer(server.wsUrl, 'deno-room', h.welcome.mediaTicket, h.welcome.self.peerId);
      assert.equal(p.first.type, 'OPEN');
      for (const c of [h.client, a.client, p.client]) c.close();
    } finally {
      await server.stop();
    }
  });
});
