/**
 * PeerJS signaling: ours (server/peerjs) on Node.js and on Deno vs the reference `peer` npm package.
 *
 *   node_modules/.bin/node bench/signaling.ts            N ∈ {1000, 5000}
 *   node_modules/.bin/node bench/signaling.ts --quick    N ∈ {200, 500} (CI smoke)
 *   node_modules/.bin/node bench/signaling.ts --n=2000,8000 --messages=50000 --rounds=5 --window=64 --budget=600
 *   node_modules/.bin/node bench/signaling.ts --servers=ours-node,ours-node-prod,ours-node-lean,ref
 *
 * Server kinds (each a fresh child process per N, started with --expose-gc):
 *   ours-node[-V]   bench/signaling-server-ours.ts on Node (V = adapter variant, default `harness`;
 *                   also prod, lean, lean-noutf8: see that file)
 *   ours-deno[-V]   bench/signaling-server-deno.ts on Deno (V = prod (default, as server/deno.ts) or lean)
 *   ref             the `peer` package (bench/signaling-server-ref.mjs)
 * Every server gets its OWN load-generator child (bench/signaling-load.ts, Node + `ws`): N clients
 * speaking the PeerJS protocol. This process only orchestrates (JSON lines over the children's
 * stdin/stdout, bench/signaling-child-ipc.ts) and idles while a round runs, so a round is one
 * server process + one load process, nothing else of ours awake. Per server and N:
 *   - memory per idle connection, after GC: ΔRSS/N and ΔheapUsed/N from a warmed baseline, and the marginal
 *     RSS from N/2 to N connections (the one-off growth of V8's young generation and of pools, which
 *     ΔRSS/N spreads over N, is mostly spent by then);
 *   - relay: clients paired (2k ↔ 2k+1) send OFFERs (≈1 KB, like a small SDP) carrying a timestamp,
 *     round-robin over all clients, closed loop with a bounded in-flight window; msgs/s delivered,
 *     the server's and the load generator's CPU time per delivered message (user+system, all
 *     threads), and send→receive latency. Bounded by count and by time.
 *   - capacity (DERIVED) = 1e6 / (server CPU µs per msg): the msgs/s one fully busy core of the server
 *     process would relay at this cost per message. Not measured throughput.
 * Rounds are interleaved across servers (rotating order); msg/s is the median over rounds, p50/p99
 * are over ALL measured messages of all rounds pooled (10 µs buckets, upper edge), plus the worst round's p99.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { LINE_PREFIX, type MemorySample } from './signaling-child-ipc.ts';

const here = dirname(fileURLToPath(import.meta.url));

/** `ours-node`, `ours-deno`, `ref`, or `ours-node-<variant>` / `ours-deno-<variant>`. */
export type ServerKind = string;
/**
 * The `-lean` variants adapt sockets exactly as the production entries do (server/node.ts,
 * server/deno.ts: one object per connection, no closures, no client set).
 */
export const DEFAULT_SERVERS: ServerKind[] = ['ours-node-lean', 'ours-deno-lean', 'ref'];

export interface SignalingBenchRow {
  server: ServerKind;
  /** 'node' | 'deno'. */
  runtime: string;
  n: number;
  /** Time to open all N connections (each to OPEN), ms. */
  connectMs: number;
  /** (RSS after − RSS before) / N, bytes. Includes one-off growth (V8 young generation, pools). */
  rssPerConn: number;
  /** Marginal RSS: (RSS at N − RSS at N/2) / (N/2), bytes: what one more connection costs once warm. */
  rssPerConnMarginal: number;
  /** (heapUsed after − heapUsed before) / N, bytes (V8 heap only: Deno keeps its socket state outside it). */
  heapPerConn: number;
  /** In-flight window and measured rounds used. */
  window: number;
  rounds: number;
  sent: number;
  delivered: number;
  /** Measured: median over rounds, and the spread. */
  msgsPerSec: number;
  msgsPerSecMin: number;
  msgsPerSecMax: number;
  /** Server CPU time (user+system) per delivered message, µs: independent of the load generator. */
  cpuUsPerMsg: number;
  /** The kernel (system) part of cpuUsPerMsg, µs: read/write syscalls and loopback TCP, much the same for every server. */
  sysUsPerMsg: number;
  /** DERIVED: 1e6 / cpuUsPerMsg, msgs/s one fully used server core could relay. */
  capacity: number;
  /** Load generator CPU per delivered message, µs (when it is above the server's, the generator is the bottleneck). */
  loadCpuUsPerMsg: number;
  /** Pooled over all measured messages of all rounds. */
  p50Ms: number;
  p99Ms: number;
  /** The worst round's p99. */
  p99WorstMs: number;
}

