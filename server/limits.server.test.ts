/**
 * Resource bounds over real sockets on loopback: rate-limit refusals and the
 * disconnect of a flooder, connections capped per address (and behind a trusted
 * proxy), and oversized frames closed before hello on Node and on Deno.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { issueToken } from './auth.ts';
import { joinRoom, startServer, TEST_SECRET, TestClient, type RunningServer } from './testing/spawn.ts';

const tok = (sub: string, role: 'host' | 'participant', room: string) => issueToken(TEST_SECRET, { sub, name: `User ${sub}`, role, room });

/** Peak resident memory of a process, in MB (Linux). */
const peakMb = (pid: number) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

/** Open a raw `ws` client (it can send headers and huge frames); resolves once open. */
function rawClient(url: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(url, { headers });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  ws.on('error', () => {}); // a refused or reset socket ends in `close`
  const opened = new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
  return { ws, opened, closed };
}

describe('rate limits over a real socket', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  it('refuses a burst of chat with rate-limited and retryAfterMs; others in the room hear only what was allowed', async () => {
    const host = await joinRoom(server.wsUrl, 'rl-1', await tok('h', 'host', 'rl-1'));
    const ann = await joinRoom(server.wsUrl, 'rl-1', await tok('a', 'participant', 'rl-1'));
    for (let i = 0; i < 50; i++) ann.client.send({ type: 'command', ref: `c${i}`, command: { type: 'chat/send', text: `line ${i}` } });
    const refused = await ann.client.next((m) => m.type === 'error' && m.code === 'rate-limited', 20_000);
    assert.ok(refused.retryAfterMs > 0 && refused.retryAfterMs <= 1000, `retryAfterMs ${refused.retryAfterMs}`);
    assert.match(refused.ref, /^c\d+$/);
    assert.match(refused.message, /Too many chat messages; wait \d+ s and try again/);
    // Every command is answered: refusals at once, acks once stored (so not necessarily in the order sent).
    for (let i = 0; i < 50; i++) await ann.client.next((m) => (m.type === 'ack' || m.type === 'error') && m.ref === `c${i}`, 20_000);
    const accepted = ann.client.received.filter((m) => m.type === 'ack').map((m) => Number(m.ref.slice(1)));
    const acks = accepted.length;
    assert.ok(acks >= 10 && acks < 50, `accepted ${acks} of 50`);
    assert.equal(ann.client.closed, null, 'refused, not disconnected');
    // The host hears exactly the accepted lines. (On a slow machine the bucket refills while the
    // burst is still being sent, so the accepted lines need not be the first ones.)
    const last = `line ${Math.max(...accepted)}`;
    await host.client.next((m) => m.type === 'event' && m.event.type === 'chat' && m.event.message.text === last, 20_000);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(host.client.received.filter((m) => m.type === 'event' && m.event.type === 'chat').length, acks);
    host.client.close();
    ann.client.close();
  });

  it('disconnects a client that keeps flooding after being refused, with a clear reason', async () => {
    const host = await joinRoom(server.wsUrl, 'rl-2', await tok('h', 'host', 'rl-2'));
    const bully = await joinRoom(server.wsUrl, 'rl-2', await tok('b', 'participant', 'rl-2'));
    for (let i = 0; i < 400; i++) bully.client.send({ type: 'command', command: { type: 'chat/send', text: `spam ${i}` } });
    const closed = await bully.client.waitClose(20_000);
    assert.deepEqual(closed, { code: 4029, reason: 'rate-limited' });
    const last = bully.client.received.filter((m) => m.type === 'error').at(-1);
    assert.equal(last.fatal, true);
    assert.match(last.message, /this connection is closed/);
    host.client.send({ type: 'command', ref: 'ok', command: { type: 'chat/send', text: 'still serving' } });
    await host.client.next((m) => m.type === 'ack' && m.ref === 'ok', 20_000);
    host.client.close();
  });
});

