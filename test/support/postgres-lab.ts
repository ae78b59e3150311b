/**
 * The PostgreSQL lab: a real PostgreSQL 15 server of the test's own, in a fresh temporary folder,
 * on a free TCP port of 127.0.0.1 (and a unix socket in that folder), trusting local connections,
 * with one fresh database. Built for speed, not durability: the cluster is made once per machine
 * by `initdb --no-sync` and copied for each lab, and the server runs with `fsync=off` (a commit
 * reaches the kernel, so it survives the server being killed, but not the machine crashing). Several labs
 * run at once (other test files, other processes); `stop()`, or this process exiting, kills the
 * server and removes the folder, and a lab left behind by a process that was killed is removed by
 * the next lab that starts. It fails loudly, never skips, when it cannot start PostgreSQL.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, renameSync, rmSync, chownSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PostgresLab {
  /** postgres://postgres@127.0.0.1:<port>/<database> : set as DATABASE_URL. */
  url: string;
  port: number;
  /** The lab's folder (data directory, unix socket, log). */
  dir: string;
  /** The server's (postmaster's) pid while it runs, else 0. */
  readonly pid: number;
  /** A further fresh, empty database on the same server: its URL. */
  newDatabase(name?: string): Promise<string>;
  /** Stops the server at once (as a crash would), keeping its data: the database is down. */
  down(): Promise<void>;
  /** Starts the stopped server again on the same port with the same data. */
  up(): Promise<void>;
  /** The last lines of the server's log. */
  logs(lines?: number): string;
  /** Kills the server and removes the folder. */
  stop(): Promise<void>;
}

const BIN = '/usr/lib/postgresql/15/bin';
const PREFIX = 'kr-pg-';
/** The cluster every lab copies (made once per machine, by the first lab that needs it). */
const TEMPLATE = join(tmpdir(), 'kr-pg-template-15');

const live = new Set<() => void>();
let exitHookInstalled = false;
let counter = 0;

function postgresUser(): { uid: number; gid: number } {
  if (!existsSync(join(BIN, 'postgres'))) throw new Error(`postgres lab: PostgreSQL 15 is not installed (no ${BIN}/postgres); apt-get install postgresql-15`);
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('postgres lab: there is no "postgres" user; install PostgreSQL 15 (apt-get install postgresql-15)');
  const [, , uid, gid] = line.split(':');
  const user = { uid: Number(uid), gid: Number(gid) };
  const me = process.getuid?.();
  if (me !== 0 && me !== user.uid) throw new Error('postgres lab: run the tests as root (or as the postgres user): PostgreSQL runs as the postgres user');
  return user;
}

/** Whether `pid` runs (a zombie waiting for its parent to reap it does not). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
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

/** The postmaster pid a data directory records, or 0. */
function postmasterPid(data: string): number {
  try {
    return Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]) || 0;
  } catch {
    return 0;
  }
}

function kill(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* gone already */
  }
}

