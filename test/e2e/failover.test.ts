/**
 * Losing a room's server, end to end: three servers on one PostgreSQL behind the shipped nginx
 * configuration, a host and two participants on a plain course page that loads the drop-in
 * through nginx, a breakout running with a time limit and chat said in each room. The server
 * that owns the room is killed outright (SIGKILL): within the lease time plus 5 s every page is
 * connected again, in the same breakout room with the same remaining time, and every message it
 * had (each one stored before it was shown: acknowledged) is still there. Then the killed server
 * comes back and the room's next owner is killed the same way. The failover times are printed.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { Browser, Page } from 'puppeteer-core';
import { issueToken } from '../../server/auth.ts';
import { startServer, tempDataDir, TEST_SECRET, type RunningServer } from '../../server/testing/spawn.ts';
import { startNginx, type NginxLab } from '../support/nginx-lab.ts';
import { startPostgres, type PostgresLab } from '../support/postgres-lab.ts';
import { openConsole } from './console.ts';
import { clickButton, launch, openPage, startCoursePage, typeInto, until } from './browser.ts';

const ROOM = 'bio-101-failover';
const LEASE_SECONDS = 3;
/** The issue's promise: the room is served again within the lease time plus 5 s. */
const BUDGET_MS = LEASE_SECONDS * 1000 + 5000;
const IDS = ['s1', 's2', 's3'];

interface Person {
  id: string;
  name: string;
  role: 'host' | 'participant';
  page: Page;
  /** The breakout room the page is in (null: the main room). */
  room: string | null;
}

/** What a page shows, read in one go. */
interface View {
  status: string;
  statuses: string[];
  breakout: string;
  location: string | null;
  endsAt: number | null;
  chat: string[];
  /** The remaining time on screen, in seconds, or null when none shows. */
  remaining: number | null;
}

function read(page: Page, me: string): Promise<View> {
  return page.evaluate((me) => {
    const el = document.querySelector('kaltura-room') as any;
    const s = el?.roomState;
    const shown = ((window as any).__deepAll('.time') as Element[])
      .map((e) => (e.textContent ?? '').trim())
      .find((t) => /^\d+:\d\d$/.test(t));
    const [m, sec] = shown ? shown.split(':').map(Number) : [];
    return {
      status: el?.status ?? 'none',
      statuses: (window as any).__statuses ?? [],
      breakout: s?.breakout.status ?? 'none',
      location: s?.breakout.location[me] ?? null,
      endsAt: s?.breakout.endsAt ?? null,
      chat: (s?.chat ?? []).map((c: { text: string }) => c.text),
      remaining: shown ? m * 60 + sec : null,
    };
  }, me);
}

