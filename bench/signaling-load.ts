/**
 * Benchmark child (Node.js): the load generator for ONE server, in its own process so it shares no
 * event loop with the orchestration (bench/signaling.ts) or with the other servers' clients.
 * Control channel: bench/signaling-child-ipc.ts.
 *   open  {port, n, firstId, warm?, key?}  open n `ws` clients speaking the PeerJS protocol
 *                                     (`/peerjs?key=peerjs&id=p…&token=t…&version=1.5.5`), 100 at a
 *                                     time, each waiting for OPEN; `warm` closes them again → {ms}
 *   relay {total, window, maxMs}      clients paired (2k ↔ 2k+1) send OFFERs (≈1 KB, like a small SDP)
 *                                     carrying a timestamp, round-robin over all clients, `window`
 *                                     in flight (closed loop) → {sent, delivered, seconds, cpuUs,
 *                                     hist}; hist = latency histogram, 10 µs buckets, sparse pairs
 *   close                             terminate every client
 */
import { WebSocket } from 'ws';
import { cpuMicros, serveControl } from './signaling-child-ipc.ts';

type BenchWs = WebSocket & { idx: number; opened?: (err?: Error) => void };

interface Relay {
  onOffer(text: string): void;
}
let relay: Relay | null = null;
let clients: BenchWs[] = [];

// One shared listener for all clients (`this` is the socket).
function onClientMessage(this: WebSocket, data: Buffer): void {
  const ws = this as BenchWs;
  // {"type":"OPEN"} without parsing.
  if (data.length < 20 && data[9] === 0x4f && data[10] === 0x50 && data[11] === 0x45 && data[12] === 0x4e) {
    const o = ws.opened;
    ws.opened = undefined;
    o?.();
    return;
  }
  const text = data.toString();
  if (text.startsWith('{"type":"OFFER"')) relay?.onOffer(text);
  else if (ws.opened) {
    const o = ws.opened;
    ws.opened = undefined;
    o(new Error(`unexpected first message: ${text.slice(0, 120)}`));
  } else if (relay) {
    process.stderr.write(`load: unexpected message during relay: ${text.slice(0, 160)}\n`);
  }
}

function openClient(port: number, idx: number, key: string): Promise<BenchWs> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/peerjs?key=${encodeURIComponent(key)}&id=p${idx}&token=t${idx}&version=1.5.5`, {
      perMessageDeflate: false,
      // An all-zero mask makes ws skip client-side masking: less load-generator CPU, same server work.
      generateMask: () => {},
    }) as BenchWs;
    ws.idx = idx;
    const timer = setTimeout(() => reject(new Error(`client ${idx}: no OPEN within 15 s`)), 15_000);
    ws.opened = (err?: Error) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(ws);
    };
    ws.on('message', onClientMessage);
    ws.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

async function openClients(port: number, n: number, firstId: number, key: string, into: BenchWs[]): Promise<void> {
  const batch = 100;
  for (let i = 0; i < n; i += batch) {
    const part: Promise<BenchWs>[] = [];
    for (let j = i; j < Math.min(n, i + batch); j++) part.push(openClient(port, firstId + j, key));
    const settled = await Promise.allSettled(part);
    for (const s of settled) if (s.status === 'fulfilled') into.push(s.value);
    const bad = settled.find((s) => s.status === 'rejected');
    if (bad) throw (bad as PromiseRejectedResult).reason;
  }
}

const SDP = ('v=0\\r\\no=- 4611731400430051336 2 IN IP4 127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\na=group:BUNDLE 0\\r\\n' +
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel\\r\\nc=IN IP4 0.0.0.0\\r\\na=ice-ufrag:abcd\\r\\na=ice-pwd:' +
  'x'.repeat(24) + '\\r\\na=fingerprint:sha-256 ' + 'AB:'.repeat(31) + 'AB\\r\\na=setup:actpass\\r\\na=mid:0\\r\\n' +
  'a=sctp-port:5000\\r\\na=max-message-size:262144\\r\\n').repeat(2);

const BUCKET_MS = 0.01;
const BUCKETS = 100_000; // up to 1 s; slower goes in the last bucket

async function relayRun(total: number, window: number, maxMs: number) {
  const n = clients.length - (clients.length % 2);
  if (n < 2) throw new Error('relay needs at least 2 clients');
  const hist = new Uint32Array(BUCKETS);
  let sent = 0;
  let delivered = 0;
  let rr = 0;
  let stopSending = false;
  const prefix = clients.map((_, i) => `{"type":"OFFER","dst":"p${i ^ 1}","payload":{"type":"data","connectionId":"dc_bench","serialization":"binary","reliable":true,"t":`);
  const suffix = `,"sdp":{"type":"offer","sdp":"${SDP}"}}}`;
  const sendOne = () => {
    const i = rr;
    rr = rr + 1 === n ? 0 : rr + 1;
    sent++;
    clients[i]!.send(prefix[i] + performance.now() + suffix);
  };
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  relay = {
    onOffer(text) {
      const k = text.indexOf('"t":') + 4;
      const t = parseFloat(text.slice(k, text.indexOf(',', k)));
      const b = Math.floor((performance.now() - t) / BUCKET_MS);
      hist[b < BUCKETS ? b : BUCKETS - 1]!++;
      delivered++;
      if (!stopSending && sent < total) sendOne();
      else if (delivered >= sent) finish();
    },
  };
  const cpu0 = cpuMicros();
  const t0 = performance.now();
  let grace: ReturnType<typeof setTimeout> | undefined;
  const timer = setTimeout(() => {
    stopSending = true;
    // Give in-flight messages a moment, then stop regardless.
    grace = setTimeout(finish, 2000);
  }, maxMs);
  for (let w = 0; w < Math.min(window, total); w++) sendOne();
  await done;
  const seconds = (performance.now() - t0) / 1000;
  const cpuUs = cpuMicros() - cpu0;
  clearTimeout(timer);
  clearTimeout(grace);
  relay = null;
  const sparse: [number, number][] = [];
  for (let i = 0; i < BUCKETS; i++) if (hist[i]) sparse.push([i, hist[i]!]);
  return { sent, delivered, seconds, cpuUs, bucketMs: BUCKET_MS, hist: sparse };
}

serveControl(
  {
    async open(c) {
      const t0 = performance.now();
      const into: BenchWs[] = [];
      try {
        await openClients(c.port as number, c.n as number, c.firstId as number, (c.key as string | undefined) ?? 'peerjs', into);
      } catch (e) {
        for (const ws of into) ws.terminate();
        throw e;
      }
      if (c.warm) for (const ws of into) ws.terminate();
      else clients.push(...into);
      return { ms: performance.now() - t0, open: clients.length };
    },
    relay: (c) => relayRun(c.total as number, c.window as number, c.maxMs as number),
    close() {
      for (const ws of clients) ws.terminate();
      clients = [];
      return {};
    },
  },
  {},
);
