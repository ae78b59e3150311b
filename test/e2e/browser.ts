/**
 * End-to-end helpers: headless Chromium (Debian's, never a downloaded one) with
 * a fake camera and microphone, pages of a plain "course page" that loads only
 * the drop-in script, and lookups that pierce the element's shadow DOM.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';

import { CHROMIUM, CHROMIUM_ARGS } from '../chromium.ts';

/** `extra`: more Chromium switches (screen capture's picker, for one). */
export async function launch(extra: string[] = []): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      ...CHROMIUM_ARGS,
      '--autoplay-policy=no-user-gesture-required',
      '--disable-renderer-backgrounding',
      '--disable-background-timer-throttling',
      '--disable-backgrounding-occluded-windows',
      ...extra,
    ],
  });
}

/**
 * A stand-in for an LMS: its own origin, serving a page with nothing but the
 * script tag and the element (`/course?server=…&room=…`). A real LMS renders the
 * token into its page on the server; tests pass it as `token=` to `openPage`,
 * which hands it to the element without it ever being part of a URL.
 */
export async function startCoursePage(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    const esc = (s: string) => s.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
    const srv = esc(q.get('server') ?? '');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Course</title>
<script type="module" src="${srv}/kaltura-room.js"></script></head>
<body><h1>Week 3</h1>
<kaltura-room server="${srv}" room="${esc(q.get('room') ?? '')}"></kaltura-room>
</body></html>`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}/course`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** Runs in the page: every element matching `sel`, in the document and all open shadow roots. */
const DEEP = `
  window.__deepAll = (sel) => {
    const out = [];
    const walk = (root) => {
      out.push(...root.querySelectorAll(sel));
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot);
    };
    walk(document);
    return out;
  };
  window.__deepText = () => {
    const parts = [];
    const walk = (root) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) walk(el.shadowRoot);
      }
      parts.push(root === document ? document.body.innerText : [...root.children].map((c) => c.innerText ?? c.textContent ?? '').join(' '));
    };
    walk(document);
    return parts.join('\\n');
  };
`;

/**
 * Runs in the page before its own scripts: gives the embedded element the token
 * the host page would have rendered, as soon as the parser inserts the element.
 */
function handTokenToElements(token: string): void {
  const give = (root: ParentNode) => {
    for (const el of root.querySelectorAll('kaltura-room, breakout-dashboard, event-agenda, session-editor')) {
      if (!el.getAttribute('token')) el.setAttribute('token', token);
    }
  };
  new MutationObserver(() => give(document)).observe(document, { childList: true, subtree: true });
}

/**
 * Open `url` in a fresh browser context. A `token` in its query string is taken
 * out of the URL and set on the page's element instead (no token in any URL).
 * `record` sees every request URL and WebSocket URL the page makes; `init` runs in the page before its scripts.
 */
export async function openPage(browser: Browser, url: string, opts: { record?: (url: string) => void; init?: () => void } = {}): Promise<Page> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport({ width: 1100, height: 800 });
  // A busy machine (six pages sending video) can take longer than the default 30 s to load one.
  page.setDefaultNavigationTimeout(120_000);
  page.on('pageerror', (err) => console.error('[page error]', err));
  if (opts.record) {
    const record = opts.record;
    page.on('request', (req) => record(req.url()));
    const cdp = await page.createCDPSession();
    await cdp.send('Network.enable');
    cdp.on('Network.webSocketCreated', (e) => record(e.url));
  }
  const target = new URL(url);
  const token = target.searchParams.get('token');
  if (token !== null) {
    target.searchParams.delete('token');
    url = target.href;
    await page.evaluateOnNewDocument(handTokenToElements, token);
  }
  await page.evaluateOnNewDocument(DEEP);
  if (opts.init) await page.evaluateOnNewDocument(opts.init);
  await page.goto(url);
  await page.evaluate(DEEP);
  return page;
}

/**
 * No wait of these helpers gives up sooner than this: on a loaded 2-core machine running five
 * browsers, a page can need tens of seconds to load code on first use or to reconnect its calls. A
 * longer time can be asked for; a shorter one is not a test of speed, so it is raised to this.
 */
export const PATIENCE_MS = 60_000;
const patient = (ms: number) => Math.max(ms, PATIENCE_MS);

