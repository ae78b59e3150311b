/**
 * What a page costs on the mesh and on the SFU (Janus), side by side in one run: browser CPU per page
 * (the CPU seconds per wall second of that page's whole Chromium process tree, one Chromium per page)
 * and the frame rate of the video it receives, at 3, 4, 5 and 6 people; Janus's own CPU at each SFU
 * size; and last-N: video streams decoded per page and its CPU at 6 people with a small N against
 * everyone decoded. Rounds alternate mesh and SFU; each point waits until every page decodes every
 * video it should, warms up, then measures over a window. A page that does not receive every video
 * it should fails the run: no figure is printed for it.
 *
 * Run: node bench/media.ts [--quick] [--mesh-only]
 */
import { startServer, type RunningServer } from '../server/testing/spawn.ts';
import { startCoursePage } from '../test/e2e/browser.ts';
import { LAB_CHROMIUM_FLAGS, startMediaLab, type MediaLab } from '../test/support/media-lab.ts';
import { loadAverage, machineBusySeconds, treeCpuSeconds } from './media-cpu.ts';
import { decodedFrames, joinPage, pageMediaMode, setLastN, type BenchPage } from './media-page.ts';

export interface MediaOptions {
  sizes?: number[];
  rounds?: number;
  warmupMs?: number;
  windowMs?: number;
  /** The small N measured at the largest size (against everyone decoded). */
  lastN?: number;
  /** False: the mesh only (no media lab). */
  sfu?: boolean;
  log?: (line: string) => void;
}

export interface MediaPoint {
  mode: 'mesh' | 'sfu';
  people: number;
  /** The element's `last-n` (SFU pages); null on the mesh. */
  lastN: number | null;
  /** Per page: cores (CPU seconds per wall second of its Chromium tree). */
  cpu: number[];
  /** Per page: mean frames per second of the videos it decodes (per ~2 s slice of the window). */
  fps: number[];
  /** Per page: video streams decoding frames, on average over ~2 s slices of the window. */
  decoded: number[];
  /** Janus's cores over the window (SFU only). */
  janus: number | null;
  /** Cores the rest of the machine (not these pages, not Janus) kept busy over the window. */
  others: number;
}

