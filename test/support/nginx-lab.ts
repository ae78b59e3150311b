/**
 * The nginx lab: the shipped `deploy/nginx/kaltura-room.conf`, run by the machine's nginx in front
 * of the test's servers. Rendering changes only what is site-specific: the upstream's servers
 * become the test's (keeping the shipped parameters: hash, max_fails, fail_timeout, keepalive),
 * the site listens on a free port of 127.0.0.1 over plain HTTP (the redirect-to-HTTPS server and
 * the certificate lines go), and the logs and temporary files live in the lab's own folder.
 * Everything that decides routing (the room map, the hash, next-upstream, timeouts, headers) is
 * the shipped text. `stop()`, or this process exiting, stops nginx and removes the folder; a lab
 * left behind by a killed process is removed by the next lab that starts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHIPPED_CONF = fileURLToPath(new URL('../../deploy/nginx/kaltura-room.conf', import.meta.url));
const NGINX = '/usr/sbin/nginx';
const PREFIX = 'kr-nginx-';

export interface NginxLab {
  /** http://127.0.0.1:<port> */
  url: string;
  /** ws://127.0.0.1:<port> */
  wsUrl: string;
  port: number;
  /** The lab's folder (configuration, logs, temporary files). */
  dir: string;
  /** The configuration as rendered for this lab. */
  conf: string;
  /** The last lines of nginx's error log. */
  logs(lines?: number): string;
  stop(): Promise<void>;
}

const live = new Set<() => void>();
let exitHookInstalled = false;
let counter = 0;

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function kill(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* gone already */
  }
}

function pidIn(dir: string): number {
  try {
    return Number(readFileSync(join(dir, 'nginx.pid'), 'utf8').trim()) || 0;
  } catch {
    return 0;
  }
}

