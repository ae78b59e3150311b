/**
 * Breakout rooms end to end: a host and four participants in real Chromium
 * pages (fake camera and microphone), two rooms, through the project's server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'puppeteer-core';
import { issueToken } from '../../server/auth.ts';
import { startServer, TEST_SECRET, type RunningServer } from '../../server/testing/spawn.ts';
import {
  clickButton,
  clickSelector,
  launch,
  openPage,
  playingRemoteVideos,
  roomState,
  sawText,
  startCoursePage,
  typeInto,
  until,
  waitForRemoteVideos,
  waitForText,
  watchForText,
} from './browser.ts';

const ROOM = 'bio-101-breakout';
const NAMES: Record<string, string> = { ann: 'Ann Lee', bob: 'Bob Stone', cat: 'Cat Diaz', dan: 'Dan Wu' };

describe('breakout rooms, five browsers', { timeout: 300_000 }, () => {
  let server: RunningServer;
  let course: { url: string; close(): Promise<void> };
  let browser: Browser;
  let host: Page;
  const pages: Record<string, Page> = {};
  const urls: Record<string, string> = {};
  /** Users by breakout room id, read from the server-driven state. */
  let rooms: Record<string, string[]> = {};

  const url = async (sub: string, name: string, role: 'host' | 'participant') => {
    const token = await issueToken(TEST_SECRET, { sub, name, role, room: ROOM });
    return `${course.url}?${new URLSearchParams({ server: server.url.replace('127.0.0.1', 'localhost'), room: ROOM, token })}`;
  };
  const joinRoomView = async (p: Page) => {
    await clickButton(p, 'Join');
    await until(p, `window.__deepAll('input#chat-input').length > 0`, 15_000, 'the room view');
  };
  const say = async (p: Page, text: string) => {
    await typeInto(p, 'input#chat-input', text);
    await p.keyboard.press('Enter');
  };
  const where = async () => {
    const s = await roomState(host);
    const by: Record<string, string[]> = {};
    for (const [u, r] of Object.entries(s.breakout.location as Record<string, string>)) (by[r] ??= []).push(u);
    for (const r of Object.values(by)) r.sort();
    return by;
  };
  /** Wait until the host's mirror has no pending moves and `placed` people are in breakout rooms. */
  const settled = async (placed: number) =>
    until(
      host,
      `(() => { const b = document.querySelector('kaltura-room').roomState.breakout; return Object.keys(b.moves).length === 0 && Object.keys(b.location).length === ${placed}; })()`,
      20_000,
      `moves to land (${placed} placed)`,
    );

  before(async () => {
    server = await startServer({ env: { LEAVE_GRACE_SECONDS: '10' } });
    course = await startCoursePage();
    browser = await launch();
    host = await openPage(browser, await url('teacher', 'Ms. Rivera', 'host'));
    for (const id of Object.keys(NAMES)) {
      urls[id] = await url(id, NAMES[id], 'participant');
      pages[id] = await openPage(browser, urls[id]);
    }
  });

  after(async () => {
    await browser?.close();
    await course?.close();
    await server?.stop();
  });

  it('everyone joins the main room', async () => {
    for (const p of [host, ...Object.values(pages)]) await joinRoomView(p);
    await until(host, `Object.values(document.querySelector('kaltura-room').roomState.participants).filter((p) => p.present).length === 5`);
    await waitForRemoteVideos(host, 4, 40_000);
  });

  it('the host creates two rooms and starts breakout; after the countdown each pair sees and hears only each other', async () => {
    await clickButton(host, 'More actions');
    let t = Date.now();
    await clickButton(host, 'Breakout');
    await typeInto(host, 'input#countdown', '2');
    // Code that loads on first use; how long it took tells a slow machine from a fault.
    console.log(`[breakout] the console's form was there ${Date.now() - t} ms after Breakout was chosen`);
    t = Date.now();
    await clickButton(host, 'Create rooms');
    await watchForText(pages.ann, 'Moving to');
    await clickButton(host, 'Start breakout');
    console.log(`[breakout] Start breakout was clicked ${Date.now() - t} ms after Create rooms`);
    await sawText(pages.ann, 'Moving to', 20_000);
    await settled(4);
    await clickButton(host, 'Close dashboard');
    rooms = await where();
    assert.deepEqual(Object.keys(rooms).sort(), ['r1', 'r2']);
    assert.deepEqual(Object.values(rooms).map((r) => r.length), [2, 2], 'two and two');
    for (const members of Object.values(rooms)) {
      for (const id of members) {
        const mate = members.find((m) => m !== id)!;
        await waitForRemoteVideos(pages[id], 1, 20_000);
        await waitForText(pages[id], NAMES[mate]);
      }
    }
    assert.equal(await playingRemoteVideos(host), 0, 'the host, alone in the main room, receives no one');
  });

  it('chat stays inside a room; a broadcast reaches every room', async () => {
    const [x, y] = rooms.r1;
    const [z, w] = rooms.r2;
    await say(pages[x], 'secret plan of room one');
    await waitForText(pages[y], 'secret plan of room one');
    await new Promise((r) => setTimeout(r, 1000));
    for (const p of [pages[z], pages[w], host]) {
      assert.equal(await p.evaluate(() => (window as any).__deepText().includes('secret plan of room one')), false);
    }
    await clickButton(host, 'Broadcast');
    await typeInto(host, 'textarea#broadcast-text', 'Two minutes left, wrap up');
    await clickSelector(host, 'form[part~="bar-panel"] button.primary');
    for (const id of Object.keys(NAMES)) await waitForText(pages[id], 'Two minutes left, wrap up');
  });

  it('a call rings the bell and shows the caller in blue on the dashboard', async () => {
    const caller = rooms.r2[0];
    await clickButton(pages[caller], 'Call moderator');
    await waitForText(pages[caller], 'A moderator has been called');
    await until(host, `window.__deepAll('button[part~="calls"]').length === 1`, 10_000, 'the bell');
    await clickSelector(host, 'button[part~="calls"]');
    const color = await until<string>(
      host,
      `(() => { const li = window.__deepAll('li[part~="call"]').find((l) => l.textContent.includes(${JSON.stringify(NAMES[caller])})); return li && getComputedStyle(li.querySelector('.chip') || li).color; })()`,
      10_000,
      'the caller highlighted',
    );
    const [r, g, b] = color.match(/\d+/g)!.map(Number);
    assert.ok(b > 150 && b > r + 80 && b > g + 40, `caller shown in blue, got ${color}`);
    await clickButton(host, `Dismiss call from ${NAMES[caller]}`);
    await waitForText(pages[caller], 'dismissed', 10_000);
  });

  it('dragging a name to another room moves that participant, whose page follows', async () => {
    const mover = rooms.r1[0];
    await watchForText(pages[mover], 'Moving to');
    const chip = await host.evaluateHandle((id) => (window as any).__deepAll(`button.chip[data-id="${id}"]`)[0], mover);
    const target = await host.evaluateHandle(() => (window as any).__deepAll('section[data-to="r2"]')[0]);
    await host.setDragInterception(true); // lets the mouse carry a real HTML5 drag in headless Chromium
    await (chip as any).asElement().dragAndDrop((target as any).asElement());
    await host.setDragInterception(false);
    await sawText(pages[mover], 'Moving to', 20_000);
    await until(host, `document.querySelector('kaltura-room').roomState.breakout.location[${JSON.stringify(mover)}] === 'r2'`, 20_000, 'the move to land');
    rooms = await where();
    assert.ok(rooms.r2.includes(mover), `${mover} is in room 2 now`);
    await waitForRemoteVideos(pages[mover], 2, 20_000);
    await waitForRemoteVideos(pages[rooms.r1[0]], 0, 20_000);
  });

  it('gather brings everyone back without ending; starting again restores the rooms', async () => {
    const before = await where();
    await clickButton(host, 'Gather everyone');
    await until(host, `document.querySelector('kaltura-room').roomState.breakout.gathered === true`, 10_000, 'gathered');
    await settled(0);
    assert.deepEqual(await where(), {});
    await waitForRemoteVideos(host, 4, 30_000);
    await clickButton(host, 'Start breakout');
    await until(host, `document.querySelector('kaltura-room').roomState.breakout.gathered === false`, 10_000, 'started again');
    await settled(4);
    assert.deepEqual(await where(), before);
    await clickButton(host, 'Close dashboard');
  });

  it('a participant who reloads mid-breakout returns to the same room with the same time', async () => {
    const id = rooms.r2[0];
    const beforeState = await roomState(pages[id]);
    await pages[id].reload();
    await joinRoomView(pages[id]);
    const s = await until<any>(pages[id], `(() => { const s = document.querySelector('kaltura-room').roomState; return s && s.breakout.status === 'running' && s; })()`);
    assert.equal(s.breakout.location[id], 'r2');
    assert.equal(s.breakout.endsAt, beforeState.breakout.endsAt);
    const mates = rooms.r2.filter((m) => m !== id);
    await waitForRemoteVideos(pages[id], mates.length, 20_000);
  });

  it('End breakout: a countdown, then everyone is back in the main room', async () => {
    await watchForText(pages.ann, 'Returning to the main room');
    await clickButton(host, 'End breakout');
    await sawText(pages.ann, 'Returning to the main room', 20_000);
    await until(host, `document.querySelector('kaltura-room').roomState.breakout.status === 'idle'`, 20_000, 'breakout over');
    await waitForRemoteVideos(host, 4, 30_000);
  });

  it('opening Breakout again asks to keep the existing rooms or create new ones', async () => {
    await clickButton(host, 'More actions');
    await clickButton(host, 'Breakout');
    await waitForText(host, "You've already created breakout rooms. Would you like to keep them and their data or create new ones?");
    await clickButton(host, 'Keep existing rooms');
    await until(host, `window.__deepAll('button').some((b) => b.textContent.trim() === 'Start breakout')`, 10_000, 'the rooms view');
    const s = await roomState(host);
    assert.deepEqual(s.breakout.config.rooms.map((r: { name: string }) => r.name), ['Room 1', 'Room 2']);
    await clickButton(host, 'Close dashboard');
  });
});
