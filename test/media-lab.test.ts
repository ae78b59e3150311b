/**
 * The media lab works: Janus answers only with its API secret and creates rooms only with the admin
 * key, a Chromium page's camera really crosses the veth to a Janus VideoRoom and back out to a second
 * page, coturn hands out relay candidates for a credential made the way the server makes them (and
 * none for a wrong one), and `stop()` leaves nothing behind.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'puppeteer-core';

import { launch } from './e2e/browser.ts';
import { alive, janusRequest, LAB_CHROMIUM_FLAGS, startMediaLab, type MediaLab } from './support/media-lab.ts';
import { iceServersFor } from '../server/media/turn.ts';

/** A test process of its own that starts a lab, says what it made, then does `then`. */
async function labInChild(then: string): Promise<{ child: ReturnType<typeof spawn>; ns: string; pids: number[] }> {
  const lib = new URL('./support/media-lab.ts', import.meta.url).href;
  const code = `import { startMediaLab } from ${JSON.stringify(lib)};
    const lab = await startMediaLab();
    const { execFileSync } = await import('node:child_process');
    const pids = execFileSync('ip', ['netns', 'pids', lab.netns], { encoding: 'utf8' }).split(/\\s+/).filter(Boolean).map(Number);
    console.log(JSON.stringify({ ns: lab.netns, pids }));
    ${then}`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ child, ...JSON.parse(line) });
    });
    child.once('exit', (code) => reject(new Error(`the lab process exited (${code}) before starting its lab: ${err}`)));
  });
}

function exited(child: ReturnType<typeof spawn>): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

/**
 * Runs in the page: just enough of the Janus WebSocket API to publish and subscribe, no trickle
 * (complete SDP both ways), as the server will speak it on the browser's behalf.
 */
const PAGE_JANUS = `
window.labJanus = (() => {
  // Complete, or what there is after 5 s (another lab's veth coming or going can hold gathering up).
  const gathered = (pc) => new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    setTimeout(resolve, 5000);
    pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') resolve(); });
  });
  async function connect(url, apisecret) {
    const ws = new WebSocket(url, 'janus-protocol');
    await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error('cannot reach ' + url)); });
    const waiting = new Map();
    ws.onmessage = (e) => {
      const m = JSON.parse(e.data);
      if (m.janus === 'ack' || !m.transaction) return;
      const w = waiting.get(m.transaction);
      if (w) { waiting.delete(m.transaction); w(m); }
    };
    let n = 0;
    const send = (body) => new Promise((resolve, reject) => {
      const transaction = 't' + (++n);
      const timer = setTimeout(() => { waiting.delete(transaction); reject(new Error('no answer to ' + body.janus)); }, 20000);
      waiting.set(transaction, (m) => { clearTimeout(timer); resolve(m); });
      ws.send(JSON.stringify({ ...body, transaction, apisecret }));
    });
    const created = await send({ janus: 'create' });
    if (created.janus !== 'success') throw new Error('create session: ' + JSON.stringify(created));
    const session_id = created.data.id;
    const keepalive = setInterval(() => ws.send(JSON.stringify({ janus: 'keepalive', session_id, transaction: 'k', apisecret })), 20000);
    const attached = await send({ janus: 'attach', session_id, plugin: 'janus.plugin.videoroom' });
    if (attached.janus !== 'success') throw new Error('attach: ' + JSON.stringify(attached));
    const handle_id = attached.data.id;
    const message = async (body, jsep) => {
      const m = await send({ janus: 'message', session_id, handle_id, body, ...(jsep ? { jsep } : {}) });
      if (m.janus === 'error') throw new Error('janus ' + m.error.code + ': ' + m.error.reason);
      const data = m.plugindata && m.plugindata.data;
      if (data && data.error_code) throw new Error('videoroom ' + data.error_code + ': ' + data.error);
      return { data, jsep: m.jsep };
    };
    return { message, close: () => { clearInterval(keepalive); ws.close(); } };
  }
  const videoStats = async (pc, type) => {
    const out = { bytes: 0, frames: 0, width: 0 };
    (await pc.getStats()).forEach((s) => {
      if (s.type !== type || s.kind !== 'video') return;
      out.bytes += (type === 'outbound-rtp' ? s.bytesSent : s.bytesReceived) || 0;
      out.frames += (type === 'outbound-rtp' ? s.framesEncoded : s.framesDecoded) || 0;
      out.width = Math.max(out.width, s.frameWidth || 0);
    });
    return out;
  };
  return {
    connect,
    async publish({ url, secret, adminKey, room, feed }) {
      const j = await connect(url, secret);
      await j.message({ request: 'create', room, admin_key: adminKey, publishers: 10, videocodec: 'vp8', audiocodec: 'opus' });
      await j.message({ request: 'join', ptype: 'publisher', room, id: feed, display: feed });
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
      const pc = new RTCPeerConnection({ iceServers: [] });
      for (const track of stream.getTracks()) pc.addTrack(track, stream);
      await pc.setLocalDescription(await pc.createOffer());
      await gathered(pc);
      const { jsep } = await j.message({ request: 'configure', audio: true, video: true }, { type: 'offer', sdp: pc.localDescription.sdp });
      if (!jsep || jsep.type !== 'answer') throw new Error('configure gave no answer');
      await pc.setRemoteDescription(jsep);
      window.pub = { pc, j };
      return jsep.sdp;
    },
    async subscribe({ url, secret, room, feed }) {
      const j = await connect(url, secret);
      const { jsep } = await j.message({ request: 'join', ptype: 'subscriber', room, streams: [{ feed }] });
      if (!jsep || jsep.type !== 'offer') throw new Error('subscribe gave no offer');
      const pc = new RTCPeerConnection({ iceServers: [] });
      pc.ontrack = (e) => {
        if (e.track.kind !== 'video') return;
        const v = document.createElement('video');
        v.muted = true; v.autoplay = true; v.playsInline = true;
        v.srcObject = new MediaStream([e.track]);
        document.body.append(v);
      };
      await pc.setRemoteDescription(jsep);
      await pc.setLocalDescription(await pc.createAnswer());
      await gathered(pc);
      await j.message({ request: 'start' }, { type: 'answer', sdp: pc.localDescription.sdp });
      window.sub = { pc, j };
    },
    videoStats,
    /** Candidate types gathered for a throwaway connection with these ICE settings. */
    async gather(config) {
      const pc = new RTCPeerConnection(config);
      const types = [];
      pc.onicecandidate = (e) => { if (e.candidate && e.candidate.candidate) types.push(e.candidate.type); };
      pc.createDataChannel('probe');
      await pc.setLocalDescription(await pc.createOffer());
      await gathered(pc);
      pc.close();
      return types;
    },
  };
})();
`;

