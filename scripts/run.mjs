#!/usr/bin/env node
// One entry for `npm start`, `npm test`, `npm run bench` and `npm run build` that
// works on a fresh clone with any Node.js and npm: it installs the dependencies
// (including the pinned Node.js and Deno), the browser tests need Chromium from
// Debian's packages, builds the drop-in script, then runs the job on the pinned
// Node.js. Plain JavaScript on purpose: it must run on the machine's own Node.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const NODE = bin('node');
const DENO = bin('deno');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function log(msg) {
  console.log(`\x1b[36m[run]\x1b[0m ${msg}`);
}

function must(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) {
    console.error(`[run] ${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status || 1);
  }
}

function ensureDeps() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  const stale =
    !existsSync(marker) || !existsSync(NODE) || !existsSync(DENO) ||
    (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs + 1000);
  if (!stale) return;
  // `npm ci`: exactly what package-lock.json pins, and it never rewrites the lock. The lock
  // lists every platform's optional binaries (Rollup, Deno, esbuild), so it is complete anywhere.
  log('installing dependencies (npm ci)…');
  must('npm', ['ci', '--no-audit', '--no-fund']);
}

/** Debian packages the tests start: the browser, the media server (Janus), TURN (coturn), the router (nginx) and PostgreSQL. */
const PACKAGES = [
  { name: 'chromium', path: CHROMIUM },
  { name: 'janus', path: '/usr/bin/janus' },
  { name: 'coturn', path: '/usr/bin/turnserver' },
  { name: 'nginx', path: '/usr/sbin/nginx' },
  // On the image already; installed only where it is missing.
  { name: 'postgresql-15', path: '/usr/lib/postgresql/15/bin/postgres' },
];

function ensurePackages() {
  const missing = PACKAGES.filter((p) => !existsSync(p.path));
  if (!missing.length) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const apt = isRoot ? ['apt-get'] : ['sudo', '-n', 'apt-get'];
  const names = missing.map((p) => p.name);
  log(`installing Debian's ${names.join(', ')} package${names.length > 1 ? 's' : ''}…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  must(apt[0], [...apt.slice(1), 'update', '-qq'], { env });
  must(apt[0], [...apt.slice(1), 'install', '-y', '-qq', ...names], { env });
  for (const p of missing) {
    if (!existsSync(p.path)) {
      console.error(`[run] ${p.name} is still missing at ${p.path}; install it (apt-get install ${p.name}).`);
      process.exit(1);
    }
  }
}

function build() {
  log('building the drop-in script and the npm build…');
  // The drop-in's on-demand parts have content-hashed names: clear the previous build's.
  const dist = join(root, 'dist');
  if (existsSync(dist)) for (const f of readdirSync(dist)) if (/^kaltura-room.*\.js(\.map)?$/.test(f)) rmSync(join(dist, f));
  must(NODE, [bin('vite'), 'build', '--logLevel', 'warn']);
  must(NODE, [bin('vite'), 'build', '--mode', 'esm', '--logLevel', 'warn']);
}

/** Run a command with the pinned Node first on PATH; resolve with its output and exit code. */
function run(cmd, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: root,
      env: { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH}`, CHROMIUM_PATH: CHROMIUM, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      out += d;
      process.stderr.write(d);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

// Strip colour codes before reading a runner's summary.
const plain = (s) => s.replace(/\x1b\[[0-9;]*m/g, '');

function nodeCounts(out) {
  const t = plain(out);
  const pass = [...t.matchAll(/^\S*\s*pass (\d+)$/gm)].reduce((a, m) => a + Number(m[1]), 0);
  const fail = [...t.matchAll(/^\S*\s*fail (\d+)$/gm)].reduce((a, m) => a + Number(m[1]), 0);
  return { pass, fail };
}

function wtrCounts(out) {
  const t = plain(out);
  const m = [...t.matchAll(/(\d+) passed, (\d+) failed/g)].pop();
  return m ? { pass: Number(m[1]), fail: Number(m[2]) } : { pass: 0, fail: 0 };
}

/**
 * Why tests failed, short: node:test's closing "failing tests" section (each failure's name, file
 * and first lines of its error), or web-test-runner's failed tests with the lines after them. Printed
 * again under the summary, so the end of a long log (all a CI page may show) says what broke.
 */
function failures(out) {
  const lines = plain(out).split('\n');
  const start = lines.findIndex((l) => /^\S*\s*failing tests:$/.test(l.trim()));
  const picked = [];
  if (start >= 0) {
    let kept = 0;
    for (const l of lines.slice(start + 1)) {
      if (/^test at /.test(l.trim())) kept = 0;
      if (kept++ < 14 && l.trim()) picked.push(l);
    }
  } else {
    lines.forEach((l, i) => {
      if (l.includes('\u274c')) picked.push(...lines.slice(i, i + 10).filter((x) => x.trim()));
    });
  }
  return picked.slice(0, 120);
}

async function test() {
  ensureDeps();
  ensurePackages();
  build();
  const suites = [
    {
      name: 'unit and server (node:test)',
      cmd: NODE,
      args: ['--test', '--test-reporter=spec', '--test-concurrency=2', 'src/protocol/**/*.test.ts', 'server/**/*.test.ts', 'test/*.test.ts'],
      counts: nodeCounts,
    },
    { name: 'elements (web-test-runner, Chromium)', cmd: NODE, args: [bin('wtr')], counts: wtrCounts },
    {
      name: 'end to end (Chromium pages)',
      cmd: NODE,
      args: ['--test', '--test-reporter=spec', '--test-concurrency=1', 'test/e2e/**/*.test.ts'],
      counts: nodeCounts,
    },
  ];
  const results = [];
  for (const s of suites) {
    log(`suite: ${s.name}`);
    const started = Date.now();
    const { code, out } = await run(s.cmd, s.args);
    const c = s.counts(out);
    if (code !== 0 && c.fail === 0) c.fail = 1; // a crash counts as a failure
    results.push({ ...s, code, ...c, seconds: (Date.now() - started) / 1000, why: code === 0 ? [] : failures(out) });
  }
  for (const r of results.filter((x) => x.why.length)) console.log(`\nWhat failed in ${r.name}:\n${r.why.join('\n')}`);
  console.log('\nSummary');
  for (const r of results) console.log(`  ${r.name}: ${r.pass} passed, ${r.fail} failed (${r.seconds.toFixed(1)} s)`);
  const pass = results.reduce((a, r) => a + r.pass, 0);
  const fail = results.reduce((a, r) => a + r.fail, 0);
  console.log(`\n${pass} passed, ${fail} failed`);
  process.exit(results.every((r) => r.code === 0) ? 0 : 1);
}

async function main() {
  const [task, ...rest] = process.argv.slice(2);
  switch (task) {
    case 'start':
    case 'start:deno': {
      ensureDeps();
      build();
      const env = { ...process.env, DEMO: process.env.DEMO ?? '1', PORT: process.env.PORT ?? '8080' };
      const args =
        task === 'start'
          ? [NODE, ['server/node.ts', ...rest]]
          : [DENO, ['run', '--allow-net', '--allow-read', '--allow-write', '--allow-env', '--allow-sys', 'server/deno.ts', ...rest]];
      const child = spawn(args[0], args[1], { cwd: root, env, stdio: 'inherit' });
      for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
      child.on('close', (code) => process.exit(code ?? 0));
      break;
    }
    case 'build':
      ensureDeps();
      build();
      break;
    case 'test':
      await test();
      break;
    case 'bench': {
      ensureDeps();
      ensurePackages();
      build();
      const { code } = await run(NODE, ['--expose-gc', 'bench/index.ts', ...rest]);
      process.exit(code);
      break;
    }
    default:
      console.error('usage: node scripts/run.mjs start|start:deno|build|test|bench');
      process.exit(2);
  }
}

await main();
