/**
 * One page of the media benchmark: its own headless Chromium (so the browser's process tree is the
 * page's whole cost) on the plain course page, joined to a room with the fake camera and microphone,
 * with every RTCPeerConnection it makes tracked so its received video can be read from getStats.
 */
import type { Browser, Page } from 'puppeteer-core';
import { issueToken } from '../server/auth.ts';
import { TEST_SECRET } from '../server/testing/spawn.ts';
import { clickButton, launch, openPage, until } from '../test/e2e/browser.ts';

export interface BenchPage {
  name: string;
  browser: Browser;
  page: Page;
  /** The browser process: the root of the tree whose CPU is this page's. */
  pid: number;
  close(): Promise<void>;
}

/** Runs in the page before its scripts: remember every peer connection, numbered. */
function trackPeerConnections(): void {
  const w = window as any;
  const Native = w.RTCPeerConnection as typeof RTCPeerConnection;
  let n = 0;
  w.__pcs = [] as RTCPeerConnection[];
  class Tracked extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      (this as any).__benchId = n++;
      w.__pcs.push(this);
    }
  }
  w.RTCPeerConnection = Tracked;
}

export interface ReceivedVideo {
  /** Frames decoded so far, by stream (connection and stats id). */
  frames: Record<string, number>;
  /** The height of the last frame decoded, by stream. */
  heights: Record<string, number>;
}

/** Every received video stream of the page's open connections: frames decoded so far and their height. */
export function receivedVideo(page: Page): Promise<ReceivedVideo> {
  return bounded(page, 'reading its received video', async () => {
    const w = window as any;
    w.__pcs = (w.__pcs as RTCPeerConnection[]).filter((pc) => pc.signalingState !== 'closed');
    const out = { frames: {} as Record<string, number>, heights: {} as Record<string, number> };
    for (const pc of w.__pcs as RTCPeerConnection[]) {
      const stats = await Promise.race([pc.getStats().catch(() => null), new Promise<null>((r) => setTimeout(() => r(null), 5000))]);
      stats?.forEach((s: any) => {
        if (s.type !== 'inbound-rtp' || s.kind !== 'video') return;
        const key = `${(pc as any).__benchId}/${s.id}`;
        out.frames[key] = s.framesDecoded ?? 0;
        out.heights[key] = s.frameHeight ?? 0;
      });
    }
    return out;
  });
}

/** The room's media mode as this page sees it (`mesh` when the state says nothing). */
export function pageMediaMode(page: Page): Promise<string> {
  return bounded(page, 'reading its media mode', () => (document.querySelector('kaltura-room') as any)?.roomState?.media?.mode ?? 'mesh');
}

/** `page.evaluate(fn)`, refused after 30 s with what was asked (a starved page, not a 3-minute hang). */
async function bounded<T>(page: Page, what: string, fn: () => T | Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`a page did not answer within 30 s ${what}`)), 30_000);
  });
  try {
    return await Promise.race([page.evaluate(fn) as Promise<T>, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Set (or remove, with null) the element's `last-n` attribute. */
export function setLastN(page: Page, n: number | null): Promise<void> {
  return page.evaluate((v) => {
    const el = document.querySelector('kaltura-room')!;
    if (v === null) el.removeAttribute('last-n');
    else el.setAttribute('last-n', String(v));
  }, n);
}

/**
 * Launch a Chromium for one person and join `room` on `serverUrl` through the course page.
 * `lastN` is set on the element before it joins.
 */
export async function joinPage(opts: {
  courseUrl: string;
  serverUrl: string;
  room: string;
  sub: string;
  role: 'host' | 'participant';
  flags: string[];
  lastN?: number;
}): Promise<BenchPage> {
  const browser = await launch(opts.flags);
  const pid = browser.process()?.pid;
  if (!pid) {
    await browser.close();
    throw new Error('Chromium started without a process id');
  }
  const close = async () => {
    // A starved browser may not answer: it gets 15 s, then its process is killed.
    const closed = await Promise.race([browser.close().then(() => true, () => false), new Promise<boolean>((r) => setTimeout(() => r(false), 15_000))]);
    if (!closed) browser.process()?.kill('SIGKILL');
  };
  const bp: BenchPage = { name: opts.sub, browser, page: null as unknown as Page, pid, close };
  try {
    const token = await issueToken(TEST_SECRET, { sub: opts.sub, name: opts.sub, role: opts.role, room: opts.room });
    // openPage hands the token to the element and takes it out of the URL.
    const q = new URLSearchParams({ server: opts.serverUrl.replace('127.0.0.1', 'localhost'), room: opts.room, token });
    const page = await openPage(browser, `${opts.courseUrl}?${q}`, { init: trackPeerConnections });
    if (!(await page.evaluate(() => Array.isArray((window as any).__pcs)))) throw new Error('the peer connection tracker did not load before the page');
    bp.page = page;
    await until(page, `window.__deepAll('video').some((v) => v.videoWidth > 0)`, 60_000, `${opts.sub}'s camera preview`);
    if (opts.lastN !== undefined) await setLastN(page, opts.lastN);
    await clickButton(page, 'Join', 30_000);
    await until(page, `window.__deepAll('input#chat-input').length > 0`, 30_000, `${opts.sub} in the room`);
    return bp;
  } catch (e) {
    // Say what the page showed: a refusal or a missing script reads very differently from a slow machine.
    const shown = await bp.page?.evaluate(() => (window as any).__deepText?.() ?? document.body?.innerText ?? '').catch(() => '');
    await bp.close();
    throw new Error(`${(e as Error).message}; the page showed: ${String(shown ?? '').replace(/\s+/g, ' ').slice(0, 300)}`);
  }
}
