/**
 * What a page costs on the mesh and on the SFU (Janus), side by side in one run: browser CPU per page
 * (the CPU seconds per wall second of that page's whole Chromium process tree, one Chromium per page)
 * and the frame rate of the video it receives, at 3, 4, 5 and 6 people; Janus's own CPU at each SFU
 * size; and last-N: video streams decoded per page and its CPU at 6 people with a small N against
 * everyone decoded. Each mode grows one room from 3 to 6 people (more sweeps alternate which mode
 * goes first); each point waits until every page decodes every video it should, warms up, then
 * measures several windows back to back. A point where a page does not receive every video it should
 * is reported as failed, with why, and no figure.
 *
 * Run: node bench/media.ts [--quick] [--mesh-only]
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startServer, type RunningServer } from '../server/testing/spawn.ts';
import { startCoursePage } from '../test/e2e/browser.ts';
import { LAB_CHROMIUM_FLAGS, startMediaLab, type MediaLab } from '../test/support/media-lab.ts';
import { loadAverage, machineBusySeconds, treeCpuSeconds } from './media-cpu.ts';
import { joinPage, receivedVideo, pageMediaMode, setLastN, type BenchPage } from './media-page.ts';

export interface MediaOptions {
  sizes?: number[];
  /** Windows measured back to back at each point of a sweep (the rounds the spread is over). */
  rounds?: number;
  /** Whole sweeps per mode (fresh rooms and browsers), alternating which mode goes first. */
  sweeps?: number;
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
  /** Per page: mean height in pixels of the videos it decoded at the end of the window. */
  height: number[];
  /** Janus's cores over the window (SFU only). */
  janus: number | null;
  /** Cores the rest of the machine (not these pages, not Janus) kept busy over the window. */
  others: number;
  /** Cores the whole machine kept busy over the window. */
  busy: number;
  /** Why this point has no figures (a page did not receive every video it should). */
  failed?: string;
}