describe('connections per address', () => {
  it('caps open sockets per address across room sockets and signaling, with a reason; a closed one frees a place', async () => {
    const server = await startServer({ env: { MAX_CONNECTIONS_PER_IP: '3' } });
    try {
      const open = [0, 1, 2].map(() => new TestClient(`${server.wsUrl}/rooms/cap-room/socket`));
      await Promise.all(open.map((c) => c.opened));
      const fourth = new TestClient(`${server.wsUrl}/rooms/cap-room/peerjs?key=x&id=p1&token=t`);
      const closed = await fourth.waitClose(20_000);
      assert.equal(closed.code, 1013);
      assert.match(closed.reason, /Too many connections from your address \(limit 3\)/);
      open[0].close();
      await open[0].waitClose(20_000);
      let again: TestClient | null = null;
      for (let i = 0; i < 100 && !again; i++) {
        // The server counts the close when it sees it: retry briefly until the place is free.
        const c = new TestClient(`${server.wsUrl}/rooms/cap-room/socket`);
        await c.opened;
        await new Promise((r) => setTimeout(r, 100));
        if (c.closed) continue;
        again = c;
      }
      assert.ok(again, 'a place was freed');
      const joined = await (async () => {
        again!.send({ type: 'hello', token: await tok('a', 'participant', 'cap-room') });
        return again!.next((m) => m.type === 'welcome', 20_000);
      })();
      assert.equal(joined.self.id, 'a');
      for (const c of [...open, again!]) c.close();
    } finally {
      await server.stop();
    }
  });

  it('behind a trusted proxy (TRUST_PROXY) counts the address the proxy saw, not the proxy', async () => {
    const server = await startServer({ env: { MAX_CONNECTIONS_PER_IP: '1', TRUST_PROXY: '1' } });
    try {
      const url = `${server.wsUrl}/rooms/proxy-room/socket`;
      const a = rawClient(url, { 'x-forwarded-for': '198.51.100.1' });
      const b = rawClient(url, { 'x-forwarded-for': '10.9.9.9, 198.51.100.2' });
      await Promise.all([a.opened, b.opened]);
      const a2 = rawClient(url, { 'x-forwarded-for': '10.9.9.9, 198.51.100.1' });
      assert.equal((await a2.closed).code, 1013, 'same client address through the proxy: over the cap of 1');
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(a.ws.readyState, WebSocket.OPEN);
      assert.equal(b.ws.readyState, WebSocket.OPEN);
      a.ws.close();
      b.ws.close();
    } finally {
      await server.stop();
    }
  });
});

for (const runtime of ['node', 'deno'] as const) {
  describe(`oversized frames on ${runtime === 'node' ? 'Node.js' : 'Deno'}`, () => {
    it('closes a frame past 1 MiB with 1009 before hello, without buffering it', async () => {
      const server = await startServer({ runtime });
      try {
        const url = `${server.wsUrl}/rooms/big-room/socket`;
        const baseline = peakMb(server.child.pid!);
        const frame = Buffer.alloc(30 * 1024 * 1024, 0x78); // 30 MB of "x", sent as text
        const clients = Array.from({ length: 8 }, () => rawClient(url));
        await Promise.all(clients.map((c) => c.opened));
        for (const c of clients) c.ws.send(frame, { binary: false });
        const codes = await Promise.all(clients.map((c) => c.closed));
        // The server closes with 1009; a client still writing may see the reset (1006) first.
        assert.ok(codes.every((c) => c.code === 1009 || c.code === 1006), JSON.stringify(codes));
        assert.ok(codes.some((c) => c.code === 1009), JSON.stringify(codes));
        const grown = peakMb(server.child.pid!) - baseline;
        assert.ok(grown < 120, `peak memory grew by ${grown.toFixed(0)} MB for 8 x 30 MB frames`);
        console.log(`# ${runtime}: peak memory grew by ${grown.toFixed(0)} MB for 8 x 30 MB frames`);
        // Still serving.
        const ok = await joinRoom(server.wsUrl, 'big-room', await tok('h', 'host', 'big-room'));
        assert.ok(ok.welcome);
        ok.client.close();
      } finally {
        await server.stop();
      }
    });
  });
}
