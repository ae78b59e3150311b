/**
 * The cluster benchmark: breakout fan-out and join storms on (a) one server with SQLite and (b) two
 * servers on one PostgreSQL, side by side in one run, reported as ratios (b)/(a) with their spread
 * over repeated rounds.
 *
 * Each round runs both deployments (in turn, the order swapped every round) on fresh rooms: R main
 * rooms, each with a host and N/R participants, named so that nginx's consistent hash puts half of
 * them on each server of (b); all clients connect through nginx running the shipped configuration
 * (or, with `direct`, straight to the server the hash picks). In each deployment:
 *   - join storm: the hosts are in; all N participants open their sockets at once. "Welcomed" is
 *     the time to every participant's welcome; "caught up", the time until every client in every
 *     room had every join.
 *   - breakout: each room splits into B breakout rooms; then every host at once, repeatedly, starts
 *     the breakout (after a gather) and reshuffles it (moves). Per-event latency: from the host's
 *     command to a client having all its events, over every client and repetition (p50, p99).
 *   - throughput: every host sends a burst of reshuffles back to back; event frames delivered to all
 *     clients per second until the last client had the last one.
 * Every client checks its sequence numbers: a missed, repeated or late event fails the round
 * loudly, as does an error or a dropped socket. (b) then checks PostgreSQL: each room stored up to
 * the seq its clients reached, and its lease is held by the server the hash picked.
 *
 * Run: node bench/cluster.ts [--clients 300] [--rooms 4] [--rounds 7] [--quick] [--direct]
 */
import { loadavg } from 'node:os';
import { issueToken } from '../server/auth.ts';
import { TEST_SECRET } from '../server/testing/spawn.ts';
import { BenchClient } from './cluster-client.ts';
import { startCluster, startSingle, type Deployment } from './cluster-setup.ts';

export interface ClusterOptions {
  /** Participants in all rooms together (default 300). */
  clients?: number;
  /** Main rooms, each with its own host (default 4; even, so each server of (b) gets half). */
  rooms?: number;
  /** Breakout rooms in each main room (default 10). */
  breakoutRooms?: number;
  /** Repetitions of each breakout command per round (default 8). */
  reps?: number;
  /** Reshuffles per host in the throughput burst (default 10). */
  burst?: number;
  /** Rounds (default 7). */
  rounds?: number;
  /** Connect straight to the server the hash picks instead of through nginx. */
  direct?: boolean;
  log?: (line: string) => void;
}

/** One deployment's figures in one round (times in ms). */
export interface Figures {
  welcomedAll: number;
  welcomedP50: number;
  caughtUpAll: number;
  startP50: number;
  startP99: number;
  moveP50: number;
  moveP99: number;
  /** Event frames delivered per second during the burst. */
  throughput: number;
}

export interface ClusterResult {
  opts: Required<Omit<ClusterOptions, 'log'>>;
  single: Figures[];
  cluster: Figures[];
  /** (b)'s rooms on each of its servers, as the leases showed. */
  split: number[];
  seconds: number;
  /** The machine's 1-minute load average as each phase began (other work shares the 2 cores). */
  load: number[];
}

const WAIT_MS = 60_000;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
};

