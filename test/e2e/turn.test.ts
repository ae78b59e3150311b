/**
 * A call forced to relay only connects through coturn. A real coturn runs in the media lab's network
 * namespace (no Janus: two people stay on the mesh); the server is started with TURN_URLS,
 * TURN_SECRET and ICE_TRANSPORT_POLICY=relay. Two Chromium pages join one room and see each other;
 * each page's RTCPeerConnections are recorded as they are made, and getStats proves the selected
 * candidate pair's local candidate is a relay candidate on coturn. The short-lived credential the
 * server derived travels only inside the room socket's messages: never in a page, request or
 * WebSocket URL; the secret itself never reaches a browser at all.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'puppeteer-core';
import { issueToken } from '../../server/auth.ts';
import { startServer, TEST_SECRET, type RunningServer } from '../../server/testing/spawn.ts';
import { LAB_CHROMIUM_FLAGS, startMediaLab, type MediaLab } from '../support/media-lab.ts';
import { clickButton, launch, openPage, startCoursePage, until, waitForRemoteVideos } from './browser.ts';

const ROOM = 'net-301-turn';

/**
 * Runs in the page before its own scripts: every RTCPeerConnection made (with the configuration it
 * was given) and every text frame any WebSocket receives, for the test to read.
 */
function recordConnections(): void {
  const w = window as any;
  w.__pcs = [];
  w.__frames = [];
  const NativePC = window.RTCPeerConnection;
  class RecordedPC extends NativePC {
    constructor(config?: RTCConfiguration) {
      super(config);
      w.__pcs.push({ pc: this, config: JSON.parse(JSON.stringify(config ?? {})) });
    }
  }
  w.RTCPeerConnection = RecordedPC;
  w.webkitRTCPeerConnection = RecordedPC;
  const NativeWS = window.WebSocket;
  class RecordedWS extends NativeWS {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (e) => {
        if (typeof e.data === 'string' && w.__frames.length < 5000) w.__frames.push(e.data);
      });
    }
  }
  w.WebSocket = RecordedWS;
}

interface SelectedPair {
  state: RTCPeerConnectionState;
  local: string;
  localAddress: string;
  localPort: number;
  remote: string;
  bytesReceived: number;
}

/** The selected candidate pair of every connected RTCPeerConnection on the page. */
function selectedPairs(page: Page): Promise<SelectedPair[]> {
  return page.evaluate(async () => {
    const out: SelectedPair[] = [];
    for (const { pc } of (window as any).__pcs as { pc: RTCPeerConnection }[]) {
      if (pc.connectionState !== 'connected') continue;
      const stats = await pc.getStats();
      let pair: any = null;
      stats.forEach((s: any) => {
        if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId);
      });
      if (!pair) continue;
      const local = stats.get(pair.localCandidateId);
      const remote = stats.get(pair.remoteCandidateId);
      out.push({
        state: pc.connectionState,
        local: local?.candidateType,
        localAddress: local?.address ?? local?.ip,
        localPort: local?.port,
        remote: remote?.candidateType,
        bytesReceived: pair.bytesReceived ?? 0,
      });
    }
    return out;
  });
}