/** Wait until `fn` (run in the page) returns something truthy. */
export async function until<T>(page: Page, fn: string, timeoutMs = PATIENCE_MS, what = fn): Promise<T> {
  timeoutMs = patient(timeoutMs);
  const started = Date.now();
  for (;;) {
    const v = await page.evaluate(fn).catch(() => null);
    if (v) return v as T;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Start watching, inside the page, for `text` to appear, however briefly (a 2 s countdown that a
 * slow round trip from the test could miss); `waitForText` on the returned name then waits for it.
 */
export async function watchForText(page: Page, text: string): Promise<void> {
  await page.evaluate((t) => {
    const w = window as any;
    w.__seen ??= {};
    w.__seen[t] = false;
    const timer = setInterval(() => {
      if (w.__deepText().includes(t)) {
        w.__seen[t] = true;
        clearInterval(timer);
      }
    }, 25);
  }, text);
}

/** Wait until text watched with `watchForText` has appeared at least once. */
export function sawText(page: Page, text: string, timeoutMs = PATIENCE_MS): Promise<unknown> {
  return until(page, `window.__seen && window.__seen[${JSON.stringify(text)}] === true`, timeoutMs, `text "${text}" (watched)`);
}

export function waitForText(page: Page, text: string, timeoutMs = PATIENCE_MS): Promise<unknown> {
  return until(page, `window.__deepText().includes(${JSON.stringify(text)})`, timeoutMs, `text "${text}"`);
}

/** What a page shows of its controls and notices now, for a failure's message. */
async function visibleControls(page: Page): Promise<string> {
  return page
    .evaluate(`(() => {
      const text = (e) => (e.getAttribute('aria-label') || e.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 60);
      const shown = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
      const buttons = window.__deepAll('button, [role="menuitem"]').filter(shown).map((b) => text(b) + (b.disabled ? ' (disabled)' : ''));
      const dialogs = window.__deepAll('dialog[open], [role="dialog"], [role="alertdialog"]').filter(shown).map(text);
      const notices = window.__deepAll('[role="alert"], [role="status"], [part~="notice"]').map(text).filter(Boolean);
      return 'buttons shown: ' + JSON.stringify(buttons) + '; dialogs: ' + JSON.stringify(dialogs.map((d) => d.slice(0, 80))) + '; notices: ' + JSON.stringify(notices);
    })()`)
    .catch((e: Error) => `(the page could not be read: ${e.message})`) as Promise<string>;
}

/** The visible, enabled button (or menu item) whose text or label matches, clicked with the mouse. */
export async function clickButton(page: Page, label: string | RegExp, timeoutMs = PATIENCE_MS): Promise<void> {
  timeoutMs = patient(timeoutMs);
  const src = label instanceof RegExp ? `new RegExp(${JSON.stringify(label.source)}, ${JSON.stringify(label.flags)})` : JSON.stringify(label);
  const started = Date.now();
  for (;;) {
    const handle = (await page.evaluateHandle(`(() => {
      const want = ${src};
      const match = (s) => typeof want === 'string' ? s === want : want.test(s);
      return window.__deepAll('button, [role="menuitem"]').find((b) => {
        const r = b.getBoundingClientRect();
        const name = (b.getAttribute('aria-label') || b.textContent || '').replace(/\\s+/g, ' ').trim();
        return r.width > 0 && r.height > 0 && !b.disabled && (match(name) || match((b.textContent || '').replace(/\\s+/g, ' ').trim()));
      }) || null;
    })()`)) as ElementHandle<Element>;
    if (await handle.evaluate((h) => h !== null).catch(() => false)) {
      await handle.click();
      return;
    }
    if (Date.now() - started > timeoutMs) throw new Error(`no button "${label}" on ${page.url()} after ${timeoutMs} ms; ${await visibleControls(page)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** How many remote videos are really playing (frames decoded and time advancing). */
export function playingRemoteVideos(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const vids = (window as any).__deepAll('video') as HTMLVideoElement[];
    const remote = vids.filter((v) => !v.muted && v.srcObject);
    // Frames presented over a second: a video counts when at least one new frame showed. (A short
    // window misses videos that are playing but stall for a moment on a busy machine.)
    const frames = (v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames;
    const before = remote.map(frames);
    await new Promise((r) => setTimeout(r, 1000));
    return remote.filter((v, i) => v.videoWidth > 0 && v.readyState >= 2 && frames(v) > before[i]).length;
  });
}

export async function waitForRemoteVideos(page: Page, n: number, timeoutMs = 40_000): Promise<void> {
  timeoutMs = patient(timeoutMs);
  const started = Date.now();
  let last = -1;
  while (Date.now() - started < timeoutMs) {
    last = await playingRemoteVideos(page);
    if (last === n) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`expected ${n} playing remote videos, saw ${last}`);
}

/** Click the first visible element matching a CSS selector (searched through shadow roots). */
export async function clickSelector(page: Page, selector: string, timeoutMs = PATIENCE_MS): Promise<void> {
  timeoutMs = patient(timeoutMs);
  const started = Date.now();
  for (;;) {
    const handle = (await page.evaluateHandle(
      (sel) =>
        ((window as any).__deepAll(sel) as Element[]).find((b) => {
          const r = b.getBoundingClientRect();
          return r.width > 0 && r.height > 0;
        }) ?? null,
      selector,
    )) as ElementHandle<Element>;
    if (await handle.evaluate((h) => h !== null).catch(() => false)) return handle.click();
    if (Date.now() - started > timeoutMs) throw new Error(`nothing visible matches ${selector}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Focus the first element matching a CSS selector (through shadow roots, once there is one), select its text, type. */
export async function typeInto(page: Page, selector: string, text: string): Promise<void> {
  // The field may belong to code that loads on first use (the breakout console): wait for it.
  await until(page, `window.__deepAll(${JSON.stringify(selector)}).length > 0`, PATIENCE_MS, selector);
  await page.evaluate((sel) => {
    const el = (window as any).__deepAll(sel)[0] as HTMLInputElement;
    el.focus();
    el.select?.();
  }, selector);
  await page.keyboard.type(text);
}

/** The room state as this page's `<kaltura-room>` mirrors it. */
export function roomState(page: Page): Promise<any> {
  return page.evaluate(() => (document.querySelector('kaltura-room') as any)?.roomState ?? null);
}
