/**
 * The media lab: a real Janus (VideoRoom over WebSocket) and a real coturn, each run inside a fresh
 * network namespace joined to this one by a veth pair. Janus never sends media over loopback, so
 * the test server and Chromium (in the root namespace) reach both over the veth, as they would reach
 * a media server on another machine. Every lab has its own namespace, its own 10.213.N.0/30 subnet
 * and its own config folder, so several can run at once on one machine; `stop()` (or the process
 * exiting) removes everything it made. It fails loudly, never skips, when it cannot build the lab.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface MediaLab {
  /** ws://<janus address>:8188 : set as JANUS_URL. */
  janusUrl: string;
  janusApiSecret: string;
  janusAdminKey: string;
  /** turn:<address>:3478?transport=udp (and tcp) : set as TURN_URLS. */
  turnUrls: string[];
  turnSecret: string;
  /** Environment variables for a server process using this lab. */
  serverEnv(): Record<string, string>;
  /** Janus's pid (for CPU figures). */
  janusPid: number;
  /** Milliseconds from spawning Janus to its first `info` answer (0 without Janus). */
  janusStartMs: number;
  /** The namespace's name and the two ends of the veth (the lab's side, this side). */
  netns: string;
  labAddress: string;
  hostAddress: string;
  /** The last lines of Janus's and coturn's logs, to print when a test fails (empty once stopped). */
  logs(lines?: number): string;
  /** Kills Janus and coturn, deletes the namespace (the veth goes with it). */
  stop(): Promise<void>;
}

/**
 * Chromium flags every media test with this lab adds. Deliberately without
 * `--allow-loopback-in-peer-connection`: with it Chromium also gathers TURN candidates from
 * 127.0.0.1, an allocation that can never reach the lab (the kernel drops loopback-sourced packets
 * bound for the veth), and ICE gathering then only completes when that allocation times out, 40 s
 * later; since both sides send complete SDP (gathering done), every TURN-configured connection would
 * stall that long. Nothing in the lab needs loopback: Janus and coturn are reached over the veth and
 * pages reach each other on the machine's own addresses.
 */
export const LAB_CHROMIUM_FLAGS: string[] = [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  // Real host addresses in the browser's candidates, not mDNS names (Janus does not resolve those),
  // also for a page that never opened its camera (a viewer).
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];

const JANUS = '/usr/bin/janus';
const TURNSERVER = '/usr/bin/turnserver';
const JANUS_LIBS = '/usr/lib/x86_64-linux-gnu/janus';
const LOCKS = join(tmpdir(), 'kr-lab-subnets');
const JANUS_PORT = 8188;
const TURN_PORT = 3478;

let counter = 0;
const live = new Set<() => void>();
let exitHookInstalled = false;

function ip(...args: string[]): string {
  try {
    return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`media lab: "ip ${args.join(' ')}" failed: ${(e.stderr || e.message).trim()}`);
  }
}

/** Whether `pid` runs (a zombie waiting for its parent to reap it does not). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function killNamespace(ns: string): void {
  try {
    const pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    for (const p of pids.split(/\s+/).filter(Boolean)) {
      try {
        process.kill(Number(p), 'SIGKILL');
      } catch {
        /* gone already */
      }
    }
  } catch {
    /* no such namespace */
  }
  try {
    execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  } catch {
    /* gone already */
  }
}

/** Namespaces, subnet locks and config folders left by labs whose process died without cleaning up. */
function removeStale(): void {
  let names: string[] = [];
  try {
    names = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[0]!).filter(Boolean);
  } catch {
    /* no namespaces yet */
  }
  for (const ns of names) {
    const m = /^kr-lab-(\d+)-\d+$/.exec(ns);
    if (m && !alive(Number(m[1]))) killNamespace(ns);
  }
  for (const name of readdirSync(tmpdir())) {
    const m = /^kr-lab-(\d+)-\d+-/.exec(name);
    if (m && !alive(Number(m[1]))) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
  if (!existsSync(LOCKS)) return;
  for (const n of readdirSync(LOCKS)) {
    let owner = NaN;
    try {
      owner = Number(readFileSync(join(LOCKS, n, 'pid'), 'utf8'));
    } catch {
      /* a lock being made right now, or whose maker died between two calls: judged by its age */
    }
    const stale = Number.isFinite(owner) ? !alive(owner) : Date.now() - mtime(join(LOCKS, n)) > 60_000;
    if (stale) rmSync(join(LOCKS, n), { recursive: true, force: true });
  }
}

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Date.now();
  }
}