export interface MediaResult {
  sizes: number[];
  lastN: number;
  warmupMs: number;
  windowMs: number;
  /** Per round, its points. */
  rounds: MediaPoint[][];
  load: { before: number; after: number };
  sfu: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Which of a page's streams decoded frames between two readings, and at what rate. */
function decodingRates(before: Record<string, number>, after: Record<string, number>, seconds: number): number[] {
  return Object.keys(after)
    .map((k) => (after[k] - (before[k] ?? 0)) / seconds)
    .filter((fps) => fps > 0);
}

/** Wait until every page decodes exactly `expected` videos (read over 2 s) and is in `mode`. */
async function settle(pages: BenchPage[], expected: number, mode: string, timeoutMs = 90_000): Promise<void> {
  const started = Date.now();
  let last = '';
  while (Date.now() - started < timeoutMs) {
    try {
      const modes = await Promise.all(pages.map((p) => pageMediaMode(p.page)));
      const before = await Promise.all(pages.map((p) => decodedFrames(p.page)));
      await sleep(2000);
      const after = await Promise.all(pages.map((p) => decodedFrames(p.page)));
      const counts = pages.map((_, i) => decodingRates(before[i], after[i], 2).length);
      last = pages.map((p, i) => `${p.name}: ${modes[i]}, ${counts[i]} decoding`).join('; ');
      if (modes.every((m) => m === mode) && counts.every((c) => c === expected)) return;
    } catch (e) {
      last = (e as Error).message; // a page starved while joining: ask again until the deadline
    }
  }
  throw new Error(`not every page receives the ${expected} videos it should in ${mode} mode after ${timeoutMs / 1000} s (${last})`);
}

async function measure(pages: BenchPage[], point: Omit<MediaPoint, 'cpu' | 'fps' | 'decoded' | 'janus' | 'others'>, expected: number, o: Required<MediaOptions>, janusPid: number | null): Promise<MediaPoint> {
  await settle(pages, expected, point.mode);
  await sleep(o.warmupMs);
  const pids = [...pages.map((p) => p.pid), ...(janusPid ? [janusPid] : [])];
  const read = async () => {
    const frames = await Promise.all(pages.map((p) => decodedFrames(p.page)));
    return { t: performance.now(), cpu: treeCpuSeconds(pids), busy: machineBusySeconds(), frames };
  };
  // Read every ~2 s over the window: which videos decode in each slice (last-N may rotate them).
  const slices = Math.max(1, Math.round(o.windowMs / 2000));
  const reads = [await read()];
  for (let i = 0; i < slices; i++) {
    await sleep(o.windowMs / slices);
    reads.push(await read());
  }
  const a = reads[0];
  const b = reads.at(-1)!;
  const seconds = (b.t - a.t) / 1000;
  const cores = pids.map((_, i) => (b.cpu[i] - a.cpu[i]) / seconds);
  if (cores.some((c) => !Number.isFinite(c))) throw new Error(`a browser${janusPid ? ' or Janus' : ''} exited during the window`);
  // A page must have received every video it should over the window: no figure for a broken room.
  const received = pages.map((_, i) => decodingRates(a.frames[i], b.frames[i], seconds).length);
  const short = pages.filter((_, i) => received[i] < expected);
  if (short.length) {
    throw new Error(
      `${point.mode}, ${point.people} people: ${short.map((p) => `${p.name} decoded ${received[pages.indexOf(p)]}`).join(', ')} of the ${expected} videos each page should receive`,
    );
  }
  const perSlice = pages.map((_, i) =>
    reads.slice(1).map((r, j) => decodingRates(reads[j].frames[i], r.frames[i], (r.t - reads[j].t) / 1000)),
  );
  return {
    ...point,
    cpu: cores.slice(0, pages.length),
    fps: perSlice.map((sl) => mean(sl.flat().length ? sl.flat() : [0])),
    decoded: perSlice.map((sl) => mean(sl.map((r) => r.length))),
    janus: janusPid ? cores[pages.length] : null,
    others: Math.max(0, (b.busy - a.busy) / seconds - cores.reduce((x, y) => x + y, 0)),
  };
}

/** One room grown from the smallest size to the largest, measured at each; on the SFU then last-N. */
async function sweep(
  mode: 'mesh' | 'sfu',
  server: RunningServer,
  courseUrl: string,
  flags: string[],
  round: number,
  o: Required<MediaOptions>,
  janusPid: number | null,
): Promise<MediaPoint[]> {
  const room = `bench-media-${mode}-${round}-${Date.now().toString(36)}`;
  const everyone = Math.max(...o.sizes);
  const pages: BenchPage[] = [];
  const points: MediaPoint[] = [];
  try {
    for (const people of o.sizes) {
      while (pages.length < people) {
        const n = pages.length;
        o.log(`  ${mode}: person ${n + 1} joins`);
        pages.push(
          await joinPage({
            courseUrl,
            serverUrl: server.url,
            room,
            sub: `p${n + 1}`,
            role: n === 0 ? 'host' : 'participant',
            flags,
            // On the SFU every video decodes for the mesh comparison; last-N is measured after.
            lastN: mode === 'sfu' ? everyone : undefined,
          }),
        );
      }
      const lastN = mode === 'sfu' ? everyone : null;
      points.push(await measure(pages, { mode, people, lastN }, people - 1, o, janusPid));
      o.log(`  ${mode}, ${people} people: ${mean(points.at(-1)!.cpu).toFixed(2)} cores/page, ${mean(points.at(-1)!.fps).toFixed(1)} fps`);
    }
    if (mode === 'sfu') {
      for (const p of pages) await setLastN(p.page, o.lastN);
      const people = pages.length;
      points.push(await measure(pages, { mode, people, lastN: o.lastN }, Math.min(people - 1, o.lastN), o, janusPid));
      o.log(`  sfu, ${people} people, last-n ${o.lastN}: ${mean(points.at(-1)!.cpu).toFixed(2)} cores/page`);
    }
    return points;
  } finally {
    await Promise.all(pages.map((p) => p.close()));
  }
}

export async function run(opts: MediaOptions = {}): Promise<MediaResult> {
  const o: Required<MediaOptions> = {
    sizes: [3, 4, 5, 6],
    rounds: 3,
    warmupMs: 8000,
    windowMs: 10_000,
    lastN: 2,
    sfu: true,
    log: () => {},
    ...opts,
  };
  const loadBefore = loadAverage();
  let lab: MediaLab | null = null;
  // The same switches for both, so the mesh and the SFU pages differ only in where media goes.
  const flags = LAB_CHROMIUM_FLAGS;
  const servers: RunningServer[] = [];
  const course = await startCoursePage();
  const rounds: MediaPoint[][] = [];
  try {
    if (o.sfu) lab = await startMediaLab({ janus: true, turn: false });
    const mesh = await startServer();
    servers.push(mesh);
    let sfu: RunningServer | null = null;
    if (lab) {
      // MESH_LIMIT=1: the room moves to the SFU as soon as a second camera is on.
      sfu = await startServer({ env: { ...lab.serverEnv(), MESH_LIMIT: '1' } });
      servers.push(sfu);
    }
    for (let r = 0; r < o.rounds; r++) {
      o.log(`round ${r + 1} of ${o.rounds}`);
      const points: MediaPoint[] = [];
      // Alternate which goes first, so a drift in the machine's load does not favour one.
      const order: ('mesh' | 'sfu')[] = sfu ? (r % 2 ? ['sfu', 'mesh'] : ['mesh', 'sfu']) : ['mesh'];
      for (const mode of order) {
        points.push(...(await sweep(mode, mode === 'sfu' ? sfu! : mesh, course.url, flags, r, o, mode === 'sfu' ? lab!.janusPid : null)));
      }
      rounds.push(points);
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await course.close();
    await lab?.stop();
  }
  return { sizes: o.sizes, lastN: o.lastN, warmupMs: o.warmupMs, windowMs: o.windowMs, rounds, load: { before: loadBefore, after: loadAverage() }, sfu: o.sfu };
}

/** Median with its range over the rounds, as `0.41 (0.38-0.45)`. */
function spread(xs: number[], d = 2): string {
  return `${median(xs).toFixed(d)} (${Math.min(...xs).toFixed(d)}-${Math.max(...xs).toFixed(d)})`;
}

export function table(r: MediaResult): string {
  const top = Math.max(...r.sizes);
  // A point: on the SFU, everyone decoded (last-n = the largest size) unless `lastN` says otherwise.
  const find = (round: MediaPoint[], mode: 'mesh' | 'sfu', people: number, lastN: number | null = mode === 'sfu' ? top : null) =>
    round.find((p) => p.mode === mode && p.people === people && p.lastN === lastN)!;
  const per = (mode: 'mesh' | 'sfu', people: number, f: (p: MediaPoint) => number, lastN?: number | null) => r.rounds.map((round) => f(find(round, mode, people, lastN)));
  const cpu = (p: MediaPoint) => mean(p.cpu);
  const fps = (p: MediaPoint) => mean(p.fps);
  const col = (s: string, w: number) => s.padEnd(w);
  const lines = [
    `One headless Chromium per page (fake camera and microphone), ${r.rounds.length} round(s) alternating mesh and SFU, ` +
      `${r.warmupMs / 1000} s warm-up then a ${r.windowMs / 1000} s window per point; figures are the median (range) over rounds ` +
      `of the mean over pages. Machine: 2 cores shared with everything else running, load average ${r.load.before.toFixed(2)} before, ${r.load.after.toFixed(2)} after; ` +
      `other processes kept ${spread(r.rounds.flat().map((p) => p.others))} cores busy during the windows.`,
    '',
    `${col('people', 8)}${col('mesh CPU/page (cores)', 24)}${r.sfu ? col('SFU CPU/page (cores)', 24) + col('SFU/mesh', 22) : ''}${col('mesh fps', 20)}${r.sfu ? col('SFU fps', 20) + 'Janus CPU (cores)' : ''}`,
  ];
  for (const people of r.sizes) {
    const mc = per('mesh', people, cpu);
    let line = `${col(String(people), 8)}${col(spread(mc), 24)}`;
    if (r.sfu) {
      const sc = per('sfu', people, cpu);
      line += col(spread(sc), 24) + col(`${spread(sc.map((x, i) => x / mc[i]))}x`, 22);
    }
    line += col(spread(per('mesh', people, fps), 1), 20);
    if (r.sfu) line += col(spread(per('sfu', people, fps), 1), 20) + spread(per('sfu', people, (p) => p.janus!), 3);
    lines.push(line.trimEnd());
  }
  if (r.sfu) {
    const ratios = r.rounds.map((round) => cpu(find(round, 'sfu', top)) / cpu(find(round, 'mesh', top)));
    lines.push(`aim: at ${top} people an SFU page costs at most half of a mesh page: ${median(ratios) <= 0.5 ? 'met' : 'MISSED'} (${median(ratios).toFixed(2)}x)`);
    lines.push('');
    lines.push(`Last-N on the SFU at ${top} people: video streams each page decodes, and what the page costs`);
    lines.push(`${col('last-n', 10)}${col('streams decoded/page', 24)}${col('CPU/page (cores)', 24)}${col('vs everyone decoded', 22)}fps`);
    const all = per('sfu', top, cpu);
    for (const n of [r.lastN, top]) {
      const pts = r.rounds.map((round) => find(round, 'sfu', top, n));
      const c = pts.map(cpu);
      lines.push(
        `${col(String(n), 10)}${col(spread(pts.map((p) => mean(p.decoded)), 1), 24)}${col(spread(c), 24)}${col(`${spread(c.map((x, i) => x / all[i]))}x`, 22)}${spread(pts.map(fps), 1)}`,
      );
    }
    const small = r.sizes.find((s) => s - 1 === r.lastN);
    if (small) {
      lines.push(
        `for comparison, ${small} people on the SFU (${r.lastN} videos, all decoded): ${spread(per('sfu', small, cpu))} cores/page; ` +
          `a page's cost stops growing past N when last-n ${r.lastN} at ${top} people is close to it`,
      );
    }
  }
  return lines.join('\n');
}

if (import.meta.main) {
  const quick = process.argv.includes('--quick');
  const r = await run({
    sfu: !process.argv.includes('--mesh-only'),
    ...(quick ? { rounds: 1, warmupMs: 4000, windowMs: 6000 } : {}),
    log: (l) => process.stderr.write(`${l}\n`),
  });
  console.log(table(r));
}