describe('failover: three servers behind nginx, the room\'s server killed twice', { timeout: 420_000 }, () => {
  let db: PostgresLab;
  let dataDir: string;
  const servers: Record<string, RunningServer> = {};
  let nginx: NginxLab;
  let course: { url: string; close(): Promise<void> };
  let browser: Browser;
  const people: Person[] = [];
  /** Chat texts each breakout room (or the main room, '') has said, all acknowledged. */
  const said: Record<string, string[]> = { '': [], r1: [] };
  let endsAt = 0;
  const times: string[] = [];

  const lease = async (): Promise<{ owner: string; epoch: number } | null> => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const r = await c.query('select owner, epoch from room_leases where room = $1 and expires_at > now()', [ROOM]);
      return r.rows[0] ? { owner: r.rows[0].owner, epoch: Number(r.rows[0].epoch) } : null;
    } finally {
      await c.end();
    }
  };
  const owner = async () => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const l = await lease();
      if (l) return l;
      if (Date.now() > deadline) throw new Error(`nobody holds ${ROOM}'s lease`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const say = async (p: Person, text: string) => {
    await typeInto(p.page, 'input#chat-input', text);
    await p.page.keyboard.press('Enter');
    // Shown once the server stored it: acknowledged.
    await until(p.page, `document.querySelector('kaltura-room').roomState.chat.some((c) => c.text === ${JSON.stringify(text)})`, 20_000, `"${text}" acknowledged`);
    said[p.room ?? ''].push(text);
  };

  /** Kill the room's owner; wait until every page is back as it was; the time that took. */
  const failover = async (label: string): Promise<number> => {
    const was = await owner();
    const before = await Promise.all(people.map((p) => read(p.page, p.id)));
    for (const [i, v] of before.entries()) {
      assert.equal(v.status, 'connected', `${people[i].name} connected before the kill`);
      assert.notEqual(v.remaining, null, `${people[i].name} sees the remaining time`);
    }
    const readAt = Date.now();
    await servers[was.owner].kill();
    const killedAt = Date.now();

    const backAt: (number | null)[] = people.map(() => null);
    let last: View[] = before;
    while (backAt.includes(null)) {
      if (Date.now() - killedAt > BUDGET_MS + 20_000) {
        throw new Error(`${label}: not every page came back:\n${JSON.stringify(last, null, 1)}`);
      }
      last = await Promise.all(people.map((p) => read(p.page, p.id)));
      const now = Date.now();
      for (const [i, v] of last.entries()) {
        if (backAt[i] !== null) continue;
        const p = people[i];
        const lostIt = v.statuses.slice(before[i].statuses.length).some((s) => s === 'reconnecting' || s === 'connecting');
        const expected = before[i].remaining! - (now - readAt) / 1000;
        const ok =
          lostIt &&
          v.status === 'connected' &&
          v.breakout === 'running' &&
          v.location === p.room &&
          v.endsAt === endsAt &&
          said[p.room ?? ''].every((t) => v.chat.includes(t)) &&
          v.remaining !== null &&
          Math.abs(v.remaining - expected) <= 2;
        if (ok) backAt[i] = now;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const took = Math.max(...(backAt as number[])) - killedAt;
    const next = await owner();
    assert.notEqual(next.owner, was.owner, 'another server owns the room');
    assert.ok(next.epoch > was.epoch, 'with a newer epoch');
    const line = `${label}: ${was.owner} killed, ${next.owner} serves the room; every page back after ${took} ms (${people.map((p, i) => `${p.id} ${backAt[i]! - killedAt} ms`).join(', ')})`;
    times.push(line);
    assert.ok(took <= BUDGET_MS, `${label}: every page back within ${BUDGET_MS} ms, took ${took} ms`);
    return took;
  };

  before(async () => {
    db = await startPostgres();
    dataDir = tempDataDir(); // shared by the three, as uploads need in production
    const started = await Promise.all(
      IDS.map((id) =>
        startServer({
          dataDir,
          databaseUrl: db.url,
          serverId: id,
          env: { LEASE_SECONDS: String(LEASE_SECONDS), TRUST_PROXY: '1', LEAVE_GRACE_SECONDS: '30' },
        }),
      ),
    );
    IDS.forEach((id, i) => (servers[id] = started[i]));
    nginx = await startNginx(IDS.map((id) => servers[id].port));
    course = await startCoursePage();
    browser = await launch();
    const server = nginx.url.replace('127.0.0.1', 'localhost');
    for (const [id, name, role] of [
      ['teacher', 'Ms. Rivera', 'host'],
      ['ann', 'Ann Lee', 'participant'],
      ['bob', 'Bob Stone', 'participant'],
    ] as const) {
      const token = await issueToken(TEST_SECRET, { sub: id, name, role, room: ROOM });
      const page = await openPage(browser, `${course.url}?${new URLSearchParams({ server, room: ROOM, token })}`, {
        init: () => {
          const w = window as any;
          w.__statuses = [];
          document.addEventListener('kaltura-connection-change', (e) => w.__statuses.push((e as CustomEvent).detail.status));
        },
      });
      people.push({ id, name, role, page, room: null });
    }
  });

  after(async () => {
    if (times.length) console.log(times.join('\n'));
    await browser?.close();
    await course?.close();
    await nginx?.stop();
    for (const s of Object.values(servers)) await s.stop();
    await db?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('a host and two participants join through nginx; the two go to a breakout room with a time limit; each room chats', async () => {
    for (const p of people) {
      await clickButton(p.page, 'Join', 60_000);
      await until(p.page, `window.__deepAll('input#chat-input').length > 0`, 20_000, `${p.name}'s room view`);
    }
    const host = people[0];
    await until(host.page, `Object.values(document.querySelector('kaltura-room').roomState.participants).filter((p) => p.present).length === 3`, 20_000, 'three present');

    const staff = await openConsole(nginx.wsUrl, ROOM, await issueToken(TEST_SECRET, { sub: 'teacher', name: 'Ms. Rivera', role: 'host', room: ROOM }));
    try {
      await staff.send({ type: 'breakout/configure', rooms: ['Room 1'], timeLimitMinutes: 20, countdownSeconds: 0, assignment: 'manual' });
      await staff.send({ type: 'breakout/move', userId: 'ann', to: 'r1' });
      await staff.send({ type: 'breakout/move', userId: 'bob', to: 'r1' });
      await staff.send({ type: 'breakout/start' });
    } finally {
      staff.close();
    }
    people[1].room = people[2].room = 'r1';
    for (const p of people) {
      await until(
        p.page,
        `(() => { const b = document.querySelector('kaltura-room').roomState.breakout; return b.status === 'running' && b.endsAt !== null && Object.keys(b.moves).length === 0 && b.location.ann === 'r1' && b.location.bob === 'r1'; })()`,
        20_000,
        `${p.name} sees the breakout running`,
      );
    }
    endsAt = (await read(host.page, host.id)).endsAt!;
    for (const p of people) await say(p, `${p.name}: before anything broke`);
    await until(people[2].page, `document.querySelector('kaltura-room').roomState.chat.some((c) => c.text === 'Ann Lee: before anything broke')`, 20_000, 'Bob hears Ann');
    // Every page shows the remaining time (the host in the control bar, the others in the room's bar).
    for (const p of people) await until(p.page, `window.__deepAll('.time').some((e) => /^\\d+:\\d\\d$/.test(e.textContent.trim()))`, 20_000, `${p.name}'s remaining time`);
  });

  it('the owner is killed: every page is back within the lease time plus 5 s, in the same room, same time, same chat', async () => {
    await failover('first failover');
    // The room works on its new server: new messages are acknowledged and reach the room-mate.
    for (const p of people) await say(p, `${p.name}: after the first failover`);
    await until(people[1].page, `document.querySelector('kaltura-room').roomState.chat.some((c) => c.text === 'Bob Stone: after the first failover')`, 20_000, 'Ann hears Bob');
  });

  it('the killed server comes back; the next owner is killed too, and the pages come back again', async () => {
    const first = IDS.find((id) => servers[id].child.signalCode === 'SIGKILL')!;
    servers[first] = await servers[first].restart();
    assert.equal((await fetch(`${servers[first].url}/health`).then((r) => r.json())).ok, true);
    await failover('second failover');
    for (const p of people) await say(p, `${p.name}: after the second failover`);
    await until(people[2].page, `document.querySelector('kaltura-room').roomState.chat.some((c) => c.text === 'Ann Lee: after the second failover')`, 20_000, 'Bob hears Ann');
  });
});