export interface SignalingBenchOptions {
  /** Connection counts; default [1000, 5000], or [200, 500] with `quick`. */
  sizes?: number[];
  quick?: boolean;
  /** Relayed messages per round (after a warm-up). Default 40000 (quick: 10000). */
  messages?: number;
  /** Measured relay rounds per server, interleaved. Default 7 (quick: 3). */
  rounds?: number;
  /** Wall-clock budget for the whole run, s: later rounds are skipped (and the row says so) rather than overrun. Default 210 (quick: 35). */
  budgetSeconds?: number;
  /** In-flight window (messages sent but not yet delivered, all pairs together). Default 16. */
  window?: number;
  /** Max seconds for one relay run. Default 6 (quick: 3). */
  maxRelaySeconds?: number;
  servers?: ServerKind[];
  log?: (line: string) => void;
}

// ---------------- children ----------------

const NODE = process.execPath;
const DENO = process.env.DENO_BIN || join(here, '..', 'node_modules', '.bin', 'deno');

interface Reply {
  id?: number;
  type?: string;
  error?: string;
  [k: string]: unknown;
}

const children = new Set<ChildProcess>();
function killAll(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
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

/** A child speaking bench/signaling-child-ipc.ts. */
class Ctl {
  readonly name: string;
  readonly proc: ChildProcess;
  readonly ready: Promise<Reply>;
  private next = 1;
  private waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }>();
  private exited: Promise<void>;

  constructor(name: string, cmd: string, args: string[], env: Record<string, string>, fdNeeded: number, log: (s: string) => void) {
    this.name = name;
    const lim = softFdLimit();
    const opts = { stdio: ['pipe', 'pipe', 'inherit'] as ('pipe' | 'inherit')[], env: { ...process.env, ...env } };
    if (lim && lim.soft < fdNeeded) {
      // ulimit is per process: raise it in a shell that then becomes the child (exec keeps the pid).
      // Above the hard limit only works as root; otherwise fall back to the hard limit.
      const want = Math.max(fdNeeded, 65536);
      const hard = Number.isFinite(lim.hard) ? lim.hard : want;
      log(`  (soft fd limit ${lim.soft} < ${fdNeeded}: starting ${name} under 'ulimit -n ${want}' (or ${hard}))`);
      this.proc = spawn('bash', ['-c', `ulimit -n ${want} 2>/dev/null || ulimit -n ${hard}; exec "$0" "$@"`, cmd, ...args], opts);
    } else {
      this.proc = spawn(cmd, args, opts);
    }
    const proc = this.proc;
    children.add(proc);
    this.exited = new Promise<void>((r) =>
      proc.once('exit', (code, sig) => {
        children.delete(proc);
        for (const w of this.waiting.values()) {
          clearTimeout(w.timer);
          w.reject(new Error(`${name} exited (${code ?? sig})`));
        }
        this.waiting.clear();
        r();
      }),
    );
    proc.stdin!.on('error', () => {}); // EPIPE when the child died: the exit handler reports it
    let onReady!: (r: Reply) => void;
    let onFail!: (e: Error) => void;
    this.ready = new Promise<Reply>((res, rej) => ((onReady = res), (onFail = rej)));
    const t = setTimeout(() => onFail(new Error(`${name} did not start within 20 s`)), 20_000);
    proc.once('exit', (code, sig) => (clearTimeout(t), onFail(new Error(`${name} exited early (${code ?? sig})`))));
    proc.once('error', (e) => (clearTimeout(t), onFail(e)));
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      if (!line.startsWith(LINE_PREFIX)) return void process.stderr.write(`[${name}] ${line}\n`);
      const m = JSON.parse(line.slice(LINE_PREFIX.length)) as Reply;
      if (m.type === 'ready') {
        clearTimeout(t);
        onReady(m);
        return;
      }
      const w = this.waiting.get(m.id!);
      if (!w) return;
      this.waiting.delete(m.id!);
      clearTimeout(w.timer);
      if (m.error) w.reject(new Error(`${name}: ${m.error}`));
      else w.resolve(m);
    });
  }

  call<T = Reply>(cmd: string, args: Record<string, unknown> = {}, timeoutMs = 15_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) {
        return reject(new Error(`${this.name} exited (${this.proc.exitCode ?? this.proc.signalCode}) before ${cmd}`));
      }
      const id = this.next++;
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${this.name}: ${cmd} timed out`));
      }, timeoutMs);
      this.waiting.set(id, { resolve: resolve as (r: Reply) => void, reject, timer });
      this.proc.stdin!.write(JSON.stringify({ ...args, id, cmd }) + '\n');
    });
  }

  /** Close stdin (the child exits by itself, so e.g. --cpu-prof output gets written), then signals. */
  async stop(): Promise<void> {
    const p = this.proc;
    if (p.exitCode !== null || p.signalCode !== null) return;
    p.stdin!.end();
    const t1 = setTimeout(() => p.kill('SIGTERM'), 2000);
    const t2 = setTimeout(() => p.kill('SIGKILL'), 4000);
    await this.exited;
    clearTimeout(t1);
    clearTimeout(t2);
  }
}

function serverCommand(kind: ServerKind): { runtime: string; cmd: string; args: string[]; env: Record<string, string> } {
  // BENCH_CHILD_NODE_ARGS / BENCH_CHILD_DENO_ARGS (space-separated) add flags to the server child, e.g. --cpu-prof.
  const extra = (name: string) => (process.env[name] ?? '').split(' ').filter(Boolean);
  if (kind === 'ref') return { runtime: 'node', cmd: NODE, args: ['--expose-gc', ...extra('BENCH_CHILD_NODE_ARGS'), join(here, 'signaling-server-ref.mjs')], env: {} };
  const m = /^ours-(node|deno)(?:-(.+))?$/.exec(kind);
  if (!m) throw new Error(`unknown server kind ${kind} (ours-node[-variant], ours-deno[-variant], ref)`);
  const env: Record<string, string> = m[2] ? { SIGNALING_BENCH_VARIANT: m[2] } : {};
  if (m[1] === 'node') return { runtime: 'node', cmd: NODE, args: ['--expose-gc', ...extra('BENCH_CHILD_NODE_ARGS'), join(here, 'signaling-server-ours.ts')], env };
  if (!existsSync(DENO)) throw new Error(`${kind}: no Deno at ${DENO} (set DENO_BIN)`);
  return {
    runtime: 'deno',
    cmd: DENO,
    args: ['run', '--allow-net', '--allow-read', '--allow-env', '--allow-sys', '--v8-flags=--expose-gc', ...extra('BENCH_CHILD_DENO_ARGS'), join(here, 'signaling-server-deno.ts')],
    env: { ...env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
  };
}

// ---------------- measurement ----------------

interface RelayResult {
  sent: number;
  delivered: number;
  seconds: number;
  cpuUs: number;
  bucketMs: number;
  hist: [number, number][];
}

/** Percentile of a sparse histogram (same rank rule as a sorted array's floor(p·n)), bucket upper edge. */
function histPct(hist: Map<number, number>, bucketMs: number, p: number): number {
  const keys = [...hist.keys()].sort((a, b) => a - b);
  let total = 0;
  for (const k of keys) total += hist.get(k)!;
  if (!total) return NaN;
  const rank = Math.min(total - 1, Math.floor((p / 100) * total));
  let seen = 0;
  for (const k of keys) {
    seen += hist.get(k)!;
    if (seen > rank) return (k + 1) * bucketMs;
  }
  return NaN;
}

type RunOpts = Required<Pick<SignalingBenchOptions, 'messages' | 'window' | 'maxRelaySeconds' | 'rounds'>> & {
  /** performance.now() by which this N should be done. */
  deadline: number;
};

const median = (xs: number[]) => {
  const v = [...xs].sort((x, y) => x - y);
  return v.length ? v[(v.length - 1) >> 1]! : NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Setup {
  kind: ServerKind;
  server: Ctl;
  load: Ctl;
  row: SignalingBenchRow;
  rates: number[];
  p99s: number[];
  hist: Map<number, number>;
  bucketMs: number;
  serverCpu: number;
  serverSys: number;
  loadCpu: number;
}

/** All servers up side by side for one N (each with its load child): memory each, then interleaved relay rounds. */
async function benchSize(n: number, kinds: ServerKind[], o: RunOpts, log: (s: string) => void): Promise<SignalingBenchRow[]> {
  const setups: Setup[] = [];
  const ctls: Ctl[] = [];
  const relay = async (st: Setup, total: number, maxMs: number) =>
    st.load.call<RelayResult>('relay', { total, window: o.window, maxMs }, maxMs + 15_000);
  try {
    for (const kind of kinds) {
      const sc = serverCommand(kind);
      const server = new Ctl(kind, sc.cmd, sc.args, sc.env, n + 256, log);
      ctls.push(server);
      const load = new Ctl(`load→${kind}`, NODE, [join(here, 'signaling-load.ts')], {}, n + 256, log);
      ctls.push(load);
      const [hello] = await Promise.all([server.ready, load.ready]);
      const port = hello.port as number;
      if (typeof hello.fdLimit === 'number' && hello.fdLimit < n + 64) log(`  warning: ${kind} may open only ${hello.fdLimit} files (needs ~${n + 64})`);
      const row: SignalingBenchRow = { server: kind, runtime: sc.runtime, n, window: o.window, rounds: o.rounds, connectMs: 0, rssPerConn: 0, rssPerConnMarginal: 0, heapPerConn: 0, sent: 0, delivered: 0, msgsPerSec: 0, msgsPerSecMin: 0, msgsPerSecMax: 0, cpuUsPerMsg: 0, sysUsPerMsg: 0, capacity: 0, loadCpuUsPerMsg: 0, p50Ms: 0, p99Ms: 0, p99WorstMs: 0 };
      const st: Setup = { kind, server, load, row, rates: [], p99s: [], hist: new Map(), bucketMs: 0.01, serverCpu: 0, serverSys: 0, loadCpu: 0 };
      setups.push(st);
      // Warm the accept path (JIT), then measure from a settled baseline.
      await load.call('open', { port, n: Math.min(100, n), firstId: 1_000_000, warm: true }, 60_000);
      await sleep(300);
      const before = await server.call<MemorySample>('mem');
      const half = n >> 1;
      const opened1 = await load.call<{ ms: number }>('open', { port, n: half, firstId: 0 }, 120_000);
      await sleep(300);
      const mid = await server.call<MemorySample>('mem');
      const opened2 = await load.call<{ ms: number }>('open', { port, n: n - half, firstId: half }, 120_000);
      row.connectMs = opened1.ms + opened2.ms;
      await sleep(300);
      const after = await server.call<MemorySample>('mem');
      if (!after.gc) log(`  warning: ${kind} has no gc(): memory is not settled`);
      row.rssPerConn = (after.rss - before.rss) / n;
      row.rssPerConnMarginal = (after.rss - mid.rss) / (n - half);
      row.heapPerConn = (after.heapUsed - before.heapUsed) / n;
      log(`  ${kind}: ${n} connected in ${row.connectMs.toFixed(0)} ms; RSS +${((after.rss - before.rss) / 1048576).toFixed(1)} MiB`);
      await relay(st, Math.min(5000, o.messages), 5000); // warm-up
    }
    let roundMs = 0;
    for (let round = 0; round < o.rounds; round++) {
      if (round > 0 && performance.now() + roundMs > o.deadline) {
        log(`  time budget: ${round} of ${o.rounds} rounds measured at N=${n}`);
        break;
      }
      const r0 = performance.now();
      const k = round % setups.length;
      const order = [...setups.slice(k), ...setups.slice(0, k)];
      for (const st of order) {
        const cpu0 = await st.server.call<{ us: number; sys: number }>('cpu');
        const r = await relay(st, o.messages, o.maxRelaySeconds * 1000);
        const cpu1 = await st.server.call<{ us: number; sys: number }>('cpu');
        st.serverCpu += cpu1.us - cpu0.us;
        st.serverSys += cpu1.sys - cpu0.sys;
        st.loadCpu += r.cpuUs;
        st.row.sent += r.sent;
        st.row.delivered += r.delivered;
        st.rates.push(r.delivered / r.seconds);
        st.bucketMs = r.bucketMs;
        const one = new Map<number, number>();
        for (const [b, c] of r.hist) {
          one.set(b, c);
          st.hist.set(b, (st.hist.get(b) ?? 0) + c);
        }
        st.p99s.push(histPct(one, r.bucketMs, 99));
      }
      roundMs = performance.now() - r0;
    }
    return setups.map((st) => {
      const cpuUsPerMsg = st.serverCpu / st.row.delivered;
      return {
        ...st.row,
        rounds: st.rates.length,
        msgsPerSec: median(st.rates),
        msgsPerSecMin: Math.min(...st.rates),
        msgsPerSecMax: Math.max(...st.rates),
        cpuUsPerMsg,
        sysUsPerMsg: st.serverSys / st.row.delivered,
        capacity: 1e6 / cpuUsPerMsg,
        loadCpuUsPerMsg: st.loadCpu / st.row.delivered,
        p50Ms: histPct(st.hist, st.bucketMs, 50),
        p99Ms: histPct(st.hist, st.bucketMs, 99),
        p99WorstMs: Math.max(...st.p99s),
      };
    });
  } finally {
    // Load children first (their clients close), then the servers; anything left is SIGKILLed.
    await Promise.all(ctls.filter((c) => c.name.startsWith('load')).map((c) => c.stop()));
    await Promise.all(ctls.filter((c) => !c.name.startsWith('load')).map((c) => c.stop()));
  }
}

export async function run(opts: SignalingBenchOptions = {}): Promise<SignalingBenchRow[]> {
  const log = opts.log ?? ((s: string) => console.log(s));
  const sizes = opts.sizes ?? (opts.quick ? [200, 500] : [1000, 5000]);
  const t0 = performance.now();
  const budgetMs = (opts.budgetSeconds ?? (opts.quick ? 35 : 210)) * 1000;
  const o: RunOpts = {
    messages: opts.messages ?? (opts.quick ? 10000 : 40000),
    rounds: opts.rounds ?? (opts.quick ? 3 : 7),
    window: opts.window ?? 16,
    maxRelaySeconds: opts.maxRelaySeconds ?? (opts.quick ? 3 : 6),
    deadline: 0,
  };
  const servers = opts.servers ?? DEFAULT_SERVERS;
  for (const s of servers) serverCommand(s); // fail fast on a bad kind or a missing Deno
  const lim = softFdLimit();
  log(`fd limit (soft/hard): ${lim ? `${lim.soft}/${lim.hard}` : 'unknown'}; children are raised to ≥ N+256 via 'bash -c ulimit -n' only if needed`);
  const rows: SignalingBenchRow[] = [];
  try {
    for (let i = 0; i < sizes.length; i++) {
      const n = sizes[i]!;
      log(`- N=${n}: ${servers.join(' + ')} …`);
      // An equal share of what is left of the budget, less a margin for shutting the children down.
      const now = performance.now();
      o.deadline = now + (t0 + budgetMs - now) / (sizes.length - i) - 5000;
      rows.push(...(await benchSize(n, servers, o, log)));
    }
  } finally {
    killAll();
  }
  return rows;
}

export function formatTable(rows: SignalingBenchRow[]): string {
  const kib = (b: number) => (b / 1024).toFixed(1);
  const head = ['server', 'N', 'connect ms', 'RSS/conn KiB', 'marginal RSS/conn KiB', 'heap/conn KiB', 'msg/s (measured, median)', 'msg/s range', 'server CPU µs/msg', 'of which kernel', 'capacity msg/s (derived)', 'load-gen CPU µs/msg', 'p50 ms', 'p99 ms', 'p99 worst round', 'delivered/sent'];
  const lines = rows.map((r) => [r.server, String(r.n), r.connectMs.toFixed(0), kib(r.rssPerConn), kib(r.rssPerConnMarginal), kib(r.heapPerConn), r.msgsPerSec.toFixed(0), `${r.msgsPerSecMin.toFixed(0)}–${r.msgsPerSecMax.toFixed(0)}`, r.cpuUsPerMsg.toFixed(1), r.sysUsPerMsg.toFixed(1), r.capacity.toFixed(0), r.loadCpuUsPerMsg.toFixed(1), r.p50Ms.toFixed(2), r.p99Ms.toFixed(2), r.p99WorstMs.toFixed(2), `${r.delivered}/${r.sent}`]);
  const ratioHead = ['N', 'ours', 'throughput ours/ref (measured)', 'capacity ours/ref (derived)', 'RSS/conn ref/ours', 'marginal RSS/conn ref/ours', 'heap/conn ref/ours', 'p99 ours vs ref ms'];
  const ratios: string[][] = [];
  for (const n of [...new Set(rows.map((r) => r.n))]) {
    const b = rows.find((r) => r.n === n && r.server === 'ref');
    if (!b) continue;
    for (const a of rows.filter((r) => r.n === n && r.server !== 'ref')) {
      ratios.push([String(n), a.server, (a.msgsPerSec / b.msgsPerSec).toFixed(2) + '×', (a.capacity / b.capacity).toFixed(2) + '×', (b.rssPerConn / a.rssPerConn).toFixed(2) + '×', (b.rssPerConnMarginal / a.rssPerConnMarginal).toFixed(2) + '×', (b.heapPerConn / a.heapPerConn).toFixed(2) + '×', `${a.p99Ms.toFixed(2)} vs ${b.p99Ms.toFixed(2)}`]);
    }
  }
  const table = (h: string[], body: string[][], leftCols = 1) => {
    const w = h.map((x, i) => Math.max(x.length, ...body.map((r) => r[i]!.length)));
    const fmt = (r: string[]) => '| ' + r.map((x, i) => (i < leftCols ? x.padEnd(w[i]!) : x.padStart(w[i]!))).join(' | ') + ' |';
    return [fmt(h), '|' + w.map((x) => '-'.repeat(x + 2)).join('|') + '|', ...body.map(fmt)].join('\n');
  };
  const r0 = rows[0];
  return [
    table(head, lines),
    '',
    table(ratioHead, ratios, 2),
    '',
    `Each server runs in its own process with its own load-generator process (Node + ws, N clients); the orchestrator idles during a round. ` +
      `Server and load generator share this ${availableParallelism()}-core machine (loopback), so measured msg/s is bounded by whichever ` +
      'is busier per message (compare the two CPU columns) and by the closed-loop window. ' +
      'Capacity is DERIVED, not measured: 1e6 / server CPU µs per message = msgs/s one fully busy core of the server process could relay ' +
      '(CPU is user+system of the whole server process, all threads). ' +
      'Memory is per idle connection after GC: RSS/conn = ΔRSS/N from a warmed baseline (includes one-off growth such as V8\'s young generation), ' +
      'marginal = ΔRSS from N/2 to N per connection (RSS moves in allocator-sized steps: noisy, read it at the larger N); ' +
      "heap counts the V8 heap only (Deno keeps its sockets' state outside it, so compare RSS across runtimes). " +
      `Latency is send→receive through the server with ${r0?.window ?? '?'} messages in flight; p50/p99 pool every measured message of ` +
      `${r0?.rounds ?? '?'} interleaved rounds (10 µs buckets, upper edge); msg/s is the median round.` +
      (new Set(rows.map((r) => r.rounds)).size > 1 ? ' Rounds differ per N (time budget): see each row.' : ''),
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
  if (get('max-seconds')) opts.maxRelaySeconds = Number(get('max-seconds'));
  if (get('budget')) opts.budgetSeconds = Number(get('budget'));
  if (get('servers')) opts.servers = get('servers')!.split(',');
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
