/**
 * The cluster benchmark's own checks: a simulated client fails loudly on a lost, repeated or
 * refused message and on a dropped socket (a fake room server sends exactly what each case needs),
 * and the benchmark's ring picks the same server as nginx running the shipped configuration.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { WebSocketServer, type WebSocket as WsSocket } from 'ws';
import { BenchClient } from '../bench/cluster-client.ts';
import { ring, spreadRooms } from '../bench/cluster-hash.ts';
import { startNginx } from './support/nginx-lab.ts';

/** A fake room server: on hello it welcomes at seq 5 and then runs the case's script. */
async function fakeRoom(script: (ws: WsSocket, send: (m: unknown) => void) => void): Promise<{ url: string; close(): Promise<void> }> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  wss.on('connection', (ws) => {
    const send = (m: unknown) => ws.send(JSON.stringify(m));
    ws.on('message', (data) => {
      const m = JSON.parse(String(data));
      if (m.type === 'hello') {
        send({ type: 'welcome', self: { id: 'u1', name: 'u1', role: 'participant', peerId: 'p' }, snapshot: { seq: 5 }, serverTime: 0 });
        script(ws, send);
      }
      if (m.type === 'command') send({ type: 'ack', ref: m.ref, seq: 9 });
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  const port = (http.address() as { port: number }).port;
  return {
    url: `ws://127.0.0.1:${port}`,
    close: () => {
      for (const c of wss.clients) c.terminate();
      return new Promise((r) => wss.close(() => http.close(() => r())));
    },
  };
}

const ev = (seq: number) => ({ type: 'event', seq, event: { type: 'redacted' } });

/** Runs a client against the script; resolves with its failure (null if none) once `settled` says so. */
async function runCase(script: Parameters<typeof fakeRoom>[0], settled: (c: BenchClient) => Promise<unknown>): Promise<{ client: BenchClient; failure: Error | null }> {
  const room = await fakeRoom(script);
  let failure: Error | null = null;
  let failed: () => void = () => {};
  const failedP = new Promise<void>((r) => (failed = r));
  const client = new BenchClient({
    wsUrl: room.url,
    room: 'r1',
    id: 'u1',
    token: 't',
    onFail: (err) => {
      failure = err;
      failed();
    },
  });
  try {
    await client.welcomed();
    await Promise.race([settled(client), failedP]);
  } finally {
    client.close();
    await room.close();
  }
  return { client, failure };
}

describe('cluster bench client: nothing lost goes unnoticed', () => {
  it('follows contiguous events and knows when it reached each seq', async () => {
    const { client, failure } = await runCase(
      (_ws, send) => [6, 7, 8].forEach((s) => send(ev(s))),
      (c) => c.until(8),
    );
    assert.equal(failure, null);
    assert.equal(client.seq, 8);
    assert.equal(client.frames, 3);
    assert.ok(client.reachedAt(7) >= client.welcomedAt);
    assert.ok(client.reachedAt(5) === client.welcomedAt, 'the welcome reached seq 5');
  });

  it('fails on a missed event (a seq gap)', async () => {
    const { failure } = await runCase(
      (_ws, send) => [6, 8].forEach((s) => send(ev(s))),
      (c) => c.until(8),
    );
    assert.match(String(failure?.message), /u1 in r1: seq 8 after 6: missed events/);
  });

  it('fails on a repeated event', async () => {
    const { failure } = await runCase(
      (_ws, send) => [6, 7, 7, 8].forEach((s) => send(ev(s))),
      (c) => c.until(8),
    );
    assert.match(String(failure?.message), /seq 7 after 7: repeated events/);
  });

  it('fails on a welcome that goes back', async () => {
    const { failure } = await runCase(
      (_ws, send) => {
        send(ev(6));
        send({ type: 'welcome', self: {}, snapshot: { seq: 4 }, serverTime: 0 });
        send(ev(7));
      },
      (c) => c.until(7),
    );
    assert.match(String(failure?.message), /a welcome went back from seq 6 to 4/);
  });

  it('fails on an error frame and on a socket the server closes', async () => {
    const refused = await runCase(
      (_ws, send) => send({ type: 'error', code: 'room-moved', message: 'Another server has this room.', fatal: true }),
      (c) => c.until(6),
    );
    assert.match(String(refused.failure?.message), /error room-moved: Another server has this room/);
    const dropped = await runCase(
      (ws) => ws.close(4000, 'gone'),
      (c) => c.until(6),
    );
    assert.match(String(dropped.failure?.message), /the socket closed \(4000 gone\)/);
  });

  it('gets the seq of its command from the ack', async () => {
    const { failure } = await runCase(
      () => {},
      async (c) => assert.equal(await c.command('c1', { type: 'chat/send', text: 'hi' }), 9),
    );
    assert.equal(failure, null);
  });
});

describe('cluster bench ring: the server nginx picks', () => {
  const upstreams: Server[] = [];
  let lab: Awaited<ReturnType<typeof startNginx>>;
  let names: string[];

  before(async () => {
    for (let i = 0; i < 3; i++) {
      const s = createServer((_req, res) => res.end(String(i)));
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
      upstreams.push(s);
    }
    const ports = upstreams.map((s) => (s.address() as { port: number }).port);
    names = ports.map((p) => `127.0.0.1:${p}`);
    lab = await startNginx(ports);
  });
  after(async () => {
    await lab?.stop();
    for (const s of upstreams) s.close();
  });

  it("agrees with the shipped configuration's consistent hash on every room", async () => {
    const r = ring(names);
    const rooms = Array.from({ length: 60 }, (_, i) => `bench-${i}`);
    for (const room of rooms) {
      const got = names[Number(await (await fetch(`${lab.url}/rooms/${room}/socket`)).text())];
      assert.equal(r.pick(room), got, room);
    }
  });

  it('names rooms that land evenly on the servers', () => {
    const placed = spreadRooms(ring(names), names, 'round-1', 7);
    assert.deepEqual(
      names.map((n) => placed.filter((p) => p.server === n).length),
      [3, 2, 2],
    );
    for (const p of placed) assert.equal(ring(names).pick(p.room), p.server);
  });
});
