/**
 * CPU time of a process and all its descendants, from /proc (Linux only), for the media benchmark:
 * one Chromium per page, so a browser's whole tree is that page's cost; Janus is one process.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime/stime (USER_HZ: 100 on every Linux we run on). */
const HZ = 100;

interface Stat {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime: the process's own CPU and that of children it has reaped. */
  ticks: number;
}

function readStat(pid: number): Stat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null; // gone since the directory listing
  }
  // The command name (field 2) is in parentheses and may hold spaces: split after its last ')'.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // f[0] is field 3 (state): ppid is field 4, utime..cstime are fields 14..17.
  return { pid, ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) };
}

function allStats(): Stat[] {
  const out: Stat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) out.push(s);
  }
  return out;
}

/**
 * CPU seconds used so far by each root's process tree (the root and every descendant), read from
 * one pass over /proc. A root that is gone counts as NaN, so a lost browser never reads as idle.
 */
export function treeCpuSeconds(roots: number[]): number[] {
  const stats = allStats();
  const children = new Map<number, Stat[]>();
  const byPid = new Map<number, Stat>();
  for (const s of stats) {
    byPid.set(s.pid, s);
    const list = children.get(s.ppid);
    if (list) list.push(s);
    else children.set(s.ppid, [s]);
  }
  return roots.map((root) => {
    const top = byPid.get(root);
    if (!top) return NaN;
    let ticks = 0;
    const stack = [top];
    while (stack.length) {
      const s = stack.pop()!;
      ticks += s.ticks;
      stack.push(...(children.get(s.pid) ?? []));
    }
    return ticks / HZ;
  });
}

/** The 1-minute load average, for the table's caption. */
export function loadAverage(): number {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return NaN;
  }
}

/** CPU seconds the whole machine has spent busy so far (every core, all but idle and iowait). */
export function machineBusySeconds(): number {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already inside user).
    const busy = f[0] + f[1] + f[2] + f[5] + f[6] + f[7];
    return busy / HZ;
  } catch {
    return NaN;
  }
}