/** Everything a phase waits for fails at once when a client fails, or names who is late after WAIT_MS. */
class Watch {
  failure: Error | null = null;
  private fails: ((err: Error) => void)[] = [];
  private dep: Deployment;
  constructor(dep: Deployment) {
    this.dep = dep;
  }
  fail = (err: Error) => {
    if (this.failure) return;
    this.failure = new Error(`cluster bench (${this.dep.store}): a round lost a message or a client: ${err.message} (machine load ${loadavg()[0]!.toFixed(1)} on 2 cores)\n${this.dep.output()}`);
    for (const f of this.fails) f(this.failure);
  };
  async wait<T>(what: string, p: Promise<T>, late: () => string): Promise<T> {
    if (this.failure) throw this.failure;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onFail: (err: Error) => void = () => {};
    try {
      return await Promise.race([
        p,
        new Promise<never>((_, reject) => {
          onFail = reject;
          this.fails.push(reject);
          timer = setTimeout(() => reject(new Error(`cluster bench (${this.dep.store}): ${what} took over ${WAIT_MS / 1000} s; late: ${late()}\n${this.dep.output()}`)), WAIT_MS);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      this.fails = this.fails.filter((f) => f !== onFail);
    }
  }
}

interface Room {
  room: string;
  server: string;
  host: BenchClient;
  people: BenchClient[];
}

const lateList = (clients: BenchClient[], ok: (c: BenchClient) => boolean) => {
  const late = clients.filter((c) => !ok(c));
  return `${late.length} clients (${late.slice(0, 5).map((c) => `${c.id}@${c.room} seq ${c.seq}`).join(', ')}${late.length > 5 ? ', …' : ''})`;
};

/** Every client of every room has its room's events up to `target(room)`. */
async function allReach(watch: Watch, what: string, rooms: Room[], target: Map<Room, number>): Promise<void> {
  const everyone = rooms.flatMap((r) => [r.host, ...r.people].map((c) => ({ c, seq: target.get(r)! })));
  await watch.wait(what, Promise.all(everyone.map(({ c, seq }) => c.until(seq))), () =>
    lateList(
      everyone.map((e) => e.c),
      (c) => everyone.some((e) => e.c === c && c.seq >= e.seq),
    ),
  );
}

let refs = 0;

/** Every host sends `command` at once; per-client latency from its host's send to having the command's last event. */
async function together(watch: Watch, rooms: Room[], what: string, command: unknown): Promise<number[]> {
  const t0 = performance.now();
  const acks = await watch.wait(
    `${what} acks`,
    Promise.all(rooms.map((r) => r.host.command(`c${++refs}`, command))),
    () => 'hosts',
  );
  const target = new Map(rooms.map((r, i) => [r, acks[i]!]));
  await allReach(watch, what, rooms, target);
  return rooms.flatMap((r) => r.people.map((c) => c.reachedAt(target.get(r)!) - t0));
}

async function phase(dep: Deployment, prefix: string, o: ClusterResult['opts'], log: (l: string) => void): Promise<{ figures: Figures; split: number[] }> {
  const watch = new Watch(dep);
  const placed = dep.rooms(prefix, o.rooms);
  const perRoom = Math.ceil(o.clients / o.rooms);
  const token = (room: string, id: string, role: 'host' | 'participant') => issueToken(TEST_SECRET, { sub: id, name: id, role, room });
  const tokens = await Promise.all(placed.map(async (p, ri) => ({
    host: await token(p.room, 'host', 'host'),
    people: await Promise.all(Array.from({ length: Math.min(perRoom, o.clients - ri * perRoom) }, (_, k) => token(p.room, `u${ri * perRoom + k}`, 'participant'))),
  })));
  const open = (room: string, id: string, t: string) => new BenchClient({ wsUrl: dep.wsUrlFor(room), room, id, token: t, onFail: watch.fail });
  const all: BenchClient[] = [];
  try {
    const hosts = placed.map((p, i) => open(p.room, 'host', tokens[i]!.host));
    all.push(...hosts);
    await watch.wait('the hosts joining', Promise.all(hosts.map((h) => h.welcomed())), () => lateList(hosts, (c) => c.seq >= 0));

    // Join storm: every participant at once.
    const t0 = performance.now();
    const rooms: Room[] = placed.map((p, i) => ({ ...p, host: hosts[i]!, people: tokens[i]!.people.map((t, k) => open(p.room, `u${i * perRoom + k}`, t)) }));
    const people = rooms.flatMap((r) => r.people);
    all.push(...people);
    await watch.wait('the join storm', Promise.all(people.map((c) => c.welcomed())), () => lateList(people, (c) => c.seq >= 0));
    const welcomed = people.map((c) => c.welcomedAt - t0);
    // Every join is in each room's log before the host's marker: caught up = had everything before it.
    const markers = await watch.wait('the markers', Promise.all(rooms.map((r) => r.host.command(`m${++refs}`, { type: 'chat/send', text: 'Everyone is in.' }))), () => 'hosts');
    const marked = new Map(rooms.map((r, i) => [r, markers[i]!]));
    await allReach(watch, 'the marker', rooms, marked);
    const caughtUp = rooms.flatMap((r) => r.people.map((c) => c.reachedAt(marked.get(r)! - 1) - t0));
    log(`  ${dep.store}: join storm of ${people.length}: all welcomed in ${Math.max(...welcomed).toFixed(0)} ms, caught up in ${Math.max(...caughtUp).toFixed(0)} ms`);

    // Breakout fan-out.
    const names = Array.from({ length: o.breakoutRooms }, (_, i) => `Room ${i + 1}`);
    await together(watch, rooms, 'configure', { type: 'breakout/configure', rooms: names, timeLimitMinutes: null, countdownSeconds: 0, assignment: 'auto' });
    await together(watch, rooms, 'the first start', { type: 'breakout/start' });
    const start: number[] = [];
    const move: number[] = [];
    for (let i = 0; i < o.reps; i++) {
      move.push(...(await together(watch, rooms, 'a reshuffle', { type: 'breakout/shuffle' })));
      await together(watch, rooms, 'a gather', { type: 'breakout/gather' });
      start.push(...(await together(watch, rooms, 'a start', { type: 'breakout/start' })));
      for (const c of all) c.forgetBefore(c.seq);
    }

    // Throughput: a burst of reshuffles from every host at once.
    const framesBefore = people.reduce((n, c) => n + c.frames, 0);
    const b0 = performance.now();
    const lastAcks = await watch.wait(
      'the burst acks',
      Promise.all(rooms.map((r) => Promise.all(Array.from({ length: o.burst }, () => r.host.command(`b${++refs}`, { type: 'breakout/shuffle' }))).then((s) => Math.max(...s)))),
      () => 'hosts',
    );
    const last = new Map(rooms.map((r, i) => [r, lastAcks[i]!]));
    await allReach(watch, 'the burst', rooms, last);
    const burstMs = Math.max(...rooms.flatMap((r) => r.people.map((c) => c.reachedAt(last.get(r)!)))) - b0;
    const throughput = ((people.reduce((n, c) => n + c.frames, 0) - framesBefore) / burstMs) * 1000;
    log(`  ${dep.store}: breakout start p99 ${pct(start, 0.99).toFixed(0)} ms, moves p99 ${pct(move, 0.99).toFixed(0)} ms, ${throughput.toFixed(0)} frames/s`);

    await dep.verify(rooms.map((r) => ({ room: r.room, server: r.server, seq: r.host.seq })));
    if (watch.failure) throw watch.failure;
    const split = dep.upstreams.map((u) => rooms.filter((r) => r.server === u).length);
    return {
      split,
      figures: {
        welcomedAll: Math.max(...welcomed),
        welcomedP50: pct(welcomed, 0.5),
        caughtUpAll: Math.max(...caughtUp),
        startP50: pct(start, 0.5),
        startP99: pct(start, 0.99),
        moveP50: pct(move, 0.5),
        moveP99: pct(move, 0.99),
        throughput,
      },
    };
  } finally {
    for (const c of all) c.close();
  }
}

export async function run(opts: ClusterOptions = {}): Promise<ClusterResult> {
  const o: ClusterResult['opts'] = {
    clients: opts.clients ?? 300,
    rooms: opts.rooms ?? 4,
    breakoutRooms: opts.breakoutRooms ?? 10,
    reps: opts.reps ?? 8,
    burst: opts.burst ?? 10,
    rounds: opts.rounds ?? 7,
    direct: opts.direct ?? false,
  };
  if (o.rooms < 2 || o.rooms % 2) throw new Error('cluster bench: --rooms must be even (half on each server)');
  const log = opts.log ?? (() => {});
  const began = performance.now();
  const result: ClusterResult = { opts: o, single: [], cluster: [], split: [], seconds: 0, load: [] };
  let single: Deployment | null = null;
  let cluster: Deployment | null = null;
  try {
    single = await startSingle({ direct: o.direct });
    cluster = await startCluster({ direct: o.direct });
    for (let round = 1; round <= o.rounds; round++) {
      log(`round ${round} of ${o.rounds}`);
      const order: Deployment[] = round % 2 ? [single, cluster] : [cluster, single];
      for (const dep of order) {
        result.load.push(loadavg()[0]!);
        const { figures, split } = await phase(dep, `bench-${process.pid}-${round}-${dep.store}`, o, log);
        (dep === single ? result.single : result.cluster).push(figures);
        if (dep === cluster) result.split = split;
      }
    }
  } finally {
    await single?.stop();
    await cluster?.stop();
  }
  result.seconds = (performance.now() - began) / 1000;
  return result;
}

const METRICS: { key: keyof Figures; label: string; unit: string }[] = [
  { key: 'welcomedAll', label: 'join storm: all welcomed', unit: 'ms' },
  { key: 'welcomedP50', label: 'join storm: welcome p50', unit: 'ms' },
  { key: 'caughtUpAll', label: 'join storm: all caught up', unit: 'ms' },
  { key: 'startP50', label: 'breakout start p50', unit: 'ms' },
  { key: 'startP99', label: 'breakout start p99', unit: 'ms' },
  { key: 'moveP50', label: 'moves (reshuffle) p50', unit: 'ms' },
  { key: 'moveP99', label: 'moves (reshuffle) p99', unit: 'ms' },
  { key: 'throughput', label: 'throughput', unit: 'frames/s' },
];

export function table(r: ClusterResult): string {
  const { opts: o } = r;
  const f = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1)).padStart(9);
  const med = (xs: number[]) => {
    const s = [...xs].sort((x, y) => x - y);
    const m = s.length >> 1;
    return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  };
  const lines = [
    `(a) one server on SQLite; (b) two servers on one PostgreSQL, ${r.split.join(' + ')} rooms each (by nginx's hash, checked against the leases).`,
    `${o.clients} participants in ${o.rooms} rooms (a host each, ${o.breakoutRooms} breakout rooms each), ${o.direct ? 'straight to the servers' : 'through nginx'}, ` +
      `${o.rounds} rounds, ${o.reps} starts and moves per round, bursts of ${o.burst}; load generator on the same 2-core machine; ${r.seconds.toFixed(0)} s.`,
    `metric                          unit       (a) med   (b) med   ratio b/a: median  [min - max] over rounds`,
  ];
  for (const m of METRICS) {
    const a = r.single.map((x) => x[m.key]);
    const b = r.cluster.map((x) => x[m.key]);
    const ratios = b.map((x, i) => x / a[i]!);
    lines.push(`${m.label.padEnd(31)} ${m.unit.padEnd(9)} ${f(med(a))} ${f(med(b))}   ${med(ratios).toFixed(2).padStart(6)}  [${Math.min(...ratios).toFixed(2)} - ${Math.max(...ratios).toFixed(2)}]`);
  }
  lines.push(`Machine load (1-min average) as each phase began: ${Math.min(...r.load).toFixed(1)} to ${Math.max(...r.load).toFixed(1)} on 2 cores.`);
  lines.push('Times: lower is better (ratio < 1: (b) faster); throughput: higher is better. No round lost a message (every client checked its sequence numbers).');
  return lines.join('\n');
}

if (import.meta.main) {
  const quick = process.argv.includes('--quick');
  const arg = (name: string, d: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : d;
  };
  const result = await run({
    clients: arg('clients', quick ? 100 : 300),
    rooms: arg('rooms', 4),
    rounds: arg('rounds', quick ? 2 : 7),
    reps: arg('reps', quick ? 3 : 8),
    direct: process.argv.includes('--direct'),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  console.log(table(result));
}
