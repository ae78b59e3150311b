/** Start the real server (Node or Deno entry) as a child process, for tests and benchmarks. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const TEST_SECRET = 'test-secret-0123456789-0123456789-abcdef';

export interface RunningServer {
  port: number;
  url: string;
  wsUrl: string;
  dataDir: string;
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** SIGKILL, as a crash would: no goodbye to anyone, no lease given up. Resolves once it is gone. */
  kill(): Promise<void>;
  /** Start it again (after stop or kill) with the same runtime, settings, data folder and port. */
  restart(): Promise<RunningServer>;
}

export interface ServerOptions {
  runtime?: 'node' | 'deno';
  dataDir?: string;
  env?: Record<string, string>;
  port?: number;
  /** PostgreSQL instead of SQLite (DATABASE_URL). */
  databaseUrl?: string;
  /** This server's name among several (SERVER_ID). */
  serverId?: string;
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'classroom-test-'));
}

export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const runtime = opts.runtime ?? 'node';
  const dataDir = opts.dataDir ?? tempDataDir();
  const cluster: Record<string, string> = {};
  if (opts.databaseUrl) cluster.DATABASE_URL = opts.databaseUrl;
  if (opts.serverId) cluster.SERVER_ID = opts.serverId;
  const bin = join(ROOT, 'node_modules', '.bin', runtime);
  const args =
    runtime === 'node'
      ? ['server/node.ts']
      : ['run', '--allow-net', '--allow-read', '--allow-write', '--allow-env', '--allow-sys', 'server/deno.ts'];
  // Demo mode refuses a configured secret: it keeps its own in the data folder, so put the test one there.
  const demo = /^(1|true|yes|on)$/i.test(opts.env?.DEMO ?? '');
  if (demo) writeFileSync(join(dataDir, 'demo-secret'), TEST_SECRET);
  const child = spawn(bin, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(opts.port ?? 0),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      TOKEN_SECRET: demo ? '' : TEST_SECRET,
      DEMO: '0',
      NO_COLOR: '1',
      ...cluster,
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60_000);
    const onData = () => {
      const m = /\{"listening":(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}):\n${out}`));
    });
  });
  child.removeAllListeners('exit');
  const stop = (signal: NodeJS.Signals = 'SIGTERM') =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    dataDir,
    child,
    output: () => out,
    stop,
    kill: () => stop('SIGKILL'),
    restart: async () => {
      await stop();
      return startServer({ ...opts, dataDir, port });
    },
  };
}

/** A WebSocket client that records what it receives and can wait for a message. */
export class TestClient {
  ws: WebSocket;
  received: any[] = [];
  closed: { code: number; reason: string } | null = null;
  private waiters: { pred: (m: any) => boolean; resolve: (m: any) => void }[] = [];
  opened: Promise<void>;

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.opened = new Promise((resolve, reject) => {
      this.ws.onopen = () => resolve();
      this.ws.onerror = () => reject(new Error(`could not connect to ${url}`));
    });
    this.ws.onmessage = (e) => {
      const m = JSON.parse(String(e.data));
      this.received.push(m);
      this.waiters = this.waiters.filter((w) => (w.pred(m) ? (w.resolve(m), false) : true));
    };
    this.ws.onclose = (e) => {
      this.closed = { code: e.code, reason: e.reason };
      for (const w of this.waiters) w.resolve(null);
      this.waiters = [];
    };
  }

  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  /** Resolve with the first message (already received or future) that matches. */
  next(pred: (m: any) => boolean, timeoutMs = 5000): Promise<any> {
    const have = this.received.find(pred);
    if (have) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out; received: ${JSON.stringify(this.received).slice(-800)}`)), timeoutMs);
      this.waiters.push({ pred, resolve: (m) => (clearTimeout(t), resolve(m)) });
    });
  }

  waitClose(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    if (this.closed) return Promise.resolve(this.closed);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('socket did not close')), timeoutMs);
      this.ws.addEventListener('close', () => (clearTimeout(t), resolve(this.closed!)));
    });
  }

  close(): void {
    this.ws.close();
  }
}

/** Open a room socket and say hello; resolves once welcomed (or refused). */
export async function joinRoom(base: string, room: string, token: string, hello: Record<string, unknown> = {}) {
  const c = new TestClient(`${base}/rooms/${encodeURIComponent(room)}/socket`);
  await c.opened;
  c.send({ type: 'hello', token, ...hello });
  const first = await c.next((m) => m.type === 'welcome' || m.type === 'error');
  return { client: c, welcome: first.type === 'welcome' ? first : null, error: first.type === 'error' ? first : null };
}
