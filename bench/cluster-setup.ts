/**
 * The two deployments the cluster benchmark compares, each started once for the whole run:
 * (a) one server on its embedded SQLite; (b) two servers on one PostgreSQL (their own SERVER_ID,
 * one shared DATA_DIR, as the README asks). Clients reach them through nginx running the shipped
 * configuration (test/support/nginx-lab.ts), one upstream for (a) and two for (b), or, with
 * `direct`, straight at the server nginx would pick (cluster-hash.ts computes the same ring).
 */
import { rmSync } from 'node:fs';
import pg from 'pg';
import { startNginx, type NginxLab } from '../test/support/nginx-lab.ts';
import { startPostgres, type PostgresLab } from '../test/support/postgres-lab.ts';
import { startServer, tempDataDir, type RunningServer } from '../server/testing/spawn.ts';
import { ring, spreadRooms, type Ring } from './cluster-hash.ts';

export interface Deployment {
  /** 'sqlite' for (a), 'postgres' for (b). */
  store: 'sqlite' | 'postgres';
  /** Upstreams as nginx lists them (`127.0.0.1:port`). */
  upstreams: string[];
  /** Where a room's clients connect: nginx, or the server the ring picks. */
  wsUrlFor(room: string): string;
  /** `count` fresh room names spread evenly over the servers by the ring, with the upstream each lands on. */
  rooms(prefix: string, count: number): { room: string; server: string }[];
  /**
   * After a phase: the rooms' events are all in the deployment's store, and (b) each room's lease
   * is held by the server the ring picked. Throws, naming the room, when not.
   */
  verify(rooms: { room: string; server: string; seq: number }[]): Promise<void>;
  /** The last lines each server printed (for a failure's message). */
  output(): string;
  stop(): Promise<void>;
}

/** The last seq each room stored: in its events, or in its snapshot. */
const STORED_SEQ = `select room, max(seq)::int as seq from (
  select room, seq from room_events where room = any($1) union all select room, seq from room_snapshots where room = any($1)
) s group by room`;

/** The servers' settings for a benchmark: the host sends faster than a person, all clients share one address. */
const BENCH_ENV = { LEAVE_GRACE_SECONDS: '600', MAX_CONNECTIONS_PER_IP: '0', RATE_LIMIT_SCALE: '0', HOST_AWAY_MINUTES: '600' };

function tail(server: RunningServer, label: string, lines = 15): string {
  return `--- ${label} ---\n${server.output().trimEnd().split('\n').slice(-lines).join('\n')}`;
}

async function withRouter(
  store: Deployment['store'],
  servers: RunningServer[],
  direct: boolean,
  verify: Deployment['verify'],
  stopMore: () => Promise<void>,
): Promise<Deployment> {
  const upstreams = servers.map((s) => `127.0.0.1:${s.port}`);
  const r: Ring = ring(upstreams);
  let nginx: NginxLab | null = null;
  try {
    if (!direct) nginx = await startNginx(servers.map((s) => s.port));
  } catch (err) {
    await Promise.all(servers.map((s) => s.stop()));
    await stopMore();
    throw err;
  }
  return {
    store,
    upstreams,
    wsUrlFor: (room) => nginx?.wsUrl ?? `ws://${r.pick(room)}`,
    rooms: (prefix, count) => spreadRooms(r, upstreams, prefix, count),
    verify,
    output: () => [...servers.map((s, i) => tail(s, `server ${i + 1}`)), ...(nginx ? [`--- nginx ---\n${nginx.logs(10)}`] : [])].join('\n'),
    async stop() {
      await nginx?.stop();
      await Promise.all(servers.map((s) => s.stop()));
      await stopMore();
    },
  };
}

/** (a) One server, SQLite in its own data folder. */
export async function startSingle(opts: { direct: boolean }): Promise<Deployment> {
  const server = await startServer({ env: { ...BENCH_ENV, ...(opts.direct ? {} : { TRUST_PROXY: '1' }) } });
  // The server's own store is checked through its sequence numbers (the clients'); nothing else to ask.
  return withRouter('sqlite', [server], opts.direct, async () => {}, async () => rmSync(server.dataDir, { recursive: true, force: true }));
}

/** (b) Two servers on one PostgreSQL (a lab of the benchmark's own), one shared data folder. */
export async function startCluster(opts: { direct: boolean }): Promise<Deployment> {
  const lab: PostgresLab = await startPostgres();
  const dataDir = tempDataDir();
  const ids = ['bench-a', 'bench-b'];
  const servers: RunningServer[] = [];
  const pool = new pg.Pool({ connectionString: lab.url, max: 2 });
  pool.on('error', () => {});
  const stopMore = async () => {
    await pool.end().catch(() => {});
    await lab.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    for (const id of ids) {
      const env = { ...BENCH_ENV, DATABASE_URL: lab.url, SERVER_ID: id, LEASE_SECONDS: '5', ...(opts.direct ? {} : { TRUST_PROXY: '1' }) };
      servers.push(await startServer({ dataDir, env }));
    }
  } catch (err) {
    await Promise.all(servers.map((s) => s.stop()));
    await stopMore();
    throw err;
  }
  const idOf = new Map(servers.map((s, i) => [`127.0.0.1:${s.port}`, ids[i]!]));

  const verify: Deployment['verify'] = async (rooms) => {
    const names = rooms.map((r) => r.room);
    const stored = new Map<string, number>();
    const owners = new Map<string, string>();
    try {
      for (const row of (await pool.query(STORED_SEQ, [names])).rows) stored.set(row.room, row.seq);
      for (const row of (await pool.query('select room, owner from room_leases where room = any($1)', [names])).rows) owners.set(row.room, row.owner);
    } catch (err) {
      throw new Error(`cluster bench: could not read the rooms back from PostgreSQL (do the servers use DATABASE_URL?): ${(err as Error).message}`);
    }
    for (const r of rooms) {
      const seq = stored.get(r.room);
      if (seq === undefined) throw new Error(`cluster bench: room ${r.room} has no events in PostgreSQL: do the servers use DATABASE_URL?`);
      if (seq !== r.seq) throw new Error(`cluster bench: room ${r.room} stored up to seq ${seq} in PostgreSQL but its clients reached ${r.seq}`);
      const want = idOf.get(r.server);
      const owner = owners.get(r.room);
      if (owner !== want) throw new Error(`cluster bench: room ${r.room} should be on ${want} (the hash) but its lease is ${owner ?? 'missing'}`);
    }
  };
  return withRouter('postgres', servers, opts.direct, verify, stopMore);
}