/** A subnet number no other lab on this machine holds (an atomic mkdir is the lock). */
function claimSubnet(): number {
  mkdirSync(LOCKS, { recursive: true });
  const used = new Set(
    ip('-o', '-4', 'addr', 'show')
      .split('\n')
      .map((l) => /inet 10\.213\.(\d+)\./.exec(l)?.[1])
      .filter(Boolean)
      .map(Number),
  );
  const start = (process.pid * 7 + counter * 13) % 250;
  for (let i = 0; i < 250; i++) {
    const n = ((start + i) % 250) + 1;
    if (used.has(n)) continue;
    try {
      mkdirSync(join(LOCKS, String(n)));
    } catch {
      continue;
    }
    writeFileSync(join(LOCKS, String(n), 'pid'), String(process.pid));
    return n;
  }
  throw new Error('media lab: no free 10.213.N.0/30 subnet (250 labs running?)');
}

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** One request over a fresh Janus WebSocket; resolves with the parsed answer. */
export function janusRequest(url: string, body: Record<string, unknown>, timeoutMs = 3000): Promise<any> {
  return new Promise((resolve, reject) => {
    const transaction = randomBytes(6).toString('hex');
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, 'janus-protocol');
    } catch (err) {
      reject(err);
      return;
    }
    const timer = setTimeout(() => {
      ws.close();
      reject(new Error(`no answer from ${url} within ${timeoutMs} ms`));
    }, timeoutMs);
    ws.onopen = () => ws.send(JSON.stringify({ ...body, transaction }));
    ws.onmessage = (e) => {
      const msg = JSON.parse(String(e.data));
      if (msg.transaction !== transaction || msg.janus === 'ack') return;
      clearTimeout(timer);
      ws.close();
      resolve(msg);
    };
    ws.onerror = () => {
      clearTimeout(timer);
      reject(new Error(`cannot connect to ${url}`));
    };
  });
}

function janusFiles(dir: string, address: string, apiSecret: string, adminKey: string): void {
  // Folders holding only what the lab needs: Janus loads every library it finds in them.
  for (const [sub, lib] of [
    ['plugins', 'libjanus_videoroom.so'],
    ['transports', 'libjanus_websockets.so'],
  ] as const) {
    mkdirSync(join(dir, sub));
    symlinkSync(join(JANUS_LIBS, sub, lib), join(dir, sub, lib));
  }
  mkdirSync(join(dir, 'events'));
  mkdirSync(join(dir, 'loggers'));
  writeFileSync(
    join(dir, 'janus.jcfg'),
    `general: {
  configs_folder = "${dir}"
  plugins_folder = "${dir}/plugins"
  transports_folder = "${dir}/transports"
  events_folder = "${dir}/events"
  loggers_folder = "${dir}/loggers"
  debug_level = 4
  debug_timestamps = true
  debug_colors = false
  interface = "${address}"
  server_name = "kr-lab"
  api_secret = "${apiSecret}"
  hide_dependencies = true
  exit_on_dl_error = true
  protected_folders = ["/bin", "/boot", "/dev", "/etc", "/lib", "/proc", "/sbin", "/sys", "/usr", "/var"]
}
certificates: {
}
media: {
  ipv6 = false
}
nat: {
  nice_debug = false
  ice_enforce_list = "${address}"
  ignore_mdns = true
}
plugins: {
}
transports: {
}
loggers: {
}
events: {
  broadcast = false
}
`,
  );
  writeFileSync(
    join(dir, 'janus.transport.websockets.jcfg'),
    `general: {
  json = "compact"
  ws = true
  ws_port = ${JANUS_PORT}
  ws_ip = "${address}"
  wss = false
}
admin: {
  admin_ws = false
  admin_wss = false
}
`,
  );
  writeFileSync(
    join(dir, 'janus.plugin.videoroom.jcfg'),
    `general: {
  admin_key = "${adminKey}"
  lock_rtp_forward = true
  string_ids = true
  events = false
}
`,
  );
}

