/**
 * Event sessions end to end: the real server in demo mode (the seeded event
 * `demo-summit`), an event portal on its own origin that loads only the drop-in
 * script and embeds `<event-agenda>` with a token it signed, and the demo portal.
 *
 * An organizer adds a session (tags, a new tag, a speaker, a moderator), uploads a
 * PDF and watches its progress, edits, downloads (byte-identical) and deletes it;
 * the agenda filters by typed tags and opens the editor from a name or the three dots; the
 * demo portal's Event overview has Agenda at a glance; an attendee sees only what
 * visibility allows; Start Meeting opens the session's live room, and an attendee who
 * came early waits on "The session will start soon" and gets in by themselves.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, ElementHandle, Page } from 'puppeteer-core';
import { issueEventToken } from '../../server/sessions/auth.ts';
import { startServer, TEST_SECRET, type RunningServer } from '../../server/testing/spawn.ts';
import { clickButton, clickSelector, launch, openPage, until, waitForRemoteVideos, waitForText } from './browser.ts';

const EVENT = 'demo-summit';
const TITLE = 'Genetics hands-on lab';

/** A third-party event portal: its own origin, the drop-in script and `<event-agenda>`. */
async function startPortal(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    const esc = (s: string) => s.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
    const srv = esc(q.get('server') ?? '');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Portal</title>
<script type="module" src="${srv}/kaltura-room.js"></script></head>
<body><h1>Life Sciences Summit</h1>
<event-agenda server="${srv}" event="${EVENT}" token="${esc(q.get('token') ?? '')}"
  session-url="https://portal.example/sessions/{id}"></event-agenda>
</body></html>`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://localhost:${port}/portal`, close: () => new Promise((r) => server.close(() => r())) };
}

/** The first element matching `sel` in any shadow root. */
async function deep(page: Page, sel: string): Promise<ElementHandle<Element>> {
  await until(page, `window.__deepAll(${JSON.stringify(sel)}).length > 0`, 15_000, sel);
  return (await page.evaluateHandle(`window.__deepAll(${JSON.stringify(sel)})[0]`)) as ElementHandle<Element>;
}

/** Focus a field (in any shadow root), clear it and type like a user. */
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
  const want = JSON.stringify(option);
  await until(page, `window.__deepAll('#${picker}-list [role="option"]').some((o) => o.textContent.replace(/\\s+/g, ' ').trim().endsWith(${want}))`, 10_000, `option ${option}`);
  await page.evaluate(`window.__deepAll('#${picker}-list [role="option"]').find((o) => o.textContent.replace(/\\s+/g, ' ').trim().endsWith(${want})).click()`);
}

/** Filter the agenda by a tag: type its first letters, then tick its checkbox with the mouse. */
async function filterTag(page: Page, name: string): Promise<void> {
  await fill(page, '#tag-filter-input', name.slice(0, 3));
  // An option reads "✓Name" once ticked (the check mark is hidden from assistive technology).
  const find = `window.__deepAll('#tag-filter-list [role="option"]').find((o) => o.textContent.replace('✓', '').trim() === ${JSON.stringify(name)})`;
  await until(page, `!!${find}`, 10_000, `tag "${name}" in the filter's list`);
  const box = (await page.evaluateHandle(`${find}.querySelector('.check')`)) as ElementHandle<Element>;
  await box.click();
  await until(page, `${find}.getAttribute('aria-selected') === 'true'`, 10_000, `tag "${name}" ticked`);
  // Done choosing: close the list, which stays open for more ticks.
  await page.keyboard.press('Escape');
  await until(page, `window.__deepAll('#tag-filter-input')[0].getAttribute('aria-expanded') === 'false'`, 10_000, 'tag list closed');
}

const titles = (page: Page) =>
  page.evaluate(`window.__deepAll('event-agenda')[0].shadowRoot.querySelectorAll('.item .title').length
    ? [...window.__deepAll('event-agenda')[0].shadowRoot.querySelectorAll('.item .title')].map((t) => t.textContent.trim()) : []`) as Promise<string[]>;