describe('TURN: a call forced to relay only connects through coturn', { timeout: 360_000 }, () => {
  let lab: MediaLab;
  let server: RunningServer;
  let course: { url: string; close(): Promise<void> };
  let browser: Browser;
  let host: Page;
  let ann: Page;
  const urls: string[] = [];

  const open = async (sub: string, name: string, role: 'host' | 'participant') => {
    const token = await issueToken(TEST_SECRET, { sub, name, role, room: ROOM });
    const q = new URLSearchParams({ server: server.url.replace('127.0.0.1', 'localhost'), room: ROOM, token });
    const page = await openPage(browser, `${course.url}?${q}`, { record: (u) => urls.push(u) });
    // Record from the very first script on: reload with the recorder installed (the token hand-over stays).
    await page.evaluateOnNewDocument(recordConnections);
    await page.reload();
    urls.push(page.url());
    return page;
  };

  const frames = (page: Page): Promise<string[]> => page.evaluate(() => (window as any).__frames as string[]);
  /**
   * The configuration of every peer connection that negotiated (PeerJS's own feature checks make a
   * connection with its built-in defaults and close it at once, before any offer or candidate).
   */
  const configs = (page: Page): Promise<RTCConfiguration[]> =>
    page.evaluate(() =>
      ((window as any).__pcs as { pc: RTCPeerConnection; config: RTCConfiguration }[])
        .filter(({ pc }) => pc.localDescription !== null || pc.remoteDescription !== null)
        .map((p) => p.config),
    );
  /** The room-socket messages the page received, parsed (other frames skipped). */
  const messages = async (page: Page): Promise<any[]> =>
    (await frames(page)).flatMap((f) => {
      try {
        return [JSON.parse(f)];
      } catch {
        return [];
      }
    });
  /** Every TURN server the server handed this page (in `welcome` and `media-ticket`). */
  const issuedTurn = async (page: Page): Promise<{ urls: string[]; username: string; credential: string }[]> =>
    (await messages(page))
      .filter((m) => m?.type === 'welcome' || m?.type === 'media-ticket')
      .flatMap((m) => m.iceServers ?? [])
      .filter((s: { urls: string[] }) => s.urls.some((u) => /^turns?:/.test(u)));

  before(async () => {
    lab = await startMediaLab({ janus: false, turn: true });
    server = await startServer({ env: { ...lab.serverEnv(), ICE_TRANSPORT_POLICY: 'relay', LEAVE_GRACE_SECONDS: '2' } });
    course = await startCoursePage();
    browser = await launch(LAB_CHROMIUM_FLAGS);
    host = await open('teacher', 'Ms. Rivera', 'host');
    ann = await open('ann', 'Ann Lee', 'participant');
  });

  after(async () => {
    await browser?.close();
    await course?.close();
    await server?.stop();
    await lab?.stop();
  });

  it('both join the room on the mesh and see each other\'s video', async () => {
    for (const p of [host, ann]) {
      await clickButton(p, 'Join', 30_000);
      await until(p, `window.__deepAll('input#chat-input').length > 0`, 30_000, 'the room view');
    }
    for (const p of [host, ann]) await waitForRemoteVideos(p, 1, 60_000);
    const state = await host.evaluate(() => (document.querySelector('kaltura-room') as any).roomState);
    assert.notEqual(state?.media?.mode, 'sfu', 'two cameras stay on the mesh');
  });

  it('the server handed each page coturn credentials and relay only, and the page used them', async () => {
    for (const [page, id] of [[host, 'teacher'], [ann, 'ann']] as const) {
      const welcome = (await messages(page)).find((m) => m?.type === 'welcome');
      assert.ok(welcome, 'a welcome reached the page');
      assert.equal(welcome.iceTransportPolicy, 'relay', `the welcome says relay only: ${JSON.stringify({ iceServers: welcome.iceServers, iceTransportPolicy: welcome.iceTransportPolicy })}`);
      const turn = (welcome.iceServers ?? []).find((s: { urls: string[] }) => s.urls.some((u) => u.startsWith('turn:')));
      assert.ok(turn, `the welcome carries a TURN server: ${JSON.stringify(welcome.iceServers)}`);
      assert.deepEqual(turn.urls, lab.turnUrls);
      // coturn's shared-secret scheme: `<expiry>:<user>`, HMAC-SHA1 of it under the secret.
      const [expiry, user] = turn.username.split(':');
      assert.equal(user, id);
      assert.ok(Math.abs(Number(expiry) - (Date.now() / 1000 + 3600)) < 600, `expires in about an hour: ${turn.username}`);
      assert.equal(turn.credential, createHmac('sha1', lab.turnSecret).update(turn.username).digest('base64'));

      const made = await configs(page);
      assert.ok(made.length > 0, 'the page made peer connections');
      for (const config of made) {
        assert.equal(config.iceTransportPolicy, 'relay', `every peer connection is relay only: ${JSON.stringify(config)}`);
        assert.ok(config.iceServers?.some((s) => s.username === turn.username && s.credential === turn.credential), 'with the TURN credential');
      }
    }
  });

  it('the selected candidate pair on each page is a relay candidate on coturn, carrying media', async () => {
    for (const page of [host, ann]) {
      await until(page, `window.__pcs.some(({ pc }) => pc.connectionState === 'connected')`, 30_000, 'a connected peer connection');
      const pairs = await selectedPairs(page);
      assert.ok(pairs.length > 0, 'a selected candidate pair');
      for (const pair of pairs) {
        assert.equal(pair.local, 'relay', `local candidate: ${JSON.stringify(pair)}`);
        assert.equal(pair.localAddress, lab.labAddress, 'allocated on the lab\'s coturn');
        assert.equal(pair.remote, 'relay', 'the other side relays too');
        assert.ok(pair.bytesReceived > 0, 'media arrives over it');
      }
    }
  });

  it('no page, request or WebSocket URL carries the TURN credential, and the secret never reaches a browser', async () => {
    const secrets = new Set<string>([lab.turnSecret]);
    for (const page of [host, ann]) {
      const issued = await issuedTurn(page);
      assert.ok(issued.length > 0, 'the page was given TURN credentials');
      for (const s of issued) secrets.add(s.username).add(s.credential);
    }
    urls.push(host.url(), ann.url());
    assert.ok(urls.some((u) => u.startsWith('ws://') && u.includes('/socket')), `the room socket URL was recorded: ${urls.length} URLs`);
    for (const u of urls) {
      let decoded = u;
      try {
        decoded = decodeURIComponent(u);
      } catch {
        /* not percent-encoded text: checked as it is */
      }
      for (const s of secrets) {
        assert.ok(!u.includes(s) && !decoded.includes(s) && !u.includes(encodeURIComponent(s)), `a TURN credential in ${u}`);
      }
    }
    for (const page of [host, ann]) {
      for (const frame of await frames(page)) assert.ok(!frame.includes(lab.turnSecret), 'the TURN secret in a message to the browser');
      const html = await page.content();
      assert.ok(!html.includes(lab.turnSecret));
    }
  });
});
