/**
 * PeerJS signaling: ours (server/peerjs) vs the reference `peer` npm package, side by side.
 *
 *   node_modules/.bin/node bench/signaling.ts            N ∈ {1000, 5000}
 *   node_modules/.bin/node bench/signaling.ts --quick    N ∈ {200, 500} (CI smoke)
 *   node_modules/.bin/node bench/signaling.ts --n=2000,8000 --messages=50000 --rounds=5 --window=64
 *
 * Each server runs alone in a child process (fresh per server and N, started with --expose-gc),
 * so its RSS is the server's alone. This process is the load generator: N `ws` clients speaking
 * the PeerJS protocol (`/peerjs?key=peerjs&id=…&token=…&version=1.5.5`), opened in batches and
 * each waiting for OPEN. Then:
 *   - memory per idle connection = (child RSS with N connected − RSS before) / N, after GC;
 *   - relay: clients paired (2k ↔ 2k+1) send OFFERs (≈1 KB, like a small SDP) carrying a
 *     timestamp, round-robin over all clients, with a bounded in-flight window; messages/s
 *     delivered, the server's CPU time per message (user+system, from the child), and p50/p99
 *     send→receive latency. Bounded by count and by time (≤ 10 s).
 * The load generator shares the machine's cores with the server; figures are relative.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';

const here = dirname(fileURLToPath(import.meta.url));

export type ServerKind = 'ours' | 'ref';

export interface SignalingBenchRow {
  server: ServerKind;
  n: number;
  /** Time to open all N connections (each to OPEN), ms. */
  connectMs: number;
  /** (RSS after − RSS before) / N, bytes. */
  rssPerConn: number;
  /** (heapUsed after − heapUsed before) / N, bytes. */
  heapPerConn: number;
  /** In-flight window and measured rounds used. */
  window: number;
  rounds: number;
  sent: number;
  delivered: number;
  /** Median over rounds, and the spread. */
  msgsPerSec: number;
  msgsPerSecMin: number;
  msgsPerSecMax: number;
  /** Server CPU time (user+system) per delivered message, µs: independent of the load generator. */
  cpuUsPerMsg: number;
  /** Medians over rounds of each round's percentile. */
  p50Ms: number;
  p99Ms: number;
}

export interface SignalingBenchOptions {
  /** Connection counts; default [1000, 5000], or [200, 500] with `quick`. */
  sizes?: number[];
  quick?: boolean;
  /** Relayed messages per round (after a warm-up). Default 50000 (quick: 10000). */
  messages?: number;
  /** Measured relay rounds per server, interleaved ours/ref (medians reported). Default 5 (quick: 3). */
  rounds?: number;
  /** In-flight window (messages sent but not yet delivered, all pairs together). Default 16. */
  window?: number;
  /** Max seconds for one relay run. Default 10. */
  maxRelaySeconds?: number;
  servers?: ServerKind[];
  log?: (line: string) => void;
}

// ---------------- child servers ----------------

