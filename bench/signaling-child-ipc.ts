/**
 * Control channel between bench/signaling.ts and its children (the servers and the load generators),
 * identical on Node.js and Deno: JSON lines on the child's stdin (requests `{id, cmd, …}`) and on its
 * stdout (replies `{id, …}` or `{id, error}`, and one unsolicited `{type:'ready', …}`), each stdout line
 * prefixed with LINE_PREFIX so whatever else a child prints passes through untouched.
 * A child exits as soon as its stdin closes, i.e. when the parent is gone (even after a SIGKILL).
 *
 * Plain erasable TypeScript: imported by .ts children (Node and Deno) and by the .mjs reference child.
 */
import { readFileSync } from 'node:fs';
import process from 'node:process';

export const LINE_PREFIX = '#signaling-bench ';

export interface Command {
  id: number;
  cmd: string;
  [arg: string]: unknown;
}

export type CommandHandlers = Record<string, (c: Command) => unknown>;

export interface MemorySample {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  gc: boolean;
}

function write(m: unknown): void {
  process.stdout.write(LINE_PREFIX + JSON.stringify(m) + '\n');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Memory after three GCs 100 ms apart (needs --expose-gc; `gc: false` in the answer otherwise). */
export async function settledMemory(read: () => { rss: number; heapUsed: number; heapTotal: number; external: number } = () => process.memoryUsage()): Promise<MemorySample> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await sleep(100);
  }
  const m = read();
  return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, gc: !!gc };
}

/** This process's CPU time so far (all threads), µs: user + system, and system alone. */
export function cpuTimes(): { us: number; sys: number } {
  try {
    const c = process.cpuUsage();
    return { us: c.user + c.system, sys: c.system };
  } catch {
    // Fallback: utime + stime from /proc/self/stat, in clock ticks (100/s on Linux).
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { us: (Number(f[11]) + Number(f[12])) * 10_000, sys: Number(f[12]) * 10_000 };
  }
}

/** This process's user+system CPU time so far (all threads), µs. */
export const cpuMicros = (): number => cpuTimes().us;

/** Soft limit on open files (Linux), so the parent can warn when N sockets will not fit. */
export function fdLimit(): number | undefined {
  try {
    // Deno denies /proc/self without --allow-all: undefined there (no warning, no harm).
    const m = /Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Standard probes of a server child: `mem` (after GC) and `cpu` ({us, sys}, µs). */
export function serverCommands(mem?: () => { rss: number; heapUsed: number; heapTotal: number; external: number }, extra?: () => unknown): CommandHandlers {
  return {
    mem: async () => ({ ...(await settledMemory(mem)), extra: extra?.() }),
    cpu: () => cpuTimes(),
  };
}

/** Answer commands on stdin until it closes, then exit. Announces `{type:'ready', …ready}`. */
export function serveControl(handlers: CommandHandlers, ready: Record<string, unknown>): void {
  let buf = '';
  const dispatch = async (line: string) => {
    let c: Command;
    try {
      c = JSON.parse(line);
    } catch {
      return;
    }
    try {
      const h = handlers[c.cmd];
      if (!h) throw new Error(`unknown command ${c.cmd}`);
      const r = await h(c);
      write({ ...(r as object), id: c.id });
    } catch (e) {
      write({ id: c.id, error: String((e as Error)?.stack ?? e) });
    }
  };
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    buf += chunk;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (line) void dispatch(line);
    }
  });
  const bye = () => process.exit(0);
  process.stdin.on('end', bye);
  process.stdin.on('close', bye);
  process.stdin.on('error', bye);
  write({ type: 'ready', fdLimit: fdLimit(), runtime: typeof (globalThis as { Deno?: unknown }).Deno === 'object' ? 'deno' : 'node', ...ready });
}
