/**
 * Breakout fan-out: N simulated participants (WebSocket clients, no media) in R
 * breakout rooms on one server. Shuffle, broadcast and gather are each sent by
 * the host; we time from the command to its delivery at every client, and
 * report p50/p99 of the time to the LAST delivery over repeated commands (and
 * p50/p99 of all single deliveries).
 *
 * Run: node bench/breakout.ts [--clients 1000] [--rooms 100] [--reps 15]
 */
import { issueToken } from '../server/auth.ts';
import { startServer, TEST_SECRET } from '../server/testing/spawn.ts';

interface Client {
  ws: WebSocket;
  id: string;
  waiters: ((m: any) => boolean)[];
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
};

export interface FanoutRow {
  command: string;
  reps: number;
  lastP50: number;
  lastP99: number;
  eachP50: number;
  eachP99: number;
}

export async function run(opts: { clients?: number; rooms?: number; reps?: number } = {}): Promise<FanoutRow[]> {
  const N = opts.clients ?? 1000;
  const R = opts.rooms ?? 100;
  const reps = opts.reps ?? 15;
  const room = 'bench-breakout';
  // The host-away timer and grace are irrelevant here; keep them long. Every client comes from
  // loopback (no per-address cap), and the host sends commands faster than a person would.
  const server = await startServer({ env: { LEAVE_GRACE_SECONDS: '600', MAX_CONNECTIONS_PER_IP: '0', RATE_LIMIT_SCALE: '10' } });
  const clients: Client[] = [];
  const open = async (id: string, role: 'host' | 'participant') => {
    const token = await issueToken(TEST_SECRET, { sub: id, name: id, role, room });
    const ws = new WebSocket(`${server.wsUrl}/rooms/${room}/socket`);
    const c: Client = { ws, id, waiters: [] };
    ws.onmessage = (e) => {
      const m = JSON.parse(String(e.data));
      if (c.waiters.length) c.waiters = c.waiters.filter((w) => !w(m));
    };
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error('connect failed'));
    });
    const welcomed = new Promise<void>((resolve) => c.waiters.push((m) => (m.type === 'welcome' ? (resolve(), true) : false)));
    ws.send(JSON.stringify({ type: 'hello', token }));
    await welcomed;
    return c;
  };
  const rows: FanoutRow[] = [];
  try {
    const host = await open('host', 'host');
    for (let i = 0; i < N; i += 100) {
      clients.push(...(await Promise.all(Array.from({ length: Math.min(100, N - i) }, (_, k) => open(`u${i + k}`, 'participant')))));
    }
    const send = (command: unknown) => host.ws.send(JSON.stringify({ type: 'command', command }));

    /** Send a command; resolve with each client's delivery time (ms) of the first event matching `pred`. */
    const timed = async (command: unknown, pred: (m: any) => boolean): Promise<number[]> => {
      const t0 = performance.now();
      const arrivals = clients.map(
        (c) =>
          new Promise<number>((resolve) => {
            c.waiters.push((m) => (m.type === 'event' && pred(m.event) ? (resolve(performance.now() - t0), true) : false));
          }),
      );
      send(command);
      return Promise.all(arrivals);
    };
    const settle = () => new Promise((r) => setTimeout(r, 50));

    const names = Array.from({ length: R }, (_, i) => `Room ${i + 1}`);
    await timed({ type: 'breakout/configure', rooms: names, timeLimitMinutes: null, countdownSeconds: 0, assignment: 'auto' }, (e) => e.type === 'breakout-configured');
    await timed({ type: 'breakout/start' }, (e) => e.type === 'breakout-started');
    await settle();

    const measure = async (label: string, once: () => Promise<number[]>) => {
      const last: number[] = [];
      const each: number[] = [];
      for (let i = 0; i < reps; i++) {
        const t = await once();
        last.push(Math.max(...t));
        each.push(...t);
        await settle();
      }
      rows.push({ command: label, reps, lastP50: pct(last, 0.5), lastP99: pct(last, 0.99), eachP50: pct(each, 0.5), eachP99: pct(each, 0.99) });
    };

    await measure('shuffle', () => timed({ type: 'breakout/shuffle' }, (e) => e.type === 'breakout-moved' || e.type === 'breakout-planned'));
    let n = 0;
    await measure('broadcast', () => timed({ type: 'breakout/broadcast', text: `Broadcast ${++n}` }, (e) => e.type === 'chat'));
    await measure('gather', async () => {
      const t = await timed({ type: 'breakout/gather' }, (e) => e.type === 'breakout-gathered');
      await timed({ type: 'breakout/start' }, (e) => e.type === 'breakout-started'); // back to the rooms for the next round
      return t;
    });
  } finally {
    for (const c of clients) c.ws.close();
    await server.stop();
  }
  return rows;
}

export function table(rows: FanoutRow[], clients: number, rooms: number): string {
  const f = (x: number) => x.toFixed(1).padStart(8);
  const lines = [
    `Breakout fan-out: ${clients} participants in ${rooms} rooms, one server process, load generator on the same 2-core machine`,
    `command     reps  last-delivery p50   p99 (ms)   each-delivery p50   p99 (ms)   aim p99 < 500 ms`,
    ...rows.map((r) => `${r.command.padEnd(10)} ${String(r.reps).padStart(5)}  ${f(r.lastP50)} ${f(r.lastP99)}        ${f(r.eachP50)} ${f(r.eachP99)}       ${r.lastP99 < 500 ? 'met' : 'MISSED'}`),
  ];
  return lines.join('\n');
}

if (import.meta.main) {
  const arg = (name: string, d: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : d;
  };
  const clients = arg('clients', 1000);
  const rooms = arg('rooms', 100);
  console.log(table(await run({ clients, rooms, reps: arg('reps', 15) }), clients, rooms));
}