interface Child {
  proc: ChildProcess;
  port: number;
  mem(): Promise<NodeJS.MemoryUsage>;
  /** Child's user+system CPU time so far, µs. */
  cpu(): Promise<number>;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
function killAll(): void {
  for (const c of children) c.kill('SIGKILL');
}
process.on('exit', killAll);

function softFdLimit(): { soft: number; hard: number } | null {
  try {
    const m = /Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (!m) return null;
    const n = (s: string) => (s === 'unlimited' ? Infinity : Number(s));
    return { soft: n(m[1]!), hard: n(m[2]!) };
  } catch {
    return null;
  }
}

async function startChild(kind: ServerKind, fdNeeded: number, log: (s: string) => void): Promise<Child> {
  const script = join(here, kind === 'ours' ? 'signaling-server-ours.ts' : 'signaling-server-ref.mjs');
  // BENCH_CHILD_NODE_ARGS (space-separated) adds node flags to the server child, e.g. --cpu-prof.
  const extra = (process.env.BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const nodeArgs = ['--expose-gc', ...extra, script];
  const lim = softFdLimit();
  let proc: ChildProcess;
  if (lim && lim.soft < fdNeeded) {
    // ulimit is per process: raise it in a shell that then becomes the server.
    // Above the hard limit only works as root; otherwise fall back to the hard limit.
    const want = Math.max(fdNeeded, 65536);
    const hard = Number.isFinite(lim.hard) ? lim.hard : want;
    log(`  (soft fd limit ${lim.soft} < ${fdNeeded}: starting the ${kind} server under 'ulimit -n ${want}' (or ${hard}))`);
    proc = spawn('bash', ['-c', `ulimit -n ${want} 2>/dev/null || ulimit -n ${hard}; exec "$0" "$@"`, process.execPath, ...nodeArgs], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  } else {
    proc = spawn(process.execPath, nodeArgs, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  }
  children.add(proc);
  const exited = new Promise<void>((r) => proc.once('exit', () => (children.delete(proc), r())));
  const port = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${kind} server did not start`)), 15_000);
    proc.once('exit', (code) => reject(new Error(`${kind} server exited early (${code})`)));
    proc.on('message', (m: { type?: string; port?: number; fdLimit?: number }) => {
      if (m.type === 'ready') {
        clearTimeout(t);
        if (m.fdLimit !== undefined && m.fdLimit < fdNeeded) log(`  warning: the ${kind} server may open only ${m.fdLimit} files (needs ~${fdNeeded})`);
        resolve(m.port!);
      }
    });
  });
  const ask = <T>(cmd: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${cmd} probe timed out`)), 10_000);
      const on = (m: { type?: string }) => {
        if (m.type !== cmd) return;
        clearTimeout(t);
        proc.off('message', on);
        resolve(m as T);
      };
      proc.on('message', on);
      proc.send({ cmd });
    });
  return {
    proc,
    port,
    mem: () => ask<NodeJS.MemoryUsage>('mem'),
    cpu: async () => {
      const c = await ask<{ user: number; system: number }>('cpu');
      return c.user + c.system;
    },
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        // Closing IPC makes the child exit by itself (so --cpu-prof output gets written); then signals.
        if (proc.connected) proc.disconnect();
        const t1 = setTimeout(() => proc.kill('SIGTERM'), 2000);
        const t2 = setTimeout(() => proc.kill('SIGKILL'), 4000);
        await exited;
        clearTimeout(t1);
        clearTimeout(t2);
      }
    },
  };
}

// ---------------- load generator ----------------

type BenchWs = WebSocket & { idx: number; opened?: (err?: Error) => void };

interface Relay {
  onOffer(idx: number, text: string): void;
}
let relay: Relay | null = null;

// One shared listener for all clients (`this` is the socket).
function onClientMessage(this: WebSocket, data: Buffer): void {
  const ws = this as BenchWs;
  // Cheap dispatch without parsing everything.
  if (data[9] === 0x4f && data[10] === 0x50 && data[11] === 0x45 && data[12] === 0x4e && data.length < 20) {
    // {"type":"OPEN"}
    const o = ws.opened;
    ws.opened = undefined;
    o?.();
    return;
  }
  const text = data.toString();
  if (text.startsWith('{"type":"OFFER"')) relay?.onOffer(ws.idx, text);
  else if (ws.opened) {
    const o = ws.opened;
    ws.opened = undefined;
    o(new Error(`unexpected first message: ${text.slice(0, 120)}`));
  }
}

