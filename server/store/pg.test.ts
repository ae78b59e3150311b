/**
 * The PostgreSQL pool and migrations against a real server: the schema is applied once and
 * recorded, two servers starting together take turns, a failing migration leaves nothing half
 * done, the pool and statements are bounded, a lost connection never takes the process down,
 * and settings are checked with messages that say what to fix.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startPostgres, type PostgresLab } from '../../test/support/postgres-lab.ts';
import { MIGRATIONS } from './migrations.ts';
import { openPostgres, postgresSettings, redact, type Postgres } from './pg.ts';

let lab: PostgresLab;
const opened: Postgres[] = [];
before(async () => {
  lab = await startPostgres();
});
after(async () => {
  for (const db of opened) await db.close();
  await lab?.stop();
});

async function open(url: string, opts: Parameters<typeof openPostgres>[1] = {}): Promise<Postgres> {
  const db = await openPostgres(url, { log: () => {}, ...opts });
  opened.push(db);
  return db;
}

async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('openPostgres: migrations', () => {
  it('applies the schema once and records it', async () => {
    const url = await lab.newDatabase();
    const first = await open(url);
    assert.deepEqual(first.applied, MIGRATIONS.map((m) => m.id));
    const { rows } = await first.pool.query('select id, name from schema_migrations order by id');
    assert.deepEqual(rows, MIGRATIONS.map((m) => ({ id: m.id, name: m.name })));
    for (const table of ['room_snapshots', 'room_events', 'room_audit', 'room_leases', 'room_status']) {
      const r = await first.pool.query('select to_regclass($1) as t', [table]);
      assert.equal(r.rows[0].t, table);
    }
    const again = await open(url);
    assert.deepEqual(again.applied, [], 'a second start finds the schema current');
  });

  it('two servers starting at the same moment take turns: each migration runs exactly once', async () => {
    const url = await lab.newDatabase();
    const [a, b, c] = await Promise.all([open(url), open(url), open(url)]);
    const all = [...a.applied, ...b.applied, ...c.applied].sort((x, y) => x - y);
    assert.deepEqual(all, MIGRATIONS.map((m) => m.id));
    const { rows } = await a.pool.query('select count(*)::int as n from schema_migrations');
    assert.equal(rows[0].n, MIGRATIONS.length);
  });

  it('a failing migration is rolled back whole, named in the error, and the ones before it stay', async () => {
    const url = await lab.newDatabase();
    const migrations = [
      { id: 1, name: 'good', sql: 'create table good (x int)' },
      { id: 2, name: 'half bad', sql: 'create table half (x int); create table worse (x nosuchtype)' },
    ];
    await assert.rejects(open(url, { migrations }), (err: Error) => {
      assert.match(err.message, /migration 2 \(half bad\) failed: type "nosuchtype" does not exist/);
      assert.doesNotMatch(err.message, /password/);
      return true;
    });
    const db = await open(url, { migrations: migrations.slice(0, 1) });
    assert.deepEqual(db.applied, [], 'migration 1 was kept');
    const r = await db.pool.query("select to_regclass('good') as good, to_regclass('half') as half");
    assert.deepEqual(r.rows[0], { good: 'good', half: null });
  });

  it('refuses a list whose ids are not 1, 2, 3, … in order', async () => {
    const url = await lab.newDatabase();
    await assert.rejects(open(url, { migrations: [{ id: 2, name: 'skipped one', sql: 'select 1' }] }), /ids must run 1, 2, 3/);
  });

  it('a database that cannot be reached is refused at start, naming it without its password', async () => {
    const url = `postgres://someone:secret@127.0.0.1:${lab.port}/kaltura_room`.replace(String(lab.port), '1');
    await assert.rejects(openPostgres(url, { connectTimeoutMs: 2000, log: () => {} }), (err: Error) => {
      assert.match(err.message, /^PostgreSQL at postgres:\/\/someone:\*\*\*@127\.0\.0\.1:1\/kaltura_room: .*ECONNREFUSED/);
      assert.doesNotMatch(err.message, /secret/);
      return true;
    });
  });
});

describe('openPostgres: bounds and faults', () => {
  it('the pool never opens more than poolSize connections; a caller waits at most connectTimeoutMs', async () => {
    const db = await open(lab.url, { poolSize: 2, connectTimeoutMs: 300 });
    const held = [await db.pool.connect(), await db.pool.connect()];
    const started = Date.now();
    await assert.rejects(db.pool.query('select 1'), /timeout/i);
    assert.ok(Date.now() - started >= 250, 'it waited for a free connection first');
    for (const c of held) c.release();
    assert.equal((await db.pool.query('select 1 as one')).rows[0].one, 1);
    assert.ok(db.pool.totalCount <= 2);
  });

  it('a statement longer than statementTimeoutMs is cancelled', async () => {
    const db = await open(lab.url, { statementTimeoutMs: 200 });
    await assert.rejects(db.pool.query('select pg_sleep(5)'), /statement timeout/);
    assert.equal((await db.pool.query('select 1 as one')).rows[0].one, 1, 'the pool works on');
  });

  it('connections killed under it (idle in the pool or held between queries) are reported, never thrown at the process', async () => {
    const lines: string[] = [];
    const db = await open(lab.url, { poolSize: 3, log: (l) => lines.push(l) });
    const held = await db.pool.connect();
    const idle = await db.pool.connect();
    idle.release(); // back in the pool
    const admin = new pg.Client({ connectionString: lab.url });
    await admin.connect();
    await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'kaltura-room' and pid <> pg_backend_pid()");
    await admin.end();
    await until('the lost connections to be noticed', () => lines.length > 0 && db.pool.idleCount === 0);
    assert.match(lines[0]!, /^PostgreSQL connection lost: .*commands that need the database are refused until it answers again\.$/);
    assert.equal(lines.length, 1, 'reported once, not once per connection');
    await assert.rejects(held.query('select 1'));
    held.release(true);
    assert.equal((await db.pool.query('select 1 as one')).rows[0].one, 1, 'fresh connections replace them');
  });
});

describe('postgresSettings', () => {
  it('reads DATABASE_URL, DATABASE_POOL_SIZE and DATABASE_STATEMENT_TIMEOUT_MS, with defaults', () => {
    assert.equal(postgresSettings({}), null);
    assert.equal(postgresSettings({ DATABASE_URL: ' ' }), null);
    assert.deepEqual(postgresSettings({ DATABASE_URL: 'postgres://kr@db:5432/rooms' }), {
      url: 'postgres://kr@db:5432/rooms',
      poolSize: 10,
      statementTimeoutMs: 10_000,
    });
    assert.deepEqual(
      postgresSettings({ DATABASE_URL: 'postgresql://kr@db/rooms', DATABASE_POOL_SIZE: '25', DATABASE_STATEMENT_TIMEOUT_MS: '2000' }),
      { url: 'postgresql://kr@db/rooms', poolSize: 25, statementTimeoutMs: 2000 },
    );
  });

  it('says what to fix', () => {
    assert.throws(() => postgresSettings({ DATABASE_URL: 'mysql://u:pw@db/x' }), /DATABASE_URL must be a postgres:\/\/ URL .*got "mysql:\/\/u:\*\*\*@db\/x"/);
    assert.throws(() => postgresSettings({ DATABASE_URL: 'postgres://db/x', DATABASE_POOL_SIZE: '0' }), /DATABASE_POOL_SIZE must be a whole number from 1 to 1000; got "0"/);
    assert.throws(() => postgresSettings({ DATABASE_URL: 'postgres://db/x', DATABASE_STATEMENT_TIMEOUT_MS: 'soon' }), /DATABASE_STATEMENT_TIMEOUT_MS must be/);
    assert.equal(redact('postgres://kr:p%40ss@db:5432/rooms'), 'postgres://kr:***@db:5432/rooms');
    assert.equal(redact('postgres://kr@db/rooms'), 'postgres://kr@db/rooms');
  });
});
