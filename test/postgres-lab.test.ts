/**
 * The PostgreSQL lab works: a real server answers on its own port with a fresh database, tuned for
 * tests; two labs run side by side; `down()`/`up()` take the server away and bring it back with its
 * data; and nothing is left behind after `stop()`, after a process that forgot to stop its lab
 * exits, or after one that was killed outright (the next lab removes that one).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';

import { startPostgres, type PostgresLab } from './support/postgres-lab.ts';

const labs: PostgresLab[] = [];
after(async () => {
  for (const lab of labs) await lab.stop();
});

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql)).rows;
  } finally {
    await c.end();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A process of its own that starts a lab, prints it, then does `then`. */
function labInChild(then: string): Promise<{ child: ReturnType<typeof spawn>; dir: string; pid: number }> {
  const lib = new URL('./support/postgres-lab.ts', import.meta.url).href;
  const code = `import { startPostgres } from ${JSON.stringify(lib)};
    const lab = await startPostgres();
    console.log(JSON.stringify({ dir: lab.dir, pid: lab.pid }));
    ${then}`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ child, ...JSON.parse(line) });
    });
    child.once('exit', (code) => reject(new Error(`the lab process exited (${code}) before starting its lab: ${err}`)));
  });
}

describe('the PostgreSQL lab', () => {
  test('a real server with a fresh database, tuned for tests, on its own port; two at once', async () => {
    const started = Date.now();
    const [a, b] = await Promise.all([startPostgres(), startPostgres()]);
    labs.push(a, b);
    console.log(`two labs started in ${Date.now() - started} ms`);
    assert.notEqual(a.port, b.port);
    assert.notEqual(a.dir, b.dir);
    assert.match(a.url, /^postgres:\/\/postgres@127\.0\.0\.1:\d+\/kaltura_room$/);
    const [row] = await query<{ v: string; db: string; fsync: string }>(a.url, "select version() v, current_database() db, current_setting('fsync') fsync");
    assert.match(row!.v, /^PostgreSQL 15\./);
    assert.equal(row!.db, 'kaltura_room');
    assert.equal(row!.fsync, 'off');
    assert.deepEqual(await query(a.url, "select 1 from pg_tables where schemaname = 'public'"), [], 'the database is empty');
    // Each lab is its own server: a table in one is not in the other.
    await query(a.url, 'create table only_in_a (x int)');
    assert.deepEqual(await query(b.url, "select 1 from pg_tables where tablename = 'only_in_a'"), []);
    const other = await a.newDatabase();
    assert.notEqual(other, a.url);
    assert.deepEqual(await query(other, "select 1 from pg_tables where tablename = 'only_in_a'"), []);
  });

  test('down() takes the server away, up() brings it back on the same port with its data', async () => {
    const lab = await startPostgres();
    labs.push(lab);
    await query(lab.url, 'create table kept (x int); insert into kept values (7)');
    const pid = lab.pid;
    assert.ok(pid > 0 && alive(pid));
    await lab.down();
    assert.equal(lab.pid, 0);
    assert.ok(!alive(pid), 'the server is gone');
    await assert.rejects(query(lab.url, 'select 1'), /ECONNREFUSED/);
    await lab.up();
    assert.deepEqual(await query(lab.url, 'select x from kept'), [{ x: 7 }]);
  });

  test('stop() kills the server and removes its folder', async () => {
    const lab = await startPostgres();
    const { pid, dir } = lab;
    await lab.stop();
    assert.ok(!alive(pid), 'the server is gone');
    assert.ok(!existsSync(dir), 'the folder is gone');
    await lab.stop(); // twice is harmless
  });

  test('a process that exits without stopping its lab leaves nothing behind', async () => {
    const { child, dir, pid } = await labInChild('process.exit(0);');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    await until('the forgotten server to go', () => !alive(pid));
    assert.ok(!existsSync(dir));
  });

  test("a killed process's lab is removed by the next lab that starts", async () => {
    const { child, dir, pid } = await labInChild('setInterval(() => {}, 1000);');
    child.kill('SIGKILL');
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
    assert.ok(alive(pid) && existsSync(dir), 'SIGKILL left the server behind');
    const next = await startPostgres();
    labs.push(next);
    await until('the orphaned server to go', () => !alive(pid));
    assert.ok(!existsSync(dir));
  });
});