function openClient(port: number, idx: number): Promise<BenchWs> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/peerjs?key=peerjs&id=p${idx}&token=t${idx}&version=1.5.5`, {
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

async function openClients(port: number, n: number, clients: BenchWs[], firstId = 0): Promise<void> {
  const batch = 100;
  for (let i = 0; i < n; i += batch) {
    const part: Promise<BenchWs>[] = [];
    for (let j = i; j < Math.min(n, i + batch); j++) part.push(openClient(port, firstId + j));
    const settled = await Promise.allSettled(part);
    for (const s of settled) if (s.status === 'fulfilled') clients.push(s.value);
    const bad = settled.find((s) => s.status === 'rejected');
    if (bad) throw (bad as PromiseRejectedResult).reason;
  }
}

const SDP = ('v=0\\r\\no=- 4611731400430051336 2 IN IP4 127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\na=group:BUNDLE 0\\r\\n' +
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel\\r\\nc=IN IP4 0.0.0.0\\r\\na=ice-ufrag:abcd\\r\\na=ice-pwd:' +
  'x'.repeat(24) + '\\r\\na=fingerprint:sha-256 ' + 'AB:'.repeat(31) + 'AB\\r\\na=setup:actpass\\r\\na=mid:0\\r\\n' +
  'a=sctp-port:5000\\r\\na=max-message-size:262144\\r\\n').repeat(2);

function pct(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function relayRun(clients: BenchWs[], total: number, window: number, maxMs: number): Promise<{ sent: number; delivered: number; seconds: number; lat: Float64Array }> {
  const n = clients.length - (clients.length % 2);
  const lat = new Float64Array(total);
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
  const t0 = performance.now();
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  relay = {
    onOffer(_idx, text) {
      const k = text.indexOf('"t":') + 4;
      const t = parseFloat(text.slice(k, text.indexOf(',', k)));
      if (delivered < total) lat[delivered] = performance.now() - t;
      delivered++;
      if (!stopSending && sent < total) sendOne();
      else if (delivered >= sent) finish();
    },
  };
  const timer = setTimeout(() => {
    stopSending = true;
    // Give in-flight messages a moment, then stop regardless.
    setTimeout(finish, 2000);
  }, maxMs);
  for (let w = 0; w < Math.min(window, total); w++) sendOne();
  await done;
  clearTimeout(timer);
  const seconds = (performance.now() - t0) / 1000;
  relay = null;
  return { sent, delivered, seconds, lat: lat.subarray(0, Math.min(delivered, total)) };
}

type RunOpts = Required<Pick<SignalingBenchOptions, 'messages' | 'window' | 'maxRelaySeconds' | 'rounds'>>;

const median = (xs: number[]) => {
  const v = [...xs].sort((x, y) => x - y);
  return v.length ? v[(v.length - 1) >> 1]! : NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Both servers up side by side for one N: memory each, then interleaved relay rounds. */
async function benchSize(n: number, kinds: ServerKind[], o: RunOpts, log: (s: string) => void): Promise<SignalingBenchRow[]> {
  const setups: { kind: ServerKind; child: Child; clients: BenchWs[]; row: SignalingBenchRow; rates: number[]; p50: number[]; p99: number[]; cpu: number }[] = [];
  try {
    for (const kind of kinds) {
      const child = await startChild(kind, n + 256, log);
      const clients: BenchWs[] = [];
      setups.push({ kind, child, clients, rates: [], p50: [], p99: [], cpu: 0, row: { server: kind, n, window: o.window, rounds: o.rounds, connectMs: 0, rssPerConn: 0, heapPerConn: 0, sent: 0, delivered: 0, msgsPerSec: 0, msgsPerSecMin: 0, msgsPerSecMax: 0, cpuUsPerMsg: 0, p50Ms: 0, p99Ms: 0 } });
      // Warm the accept path (JIT), then measure from a settled baseline.
      const warm: BenchWs[] = [];
      await openClients(child.port, Math.min(100, n), warm, 1_000_000);
      for (const c of warm) c.terminate();
      await sleep(300);
      const before = await child.mem();
      const c0 = performance.now();
      await openClients(child.port, n, clients);
      setups.at(-1)!.row.connectMs = performance.now() - c0;
      await sleep(300);
      const after = await child.mem();
      const row = setups.at(-1)!.row;
      row.rssPerConn = (after.rss - before.rss) / n;
      row.heapPerConn = (after.heapUsed - before.heapUsed) / n;
      log(`  ${kind}: ${n} connected in ${row.connectMs.toFixed(0)} ms; RSS +${((after.rss - before.rss) / 1048576).toFixed(1)} MiB`);
      await relayRun(clients, Math.min(5000, o.messages), o.window, 5000); // warm-up
    }
    for (let round = 0; round < o.rounds; round++) {
      const order = round % 2 ? [...setups].reverse() : setups;
      for (const st of order) {
        const cpu0 = await st.child.cpu();
        const r = await relayRun(st.clients, o.messages, o.window, o.maxRelaySeconds * 1000);
        st.cpu += (await st.child.cpu()) - cpu0;
        st.row.sent += r.sent;
        st.row.delivered += r.delivered;
        st.rates.push(r.delivered / r.seconds);
        const sorted = Float64Array.from(r.lat).sort();
        st.p50.push(pct(sorted, 50));
        st.p99.push(pct(sorted, 99));
      }
    }
    return setups.map((st) => ({
      ...st.row,
      msgsPerSec: median(st.rates),
      msgsPerSecMin: Math.min(...st.rates),
      msgsPerSecMax: Math.max(...st.rates),
      cpuUsPerMsg: st.cpu / st.row.delivered,
      p50Ms: median(st.p50),
      p99Ms: median(st.p99),
    }));
  } finally {
    for (const st of setups) for (const c of st.clients) c.terminate();
    await Promise.all(setups.map((st) => st.child.stop()));
  }
}

export async function run(opts: SignalingBenchOptions = {}): Promise<SignalingBenchRow[]> {
  const log = opts.log ?? ((s: string) => console.log(s));
  const sizes = opts.sizes ?? (opts.quick ? [200, 500] : [1000, 5000]);
  const o = {
    messages: opts.messages ?? (opts.quick ? 10000 : 50000),
    rounds: opts.rounds ?? (opts.quick ? 3 : 5),
    window: opts.window ?? 16,
    maxRelaySeconds: opts.maxRelaySeconds ?? 10,
  };
  const servers = opts.servers ?? ['ours', 'ref'];
  const lim = softFdLimit();
  const maxN = Math.max(...sizes);
  // Both servers stay up side by side for one N, so this process holds N clients per server.
  const need = servers.length * maxN + 256;
  if (lim && lim.soft < need) {
    throw new Error(`this process may open only ${lim.soft} files but needs ~${need} (N client sockets per server); run it under 'ulimit -n ${need + 1024}'`);
  }
  log(`fd limit (soft/hard): ${lim ? `${lim.soft}/${lim.hard}` : 'unknown'}; servers are raised to ≥ N+256 via 'bash -c ulimit -n' only if needed`);
  const rows: SignalingBenchRow[] = [];
  try {
    for (const n of sizes) {
      log(`- N=${n}: ${servers.join(' + ')} …`);
      rows.push(...(await benchSize(n, servers, o, log)));
    }
  } finally {
    relay = null;
    killAll();
  }
  return rows;
}

export function formatTable(rows: SignalingBenchRow[]): string {
  const kib = (b: number) => (b / 1024).toFixed(1);
  const head = ['server', 'N', 'connect ms', 'RSS/conn KiB', 'heap/conn KiB', 'msg/s (median)', 'msg/s range', 'server CPU µs/msg', 'p50 ms', 'p99 ms', 'delivered/sent'];
  const lines = rows.map((r) => [r.server, String(r.n), r.connectMs.toFixed(0), kib(r.rssPerConn), kib(r.heapPerConn), r.msgsPerSec.toFixed(0), `${r.msgsPerSecMin.toFixed(0)}–${r.msgsPerSecMax.toFixed(0)}`, r.cpuUsPerMsg.toFixed(1), r.p50Ms.toFixed(2), r.p99Ms.toFixed(2), `${r.delivered}/${r.sent}`]);
  const ratioHead = ['N', 'throughput ours/ref', 'CPU/msg ref/ours', 'RSS/conn ref/ours', 'heap/conn ref/ours', 'p99 ours vs ref ms'];
  const ratios: string[][] = [];
  for (const n of [...new Set(rows.map((r) => r.n))]) {
    const a = rows.find((r) => r.n === n && r.server === 'ours');
    const b = rows.find((r) => r.n === n && r.server === 'ref');
    if (!a || !b) continue;
    ratios.push([String(n), (a.msgsPerSec / b.msgsPerSec).toFixed(2) + '×', (b.cpuUsPerMsg / a.cpuUsPerMsg).toFixed(2) + '×', (b.rssPerConn / a.rssPerConn).toFixed(2) + '×', (b.heapPerConn / a.heapPerConn).toFixed(2) + '×', `${a.p99Ms.toFixed(2)} vs ${b.p99Ms.toFixed(2)}`]);
  }
  const table = (h: string[], body: string[][]) => {
    const w = h.map((x, i) => Math.max(x.length, ...body.map((r) => r[i]!.length)));
    const fmt = (r: string[]) => '| ' + r.map((x, i) => (i === 0 ? x.padEnd(w[i]!) : x.padStart(w[i]!))).join(' | ') + ' |';
    return [fmt(h), '|' + w.map((x) => '-'.repeat(x + 2)).join('|') + '|', ...body.map(fmt)].join('\n');
  };
  return [
    table(head, lines),
    '',
    table(ratioHead, ratios),
    '',
    `Load generator (N ws clients per server, one process) and the server share this ${availableParallelism()}-core machine; loopback only, ` +
      'so msg/s is largely bounded by the load generator: server CPU µs/msg is the cleaner comparison. ' +
      'RSS moves in allocator-sized steps, so RSS/conn is only meaningful at the larger N. ' +
      `RSS/heap deltas are per idle connection after GC. Latency is send→receive through the server with ${rows[0]?.window ?? '?'} messages in flight; ` +
      `msg/s and percentiles are medians over ${rows[0]?.rounds ?? '?'} interleaved rounds.`,
  ].join('\n');
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const get = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const opts: SignalingBenchOptions = { quick: args.includes('--quick') };
  if (get('n')) opts.sizes = get('n')!.split(',').map(Number);
  if (get('messages')) opts.messages = Number(get('messages'));
  if (get('window')) opts.window = Number(get('window'));
  if (get('rounds')) opts.rounds = Number(get('rounds'));
  const stop = () => {
    killAll();
    process.exit(130);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const t0 = performance.now();
  try {
    const rows = await run(opts);
    console.log('\n' + formatTable(rows));
    console.log(`\n(total ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (e) {
    console.error(e);
    process.exitCode = 1;
  } finally {
    killAll();
  }
}