function spawnIn(ns: string, cmd: string, args: string[], log: string): ChildProcess {
  const fd = openSync(log, 'a');
  try {
    // `ip netns exec` enters the namespace and then execs the command: the child's pid is the server's.
    return spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', fd, fd], detached: false });
  } finally {
    closeSync(fd);
  }
}

async function stopChild(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const done = await Promise.race([exited.then(() => true), sleep(3000).then(() => false)]);
  if (!done) {
    child.kill('SIGKILL');
    await Promise.race([exited, sleep(2000)]);
  }
}

function listening(ns: string, proto: 'tcp' | 'udp', address: string, port: number): boolean {
  try {
    const out = execFileSync('ip', ['netns', 'exec', ns, 'ss', '-Hln', proto === 'tcp' ? '-t' : '-u'], { encoding: 'utf8' });
    return out.includes(`${address}:${port}`);
  } catch {
    return false;
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
  // A test run interrupted or timed out by a signal cleans up too, then dies of the signal as it would have.
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

export async function startMediaLab(opts: { janus?: boolean; turn?: boolean } = {}): Promise<MediaLab> {
  const withJanus = opts.janus ?? true;
  const withTurn = opts.turn ?? true;
  installExitHook();
  removeStale();

  const n = counter++;
  const ns = `kr-lab-${process.pid}-${n}`;
  const subnet = claimSubnet();
  const hostAddress = `10.213.${subnet}.1`;
  const labAddress = `10.213.${subnet}.2`;
  // Interface names are at most 15 characters.
  const hostIf = `krh${subnet}x${process.pid % 100000}`.slice(0, 15);
  const labIf = `krl${subnet}x${process.pid % 100000}`.slice(0, 15);
  const dir = mkdtempSync(join(tmpdir(), `${ns}-`));
  const janusLog = join(dir, 'janus.log');
  const turnLog = join(dir, 'turnserver.log');
  let janus: ChildProcess | null = null;
  let turn: ChildProcess | null = null;
  let stopped = false;

  const cleanSync = () => {
    for (const c of [janus, turn]) {
      if (c && c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    }
    killNamespace(ns);
    try {
      execFileSync('ip', ['link', 'del', hostIf], { stdio: 'ignore' });
    } catch {
      /* went with the namespace */
    }
    rmSync(join(LOCKS, String(subnet)), { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  };
  live.add(cleanSync);

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all([stopChild(janus), stopChild(turn)]);
    cleanSync();
    live.delete(cleanSync);
  };

  try {
    ip('netns', 'add', ns);
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', labIf);
    ip('link', 'set', labIf, 'netns', ns);
    ip('addr', 'add', `${hostAddress}/30`, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    ip('-n', ns, 'addr', 'add', `${labAddress}/30`, 'dev', labIf);
    ip('-n', ns, 'link', 'set', labIf, 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    // Answers go back over the veth whichever of this machine's addresses a browser sent from (it
    // gathers on every interface). Nothing goes further: the root namespace does not forward.
    ip('-n', ns, 'route', 'add', 'default', 'via', hostAddress);

    const janusApiSecret = randomBytes(18).toString('base64url');
    const janusAdminKey = randomBytes(18).toString('base64url');
    const turnSecret = randomBytes(18).toString('base64url');
    const janusUrl = `ws://${labAddress}:${JANUS_PORT}`;
    const turnUrls = [`turn:${labAddress}:${TURN_PORT}?transport=udp`, `turn:${labAddress}:${TURN_PORT}?transport=tcp`];

    if (withTurn) {
      const conf = join(dir, 'turnserver.conf');
      writeFileSync(
        conf,
        [
          `listening-ip=${labAddress}`,
          `listening-port=${TURN_PORT}`,
          `relay-ip=${labAddress}`,
          `min-port=49152`,
          `max-port=65535`,
          'use-auth-secret',
          `static-auth-secret=${turnSecret}`,
          'realm=kr-lab',
          'fingerprint',
          'no-cli',
          'no-tls',
          'no-dtls',
          'no-multicast-peers',
          'no-software-attribute',
          `pidfile=${join(dir, 'turnserver.pid')}`,
          `userdb=${join(dir, 'turndb')}`,
          'log-file=stdout',
          'simple-log',
          '',
        ].join('\n'),
      );
      turn = spawnIn(ns, TURNSERVER, ['-c', conf], turnLog);
    }
    let janusStartMs = 0;
    if (withJanus) {
      janusFiles(dir, labAddress, janusApiSecret, janusAdminKey);
      const started = Date.now();
      janus = spawnIn(ns, JANUS, ['-C', join(dir, 'janus.jcfg'), '-F', dir, '-o'], janusLog);
      // Up once its WebSocket answers `info` (it refuses connections until the transport is ready).
      let lastError = '';
      for (;;) {
        if (janus.exitCode !== null || janus.signalCode !== null) {
          throw new Error(`media lab: Janus exited (${janus.exitCode ?? janus.signalCode}) while starting. Last lines of its log:\n${tail(janusLog)}`);
        }
        try {
          const info = await janusRequest(janusUrl, { janus: 'info', apisecret: janusApiSecret }, 1000);
          if (info.janus === 'server_info') break;
          lastError = JSON.stringify(info);
        } catch (err) {
          lastError = (err as Error).message;
        }
        if (Date.now() - started > 30_000) {
          throw new Error(`media lab: Janus did not answer "info" at ${janusUrl} within 30 s (${lastError}). Last lines of its log:\n${tail(janusLog)}`);
        }
        await sleep(100);
      }
      janusStartMs = Date.now() - started;
      // Only what the lab configured: other plugins and transports log errors or reach for the network.
      const info = await janusRequest(janusUrl, { janus: 'info', apisecret: janusApiSecret }, 5000);
      const loaded = [info.plugins, info.transports, info.events, info.loggers].flatMap((o) => Object.keys(o ?? {}));
      const unexpected = loaded.filter((l) => l !== 'janus.plugin.videoroom' && l !== 'janus.transport.websockets');
      if (unexpected.length) throw new Error(`media lab: Janus loaded ${unexpected.join(', ')}; only the VideoRoom plugin and the WebSocket transport belong in the lab.`);
    }
    if (withTurn) {
      const started = Date.now();
      while (!(listening(ns, 'udp', labAddress, TURN_PORT) && listening(ns, 'tcp', labAddress, TURN_PORT))) {
        if (turn!.exitCode !== null || turn!.signalCode !== null) {
          throw new Error(`media lab: coturn exited (${turn!.exitCode ?? turn!.signalCode}) while starting. Last lines of its log:\n${tail(turnLog)}`);
        }
        if (Date.now() - started > 20_000) {
          throw new Error(`media lab: coturn is not listening on ${labAddress}:${TURN_PORT} (udp and tcp) after 20 s. Last lines of its log:\n${tail(turnLog)}`);
        }
        await sleep(100);
      }
    }

    return {
      janusUrl,
      janusApiSecret,
      janusAdminKey,
      turnUrls,
      turnSecret,
      janusPid: janus?.pid ?? 0,
      janusStartMs,
      netns: ns,
      labAddress,
      hostAddress,
      serverEnv() {
        const env: Record<string, string> = {};
        if (withJanus) Object.assign(env, { JANUS_URL: janusUrl, JANUS_API_SECRET: janusApiSecret, JANUS_ADMIN_KEY: janusAdminKey });
        if (withTurn) Object.assign(env, { TURN_URLS: turnUrls.join(','), TURN_SECRET: turnSecret });
        return env;
      },
      logs(lines = 40) {
        if (stopped) return '';
        const parts: string[] = [];
        if (withJanus) parts.push(`--- Janus (${janusLog}) ---\n${tail(janusLog, lines)}`);
        if (withTurn) parts.push(`--- coturn (${turnLog}) ---\n${tail(turnLog, lines)}`);
        return parts.join('\n');
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
