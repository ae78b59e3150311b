/**
 * Share content end to end: a host and two participants in real Chromium pages on a plain course
 * page, screen capture through Chromium's own picker (auto-selecting "Entire screen"), through the
 * project's server. The host's share reaches the main room only; a participant moved into a
 * breakout room stops receiving it and shares to that room alone; the browser's own "Stop sharing"
 * ends a share for everyone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'puppeteer-core';
import { issueToken } from '../../server/auth.ts';
import { startServer, TEST_SECRET, type RunningServer } from '../../server/testing/spawn.ts';
import { openConsole } from './console.ts';
import { clickButton, launch, openPage, playingRemoteVideos, roomState, startCoursePage, until, waitForRemoteVideos, waitForText } from './browser.ts';

const ROOM = 'art-201-share';
const HOST = 'Ms. Rivera';

/** Content videos on the page that present new frames within a second (the shared screen decoding). */
function decodingContent(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const vids = ((window as any).__deepAll('[part~="content"] video') as HTMLVideoElement[]).filter((v) => v.srcObject);
    const frames = (v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames;
    const before = vids.map(frames);
    await new Promise((r) => setTimeout(r, 1000));
    return vids.filter((v, i) => v.videoWidth > 0 && frames(v) > before[i]).length;
  });
}

async function waitForContent(page: Page, n: number, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  let last = -1;
  while (Date.now() - started < timeoutMs) {
    last = await decodingContent(page);
    if (last === n) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`expected ${n} decoding shared content videos, saw ${last}`);
}

/** Events the page's element emitted, in order, as `type:userId:room`. */
function shareEvents(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as any).__shareEvents ?? []);
}

