/**
 * Who receives media is the server's decision, end to end. A host in a real <kaltura-room> in
 * Chromium; an attacker in another Chromium page with the stock `peerjs` client, speaking the
 * room socket by hand. While present the attacker gets the host's video (so the measuring works);
 * after leaving (keeping both sockets open) it receives zero frames, cannot signal again with any
 * ticket it saved, and has no tile on the host's page.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'puppeteer-core';
import { issueToken } from '../../server/auth.ts';
import { startServer, TEST_SECRET, type RunningServer } from '../../server/testing/spawn.ts';
import { clickButton, launch, openPage, startCoursePage, until, waitForRemoteVideos, waitForText } from './browser.ts';

const ROOM = 'media-security';
const PEERJS = createRequire(import.meta.url).resolve('peerjs/dist/peerjs.min.js');

describe('media only for those present', { timeout: 180_000 }, () => {
  let server: RunningServer;
  let course: { url: string; close(): Promise<void> };
  let browser: Browser;
  let host: Page;
  let attacker: Page;

  before(async () => {
    server = await startServer({ env: { LEAVE_GRACE_SECONDS: '30' } });
    course = await startCoursePage();
    browser = await launch();
    const token = await issueToken(TEST_SECRET, { sub: 'teacher', name: 'Ms. Rivera', role: 'host', room: ROOM });
    const base = server.url.replace('127.0.0.1', 'localhost');
    host = await openPage(browser, `${course.url}?${new URLSearchParams({ server: base, room: ROOM, token })}`);
    // The attacker: a blank page of the same course origin, with the stock PeerJS client.
    attacker = await openPage(browser, `${course.url}?server=`);
    await attacker.addScriptTag({ path: PEERJS });
  });

  after(async () => {
    await browser?.close();
    await course?.close();
    await server?.stop();
  });

  it('a stock PeerJS client that left receives zero frames and appears in no tile', async () => {
    await waitForText(host, 'Ready to join?');
    await clickButton(host, 'Join');
    await until(host, `window.__deepAll('input#chat-input').length > 0`, 20_000, 'the host in the room');

    const token = await issueToken(TEST_SECRET, { sub: 'mallory', name: 'Mallory', role: 'participant', room: ROOM });
    const port = server.port;
    // Join over the room socket, keep a spare media ticket, and take calls with a canvas stream.
    await attacker.evaluate(
      async (token: string, port: number, room: string) => {
        const w = window as any;
        const ws = new WebSocket(`ws://localhost:${port}/rooms/${room}/socket`);
        w.__room = ws;
        w.__msgs = [];
        const next = (pred: (m: any) => boolean) =>
          new Promise<any>((resolve) => {
            const have = w.__msgs.find(pred);
            if (have) return resolve(have);
            ws.addEventListener('message', function on(e) {
              const m = JSON.parse(e.data);
              if (pred(m)) {
                ws.removeEventListener('message', on);
                resolve(m);
              }
            });
          });
        w.__next = next;
        ws.addEventListener('message', (e) => w.__msgs.push(JSON.parse(e.data)));
        await new Promise((r) => ws.addEventListener('open', r, { once: true }));
        ws.send(JSON.stringify({ type: 'hello', token }));
        const welcome = await next((m) => m.type === 'welcome');
        w.__welcome = welcome;
        ws.send(JSON.stringify({ type: 'media-ticket' }));
        w.__spare = (await next((m) => m.type === 'media-ticket')).ticket;

        const canvas = document.createElement('canvas');
        canvas.width = 160;
        canvas.height = 120;
        const ctx = canvas.getContext('2d')!;
        setInterval(() => {
          ctx.fillStyle = `hsl(${Date.now() % 360} 80% 50%)`;
          ctx.fillRect(0, 0, 160, 120);
        }, 50);
        const mine = canvas.captureStream(15);
        w.__frames = 0;
        w.__pcs = [];
        const watch = (call: any) => {
          call.on('stream', (stream: MediaStream) => {
            const v = document.createElement('video');
            v.muted = true;
            v.srcObject = stream;
            document.body.append(v);
            void v.play();
            const count = () => {
              w.__frames++;
              v.requestVideoFrameCallback(count);
            };
            v.requestVideoFrameCallback(count);
          });
          w.__pcs.push(() => call.peerConnection);
        };
        const peer = new w.peerjs.Peer(welcome.self.peerId, { host: 'localhost', port, path: '/rooms/media-security/', key: welcome.mediaTicket, secure: false, config: { iceServers: [] } });
        w.__peer = peer;
        w.__peerEvents = [];
        peer.on('error', (e: any) => w.__peerEvents.push(`error:${e.type}`));
        peer.on('disconnected', () => w.__peerEvents.push('disconnected'));
        peer.on('call', (call: any) => {
          call.answer(mine);
          watch(call);
        });
        await new Promise((r) => peer.on('open', r));
        // The lower peer id places the call: if that is us, call the host, pretending to be the host.
        const state = welcome.snapshot;
        const hostPeer = state.participants.teacher.peerId as string;
        if (welcome.self.peerId < hostPeer) watch(peer.call(hostPeer, mine, { metadata: { userId: 'teacher' } }));
      },
      token,
      port,
      ROOM,
    );

    // While present: the attacker receives the host's video, and the host shows it in Mallory's tile only.
    await until(attacker, `window.__frames > 10`, 30_000, 'frames from the host while present');
    await waitForRemoteVideos(host, 1, 30_000);
    const tiles = await host.evaluate(() =>
      ((window as any).__deepAll('.tile') as HTMLElement[])
        .filter((t) => (t.querySelector('video') as HTMLVideoElement | null)?.srcObject && !(t.querySelector('video') as HTMLVideoElement).muted)
        .map((t) => t.textContent?.replace(/\s+/g, ' ').trim()),
    );
    assert.equal(tiles.length, 1);
    assert.match(tiles[0]!, /Mallory/, 'the stream is in the tile the room state says, not the one the caller named');

    // Mallory leaves, but keeps the room socket and the PeerJS client open.
    await attacker.evaluate(async () => {
      const w = window as any;
      w.__room.send(JSON.stringify({ type: 'command', ref: 'bye', command: { type: 'meeting/leave' } }));
      await w.__next((m: any) => m.type === 'ack' && m.ref === 'bye');
    });
    await until(attacker, `window.__peerEvents.length > 0`, 10_000, 'signaling closed by the server');
    // Let what was in flight at the moment of leaving land, then count.
    await new Promise((r) => setTimeout(r, 1000));
    const stats = () =>
      attacker.evaluate(async () => {
        const w = window as any;
        let decoded = 0;
        for (const pc of w.__pcs.map((f: () => RTCPeerConnection | null) => f()).filter(Boolean) as RTCPeerConnection[]) {
          if (pc.connectionState === 'closed') continue;
          const report = await pc.getStats();
          report.forEach((s: any) => {
            if (s.type === 'inbound-rtp' && s.kind === 'video') decoded += s.framesDecoded ?? 0;
          });
        }
        return { frames: w.__frames as number, decoded };
      });
    const start = await stats();

    // Every way back in is shut: the saved ticket, a new ticket, and the old one again.
    const attempts = await attacker.evaluate(async (port: number) => {
      const w = window as any;
      const tryKey = (key: string) =>
        new Promise<string>((resolve) => {
          const p = new w.peerjs.Peer(w.__welcome.self.peerId, { host: 'localhost', port, path: '/rooms/media-security/', key, secure: false });
          p.on('open', () => resolve('open'));
          p.on('error', (e: any) => resolve(`error:${e.type}`));
          setTimeout(() => resolve('no answer'), 10_000);
        });
      w.__msgs = [];
      w.__room.send(JSON.stringify({ type: 'media-ticket' }));
      const ticket = await w.__next((m: any) => m.type === 'media-ticket' || m.type === 'error');
      return { spare: await tryKey(w.__spare), old: await tryKey(w.__welcome.mediaTicket), fresh: ticket.type };
    }, port);
    assert.deepEqual(attempts, { spare: 'error:server-error', old: 'error:server-error', fresh: 'error' });

    await new Promise((r) => setTimeout(r, 5000));
    const end = await stats();
    console.log(`# attacker frames: ${start.frames} while present; ${end.frames - start.frames} rendered, ${end.decoded - start.decoded} decoded in the 6 s after leaving`);
    assert.equal(end.frames - start.frames, 0, `frames rendered after leaving: ${end.frames - start.frames}`);
    assert.equal(end.decoded - start.decoded, 0, 'frames decoded after leaving');
    // And no tile on the host's page shows Mallory's stream any more.
    await waitForRemoteVideos(host, 0, 15_000);
  });
});
