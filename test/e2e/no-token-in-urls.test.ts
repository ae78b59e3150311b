/**
 * No token in any URL: Chromium drives the demo pages through their main flows
 * (the course page's room with chat and media, the breakout console, the portal's
 * agenda and editor with a header image, an attachment upload and download, and
 * Start Meeting) while every request URL and WebSocket URL is recorded. None may
 * hold a JWT (three base64url parts starting "eyJ") or the demo secret.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deflateSync, crc32 } from 'node:zlib';
import type { Browser, ElementHandle, Page } from 'puppeteer-core';
import { startServer, TEST_SECRET, type RunningServer } from '../../server/testing/spawn.ts';
import { clickButton, launch, openPage, until, waitForRemoteVideos, waitForText } from './browser.ts';

const JWT = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/;
const TITLE = 'Cell signalling lab';

/** A small real PNG (solid colour), so the browser decodes and shows it. */
function png(width = 8, height = 8): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [30, 120, 200]).flat())]);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function deep(page: Page, sel: string): Promise<ElementHandle<Element>> {
  await until(page, `window.__deepAll(${JSON.stringify(sel)}).length > 0`, 20_000, sel);
  return (await page.evaluateHandle(`window.__deepAll(${JSON.stringify(sel)})[0]`)) as ElementHandle<Element>;
}

async function fill(page: Page, sel: string, text: string): Promise<void> {
  const input = await deep(page, sel);
  await input.evaluate((el) => {
    (el as HTMLInputElement).focus();
    (el as HTMLInputElement).select?.();
  });
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text);
}

/** Type into a picker and choose the suggestion with this text. */
async function pick(page: Page, picker: string, query: string, option: string): Promise<void> {
  await fill(page, `#${picker}-input`, query);
  const find = `window.__deepAll('#${picker}-list [role="option"]').find((o) => o.textContent.replace(/\\s+/g, ' ').trim().endsWith(${JSON.stringify(option)}))`;
  await until(page, `!!${find}`, 15_000, `option ${option}`);
  await page.evaluate(`${find}.click()`);
}

async function setValue(page: Page, sel: string, value: string): Promise<void> {
  await (await deep(page, sel)).evaluate((el, v) => {
    (el as HTMLInputElement).value = v;
    el.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  }, value);
}