describe('Share content, three browsers and a breakout room', { timeout: 300_000 }, () => {
  let server: RunningServer;
  let course: { url: string; close(): Promise<void> };
  let browser: Browser;
  let host: Page;
  let ann: Page;
  let bob: Page;
  let staff: Awaited<ReturnType<typeof openConsole>>;

  const url = async (sub: string, name: string, role: 'host' | 'participant') => {
    const token = await issueToken(TEST_SECRET, { sub, name, role, room: ROOM });
    return `${course.url}?${new URLSearchParams({ server: server.url.replace('127.0.0.1', 'localhost'), room: ROOM, token })}`;
  };
  const join = async (p: Page) => {
    await p.evaluate(() => {
      const log: string[] = ((window as any).__shareEvents = []);
      for (const type of ['kaltura-share-started', 'kaltura-share-stopped']) {
        document.addEventListener(type, (e) => {
          const d = (e as CustomEvent).detail;
          log.push(`${type}:${d.userId}:${d.room}`);
        });
      }
    });
    await clickButton(p, 'Join');
    await until(p, `window.__deepAll('input#chat-input').length > 0`, 20_000, 'the room view');
  };
  const location = async (p: Page, id: string) => (await roomState(p)).breakout.location[id] ?? null;

  before(async () => {
    server = await startServer({ env: { LEAVE_GRACE_SECONDS: '10' } });
    course = await startCoursePage();
    browser = await launch(['--auto-select-desktop-capture-source=Entire screen']);
    host = await openPage(browser, await url('teacher', HOST, 'host'));
    ann = await openPage(browser, await url('ann', 'Ann Lee', 'participant'));
    bob = await openPage(browser, await url('bob', 'Bob Stone', 'participant'));
    staff = await openConsole(server.wsUrl, ROOM, await issueToken(TEST_SECRET, { sub: 'teacher', name: HOST, role: 'host', room: ROOM }));
  });

  after(async () => {
    staff?.close();
    await browser?.close();
    await course?.close();
    await server?.stop();
  });

  it('everyone joins and sees each other', async () => {
    for (const p of [host, ann, bob]) await join(p);
    for (const p of [host, ann, bob]) await waitForRemoteVideos(p, 2, 40_000);
  });

  it('the host shares a screen from the toolbar: both participants see it decoding, cameras in a strip', async () => {
    await clickButton(host, 'Share content');
    await until(host, `document.querySelector('kaltura-room').roomState.share?.active.some((s) => s.userId === 'teacher')`, 20_000, 'the share to start');
    await waitForText(host, 'You are sharing');
    for (const p of [ann, bob]) {
      await waitForContent(p, 1);
      await waitForText(p, `${HOST} is sharing`);
      assert.ok(await p.evaluate(() => (window as any).__deepAll('[part~="strip"] [part~="tile"]').length >= 2), 'cameras in the strip');
    }
    assert.deepEqual(await shareEvents(ann), ['kaltura-share-started:teacher:null']);
  });

  it('a participant moved into a breakout room stops receiving the share; the other keeps it', async () => {
    await staff.send({ type: 'breakout/configure', rooms: ['Room 1'], timeLimitMinutes: null, countdownSeconds: 0, assignment: 'manual' });
    await staff.send({ type: 'breakout/move', userId: 'ann', to: 'r1' });
    await staff.send({ type: 'breakout/start' });
    await until(ann, `document.querySelector('kaltura-room').roomState.breakout.location.ann === 'r1'`, 20_000, 'Ann in room 1');
    await waitForRemoteVideos(ann, 0, 30_000); // alone in room 1: no camera and no shared screen
    assert.equal(await decodingContent(ann), 0);
    await waitForContent(bob, 1);
    assert.equal(await location(host, 'bob'), null);
  });

  it('with sharing allowed, the participant in the breakout room shares to that room only', async () => {
    await staff.send({ type: 'share/allow', allowed: true });
    await until(ann, `document.querySelector('kaltura-room').roomState.share?.allowParticipants === true`, 10_000, 'sharing allowed');
    await ann.evaluate(() => (document.querySelector('kaltura-room') as any).startScreenShare());
    await until(host, `document.querySelector('kaltura-room').roomState.share.active.some((s) => s.userId === 'ann' && s.room === 'r1')`, 20_000, "Ann's share");
    await waitForText(ann, 'You are sharing');
    // The main room still has the host's share, and nobody there receives Ann's screen.
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(await playingRemoteVideos(bob), 2, "Bob gets the host's camera and screen, nothing of Ann");
    await waitForText(bob, `${HOST} is sharing`);
    assert.equal(await bob.evaluate(() => (window as any).__deepText().includes('Ann Lee is sharing')), false);
    // Someone who joins Ann's room receives her share.
    await staff.send({ type: 'breakout/move', userId: 'bob', to: 'r1' });
    await until(bob, `document.querySelector('kaltura-room').roomState.breakout.location.bob === 'r1'`, 20_000, 'Bob in room 1');
    await waitForText(bob, 'Ann Lee is sharing', 20_000);
    await waitForContent(bob, 1);
    await waitForRemoteVideos(bob, 2, 30_000); // Ann's camera and screen
    assert.ok((await shareEvents(bob)).includes('kaltura-share-started:ann:r1'));
  });

  it("the host's browser-side stop ends the share for everyone", async () => {
    await staff.send({ type: 'breakout/move', userId: 'bob', to: null });
    await until(bob, `document.querySelector('kaltura-room').roomState.breakout.location.bob === undefined`, 20_000, 'Bob back in the main room');
    await waitForContent(bob, 1);
    // What Chromium's "Stop sharing" bar does: the capture track ends.
    await host.evaluate(() => {
      const v = ((window as any).__deepAll('[part~="content"] video') as HTMLVideoElement[]).find((x) => x.srcObject);
      const track = (v!.srcObject as MediaStream).getVideoTracks()[0]!;
      track.stop();
      track.dispatchEvent(new Event('ended'));
    });
    await until(host, `!document.querySelector('kaltura-room').roomState.share.active.some((s) => s.userId === 'teacher')`, 10_000, 'the share to end');
    await waitForContent(bob, 0);
    await until(bob, `!window.__deepText().includes('${HOST} is sharing')`, 10_000, 'the content to leave the stage');
    assert.ok((await shareEvents(bob)).includes('kaltura-share-stopped:teacher:null'));
    assert.ok((await shareEvents(host)).includes('kaltura-share-stopped:teacher:null'));
    // Ann's share in room 1 goes on.
    assert.ok((await roomState(host)).share.active.some((s: { userId: string }) => s.userId === 'ann'));
  });
});