export interface MediaResult {
  sizes: number[];
  lastN: number;
  warmupMs: number;
  windowMs: number;
  /** Per round (a window at every point), its points. */
  rounds: MediaPoint[][];
  sweeps: number;
  load: { before: number; after: number };
  /** The machine's cores. */
  cores: number;
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

/**
 * Wait until every page is in `mode` and decodes `expected` videos (read over 3 s). `rotating`: last-N
 * with speakers changing, so a page may also show one more, the speaker it is switching to.
 */
async function settle(pages: BenchPage[], expected: number, mode: string, rotating: boolean, timeoutMs = 90_000): Promise<void> {
  const started = Date.now();
  let last = '';
  while (Date.now() - started < timeoutMs) {
    try {
      const modes = await Promise.all(pages.map((p) => pageMediaMode(p.page)));
      const before = await Promise.all(pages.map((p) => receivedVideo(p.page)));
      await sleep(3000);
      const after = await Promise.all(pages.map((p) => receivedVideo(p.page)));
      const counts = pages.map((_, i) => decodingRates(before[i].frames, after[i].frames, 3).length);
      last = pages.map((p, i) => `${p.name}: ${modes[i]}, ${counts[i]} decoding`).join('; ');
      if (modes.every((m) => m === mode) && counts.every((c) => c === expected || (rotating && c === expected + 1))) return;
    } catch (e) {
      last = (e as Error).message; // a page starved while joining: ask again until the deadline
    }
  }
  throw new Error(`not every page receives the ${expected} videos it should in ${mode} mode after ${timeoutMs / 1000} s (${last})`);
}

/** Settle, warm up, then measure `o.rounds` windows back to back: one figure set per window. */
async function measure(pages: BenchPage[], point: Pick<MediaPoint, 'mode' | 'people' | 'lastN'>, expected: number, o: Required<MediaOptions>, janusPid: number | null): Promise<MediaPoint[]> {
  await settle(pages, expected, point.mode, point.lastN !== null && point.lastN < point.people - 1);
  await sleep(o.warmupMs);
  const out: MediaPoint[] = [];
  for (let w = 0; w < o.rounds; w++) out.push(await measureWindow(pages, point, expected, o, janusPid));
  return out;
}

async function measureWindow(pages: BenchPage[], point: Pick<MediaPoint, 'mode' | 'people' | 'lastN'>, expected: number, o: Required<MediaOptions>, janusPid: number | null): Promise<MediaPoint> {
  const pids = [...pages.map((p) => p.pid), ...(janusPid ? [janusPid] : [])];
  const read = async () => {
    const video = await Promise.all(pages.map((p) => receivedVideo(p.page)));
    return { t: performance.now(), cpu: treeCpuSeconds(pids), busy: machineBusySeconds(), frames: video.map((v) => v.frames), heights: video.map((v) => v.heights) };
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
    // The height of what each page decoded at the end of the window (a starved sender scales down).
    height: pages.map((_, i) => {
      const last = reads.at(-2)!;
      const live = Object.keys(b.frames[i]).filter((k) => b.frames[i][k] > (last.frames[i][k] ?? 0));
      return live.length ? mean(live.map((k) => b.heights[i][k])) : 0;
    }),
    janus: janusPid ? cores[pages.length] : null,
    others: Math.max(0, (b.busy - a.busy) / seconds - cores.reduce((x, y) => x + y, 0)),
    busy: (b.busy - a.busy) / seconds,
  };
}

/**
 * One room grown from the smallest size to the largest, measured at each (`o.rounds` windows per
 * point); on the SFU then last-N. Returns the points of each window, by window.
 */
async function sweep(
  mode: 'mesh' | 'sfu',
  server: RunningServer,
  courseUrl: string,
  flags: string[],
  o: Required<MediaOptions>,
  janusPid: number | null,
  failedBefore: Set<string>,
): Promise<MediaPoint[][]> {
  const room = `bench-media-${mode}-${Date.now().toString(36)}`;
  const everyone = Math.max(...o.sizes);
  const pages: BenchPage[] = [];
  const byWindow: MediaPoint[][] = Array.from({ length: o.rounds }, () => []);
  const join = (n: number) =>
    joinPage({
      courseUrl,
      serverUrl: server.url,
      room,
      sub: `p${n + 1}`,
      role: n === 0 ? 'host' : 'participant',
      flags,
      // On the SFU every video decodes for the mesh comparison; last-N is measured after.
      lastN: mode === 'sfu' ? everyone : undefined,
    });
  // The points this sweep measures, in order; a failed one ends the sweep and the rest are not run.
  const plan: { people: number; lastN: number | null }[] = [];
  for (const people of o.sizes) {
    plan.push({ people, lastN: mode === 'sfu' ? everyone : null });
    // Last-N also at the first size past N + 1, before the machine saturates: there a page's cost
    // with last-n N can be set beside N + 1 people's (N videos, all decoded) and beside everyone's.
    if (mode === 'sfu' && people === o.lastN + 2 && people < everyone) plan.push({ people, lastN: o.lastN });
  }
  if (mode === 'sfu') plan.push({ people: everyone, lastN: o.lastN });
  let failed: string | null = null;
  const fail = (point: Pick<MediaPoint, 'mode' | 'people' | 'lastN'>, why: string) => byWindow.forEach((w) => w.push(failedPoint(point, why)));
  try {
    for (const { people, lastN } of plan) {
      const point = { mode, people, lastN };
      if (failed) {
        fail(point, 'not run: a smaller room failed');
        continue;
      }
      const key = `${mode}:${people}:${lastN}`;
      if (failedBefore.has(key)) {
        // A room that could not connect in an earlier sweep is not tried again (it costs minutes).
        failed = 'failed in an earlier sweep';
        fail(point, `not run: ${failed}`);
        continue;
      }
      try {
        if (!pages.length) {
          // The host first (it opens the meeting), then the rest of the smallest room together.
          o.log(`  ${mode}: ${people} people join`);
          pages.push(await join(0));
          const rest = await Promise.allSettled(Array.from({ length: people - 1 }, (_, i) => join(i + 1)));
          for (const r of rest) if (r.status === 'fulfilled') pages.push(r.value);
          const refused = rest.find((r) => r.status === 'rejected');
          if (refused) throw (refused as PromiseRejectedResult).reason;
        }
        while (pages.length < people) {
          o.log(`  ${mode}: person ${pages.length + 1} joins`);
          pages.push(await join(pages.length));
        }
        if (lastN !== null) for (const p of pages) await setLastN(p.page, lastN);
        const got = await measure(pages, point, Math.min(people - 1, lastN ?? people), o, janusPid);
        got.forEach((g, w) => byWindow[w].push(g));
        const cores = got.map((g) => mean(g.cpu).toFixed(2)).join(', ');
        o.log(`  ${mode}, ${people} people${lastN !== null ? `, last-n ${lastN}` : ''}: ${cores} cores/page, ${got.map((g) => mean(g.fps).toFixed(1)).join(', ')} fps`);
      } catch (e) {
        failed = (e as Error).message;
        failedBefore.add(key);
        o.log(`  ${mode}, ${people} people: FAILED: ${failed}`);
        fail(point, failed);
      }
    }
    return byWindow;
  } finally {
    await Promise.all(pages.map((p) => p.close()));
  }
}

/** A point with no figures: why it has none. */
function failedPoint(point: Pick<MediaPoint, 'mode' | 'people' | 'lastN'>, why: string): MediaPoint {
  return { ...point, cpu: [], fps: [], decoded: [], height: [], janus: null, others: 0, busy: 0, failed: why };
}

/** The points that failed (a page did not receive every video it should), each as `mode, N people: why`. */
export function failures(r: MediaResult): string[] {
  return r.rounds.flat().flatMap((p) => (p.failed && !p.failed.startsWith('not run') ? [`${p.mode}, ${p.people} people${p.lastN !== null && p.mode === 'sfu' ? `, last-n ${p.lastN}` : ''}: ${p.failed}`] : []));
}

export async function run(opts: MediaOptions = {}): Promise<MediaResult> {
  const o: Required<MediaOptions> = {
    sizes: [3, 4, 5, 6],
    rounds: 3,
    sweeps: 1,
    warmupMs: 8000,
    windowMs: 8000,
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
  // The servers serve a copy of the drop-in build taken now, so a rebuild during the run cannot
  // leave a page without its script.
  if (!existsSync(join(ROOT, 'dist', 'kaltura-room.js'))) throw new Error('build the drop-in first (node scripts/run.mjs build)');
  const dist = mkdtempSync(join(tmpdir(), 'bench-media-dist-'));
  cpSync(join(ROOT, 'dist'), dist, { recursive: true });
  const course = await startCoursePage();
  const rounds: MediaPoint[][] = [];
  try {
    if (o.sfu) lab = await startMediaLab({ janus: true, turn: false });
    const mesh = await startServer({ env: { DIST_DIR: dist } });
    servers.push(mesh);
    let sfu: RunningServer | null = null;
    if (lab) {
      // MESH_LIMIT=1: the room moves to the SFU as soon as a second camera is on.
      sfu = await startServer({ env: { ...lab.serverEnv(), MESH_LIMIT: '1', DIST_DIR: dist } });
      servers.push(sfu);
    }
    const failedBefore = new Set<string>();
    for (let k = 0; k < o.sweeps; k++) {
      // Alternate which goes first, so a drift in the machine's load does not favour one.
      const order: ('mesh' | 'sfu')[] = sfu ? (k % 2 ? ['sfu', 'mesh'] : ['mesh', 'sfu']) : ['mesh'];
      const windows: MediaPoint[][] = Array.from({ length: o.rounds }, () => []);
      for (const mode of order) {
        o.log(`sweep ${k + 1} of ${o.sweeps}: ${mode}`);
        const got = await sweep(mode, mode === 'sfu' ? sfu! : mesh, course.url, flags, o, mode === 'sfu' ? lab!.janusPid : null, failedBefore);
        got.forEach((w, i) => windows[i].push(...w));
      }
      rounds.push(...windows);
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await course.close();
    await lab?.stop();
    rmSync(dist, { recursive: true, force: true });
  }
  return { sizes: o.sizes, lastN: o.lastN, sweeps: o.sweeps, warmupMs: o.warmupMs, windowMs: o.windowMs, rounds, load: { before: loadBefore, after: loadAverage() }, cores: availableParallelism(), sfu: o.sfu };
}

/** Median with its range over the windows, as `0.41 (0.38-0.45)`. */
function spread(xs: number[], d = 2): string {
  return `${median(xs).toFixed(d)} (${Math.min(...xs).toFixed(d)}-${Math.max(...xs).toFixed(d)})`;
}

export function table(r: MediaResult): string {
  const top = Math.max(...r.sizes);
  // A point: on the SFU, everyone decoded (last-n = the largest size) unless `lastN` says otherwise.
  const find = (round: MediaPoint[], mode: 'mesh' | 'sfu', people: number, lastN: number | null = mode === 'sfu' ? top : null) =>
    round.find((p) => p.mode === mode && p.people === people && p.lastN === lastN)!;
  const pts = (mode: 'mesh' | 'sfu', people: number, lastN?: number | null) => r.rounds.map((round) => find(round, mode, people, lastN));
  const cpu = (p: MediaPoint) => mean(p.cpu);
  const fps = (p: MediaPoint) => mean(p.fps);
  // CPU milliseconds a page spends per video frame it receives: comparable when a saturated machine
  // slowed one side's frame rate (a starved page uses less CPU because it does less).
  const perFrame = (p: MediaPoint) => mean(p.cpu.map((c, i) => (c * 1000) / Math.max(1e-9, p.fps[i] * p.decoded[i])));
  const saturated = (p: MediaPoint) => p.busy >= 0.95 * r.cores;
  const busy = (ps: MediaPoint[]) => `${median(ps.map((p) => p.busy)).toFixed(2)}/${r.cores}${ps.some(saturated) ? ' *' : ''}`;
  const ratio = (a: MediaPoint[], b: MediaPoint[], f: (p: MediaPoint) => number) => `${spread(a.map((p, i) => f(p) / f(b[i])))}x`;
  // A point that failed in any window prints why, never a figure.
  const fail = (ps: MediaPoint[]) => {
    const bad = ps.filter((p) => p.failed && !p.failed.startsWith('not run'));
    if (bad.length) return `FAILED in ${bad.length} of ${ps.length} windows${bad.length < ps.filter((p) => p.failed).length ? ', not run in the others' : ''}: ${bad[0].failed!.slice(0, 240)}`;
    return ps.some((p) => p.failed) ? `not run: ${ps.find((p) => p.failed)!.failed!.replace(/^not run: /, '')}` : null;
  };
  const col = (s: string, w: number) => s.padEnd(w);
  const head = (cells: [string, number][]) => cells.map(([t, w]) => col(t, w)).join('').trimEnd();
  const W = [8, 10, 20, 20, 18, 24, 14, 16];
  const height = (p: MediaPoint) => mean(p.height);
  const row = (cells: string[]) => cells.map((c, i) => col(c, W[i])).join('').trimEnd();
  const lines = [
    `One headless Chromium per page (fake camera and microphone); ${r.sweeps} sweep(s) per mode, each a fresh room growing from ` +
      `${r.sizes[0]} to ${top} people${r.sweeps > 1 ? ', alternating which mode goes first' : ', mesh first'}; at each point a ${r.warmupMs / 1000} s warm-up, ` +
      `then ${r.rounds.length / r.sweeps} windows of ${r.windowMs / 1000} s; figures are the median (range) over the windows of the mean over pages. Machine: ${r.cores} cores shared with everything else running, load average ${r.load.before.toFixed(2)} before, ` +
      `${r.load.after.toFixed(2)} after; other processes kept ${spread(r.rounds.flat().map((p) => p.others))} cores busy during the windows.`,
    '',
    head([['people', W[0]], ['media', W[1]], ['CPU/page (cores)', W[2]], ['fps received', W[3]], ['video height', W[4]], ['CPU ms/frame received', W[5]], ['machine busy', W[6]], ['Janus (cores)', W[7]]]),
  ];
  for (const people of r.sizes) {
    const mesh = pts('mesh', people);
    const meshFail = fail(mesh);
    lines.push(meshFail ? row([String(people), 'mesh', meshFail]) : row([String(people), 'mesh', spread(mesh.map(cpu)), spread(mesh.map(fps), 1), spread(mesh.map(height), 0), spread(mesh.map(perFrame), 1), busy(mesh), '']));
    if (!r.sfu) continue;
    const sfu = pts('sfu', people);
    const sfuFail = fail(sfu);
    lines.push(sfuFail ? row(['', 'SFU', sfuFail]) : row(['', 'SFU', spread(sfu.map(cpu)), spread(sfu.map(fps), 1), spread(sfu.map(height), 0), spread(sfu.map(perFrame), 1), busy(sfu), spread(sfu.map((p) => p.janus!), 3)]));
    if (!meshFail && !sfuFail) lines.push(row(['', 'SFU/mesh', ratio(sfu, mesh, cpu), ratio(sfu, mesh, fps), '', ratio(sfu, mesh, perFrame)]));
  }
  lines.push('* the machine was saturated: a page used what it got, not what it needed; its frame rate and CPU per frame say more.');
  if (r.sfu) {
    const mesh = pts('mesh', top);
    const sfu = pts('sfu', top);
    if (fail(mesh) || fail(sfu)) {
      lines.push(`aim: at ${top} people an SFU page costs at most half of a mesh page: not judged, the ${fail(mesh) ? 'mesh' : 'SFU'} failed at ${top} people`);
    } else {
      // On a saturated machine the mesh's CPU per page is capped by the scheduler, so compare per frame.
      const byFrame = mesh.some(saturated) || sfu.some(saturated);
      const f = byFrame ? perFrame : cpu;
      const x = median(sfu.map((p, i) => f(p) / f(mesh[i])));
      lines.push(
        `aim: at ${top} people an SFU page costs at most half of a mesh page: ${x <= 0.5 ? 'met' : 'MISSED'} ` +
          `(${x.toFixed(2)}x ${byFrame ? 'in CPU per frame received, the machine being saturated' : 'in CPU per page'})`,
      );
    }
    lines.push('');
    const past = r.lastN + 2 < top && r.sizes.includes(r.lastN + 2) ? r.lastN + 2 : null;
    lines.push(`Last-N on the SFU${past ? ` at ${past} and` : ' at'} ${top} people: video streams each page decodes, and what the page costs`);
    lines.push(head([['people', 8], ['last-n', 10], ['streams decoded/page', 24], ['CPU/page (cores)', 20], ['vs everyone decoded', 22], ['fps received', 18], ['machine busy', 14]]));
    for (const people of past ? [past, top] : [top]) {
      const all = pts('sfu', people);
      for (const n of [r.lastN, top]) {
        const ps = pts('sfu', people, n);
        const why = fail(ps) ?? (n !== top ? fail(all) : null);
        const label = col(n === r.lastN ? String(people) : '', 8) + col(n === top ? 'everyone' : String(n), 10);
        if (why) {
          lines.push(`${label}${why}`);
          continue;
        }
        lines.push(
          [label, col(spread(ps.map((p) => mean(p.decoded)), 1), 24), col(spread(ps.map(cpu)), 20), col(ratio(ps, all, cpu), 22), col(spread(ps.map(fps), 1), 18), busy(ps)].join('').trimEnd(),
        );
      }
    }
    const small = r.sizes.find((s) => s - 1 === r.lastN);
    if (small && !fail(pts('sfu', small))) {
      const base = pts('sfu', small);
      lines.push(
        `for comparison, ${small} people on the SFU (${r.lastN} videos, all decoded): ${spread(base.map(cpu))} cores/page; ` +
          `a page's cost stops growing past N when last-n ${r.lastN} with more people is close to it`,
      );
      // Measured while the machine is not saturated: the flat cost past N, as a ratio.
      if (past && !fail(pts('sfu', past, r.lastN)) && !fail(pts('sfu', past))) {
        const withN = pts('sfu', past, r.lastN);
        const everyoneThere = pts('sfu', past);
        const sat = [...withN, ...everyoneThere, ...base].some(saturated);
        lines.push(
          `past N, ${past} people against ${small}: last-n ${r.lastN} costs ${ratio(withN, base, cpu)} of ${small} people's page, ` +
            `everyone decoded ${ratio(everyoneThere, base, cpu)}${sat ? ' (the machine was saturated in some window: not a fair comparison)' : ''}`,
        );
      }
    }
  }
  return lines.join('\n');
}

if (import.meta.main) {
  const quick = process.argv.includes('--quick');
  const r = await run({
    sfu: !process.argv.includes('--mesh-only'),
    ...(quick ? { rounds: 1, warmupMs: 3000, windowMs: 4000 } : {}),
    log: (l) => process.stderr.write(`${l}\n`),
  });
  console.log(table(r));
  // The mesh giving out on a small machine is a finding; the SFU not holding a room is a failure.
  if (failures(r).some((f) => f.startsWith('sfu'))) process.exitCode = 1;
}