/** Poll `fn` in the page until it returns something truthy; the last value goes in the error. */
async function waitIn<T>(page: Page, fn: string, what: string, timeoutMs = 30_000): Promise<T> {
  const started = Date.now();
  let last: unknown;
  for (;;) {
    last = await page.evaluate(fn);
    if (last) return last as T;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The lab's config folders (and logs) under the temporary folder still there for `ns`. */
function folders(ns: string): string[] {
  return readdirSync(tmpdir()).filter((f) => f.startsWith(`${ns}-`));
}

function namespaces(): string[] {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[0]!).filter(Boolean);
}

describe('media lab', { timeout: 180_000 }, () => {
  let lab: MediaLab;
  let browser: Browser;
  let blank: Server;
  let origin: string;
  let labPids: number[] = [];

  const open = async (): Promise<Page> => {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    page.on('pageerror', (err) => console.error('[page error]', err));
    // localhost: a secure context, so the page may open the (fake) camera.
    await page.goto(`${origin}/`);
    await page.evaluate(PAGE_JANUS);
    return page;
  };

  before(async () => {
    lab = await startMediaLab();
    console.log(`Janus answered info ${lab.janusStartMs} ms after spawning (${lab.janusUrl}, namespace ${lab.netns})`);
    labPids = execFileSync('ip', ['netns', 'pids', lab.netns], { encoding: 'utf8' }).split(/\s+/).filter(Boolean).map(Number);
    blank = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>lab</title>');
    });
    await new Promise<void>((r) => blank.listen(0, '127.0.0.1', r));
    origin = `http://localhost:${(blank.address() as AddressInfo).port}`;
    browser = await launch(LAB_CHROMIUM_FLAGS);
  });

  after(async () => {
    await browser?.close();
    await new Promise((r) => blank?.close(r));
    await lab?.stop();
  });

  test('Janus answers with its API secret only, and creates rooms with the admin key only', async () => {
    assert.equal(lab.janusPid > 0, true);
    assert.match(lab.janusUrl, /^ws:\/\/10\.213\.\d+\.2:8188$/);
    const info = await janusRequest(lab.janusUrl, { janus: 'info', apisecret: lab.janusApiSecret });
    assert.equal(info.janus, 'server_info');
    assert.deepEqual(Object.keys(info.plugins), ['janus.plugin.videoroom']);
    assert.deepEqual(Object.keys(info.transports), ['janus.transport.websockets']);
    assert.deepEqual([Object.keys(info.events), Object.keys(info.loggers)], [[], []]);
    assert.equal(info['local-ip'], lab.labAddress);

    // `info` is public in Janus; anything else needs the secret.
    const refused = await janusRequest(lab.janusUrl, { janus: 'create' });
    assert.equal(refused.janus, 'error');
    assert.equal(refused.error.code, 403);
    const wrong = await janusRequest(lab.janusUrl, { janus: 'create', apisecret: 'not-the-secret' });
    assert.equal(wrong.error?.code, 403);
    const ok = await janusRequest(lab.janusUrl, { janus: 'create', apisecret: lab.janusApiSecret });
    assert.equal(ok.janus, 'success');

    const page = await open();
    const outcome = await page.evaluate(
      async (url, secret) => {
        const j = await (window as any).labJanus.connect(url, secret);
        const create = (extra: object) =>
          j.message({ request: 'create', room: 'no-key', publishers: 2, ...extra }).then(
            () => 'created',
            (err: Error) => err.message,
          );
        const result = { noKey: await create({}), wrongKey: await create({ admin_key: 'not-the-key' }) };
        j.close();
        return result;
      },
      lab.janusUrl,
      lab.janusApiSecret,
    );
    assert.equal(outcome.noKey, 'videoroom 429: Missing mandatory element (admin_key)');
    assert.match(outcome.wrongKey, /^videoroom 433: Unauthorized/);
    await page.browserContext().close();
  });

  test('a camera crosses the veth to a Janus VideoRoom and on to a subscriber', async (t) => {
    let ok = false;
    t.after(() => {
      if (!ok) console.error(lab.logs());
    });
    const publisher = await open();
    const subscriber = await open();
    const room = `lab-${Date.now()}`;
    const feed = 'camera:alice';
    const answer = await publisher.evaluate(
      (o) => (window as any).labJanus.publish(o),
      { url: lab.janusUrl, secret: lab.janusApiSecret, adminKey: lab.janusAdminKey, room, feed },
    );
    // Janus offers only the lab's address, never loopback or the host's others.
    const candidates = (answer as string).split('\r\n').filter((l) => l.startsWith('a=candidate:'));
    assert.ok(candidates.length > 0, 'Janus put its candidates in its answer');
    for (const c of candidates) assert.ok(c.includes(` ${lab.labAddress} `), `unexpected Janus candidate: ${c}`);

    await waitIn(publisher, `window.pub.pc.connectionState === 'connected'`, 'the publisher to connect');
    const first = await publisher.evaluate(`window.labJanus.videoStats(window.pub.pc, 'outbound-rtp')`) as { bytes: number };
    await waitIn(
      publisher,
      `window.labJanus.videoStats(window.pub.pc, 'outbound-rtp').then((s) => s.bytes > ${first.bytes + 20_000} && s)`,
      'outbound video bytes to grow',
    );
    // The selected pair ends at the lab's side of the veth, from one of this machine's own addresses
    // (never loopback: Janus offers none).
    const pair = await publisher.evaluate(async () => {
      const stats = await (window as any).pub.pc.getStats();
      let out = '';
      stats.forEach((s: any) => {
        if (s.type === 'transport' && s.selectedCandidatePairId) {
          const p = stats.get(s.selectedCandidatePairId);
          out = `${stats.get(p.localCandidateId).address} -> ${stats.get(p.remoteCandidateId).address}`;
        }
      });
      return out;
    });
    assert.match(pair, new RegExp(` -> ${lab.labAddress.replace(/\./g, '\\.')}$`));
    assert.ok(!pair.startsWith('127.'), pair);

    await subscriber.evaluate((o) => (window as any).labJanus.subscribe(o), { url: lab.janusUrl, secret: lab.janusApiSecret, room, feed });
    await waitIn(subscriber, `window.sub.pc.connectionState === 'connected'`, 'the subscriber to connect');
    const got = await waitIn<{ frames: number; width: number }>(
      subscriber,
      `window.labJanus.videoStats(window.sub.pc, 'inbound-rtp').then((s) => s.frames > 10 && s)`,
      'decoded inbound video frames',
    );
    assert.ok(got.width > 0);
    await publisher.browserContext().close();
    await subscriber.browserContext().close();
    ok = true;
  });

  test('coturn relays for a credential the server issues, and for no other', async () => {
    const page = await open();
    const ice = { stun: [], turn: lab.turnUrls, turnSecret: lab.turnSecret, turnTtlSeconds: 600, policy: 'relay' as const };
    const good = await iceServersFor(ice, 'alice', Date.now());
    const bad = await iceServersFor({ ...ice, turnSecret: 'not-the-secret' }, 'alice', Date.now());
    const gather = (servers: unknown) =>
      page.evaluate((s) => (window as any).labJanus.gather({ iceServers: s, iceTransportPolicy: 'relay' }), servers as any) as Promise<string[]>;
    const started = Date.now();
    const withGood = await gather(good);
    // Gathering completes at once: complete SDP is sent only then (a loopback allocation would hold it 40 s).
    const gatherMs = Date.now() - started;
    assert.ok(gatherMs < 10_000, `gathering with TURN took ${gatherMs} ms`);
    assert.ok(withGood.length > 0 && withGood.every((t) => t === 'relay'), `candidates: ${withGood.join(', ')}`);
    assert.deepEqual(await gather(bad), []);
    await page.browserContext().close();
  });

  test('stop() leaves no namespace and no process behind', async () => {
    assert.ok(namespaces().includes(lab.netns));
    assert.ok(labPids.includes(lab.janusPid));
    assert.equal(labPids.length, 2, `Janus and coturn run in the namespace: ${labPids.join(', ')}`);
    assert.match(lab.logs(200), /JANUS VideoRoom plugin initialized[\s\S]*--- coturn[\s\S]*Relay ports initialization done/);
    await lab.stop();
    assert.ok(!namespaces().includes(lab.netns), `namespace ${lab.netns} is still there`);
    for (const pid of labPids) assert.equal(alive(pid), false, `process ${pid} still runs`);
    const addrs = execFileSync('ip', ['-o', '-4', 'addr', 'show'], { encoding: 'utf8' });
    assert.ok(!addrs.includes(`${lab.hostAddress}/`), 'the host end of the veth is gone');
    assert.deepEqual(folders(lab.netns), []);
  });

  test('a test process that crashes, is stopped or is killed leaves nothing behind', async () => {
    // Crashes: the exit hook cleans up.
    const crashed = await labInChild(`setTimeout(() => { throw new Error('the test crashed'); }, 10);`);
    await exited(crashed.child);
    assert.ok(!namespaces().includes(crashed.ns), `namespace ${crashed.ns} outlived its crashed process`);
    assert.deepEqual(folders(crashed.ns), []);
    for (const pid of crashed.pids) assert.equal(alive(pid), false, `process ${pid} outlived its crashed test`);

    // Stopped by a signal (a runner's timeout): cleans up, then dies of the signal.
    const stopped = await labInChild(`setInterval(() => {}, 1000);`);
    stopped.child.kill('SIGTERM');
    await exited(stopped.child);
    assert.equal(stopped.child.signalCode, 'SIGTERM');
    assert.ok(!namespaces().includes(stopped.ns), `namespace ${stopped.ns} outlived its stopped process`);
    assert.deepEqual(folders(stopped.ns), []);
    for (const pid of stopped.pids) assert.equal(alive(pid), false, `process ${pid} outlived its stopped test`);

    // Killed outright: nothing runs in it any more; the next lab started anywhere removes what it left.
    const killed = await labInChild(`setInterval(() => {}, 1000);`);
    killed.child.kill('SIGKILL');
    await exited(killed.child);
    assert.ok(namespaces().includes(killed.ns));
    assert.equal(folders(killed.ns).length, 1);
    const next = await startMediaLab({ janus: false, turn: false });
    try {
      assert.ok(!namespaces().includes(killed.ns), `stale namespace ${killed.ns} was not removed`);
      assert.deepEqual(folders(killed.ns), []);
      for (const pid of killed.pids) assert.equal(alive(pid), false, `process ${pid} of a killed test still runs`);
    } finally {
      await next.stop();
    }
    assert.ok(!namespaces().includes(next.netns));
  });
});