/** Labs whose process died without cleaning up: stop their nginx, remove their folder. */
function removeStale(): void {
  for (const name of readdirSync(tmpdir())) {
    const m = /^kr-nginx-(\d+)-\d+-/.exec(name);
    if (!m || alive(Number(m[1]))) continue;
    const pid = pidIn(join(tmpdir(), name));
    if (pid && alive(pid)) kill(pid, 'SIGKILL'); // the workers exit when their master is gone
    rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const cleanAll = () => {
    for (const clean of live) clean();
    live.clear();
  };
  process.on('exit', cleanAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      cleanAll();
      if (process.listenerCount(sig) === 1) {
        process.off(sig, onSignal);
        process.kill(process.pid, sig);
      }
    };
    process.on(sig, onSignal);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The top-level blocks of an nginx configuration (`name … { … }`), with their text ranges. */
function topBlocks(text: string): { head: string; start: number; open: number; end: number }[] {
  const out: { head: string; start: number; open: number; end: number }[] = [];
  let depth = 0;
  let start = 0;
  let open = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote && text[i - 1] !== '\\') quote = '';
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#') i = text.indexOf('\n', i) < 0 ? text.length : text.indexOf('\n', i);
    else if (ch === ';' && depth === 0) start = i + 1;
    else if (ch === '{') {
      if (depth++ === 0) open = i;
    } else if (ch === '}') {
      if (--depth === 0) {
        out.push({ head: text.slice(start, open).replace(/#[^\n]*/g, '').trim(), start, open, end: i + 1 });
        start = i + 1;
      }
    }
  }
  return out;
}

/**
 * The shipped configuration for these upstreams (`port` or `host:port`), listening on
 * 127.0.0.1:`port`. Throws when the text no longer has the parts it expects.
 */
export function renderConf(text: string, upstreams: (number | string)[], port: number): string {
  if (!upstreams.length) throw new Error('nginx lab: give at least one upstream server');
  const blocks = topBlocks(text);
  const upstream = blocks.find((b) => /^upstream\s/.test(b.head));
  const servers = blocks.filter((b) => b.head === 'server');
  if (!upstream) throw new Error('nginx lab: the configuration has no upstream block');
  const site = servers.find((b) => /\n\s*location\s/.test(text.slice(b.open, b.end)));
  if (!site) throw new Error('nginx lab: the configuration has no server block with locations');

  let body = text.slice(upstream.open, upstream.end);
  const first = /\n([ \t]*)server\s+\S+([^;\n]*);/.exec(body);
  if (!first) throw new Error('nginx lab: the upstream block lists no server');
  const [indent, params] = [first[1], first[2]];
  const lines = upstreams.map((u) => `${indent}server ${typeof u === 'number' ? `127.0.0.1:${u}` : u}${params};`).join('\n');
  let n = 0;
  body = body.replace(/\n[ \t]*server\s+\S+[^;\n]*;/g, () => (n++ === 0 ? `\n${lines}` : ''));

  const siteBody = text
    .slice(site.open, site.end)
    .replace(/\n[ \t]*listen\s[^;]*;/g, '')
    .replace(/\n[ \t]*ssl_[a-z_]+\s[^;]*;/g, '')
    .replace(/\{/, `{\n    listen 127.0.0.1:${port};`);

  // Everything outside the upstream and the site, less the other server blocks (the HTTPS redirect).
  let out = '';
  let at = 0;
  for (const b of blocks) {
    out += text.slice(at, b.start);
    if (b === upstream) out += text.slice(b.start, b.open) + body;
    else if (b === site) out += text.slice(b.start, b.open) + siteBody;
    else if (b.head !== 'server') out += text.slice(b.start, b.end);
    at = b.end;
  }
  return out + text.slice(at);
}

/** Waits until something accepts TCP connections on the port; throws when nginx exits first. */
async function ready(port: number, child: ChildProcess, logs: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw Object.assign(new Error(`nginx lab: nginx exited (${child.exitCode ?? child.signalCode}) while starting:\n${logs()}`), { exited: true });
    }
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nginx lab: nginx did not listen within 20 s:\n${logs()}`);
    await sleep(30);
  }
}

/**
 * nginx in front of `upstreams` (ports on 127.0.0.1, or `host:port`), with the shipped
 * configuration or the one at `confPath`.
 */
export async function startNginx(upstreams: (number | string)[], confPath = SHIPPED_CONF): Promise<NginxLab> {
  if (!existsSync(NGINX)) throw new Error(`nginx lab: ${NGINX} is missing; install nginx (apt-get install nginx-light, or run node scripts/run.mjs test)`);
  installExitHook();
  removeStale();
  const dir = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-${counter++}-`));
  chmodSync(dir, 0o755); // workers run as nobody: they need to reach their temporary folders
  mkdirSync(join(dir, 'temp'));
  const errorLog = join(dir, 'error.log');
  const logs = (lines = 30) => {
    try {
      return readFileSync(errorLog, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };
  const shipped = readFileSync(confPath, 'utf8');

  let child: ChildProcess | null = null;
  const killSync = () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    const pid = pidIn(dir);
    if (pid && alive(pid)) kill(pid, 'SIGKILL');
  };
  const cleanSync = () => {
    killSync();
    rmSync(dir, { recursive: true, force: true });
  };
  live.add(cleanSync);

  let port = 0;
  let conf = '';
  try {
    for (let attempt = 0; ; attempt++) {
      port = await freePort();
      conf = renderConf(shipped, upstreams, port);
      writeFileSync(join(dir, 'kaltura-room.conf'), conf);
      const temp = (name: string) => `${name}_temp_path ${join(dir, 'temp', name)};`;
      writeFileSync(
        join(dir, 'nginx.conf'),
        [
          'worker_processes 1;',
          `error_log ${errorLog} warn;`,
          'events { worker_connections 1024; }',
          'http {',
          `  access_log ${join(dir, 'access.log')};`,
          `  ${temp('client_body')} ${temp('proxy')} ${temp('fastcgi')} ${temp('uwsgi')} ${temp('scgi')}`,
          `  include ${join(dir, 'kaltura-room.conf')};`,
          '}',
          '',
        ].join('\n'),
      );
      const c = spawn(NGINX, ['-p', dir, '-e', errorLog, '-c', join(dir, 'nginx.conf'), '-g', `daemon off; pid ${join(dir, 'nginx.pid')};`], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      c.stderr!.on('data', (d) => (stderr += d));
      child = c;
      try {
        await ready(port, c, () => `${stderr}${logs()}`);
        break;
      } catch (err) {
        killSync();
        // Another process took the port between our look and nginx's bind: pick another.
        if (attempt < 4 && (err as { exited?: boolean }).exited && /Address already in use/.test(stderr + logs(10))) continue;
        throw err;
      }
    }
  } catch (err) {
    live.delete(cleanSync);
    cleanSync();
    throw err;
  }

  let stopped = false;
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    port,
    dir,
    conf,
    logs,
    async stop() {
      if (stopped) return;
      stopped = true;
      const c = child!;
      if (c.exitCode === null && c.signalCode === null) {
        const exited = new Promise<void>((r) => c.once('exit', () => r()));
        c.kill('SIGTERM'); // fast shutdown: open WebSockets are cut, not waited for
        if (!(await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]))) {
          c.kill('SIGKILL');
          await Promise.race([exited, sleep(2000)]);
        }
      }
      live.delete(cleanSync);
      cleanSync();
    },
  };
}