describe('event sessions: portal, editor, agenda and meeting', { timeout: 300_000 }, () => {
  let server: RunningServer;
  let portal: { url: string; close(): Promise<void> };
  let browser: Browser;
  let organizer: Page;
  let attendee: Page;
  const files = mkdtempSync(join(tmpdir(), 'sessions-e2e-'));
  const pdf = join(files, 'Roadmap.pdf');
  const downloads = join(files, 'downloads');
  const pdfBytes = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(3 * 1024 * 1024)]);

  before(async () => {
    writeFileSync(pdf, pdfBytes);
    mkdirSync(downloads);
    server = await startServer({ env: { DEMO: '1' } });
    portal = await startPortal();
    browser = await launch();
    const token = await issueEventToken(TEST_SECRET, { sub: 'olivia-grant', name: 'Olivia Grant', event: EVENT, eventRole: 'organizer' });
    const q = new URLSearchParams({ server: server.url.replace('127.0.0.1', 'localhost'), token });
    organizer = await openPage(browser, `${portal.url}?${q}`);
  });

  after(async () => {
    await browser?.close();
    await portal?.close();
    await server?.stop();
  });

  it('the organizer sees the seeded agenda, private sessions included', async () => {
    await waitForText(organizer, 'Life Sciences Summit');
    await until(organizer, `window.__deepAll('.item .title').length === 3`, 15_000, 'three seeded sessions');
    assert.deepEqual(await titles(organizer), ['Speaker rehearsal', 'Opening keynote: the living cell', 'Hands-on microscopy workshop']);
  });

  it('the organizer creates a session with tags (one new), a speaker and a moderator', async () => {
    await clickButton(organizer, 'Add session');
    await clickButton(organizer, /^Interactive room/);
    await fill(organizer, '#f-title', TITLE);
    await fill(organizer, '#f-description', 'Extract DNA from strawberries, in small groups.');
    await pick(organizer, 'tags', 'Work', 'Workshop');
    await pick(organizer, 'tags', 'Genetics', '+ Create tag "Genetics"');
    await until(organizer, `window.__deepAll('.chip').some((c) => c.textContent.trim() === 'Genetics')`, 10_000, 'new tag attached');
    const date = new Date(Date.now() + 8 * 86_400_000).toISOString().slice(0, 10);
    await (await deep(organizer, '#f-date')).evaluate((el, d) => {
      (el as HTMLInputElement).value = d;
      el.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    }, date);
    await (await deep(organizer, '#f-time')).evaluate((el) => {
      (el as HTMLInputElement).value = '14:00';
      el.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    });
    await fill(organizer, '#f-duration', '75');
    await pick(organizer, 'speakers', 'Kenji', 'Kenji Watanabe');
    await pick(organizer, 'moderators', 'Morgan', 'Morgan Lee');
    await (await deep(organizer, 'input[name="visibility"][value="published"]')).click();
    await clickButton(organizer, 'Create');
    await waitForText(organizer, 'Session created.');
    await waitForText(organizer, 'Attachments (0)');
  });

  it('uploads a PDF with a visible progress bar', async () => {
    await clickButton(organizer, 'Attachments (0)');
    // Slow the upload down so the progress bar has something to show.
    const cdp = await organizer.createCDPSession();
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 1024 * 1024 });
    const input = (await deep(organizer, '#att-file')) as ElementHandle<HTMLInputElement>;
    await input.uploadFile(pdf);
    const seen = new Set<number>();
    const started = Date.now();
    while (Date.now() - started < 30_000) {
      const v = (await organizer.evaluate(`window.__deepAll('progress').map((p) => p.value)[0] ?? null`)) as number | null;
      if (v === null && seen.size) break;
      if (v !== null) seen.add(v);
      await new Promise((r) => setTimeout(r, 50));
    }
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    assert.ok([...seen].some((v) => v > 0 && v < 100), `progress values seen: ${[...seen].join(', ')}`);
    await waitForText(organizer, 'Upload complete. "Roadmap.pdf" is attached.');
    await waitForText(organizer, 'Attachments (1)');
  });

  it('edits the attachment, downloads the same bytes under the original name, and deletes it', async () => {
    await clickButton(organizer, 'Actions for Roadmap');
    await clickButton(organizer, 'Edit');
    await fill(organizer, '#d-title', 'Lab roadmap');
    await fill(organizer, '#d-description', 'What we will do, step by step.');
    await clickButton(organizer, 'Save changes');
    await waitForText(organizer, 'Saved the details of "Lab roadmap".');

    const cdp = await browser.target().createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', {
      behavior: 'allow',
      downloadPath: downloads,
      browserContextId: organizer.browserContext().id,
    });
    await clickButton(organizer, 'Actions for Lab roadmap');
    await clickButton(organizer, 'Download');
    const started = Date.now();
    while (!readdirSync(downloads, { withFileTypes: true }).some((f) => f.name === 'Roadmap.pdf')) {
      if (Date.now() - started > 20_000) throw new Error(`no download; have ${readdirSync(downloads).join(', ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(readFileSync(join(downloads, 'Roadmap.pdf')).equals(pdfBytes), 'downloaded bytes equal the upload');

    await clickButton(organizer, 'Actions for Lab roadmap');
    await clickButton(organizer, 'More info');
    await waitForText(organizer, 'pdf document');
    const info = (await organizer.evaluate(`window.__deepAll('#info-dialog')[0].textContent.replace(/\\s+/g, ' ')`)) as string;
    assert.match(info, /Title: Lab roadmap Description: What we will do, step by step\. File type: pdf document Size: 3 MB Creation date: \S+/);
    await organizer.keyboard.press('Escape');

    await clickButton(organizer, 'Actions for Lab roadmap');
    await clickButton(organizer, 'Delete');
    await waitForText(organizer, 'You\'re about to permanently delete "Lab roadmap". You cannot undo this action.');
    await clickButton(organizer, 'Delete');
    await waitForText(organizer, 'Deleted. "Lab roadmap" is no longer attached.');
    await waitForText(organizer, 'Attachments (0)');
  });

  it('the agenda lists the new session and filters by tag', async () => {
    await clickButton(organizer, 'Close');
    await until(organizer, `window.__deepAll('.item .title').length === 4`, 15_000, 'four sessions');
    assert.deepEqual(await titles(organizer), ['Speaker rehearsal', 'Opening keynote: the living cell', 'Hands-on microscopy workshop', TITLE]);
    await filterTag(organizer, 'Genetics');
    await until(organizer, `window.__deepAll('.item .title').length === 1`, 10_000, 'filtered by Genetics');
    assert.deepEqual(await titles(organizer), [TITLE]);
    await filterTag(organizer, 'Workshop');
    await until(organizer, `window.__deepAll('.item .title').length === 2`, 10_000, 'Genetics or Workshop');
    assert.deepEqual(await titles(organizer), ['Hands-on microscopy workshop', TITLE]);
    await clickButton(organizer, 'Clear filter');
    await until(organizer, `window.__deepAll('.item .title').length === 4`, 10_000, 'unfiltered');
  });

  it('clicking a session\'s name opens its editor; so do the three blue dots and Edit', async () => {
    await clickButton(organizer, TITLE);
    await until(organizer, `window.__deepAll('#editor-dialog')[0]?.open && window.__deepAll('#f-title')[0]?.value === ${JSON.stringify(TITLE)}`, 15_000, 'editor of the session');
    await organizer.keyboard.press('Escape');
    await until(organizer, `!window.__deepAll('#editor-dialog')[0].open`, 10_000, 'editor closed');
    await clickButton(organizer, `More actions for ${TITLE}`);
    await clickButton(organizer, 'Edit');
    await until(organizer, `window.__deepAll('#editor-dialog')[0]?.open && window.__deepAll('#f-title')[0]?.value === ${JSON.stringify(TITLE)}`, 15_000, 'editor from the menu');
    await clickButton(organizer, 'Close');
    await until(organizer, `!window.__deepAll('#editor-dialog')[0].open`, 10_000, 'editor closed');
  });

  it('the demo portal\'s Event overview has Agenda at a glance: Add session, the pencil, go to session', async () => {
    const page = await openPage(browser, `${server.url}/demo/portal.html?user=olivia-grant&page=overview`);
    await waitForText(page, 'Agenda at a glance');
    // The glance's own titles (not another element's), once its list has loaded with the new session.
    const glanceTitles = await until<string[]>(
      page,
      `(() => { const g = window.__deepAll('agenda-glance')[0]; const t = g?.shadowRoot ? [...g.shadowRoot.querySelectorAll('[part="session-title"]')].map((x) => x.textContent.trim()) : []; return t.includes(${JSON.stringify(TITLE)}) && t; })()`,
      15_000,
      'the new session at a glance',
    );
    assert.deepEqual(glanceTitles, ['Speaker rehearsal', 'Opening keynote: the living cell', 'Hands-on microscopy workshop', TITLE]);
    await clickButton(page, 'Add session');
    await waitForText(page, 'Interactive room');
    await clickButton(page, 'Close');
    // Hover over the session: its blue pencil edits it.
    const row = (await page.evaluateHandle(`[...window.__deepAll('agenda-glance')[0].shadowRoot.querySelectorAll('.item')].find((i) => i.textContent.includes(${JSON.stringify(TITLE)}))`)) as ElementHandle<Element>;
    await row.hover();
    await until(page, `getComputedStyle([...window.__deepAll('agenda-glance')[0].shadowRoot.querySelectorAll('.item')].find((i) => i.textContent.includes(${JSON.stringify(TITLE)})).querySelector('.item-actions')).opacity === '1'`, 10_000, 'pencil shown on hover');
    await clickButton(page, `Edit ${TITLE}`);
    await until(page, `window.__deepAll('#f-title')[0]?.value === ${JSON.stringify(TITLE)}`, 15_000, 'editor from the pencil');
    await clickButton(page, 'Close');
    // The blue box with arrow goes to the session's page.
    await row.hover();
    await clickSelector(page, `a[aria-label=${JSON.stringify(`Go to session ${TITLE}`)}]`);
    await until(page, `window.__deepAll('event-agenda')[0]?.sessionId && window.__deepAll('.session-page h2')[0]?.textContent === ${JSON.stringify(TITLE)}`, 15_000, 'the session page');
    assert.match(page.url(), /\?session=s[0-9a-f]+$/);
    await page.close();
  });

  it('an attendee on the demo portal sees only the published sessions', async () => {
    attendee = await openPage(browser, `${server.url}/demo/portal.html?user=alex-kim`);
    await until(attendee, `window.__deepAll('.item .title').length === 3`, 15_000, 'attendee agenda');
    assert.deepEqual(await titles(attendee), ['Opening keynote: the living cell', 'Hands-on microscopy workshop', TITLE]);
    const editButtons = await attendee.evaluate(`window.__deepAll('[part="edit-button"], [part="add-button"]').length`);
    assert.equal(editButtons, 0);
  });

  it('Start Meeting opens the live room; an attendee who came early waits and enters by themselves', async () => {
    await clickButton(attendee, `Go to session ${TITLE}`);
    await clickButton(attendee, 'Join Meeting');
    await waitForText(attendee, 'The session will start soon');
    await waitForText(attendee, 'You will join by yourself as soon as a moderator starts the meeting.');

    await clickButton(organizer, `Go to session ${TITLE}`);
    await clickButton(organizer, 'Start Meeting');
    await waitForText(organizer, 'Ready to join?');
    await clickButton(organizer, 'Join');
    await until(organizer, `window.__deepAll('input#chat-input').length > 0`, 15_000, 'organizer in the room');

    // No Try again: the waiting screen gives way to the room by itself.
    await waitForText(attendee, 'Ready to join?', 30_000);
    await clickButton(attendee, 'Join');
    await until(attendee, `window.__deepAll('input#chat-input').length > 0`, 15_000, 'attendee in the room');
    await waitForRemoteVideos(organizer, 1);
    await waitForRemoteVideos(attendee, 1);
    const room = (await organizer.evaluate(`window.__deepAll('kaltura-room')[0].getAttribute('room')`)) as string;
    assert.match(room, /^demo-summit\.s[0-9a-f]+$/);
  });
});