async function sendChat(page: Page, text: string): Promise<void> {
  await until(page, `window.__deepAll('input#chat-input').length > 0`, 20_000, 'the room view');
  await page.evaluate(() => ((window as any).__deepAll('input#chat-input')[0] as HTMLInputElement).focus());
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

/** Has this image (in any shadow root) loaded and decoded? */
const imageShown = (sel: string) => `window.__deepAll(${JSON.stringify(sel)}).some((i) => i.complete && i.naturalWidth > 0)`;

describe('no token in any URL of the demo pages', { timeout: 400_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  const urls: string[] = [];
  const record = (u: string) => urls.push(u);
  const files = mkdtempSync(join(tmpdir(), 'no-token-e2e-'));
  const downloads = join(files, 'downloads');
  const pdfBytes = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(200 * 1024)]);

  before(async () => {
    mkdirSync(downloads);
    writeFileSync(join(files, 'Notes.pdf'), pdfBytes);
    writeFileSync(join(files, 'Banner.png'), png());
    server = await startServer({ env: { DEMO: '1' } });
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('course page: a teacher and a student join, see each other and chat', async () => {
    const teacher = await openPage(browser, `${server.url}/demo/course.html?name=Ms.+Rivera&role=host`, { record });
    const student = await openPage(browser, `${server.url}/demo/course.html?name=Sam+Lee&role=participant`, { record });
    for (const p of [teacher, student]) {
      await waitForText(p, 'Ready to join?', 20_000);
      await clickButton(p, 'Join', 20_000);
    }
    await sendChat(student, 'Is the quiz on Friday?');
    await waitForText(teacher, 'Is the quiz on Friday?', 20_000);
    // Media runs through PeerJS signaling: its socket URL is recorded too.
    await waitForRemoteVideos(teacher, 1, 30_000);
    await waitForRemoteVideos(student, 1, 30_000);
  });

  it('breakout console: a moderator opens the room\'s dashboard', async () => {
    const console_ = await openPage(browser, `${server.url}/demo/console.html?name=Tariq&role=moderator`, { record });
    await until(
      console_,
      `Object.values(document.querySelector('breakout-dashboard')?.roomState?.participants ?? {}).some((p) => p.name === 'Sam Lee' && p.present)`,
      20_000,
      'the dashboard shows the class',
    );
  });

  it('portal: the organizer creates a session with a header image, uploads and downloads an attachment, and starts the meeting', async () => {
    const organizer = await openPage(browser, `${server.url}/demo/portal.html?user=olivia-grant`, { record });
    await until(organizer, `window.__deepAll('.item .title').length >= 3`, 20_000, 'the seeded agenda');

    await clickButton(organizer, 'Add session');
    await clickButton(organizer, /^Interactive room/);
    await fill(organizer, '#f-title', TITLE);
    await fill(organizer, '#f-description', 'Receptors, messengers and responses.');
    await setValue(organizer, '#f-date', new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10));
    await setValue(organizer, '#f-time', '15:00');
    await fill(organizer, '#f-duration', '60');
    await pick(organizer, 'moderators', 'Morgan', 'Morgan Lee');
    await (await deep(organizer, 'input[name="visibility"][value="published"]')).click();
    await ((await deep(organizer, '#f-header-file')) as ElementHandle<HTMLInputElement>).uploadFile(join(files, 'Banner.png'));
    await clickButton(organizer, 'Create');
    await waitForText(organizer, 'Session created.', 20_000);
    // The header image shows (through its signed link).
    await until(organizer, imageShown('.thumb img'), 20_000, 'header image in the editor');

    await clickButton(organizer, 'Attachments (0)');
    await ((await deep(organizer, '#att-file')) as ElementHandle<HTMLInputElement>).uploadFile(join(files, 'Notes.pdf'));
    await waitForText(organizer, 'Upload complete. "Notes.pdf" is attached.', 30_000);
    const cdp = await browser.target().createCDPSession();
    // A download goes through the browser's download manager: record its URL there.
    cdp.on('Browser.downloadWillBegin', (e: { url: string }) => record(e.url));
    await cdp.send('Browser.setDownloadBehavior', {
      behavior: 'allow',
      downloadPath: downloads,
      browserContextId: organizer.browserContext().id,
      eventsEnabled: true,
    });
    await clickButton(organizer, 'Actions for Notes');
    await clickButton(organizer, 'Download');
    const started = Date.now();
    while (!readdirSync(downloads).includes('Notes.pdf')) {
      if (Date.now() - started > 30_000) throw new Error(`no download; have ${readdirSync(downloads).join(', ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(readFileSync(join(downloads, 'Notes.pdf')).equals(pdfBytes), 'downloaded bytes equal the upload');

    await clickButton(organizer, 'Close');
    await clickButton(organizer, `Go to session ${TITLE}`, 20_000);
    await until(organizer, imageShown('img.banner'), 20_000, 'header image on the session page');
    await clickButton(organizer, 'Start Meeting', 20_000);
    await waitForText(organizer, 'Ready to join?', 20_000);
    await clickButton(organizer, 'Join', 20_000);
    await sendChat(organizer, 'Welcome to the lab!');
    await waitForText(organizer, 'Welcome to the lab!', 20_000);
  });

  it('recorded no JWT and no secret in any request or WebSocket URL', () => {
    const leaks = urls.filter((u) => {
      let decoded = u;
      try {
        decoded = decodeURIComponent(u);
      } catch {
        /* keep it as it is */
      }
      return JWT.test(u) || JWT.test(decoded) || decoded.includes(TEST_SECRET);
    });
    assert.deepEqual(leaks, [], `URLs carrying a token or the secret:\n${leaks.join('\n')}`);
    // And the flows really ran: sockets, the download and the header image were all seen.
    const sockets = urls.filter((u) => /^wss?:/.test(u));
    assert.ok(urls.length > 30, `recorded ${urls.length} URLs`);
    assert.ok(sockets.some((u) => /\/rooms\/[^/]+\/socket/.test(u)), `room sockets recorded: ${sockets.join(' ')}`);
    assert.ok(urls.some((u) => /\/attachments\/[^/]+\/download\?/.test(u)), 'the download was recorded');
    assert.ok(urls.some((u) => /\/header\?/.test(u)), 'the header image was recorded');
    assert.ok(sockets.some((u) => /\/rooms\/[^/]+\/peerjs\?/.test(u)), `signaling sockets recorded: ${sockets.join(' ')}`);
  });
});
