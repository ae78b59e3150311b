/**
 * The live room end to end: three real Chromium pages with fake camera and
 * microphone, each on a plain course page (its own origin) that loads only the
 * drop-in script, talking to the project's own server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'puppeteer-core';
import { issueToken } from '../../server/auth.ts';
import { startServer, TEST_SECRET, type RunningServer } from '../../server/testing/spawn.ts';
import {
  clickButton,
  launch,
  openPage,
  startCoursePage,
  until,
  waitForRemoteVideos,
  waitForText,
} from './browser.ts';

const ROOM = 'bio-101-week-3';
const GRACE = '2';

describe('live room, three browsers', { timeout: 240_000 }, () => {
  let server: RunningServer;
  let course: { url: string; close(): Promise<void> };
  let browser: Browser;
  let host: Page;
  let ann: Page;
  let bob: Page;

  const pageUrl = async (sub: string, name: string, role: 'host' | 'participant', extra: Record<string, number> = {}) => {
    const token = await issueToken(TEST_SECRET, { sub, name, role, room: ROOM, ...extra });
    const q = new URLSearchParams({ server: server.url.replace('127.0.0.1', 'localhost'), room: ROOM, token });
    return `${course.url}?${q}`;
  };

  const join = async (page: Page) => {
    await clickButton(page, 'Join');
    await until(page, `window.__deepAll('input#chat-input').length > 0`, 15_000, 'the room view');
  };

  const sendChat = async (page: Page, text: string) => {
    await page.evaluate(() => ((window as any).__deepAll('input#chat-input')[0] as HTMLInputElement).focus());
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
  };

  before(async () => {
    server = await startServer({ env: { LEAVE_GRACE_SECONDS: GRACE } });
    course = await startCoursePage();
    browser = await launch();
    // The host's token shortens this room's host-away wait to 6 s, for the last scenario.
    host = await openPage(browser, await pageUrl('teacher', 'Ms. Rivera', 'host', { hostAwayMinutes: 0.1 }));
    ann = await openPage(browser, await pageUrl('ann', 'Ann Lee', 'participant'));
    bob = await openPage(browser, await pageUrl('bob', 'Bob <b>Stone</b>', 'participant'));
  });

  after(async () => {
    await browser?.close();
    await course?.close();
    await server?.stop();
  });

  it('pre-join shows the camera preview; everyone joins and sees the other two on video', async () => {
    for (const p of [host, ann, bob]) {
      await waitForText(p, 'Ready to join?');
      await until(p, `window.__deepAll('video').some((v) => v.videoWidth > 0)`, 15_000, 'camera preview');
    }
    for (const p of [host, ann, bob]) await join(p);
    for (const p of [host, ann, bob]) await waitForRemoteVideos(p, 2);
    // Everyone's camera is on, and every page knows it (tiles show video, not initials).
    for (const p of [host, ann, bob]) {
      await until(
        p,
        `Object.values(document.querySelector('kaltura-room').roomState.participants).filter((x) => x.present && x.video).length === 3`,
        10_000,
        'three cameras on',
      );
    }
  });

  it('chat reaches everyone, as text', async () => {
    await sendChat(ann, 'Is photosynthesis <i>on</i> the exam?');
    for (const p of [host, ann, bob]) await waitForText(p, 'Is photosynthesis <i>on</i> the exam?');
    // Markup in a name or message never renders.
    const italics = await host.evaluate(() => (window as any).__deepAll('kaltura-room i, .msg-text i').length);
    assert.equal(italics, 0);
    await waitForText(host, 'Bob <b>Stone</b>');
  });

  it('a participant leaves (with the confirmation) and rejoins', async () => {
    await clickButton(bob, 'More options');
    await clickButton(bob, 'Leave Session');
    await waitForText(bob, 'Do you want to leave the session?');
    await clickButton(bob, 'Yes');
    await waitForText(bob, 'You have left the session.');
    await waitForRemoteVideos(host, 1);
    await waitForRemoteVideos(ann, 1);
    await clickButton(bob, 'Rejoin the session?');
    for (const p of [host, ann, bob]) await waitForRemoteVideos(p, 2);
  });

  it('the server restarts mid-session and all three pages carry on', async () => {
    const { port, dataDir } = server;
    await server.stop('SIGKILL');
    for (const p of [host, ann, bob]) await waitForText(p, 'Reconnecting', 10_000);
    server = await startServer({ port, dataDir, env: { LEAVE_GRACE_SECONDS: GRACE } });
    for (const p of [host, ann, bob]) await until(p, `!window.__deepText().includes('Reconnecting')`, 20_000, 'reconnected');
    await sendChat(host, 'Welcome back, everyone');
    for (const p of [host, ann, bob]) await waitForText(p, 'Welcome back, everyone');
    await waitForText(ann, 'Is photosynthesis <i>on</i> the exam?');
    for (const p of [host, ann, bob]) await waitForRemoteVideos(p, 2);
  });

  it('the host ends the session for everyone, then starts it again', async () => {
    await clickButton(host, 'End Session');
    await waitForText(host, 'Do you want to end the session for everyone?');
    await clickButton(host, 'Yes, End Session');
    for (const p of [host, ann, bob]) await waitForText(p, 'The session has ended.');
    await clickButton(host, 'Start Session');
    await waitForText(ann, 'The session has started again.');
    await clickButton(ann, 'Rejoin the session');
    await clickButton(bob, 'Rejoin the session');
    for (const p of [host, ann, bob]) await waitForRemoteVideos(p, 2);
  });

  it('with a short host-away wait, the session ends by itself after the host leaves', async () => {
    await host.close(); // closing the tab is leaving
    await waitForText(ann, 'The host has left', 10_000);
    for (const p of [ann, bob]) await waitForText(p, 'The session has ended.', 20_000);
    await waitForText(ann, 'The host did not return');
  });
});