/** Labs whose process died without cleaning up: kill their server, remove their folder. */
function removeStale(): void {
  for (const name of readdirSync(tmpdir())) {
    const m = /^kr-pg-(\d+)-\d+-/.exec(name);
    if (!m || alive(Number(m[1]))) continue;
    const pid = postmasterPid(join(tmpdir(), name, 'data'));
    if (pid && alive(pid)) kill(pid, 'SIGKILL');
    rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
  for (const name of readdirSync(tmpdir())) {
    const m = /^kr-pg-making-(\d+)-/.exec(name);
    if (m && !alive(Number(m[1]))) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

/** The machine's template cluster, made by `initdb` the first time (atomically: made aside, then renamed). */
function template(user: { uid: number; gid: number }): string {
  if (existsSync(join(TEMPLATE, 'PG_VERSION'))) return TEMPLATE;
  const aside = mkdtempSync(join(tmpdir(), `kr-pg-making-${process.pid}-`));
  try {
    chownSync(aside, user.uid, user.gid);
    execFileSync(
      join(BIN, 'initdb'),
      ['-D', join(aside, 'data'), '--no-sync', '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-locale'],
      { uid: user.uid, gid: user.gid, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      renameSync(join(aside, 'data'), TEMPLATE);
    } catch (err) {
      // Another process made it first: theirs is as good as ours.
      if (!existsSync(join(TEMPLATE, 'PG_VERSION'))) throw err;
    }
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`postgres lab: initdb failed: ${(e.stderr?.toString() || e.message).trim()}`);
  } finally {
    rmSync(aside, { recursive: true, force: true });
  }
  return TEMPLATE;
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const cleanAll = () => {
    for (const clean of live) clean();
    live.clear();
  };
  process.on('exit', cleanAll);
  // A run interrupted or timed out by a signal cleans up too, then dies of the signal as it would have.
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

/** Tries to connect until the server answers; throws with its log when it dies or never answers. */
async function ready(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw Object.assign(new Error(`postgres lab: the server exited (${child.exitCode ?? child.signalCode}) while starting:\n${log()}`), {
        exited: true,
      });
    }
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 2000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      return;
    } catch {
      await client.end().catch(() => {});
    }
    if (Date.now() > deadline) throw new Error(`postgres lab: the server did not answer within 30 s:\n${log()}`);
    await sleep(50);
  }
}

export async function startPostgres(): Promise<PostgresLab> {
  installExitHook();
  removeStale();
  const user = postgresUser();
  const from = template(user);
  const dir = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-${counter++}-`));
  chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  execFileSync('cp', ['-a', from, data]);

  let child: ChildProcess | null = null;
  let port = 0;
  let stopped = false;
  const logs = (lines = 30) => {
    try {
      return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };

  const launch = (): ChildProcess => {
    const fd = openSync(logFile, 'a');
    try {
      // Run as a direct child (not through pg_ctl) so its pid is ours to watch and kill.
      return spawn(
        join(BIN, 'postgres'),
        [
          '-D', data, '-p', String(port), '-k', dir,
          '-c', 'listen_addresses=127.0.0.1',
          '-c', 'fsync=off', '-c', 'full_page_writes=off',
          '-c', 'shared_buffers=32MB', '-c', 'max_connections=200',
          '-c', 'log_min_messages=warning', '-c', 'logging_collector=off',
        ],
        { uid: user.uid, gid: user.gid, env: { LANG: 'C', PATH: process.env.PATH ?? '/usr/bin:/bin' }, stdio: ['ignore', fd, fd] },
      );
    } finally {
      closeSync(fd);
    }
  };

  const killSync = () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    const pid = postmasterPid(data);
    if (pid && alive(pid)) kill(pid, 'SIGKILL');
  };
  const cleanSync = () => {
    killSync();
    rmSync(dir, { recursive: true, force: true });
  };
  live.add(cleanSync);

  /** SIGQUIT is PostgreSQL's immediate shutdown: every backend goes at once, nothing is flushed. */
  const halt = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGQUIT');
    if (!(await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]))) {
      c.kill('SIGKILL');
      await Promise.race([exited, sleep(2000)]);
    }
    // Backends notice the postmaster is gone at once; wait for the last so the port and folder are free.
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && existsSync(join(data, 'postmaster.pid'))) {
      const pid = postmasterPid(data);
      if (!pid || !alive(pid)) break;
      await sleep(20);
    }
  };

  const boot = async (samePort: boolean) => {
    for (let attempt = 0; ; attempt++) {
      if (!samePort) port = await freePort();
      const c = launch();
      child = c;
      try {
        await ready(port, c, logs);
        return;
      } catch (err) {
        await halt();
        // Another process took the port between our look and the server's bind: pick another.
        const busy = /could not bind|Address already in use/.test(logs(10));
        if (!samePort && busy && attempt < 4 && (err as { exited?: boolean }).exited) continue;
        throw err;
      }
    }
  };

  try {
    await boot(false);
    const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    await admin.connect();
    await admin.query('create database kaltura_room');
    await admin.end();
  } catch (err) {
    live.delete(cleanSync);
    cleanSync();
    throw err;
  }

  let databases = 0;
  const urlOf = (db: string) => `postgres://postgres@127.0.0.1:${port}/${db}`;
  return {
    url: urlOf('kaltura_room'),
    port,
    dir,
    get pid() {
      return child && child.exitCode === null && child.signalCode === null ? child.pid ?? 0 : 0;
    },
    async newDatabase(name = `kaltura_room_${++databases}`) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`postgres lab: "${name}" is not a plain database name`);
      const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
      await admin.connect();
      try {
        await admin.query(`create database ${name}`);
      } finally {
        await admin.end();
      }
      return urlOf(name);
    },
    async down() {
      await halt();
    },
    async up() {
      if (stopped) throw new Error('postgres lab: stopped for good');
      if (child) return;
      await boot(true);
    },
    logs,
    async stop() {
      if (stopped) return;
      stopped = true;
      await halt();
      live.delete(cleanSync);
      cleanSync();
    },
  };
}
