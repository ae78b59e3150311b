/**
 * The VideoRoom client against a real Janus 1.1 in the media lab's namespace. Without a browser
 * no media flows, but Janus still answers a well-formed offer, so rooms, tokens, joins, kicks and
 * moderation are all Janus's own answers here; then one Chromium page sends and receives real media
 * through these handles (simulcast layers, streams switched off, moderation, a subscriber Janus
 * refuses). Before that, the same client against a fake Janus
 * (server/testing/fake-janus.ts) whose feeds can go live without a browser: subscriptions, updates,
 * feed changes, closing and the connection dropping.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { Browser, Page } from 'puppeteer-core';
import { launch } from '../../test/e2e/browser.ts';
import { LAB_CHROMIUM_FLAGS, startMediaLab, type MediaLab } from '../../test/support/media-lab.ts';
import { FakeJanus } from '../testing/fake-janus.ts';
import { FakeClock } from '../testing/fakes.ts';
import { JanusConnection, type JanusHandle } from './janus.ts';
import { connectVideoRoom, janusRoomSecret, sdpMids, type SubscriberHandle, type VideoRoom } from './videoroom.ts';

/** An offer as a browser makes it (audio + video, sendonly), good enough for Janus to answer. */
function handMadeOffer(): string {
  const fp = Array.from({ length: 32 }, (_, i) => ((i * 37) % 256).toString(16).padStart(2, '0').toUpperCase()).join(':');
  const section = (kind: string, pt: number, codec: string, mid: string, ssrc: number) => [
    `m=${kind} 9 UDP/TLS/RTP/SAVPF ${pt}`, 'c=IN IP4 0.0.0.0', 'a=rtcp:9 IN IP4 0.0.0.0',
    'a=ice-ufrag:Ab1c', 'a=ice-pwd:Zz0123456789abcdefghijkl', `a=fingerprint:sha-256 ${fp}`,
    'a=setup:actpass', `a=mid:${mid}`, 'a=sendonly', 'a=rtcp-mux', `a=rtpmap:${pt} ${codec}`, `a=ssrc:${ssrc} cname:lab`,
  ];
  return ['v=0', 'o=- 4611731400430051336 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE a0 v1', 'a=msid-semantic: WMS',
    ...section('audio', 111, 'opus/48000/2', 'a0', 1111), ...section('video', 96, 'VP8/90000', 'v1', 2222), ''].join('\r\n');
}

const quiet = () => {};

/** Our own look at Janus, beside the client under test. */
async function probe(lab: MediaLab): Promise<{ ask(body: Record<string, unknown>): Promise<Record<string, any>>; close(): void }> {
  const conn = new JanusConnection(lab.janusUrl, lab.janusApiSecret, 5000, { log: quiet });
  const handle: JanusHandle = await conn.attach('janus.plugin.videoroom', {});
  return {
    ask: async (body) => (await handle.message(body)).data,
    close: () => conn.close(),
  };
}

const SDP = 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:a0\r\na=sendonly\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:v1\r\na=sendonly\r\n';

describe('VideoRoom client (fake Janus)', { timeout: 60_000 }, () => {
  let fake: FakeJanus;
  let clock: FakeClock;
  let api: VideoRoom;
  let logs: string[];
  let feeds: string[];
  const cfg = () => ({ url: fake.url, apiSecret: fake.apiSecret, adminKey: fake.adminKey, roomSecret: 'key', timeoutMs: 10_000 });
  const others: VideoRoom[] = [];
  const another = (maxHandles?: number) => {
    const v = connectVideoRoom(cfg(), { clock, log: (m) => logs.push(m), ...(maxHandles ? { maxHandles } : {}) });
    others.push(v);
    return v;
  };
  /** Let feed changes settle and reach onFeeds. */
  const settleFeeds = async (room: string) => {
    await until(() => {
      clock.advance(20);
      return feeds.includes(room);
    }, `onFeeds(${room})`);
    const seen = feeds.filter((r) => r === room).length;
    feeds = feeds.filter((r) => r !== room);
    return seen;
  };
  /** A publisher of ours whose media came up. */
  const live = async (room: string, feed: string) => {
    await api.ensureRoom(room);
    await api.allow(room, [`tok-${feed}`]);
    const pub = await api.publish(room, feed, `tok-${feed}`, SDP, feed);
    fake.mediaUp(room, feed);
    await settleFeeds(room);
    return pub;
  };
  const subscription = async (room: string, feedsWanted: string[], token = 'tok-viewer') => {
    await api.ensureRoom(room);
    await api.allow(room, [token]);
    return api.subscribe(room, token, feedsWanted);
  };
  const answer = (sub: SubscriberHandle) => sub.start('v=0 answer');

  beforeEach(async () => {
    fake = await FakeJanus.start();
    clock = new FakeClock();
    logs = [];
    feeds = [];
    api = connectVideoRoom(cfg(), { clock, log: (m) => logs.push(m) });
    api.onFeeds((room) => feeds.push(room));
  });
  afterEach(async () => {
    api.close();
    for (const o of others.splice(0)) o.close();
    await fake.stop();
  });

  it('makes a room with one create request as the contract says; concurrent calls share it; "exists" counts as made', async () => {
    await Promise.all([api.ensureRoom('c/main'), api.ensureRoom('c/main')]);
    await api.ensureRoom('c/main');
    const creates = fake.of('message', 'create');
    assert.equal(creates.length, 1);
    assert.deepEqual(creates[0]!.body, {
      request: 'create', room: 'c/main', admin_key: fake.adminKey, secret: await janusRoomSecret('key', 'c/main'),
      is_private: true, allowed: [], require_pvtid: true, publishers: 100, videocodec: 'vp8', audiocodec: 'opus',
      notify_joining: false, permanent: false,
    });
    await another().ensureRoom('c/main');
    assert.equal(fake.of('message', 'create').length, 2);
    // Janus's other refusals are not swallowed.
    const wrong = connectVideoRoom({ ...cfg(), adminKey: 'wrong-admin-key-000' }, { clock, log: () => {} });
    others.push(wrong);
    await assert.rejects(wrong.ensureRoom('c/other'), { code: 429 });
  });

  it('a room made before this connection keeps only the tokens this connection allowed (a restarted server\'s are swept)', async () => {
    const before = another();
    await before.ensureRoom('c/old');
    await before.allow('c/old', ['tok-gone-1', 'tok-gone-2']);
    before.close(); // that server died: its tokens stay at Janus
    await api.allow('c/old', ['tok-early']); // allowed before this connection looked (the room was there)
    await api.ensureRoom('c/old');
    assert.deepEqual([...fake.rooms.get('c/old')!.allowed!].sort(), ['tok-early']);
    assert.ok(logs.some((l) => l.includes('took 2 token(s)')), logs.join('\n'));
    await api.allow('c/old', ['tok-new']);
    await api.disallow('c/old', ['tok-early']);
    // Known here now: nothing is swept again.
    await api.ensureRoom('c/old');
    assert.deepEqual([...fake.rooms.get('c/old')!.allowed!], ['tok-new']);
  });

  it('subscribes through a participant joined with the user token, tied by private id, without msid or autoupdate', async () => {
    await live('c/main', 'camera:ada');
    const sub = await subscription('c/main', ['camera:ada', 'camera:ada']);
    const [anchor, subscriber] = fake.of('message', 'join').slice(-2);
    assert.deepEqual(anchor!.body, { request: 'join', ptype: 'publisher', room: 'c/main', token: 'tok-viewer' });
    assert.equal(subscriber!.body.ptype, 'subscriber');
    assert.deepEqual(subscriber!.body.streams, [{ feed: 'camera:ada' }]);
    assert.equal(subscriber!.body.use_msid, false);
    assert.equal(subscriber!.body.autoupdate, false);
    assert.equal(subscriber!.body.private_id, fake.handles.get(anchor!.handle_id)!.pvt);
    assert.match(sub.offer, /m=audio/);
    assert.deepEqual(sub.streams.map((s) => [s.feed, s.kind]), [['camera:ada', 'audio'], ['camera:ada', 'video']], 'data channels left out');
    // A user the server did not allow in is refused by Janus at the participant's join.
    await assert.rejects(api.subscribe('c/main', 'tok-stranger', ['camera:ada']), { code: 433 });
  });

  it('update sends only the difference, once the last offer is answered, and says null when nothing changed', async () => {
    for (const f of ['camera:a', 'camera:b', 'camera:c']) await live('c/main', f);
    const sub = await subscription('c/main', ['camera:a']);
    const next = sub.update(['camera:a', 'camera:b']);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(fake.of('message', 'update').length, 0, 'no update while the offer is unanswered');
    await answer(sub);
    const two = await next;
    assert.deepEqual(fake.of('message', 'update')[0]!.body, { request: 'update', subscribe: [{ feed: 'camera:b' }] });
    assert.deepEqual(two!.streams.map((s) => s.feed), ['camera:a', 'camera:a', 'camera:b', 'camera:b']);
    assert.equal(sub.offer, two!.offer);
    await answer(sub);
    const swapped = await sub.update(['camera:c', 'camera:b']);
    assert.deepEqual(fake.of('message', 'update')[1]!.body, { request: 'update', subscribe: [{ feed: 'camera:c' }], unsubscribe: [{ feed: 'camera:a' }] });
    assert.deepEqual(swapped!.streams.map((s) => s.feed), ['camera:b', 'camera:b', 'camera:c', 'camera:c']);
    await answer(sub);
    assert.equal(await sub.update(['camera:b', 'camera:c']), null);
    assert.equal(fake.of('message', 'update').length, 2, 'nothing asked of Janus');
    await sub.configure([{ mid: swapped!.streams[1]!.mid, substream: 0 }, { mid: swapped!.streams[3]!.mid, send: false }]);
    assert.deepEqual(fake.of('message', 'configure')[0]!.body, { request: 'configure', streams: [{ mid: swapped!.streams[1]!.mid, substream: 0 }, { mid: swapped!.streams[3]!.mid, send: false }] });
  });

  it('an offer left unanswered holds updates for the timeout at most', async () => {
    for (const f of ['camera:a', 'camera:b']) await live('c/main', f);
    const sub = await subscription('c/main', ['camera:a']);
    const stuck = sub.update(['camera:b']);
    await new Promise((r) => setTimeout(r, 20));
    clock.advance(10_000);
    await assert.rejects(stuck, { code: 'unanswered' });
    await answer(sub);
    assert.ok(await sub.update(['camera:b']));
  });

  it('a feed that went away is unsubscribed, and subscribed again when it comes back', async () => {
    const first = await live('c/main', 'camera:a');
    await live('c/main', 'camera:b');
    const sub = await subscription('c/main', ['camera:a', 'camera:b']);
    await answer(sub);
    let closed = 0;
    first.onClosed(() => closed++);
    fake.hangup('c/main', 'camera:a');
    assert.equal(await settleFeeds('c/main'), 1);
    assert.equal(closed, 1, 'Janus hung the publisher up');
    assert.deepEqual(await api.listFeeds('c/main'), ['camera:b']);
    // The same feed id publishes again before anyone looked: it is a new feed to subscribe to.
    await live('c/main', 'camera:a');
    const again = await sub.update(['camera:a', 'camera:b']);
    assert.deepEqual(fake.of('message', 'update').at(-1)!.body, { request: 'update', subscribe: [{ feed: 'camera:a' }] });
    assert.deepEqual(again!.streams.map((s) => s.feed).sort(), ['camera:a', 'camera:a', 'camera:b', 'camera:b']);
    await answer(sub);
    // Gone for good: the update drops it and Janus renegotiates.
    const pubB = [...fake.handles.values()].find((h) => h.pid === 'camera:b')!;
    fake.hangup('c/main', 'camera:b');
    await settleFeeds('c/main');
    await until(() => !fake.handles.has(pubB.id), 'a publisher Janus hung up to be detached');
    const without = await sub.update(['camera:a']);
    assert.deepEqual(without!.streams.map((s) => s.feed), ['camera:a', 'camera:a']);
  });

  it('a feed subscribed before its webrtcup reached us is the same feed afterwards: nothing to renegotiate', async () => {
    await live('c/main', 'camera:a');
    await api.allow('c/main', ['tok-camera:b']);
    await api.publish('c/main', 'camera:b', 'tok-camera:b', SDP, 'camera:b');
    fake.mediaUp('c/main', 'camera:b', true); // Janus lists it; the webrtcup is still on its way
    const sub = await subscription('c/main', ['camera:a', 'camera:b']);
    await answer(sub);
    fake.mediaUp('c/main', 'camera:b');
    await settleFeeds('c/main');
    const updates = fake.of('message', 'update').length;
    assert.equal(await sub.update(['camera:b', 'camera:a']), null);
    assert.equal(fake.of('message', 'update').length, updates, 'no update sent');
  });

  it('feeds that left between the look and the join are left out; with none left the subscription is refused (428)', async () => {
    await live('c/main', 'camera:a');
    const sub = await subscription('c/main', ['camera:gone', 'camera:a']);
    assert.deepEqual(sub.streams.map((s) => s.feed), ['camera:a', 'camera:a']);
    await assert.rejects(subscription('c/main', ['camera:gone'], 'tok-other'), { code: 428, message: 'None of the feeds to receive is live any more.' });
    const empty = await subscription('c/main', [], 'tok-other');
    assert.equal(empty.offer, '');
    assert.equal(await empty.update(['camera:gone']), null);
    const first = await empty.update(['camera:a']);
    assert.deepEqual(first!.streams.map((s) => s.feed), ['camera:a', 'camera:a']);
    await answer(empty);
    await answer(sub);
    assert.equal(await sub.update(['camera:a', 'camera:gone']), null, 'the 428 is answered by looking again');
  });

  it('onFeeds says once per room for a burst: media up, Janus hanging up, our close, other publishers', async () => {
    await subscription('c/main', []); // a participant that hears of the room's publishers
    const pub = await live('c/main', 'camera:a'); // webrtcup to the publisher, "publishers" to the participant
    assert.deepEqual(feeds, []);
    await live('c/r1', 'camera:b');
    await pub.close();
    assert.equal(await settleFeeds('c/main'), 1);
    fake.pluginEvent([...fake.handles.values()].find((h) => h.room === 'c/main' && h.pid?.startsWith('anon'))!.id, { videoroom: 'event', room: 'c/main', unpublished: 'camera:x' });
    assert.equal(await settleFeeds('c/main'), 1);
    api.onFeeds(() => {
      throw new Error('a faulty listener');
    });
    await live('c/main', 'camera:c');
    assert.ok(logs.some((l) => l.includes('a faulty listener')));
  });

  it('onClosed is for what Janus ends (kicked elsewhere, hung up, room destroyed elsewhere), not for our own close or kick', async () => {
    const a = await live('c/main', 'camera:a');
    const b = await live('c/main', 'camera:b');
    const c = await live('c/main', 'camera:c');
    const sub = await subscription('c/main', ['camera:a']);
    const closed: string[] = [];
    a.onClosed(() => closed.push('a'));
    b.onClosed(() => closed.push('b'));
    c.onClosed(() => closed.push('c'));
    sub.onClosed(() => closed.push('sub'));
    await a.close();
    await api.kick('c/main', 'camera:b');
    assert.deepEqual(fake.of('message', 'kick').at(-1)!.body.id, 'camera:b');
    await another().kick('c/main', 'camera:c');
    await until(() => closed.length === 1, 'the kick to be heard');
    assert.deepEqual(closed, ['c']);
    await another().destroyRoom('c/main');
    await until(() => closed.length === 2, 'the room destroyed');
    assert.deepEqual(closed, ['c', 'sub']);
    await assert.rejects(sub.update([]), { code: 'closed' });
  });

  it('moderate mutes by the mids of the answer, per kind, and is remembered for the next publish', async () => {
    await api.ensureRoom('c/main');
    await api.allow('c/main', ['tok-a']);
    await api.moderate('c/main', 'camera:a', 'audio', true);
    assert.equal(fake.moderated.length, 0, 'nothing to mute yet');
    const pub = await api.publish('c/main', 'camera:a', 'tok-a', SDP, 'A');
    const secret = await janusRoomSecret('key', 'c/main');
    assert.deepEqual(fake.moderated, [{ request: 'moderate', room: 'c/main', id: 'camera:a', mid: 'a0', mute: true, secret }]);
    await api.moderate('c/main', 'camera:a', 'video', true);
    await api.moderate('c/main', 'camera:a', 'audio', false);
    assert.deepEqual(fake.moderated.slice(1).map((m) => [m.mid, m.mute]), [['v1', true], ['a0', false]]);
    await pub.close();
    await api.publish('c/main', 'camera:a', 'tok-a', SDP, 'A');
    assert.deepEqual(fake.moderated.slice(3).map((m) => [m.mid, m.mute]), [['v1', true]], 'the video mute outlives the publisher');
  });

  it("tells Janus in which order the offer lists its simulcast layers (Janus assumes highest first)", async () => {
    await api.ensureRoom('c/main');
    await api.allow('c/main', ['tok-a']);
    const simulcast = (list: string) => SDP.replace('a=mid:v1\r\n', `a=mid:v1\r\na=simulcast:send ${list}\r\n`);
    await api.publish('c/main', 'camera:a', 'tok-a', simulcast('l;m;h'), 'A');
    await api.publish('c/main', 'screen:a', 'tok-a', simulcast('h;m;l'), 'A');
    await api.publish('c/main', 'camera:b', 'tok-a', SDP, 'B');
    assert.deepEqual(fake.of('message', 'publish').map((m) => m.jsep.rid_order), ['lmh', 'hml', 'hml']);
  });

  it('when the connection drops every handle is gone without onClosed; rooms are made again once it is back', async () => {
    const pub = await live('c/main', 'camera:a');
    const sub = await subscription('c/main', ['camera:a']);
    let closed = 0;
    pub.onClosed(() => closed++);
    sub.onClosed(() => closed++);
    let downs = 0;
    let ups = 0;
    api.onDown(() => downs++);
    api.onUp(() => ups++);
    fake.drop();
    await until(() => downs === 1, 'onDown');
    assert.equal(api.up, false);
    assert.equal(closed, 0);
    await assert.rejects(sub.update([]), { code: 'closed' });
    await assert.rejects(api.ensureRoom('c/main'), { code: 'down' });
    clock.advance(1000);
    await until(() => ups === 1, 'onUp');
    const before = fake.of('message', 'create').length;
    await api.ensureRoom('c/main');
    assert.equal(fake.of('message', 'create').length, before + 1, 'asked again: Janus may have restarted');
    assert.deepEqual([...fake.rooms.get('c/main')!.allowed!], [], 'tokens handed out before the drop are swept: their users get new ones');
    await pub.close();
    await sub.close();
  });

  it('a subscription takes two handles; past the bound Janus is not asked', async () => {
    const small = another(4); // its own handle for room requests + a publisher + a subscription
    await small.ensureRoom('c/main');
    await small.allow('c/main', ['tok-a', 'tok-b']);
    await small.publish('c/main', 'camera:a', 'tok-a', SDP, 'A');
    fake.mediaUp('c/main', 'camera:a');
    const sub = await small.subscribe('c/main', 'tok-b', ['camera:a']);
    await assert.rejects(small.publish('c/main', 'camera:b', 'tok-b', SDP, 'B'), { code: 'handles' });
    assert.equal(fake.of('message', 'join').length, 3, 'the refused publisher asked Janus nothing');
    await sub.close();
    await small.publish('c/main', 'camera:b', 'tok-b', SDP, 'B');
  });
});

describe('VideoRoom client against a real Janus', { timeout: 240_000 }, () => {
  let lab: MediaLab;
  let api: VideoRoom;
  let look: Awaited<ReturnType<typeof probe>>;
  const roomKey = 'room-secret-key-for-tests';
  const config = () => ({ url: lab.janusUrl, apiSecret: lab.janusApiSecret, adminKey: lab.janusAdminKey, roomSecret: roomKey, timeoutMs: 5000 });
  /**
   * The participants Janus lists in `room` once they are `ids`. Janus answers a detach, a kick or a
   * replacing join before its room's list catches up (on a busy machine, a moment later), so each
   * look waits for the list to settle rather than read it once.
   */
  const participantsSettle = async (room: string, ids: string[], what: string) => {
    let seen: any[] = [];
    const end = Date.now() + 15_000;
    for (;;) {
      seen = (await look.ask({ request: 'listparticipants', room })).participants;
      if (seen.length === ids.length && seen.every((p: any, i: number) => p.id === ids[i])) return seen;
      if (Date.now() > end) assert.deepEqual(seen.map((p: any) => p.id), ids, what);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  before(async () => {
    lab = await startMediaLab({ janus: true, turn: false });
    api = connectVideoRoom(config(), { log: quiet });
    look = await probe(lab);
  });
  after(async () => {
    look?.close();
    api?.close();
    await lab?.stop();
  });

  it('makes a room once: private, token-checked, secret derived from the room id; another server finds it made', async () => {
    await api.ensureRoom('bio/main');
    await api.ensureRoom('bio/main');
    const other = connectVideoRoom(config(), { log: quiet });
    try {
      await other.ensureRoom('bio/main'); // Janus says 427 (exists): that is success
    } finally {
      other.close();
    }
    const { list } = await look.ask({ request: 'list', admin_key: lab.janusAdminKey });
    const room = list.find((r: any) => r.room === 'bio/main');
    assert.ok(room, `the room is listed to the admin: ${JSON.stringify(list)}`);
    assert.equal(room.require_pvtid, true);
    assert.equal(room.max_publishers, 100);
    assert.equal(room.videocodec, 'vp8');
    assert.equal(room.audiocodec, 'opus');
    const { list: publicList } = await look.ask({ request: 'list' });
    assert.ok(!publicList.some((r: any) => r.room === 'bio/main'), 'private: not listed to others');
    // The derived secret manages it; another does not.
    const secret = await janusRoomSecret(roomKey, 'bio/main');
    assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
    assert.equal((await look.ask({ request: 'allowed', room: 'bio/main', action: 'add', allowed: [], secret })).videoroom, 'success');
    await assert.rejects(look.ask({ request: 'allowed', room: 'bio/main', action: 'add', allowed: [], secret: 'guess' }), { code: 433 });
  });

  it('a publisher joins with an allowed token; Janus refuses (433) no token, another room\'s, and one disallowed', async () => {
    await api.ensureRoom('bio/r1');
    await api.ensureRoom('bio/r2');
    await api.allow('bio/r1', ['tok-ada']);
    const pub = await api.publish('bio/r1', 'camera:ada', 'tok-ada', handMadeOffer(), 'Ada');
    assert.match(pub.answer, /^v=0/);
    assert.deepEqual(sdpMids(pub.answer, 'audio'), ['a0']);
    assert.deepEqual(sdpMids(pub.answer, 'video'), ['v1']);
    const participants = await participantsSettle('bio/r1', ['camera:ada'], 'Ada joined');
    assert.deepEqual(participants.map((p: any) => [p.id, p.display]), [['camera:ada', 'Ada']]);

    await assert.rejects(api.publish('bio/r1', 'camera:ben', '', handMadeOffer(), 'Ben'), { code: 433 });
    await assert.rejects(api.publish('bio/r2', 'camera:ada2', 'tok-ada', handMadeOffer(), 'Ada'), { code: 433 });
    // An offer Janus cannot read is refused with Janus's code, and the participant does not stay.
    await assert.rejects(api.publish('bio/r1', 'camera:bad', 'tok-ada', 'not an offer', 'Ada'), (e: any) => typeof e.code === 'number' && e.code >= 400);
    await participantsSettle('bio/r1', ['camera:ada'], 'the refused publisher does not stay');
    await api.disallow('bio/r1', ['tok-ada']);
    await assert.rejects(api.publish('bio/r1', 'camera:ada3', 'tok-ada', handMadeOffer(), 'Ada'), { code: 433 });
    // A subscription starts with a participant joined with the user's token: the same refusal.
    await assert.rejects(api.subscribe('bio/r1', 'tok-ada', []), { code: 433 });
    await pub.close();
  });

  it('a subscription with nothing live yet holds no offer; the allowed list has one token per user', async () => {
    await api.ensureRoom('bio/r3');
    await api.allow('bio/r3', ['tok-cy', 'tok-cy', 'tok-dee']);
    const sub = await api.subscribe('bio/r3', 'tok-cy', []);
    assert.equal(sub.offer, '');
    assert.deepEqual(sub.streams, []);
    // A feed with no media (joined, never up) is not live: nothing to subscribe to.
    const pub = await api.publish('bio/r3', 'camera:dee', 'tok-dee', handMadeOffer(), 'Dee');
    assert.deepEqual(await api.listFeeds('bio/r3'), []);
    assert.equal(await sub.update(['camera:dee']), null);
    const { allowed } = await look.ask({ request: 'allowed', room: 'bio/r3', action: 'add', allowed: [], secret: await janusRoomSecret(roomKey, 'bio/r3') });
    assert.deepEqual(allowed.sort(), ['tok-cy', 'tok-dee']);
    await sub.close();
    await pub.close();
    await participantsSettle('bio/r3', [], 'closing leaves the room');
  });

  it('kick removes a participant (ours or one we no longer hold); publishing a feed id again replaces the old one', async () => {
    await api.ensureRoom('bio/r4');
    await api.allow('bio/r4', ['tok-eli']);
    let closed = 0;
    const first = await api.publish('bio/r4', 'camera:eli', 'tok-eli', handMadeOffer(), 'Eli');
    first.onClosed(() => closed++);
    const again = await api.publish('bio/r4', 'camera:eli', 'tok-eli', handMadeOffer(), 'Eli');
    assert.equal(closed, 0, 'our own replacement is not "closed by Janus"');
    await participantsSettle('bio/r4', ['camera:eli'], 'the replacement is the only one');

    // Someone else's participant with the same id (a handle this client does not hold) is kicked first.
    const other = connectVideoRoom(config(), { log: quiet });
    let ours = 0;
    again.onClosed(() => ours++);
    try {
      const theirs = await other.publish('bio/r4', 'camera:eli', 'tok-eli', handMadeOffer(), 'Eli');
      await until(() => ours === 1, 'Janus to tell us our participant was kicked');
      await api.kick('bio/r4', 'camera:eli');
      await participantsSettle('bio/r4', [], 'kicked');
      await api.kick('bio/r4', 'camera:eli'); // nobody there: fine
      await theirs.close();
    } finally {
      other.close();
    }
  });

  it('destroyRoom destroys once, closes what we hold there, and a missing room is no error', async () => {
    await api.ensureRoom('bio/r6');
    await api.allow('bio/r6', ['tok-gus']);
    const pub = await api.publish('bio/r6', 'camera:gus', 'tok-gus', handMadeOffer(), 'Gus');
    let closed = 0;
    pub.onClosed(() => closed++);
    await api.destroyRoom('bio/r6');
    assert.equal((await look.ask({ request: 'exists', room: 'bio/r6' })).exists, false);
    await api.destroyRoom('bio/r6');
    assert.deepEqual(await api.listFeeds('bio/r6'), []);
    assert.equal(closed, 0);
    // Made again on demand (the cache forgot it).
    await api.ensureRoom('bio/r6');
    assert.equal((await look.ask({ request: 'exists', room: 'bio/r6' })).exists, true);
  });

  it('allow makes a room Janus lost (restarted) again', async () => {
    await api.ensureRoom('bio/r7');
    await look.ask({ request: 'destroy', room: 'bio/r7', secret: await janusRoomSecret(roomKey, 'bio/r7') });
    await api.allow('bio/r7', ['tok-hal']);
    assert.equal((await look.ask({ request: 'exists', room: 'bio/r7' })).exists, true);
    const pub = await api.publish('bio/r7', 'camera:hal', 'tok-hal', handMadeOffer(), 'Hal');
    await pub.close();
  });

  describe('with media from a browser', () => {
    let browser: Browser;
    let page: Page;
    let site: Server;
    const ROOM = 'bio/media';

    before(async () => {
      // A page on localhost (a secure context: the camera may be used), reaching Janus over the veth.
      site = createServer((_, res) => res.end('<!doctype html><title>media</title>'));
      await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
      browser = await launch(LAB_CHROMIUM_FLAGS);
      page = await browser.newPage();
      await page.goto(`http://localhost:${(site.address() as AddressInfo).port}/`);
      await page.evaluate(PAGE);
    });
    after(async () => {
      await browser?.close();
      await new Promise((r) => site?.close(r));
    });

    const inbound = (name: string) => page.evaluate((n) => (window as any).inbound(n), name) as Promise<Record<string, { kind: string; bytes: number; width: number }>>;
    /** Wait until `test` holds for the bytes of `mid` received over one second. */
    const flow = async (name: string, mid: string, test: (grew: number, now: { width: number }) => boolean, what: string) => {
      const end = Date.now() + 30_000;
      for (;;) {
        const a = (await inbound(name))[mid]?.bytes ?? 0;
        await new Promise((r) => setTimeout(r, 1000));
        const now = (await inbound(name))[mid] ?? { bytes: 0, width: 0, kind: '' };
        if (test(now.bytes - a, now)) return;
        if (Date.now() > end) throw new Error(`timed out waiting for ${what} (mid ${mid}: ${now.bytes - a} bytes in 1 s, ${now.width} px wide)`);
      }
    };
    const publishFrom = async (feed: string, simulcast: boolean) => {
      await api.allow(ROOM, [`tok-${feed}`]);
      const offer = await page.evaluate((f, s) => (window as any).publisher(f, s), feed, simulcast);
      const pub = await api.publish(ROOM, feed, `tok-${feed}`, offer, feed);
      await page.evaluate((f, sdp) => (window as any).answered(f, sdp), feed, pub.answer);
      await until(async () => (await api.listFeeds(ROOM)).includes(feed), `${feed} live at Janus`, 30_000);
      return pub;
    };
    const answerIn = async (offer: string) => page.evaluate((o) => (window as any).subscriberAnswer(o), offer) as Promise<string>;

    it('publishes, subscribes, adds a feed, picks a simulcast layer, stops a stream, mutes at the SFU; an outsider is refused', async () => {
      await api.ensureRoom(ROOM);
      const changed: string[] = [];
      api.onFeeds((r) => changed.push(r));
      const ada = await publishFrom('camera:ada', true);
      await until(() => changed.includes(ROOM), 'onFeeds for the live feed', 30_000);
      await api.allow(ROOM, ['tok-viewer']);
      const sub = await api.subscribe(ROOM, 'tok-viewer', ['camera:ada']);
      assert.deepEqual(sub.streams.map((x) => [x.feed, x.kind]), [['camera:ada', 'audio'], ['camera:ada', 'video']]);
      await sub.start(await answerIn(sub.offer));
      const adaAudio = sub.streams[0]!.mid;
      const adaVideo = sub.streams[1]!.mid;
      await flow('sub', adaVideo, (grew) => grew > 0, "Ada's video");
      await flow('sub', adaAudio, (grew) => grew > 0, "Ada's audio");

      // Janus refuses a subscriber that brings no participant's private id, or one of another room.
      const outsider = await probe(lab);
      try {
        await assert.rejects(outsider.ask({ request: 'join', ptype: 'subscriber', room: ROOM, streams: [{ feed: 'camera:ada' }], token: 'tok-viewer' }), { code: 433 });
      } finally {
        outsider.close();
      }

      // A second feed: the update brings a new offer with both.
      const ben = await publishFrom('camera:ben', false);
      const both = await sub.update(['camera:ada', 'camera:ben']);
      assert.ok(both, 'a new offer');
      assert.deepEqual(both.streams.map((x) => x.feed), ['camera:ada', 'camera:ada', 'camera:ben', 'camera:ben']);
      await sub.start(await answerIn(both.offer));
      const benVideo = both.streams[3]!.mid;
      await flow('sub', benVideo, (grew) => grew > 0, "Ben's video");
      assert.equal(await sub.update(['camera:ben', 'camera:ada']), null, 'the same feeds: nothing to renegotiate');

      // Layers: the lowest of Ada's simulcast, and Ben's video not sent at all.
      await sub.configure([{ mid: adaVideo, substream: 0 }, { mid: benVideo, send: false }]);
      await flow('sub', adaVideo, (grew, now) => grew > 0 && now.width > 0 && now.width <= 320, "Ada's lowest layer");
      await flow('sub', benVideo, (grew) => grew === 0, "Ben's video to stop");
      await sub.configure([{ mid: benVideo, send: true }]);
      await flow('sub', benVideo, (grew) => grew > 0, "Ben's video again");

      // Moderation stops Ada's audio at Janus whatever her browser sends; unmuting brings it back.
      await api.moderate(ROOM, 'camera:ada', 'audio', true);
      await flow('sub', adaAudio, (grew) => grew === 0, "Ada's audio to stop");
      await flow('sub', adaVideo, (grew) => grew > 0, "Ada's video to go on");
      await api.moderate(ROOM, 'camera:ada', 'audio', false);
      await flow('sub', adaAudio, (grew) => grew > 0, "Ada's audio again");

      // Ben leaves: Janus does not renegotiate by itself; the next update does.
      changed.length = 0;
      await ben.close();
      await until(() => changed.includes(ROOM), 'onFeeds for the feed gone', 30_000);
      await until(async () => (await api.listFeeds(ROOM)).join() === 'camera:ada', "Janus to list Ada's feed alone", 15_000);
      const one = await sub.update(['camera:ada']);
      assert.ok(one);
      assert.deepEqual(one.streams.map((x) => x.feed), ['camera:ada', 'camera:ada']);
      await sub.start(await answerIn(one.offer));
      await flow('sub', adaVideo, (grew) => grew > 0, "Ada's video after the change");
      await sub.close();
      await ada.close();
    });
  });
});

/** Runs in the page: publishers and one subscriber connection, answered with complete SDP (no trickle). */
const PAGE = `
  window.pcs = {};
  // Complete, or what there is after 5 s, as the room's link does: another test's lab adding or
  // removing its veth while Chromium gathers can hold gathering up for tens of seconds.
  const gathered = (pc) => new Promise((r) => {
    if (pc.iceGatheringState === 'complete') return r();
    setTimeout(r, 5000);
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r());
  });
  window.publisher = async (name, simulcast) => {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 1280, height: 720 } });
    const pc = new RTCPeerConnection();
    pc.addTransceiver(stream.getAudioTracks()[0], { direction: 'sendonly' });
    pc.addTransceiver(stream.getVideoTracks()[0], { direction: 'sendonly', ...(simulcast ? { sendEncodings: [
      { rid: 'l', scaleResolutionDownBy: 4, maxBitrate: 150000 },
      { rid: 'm', scaleResolutionDownBy: 2, maxBitrate: 500000 },
      { rid: 'h', maxBitrate: 1500000 },
    ] } : {}) });
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    window.pcs[name] = pc;
    return pc.localDescription.sdp;
  };
  window.answered = (name, sdp) => window.pcs[name].setRemoteDescription({ type: 'answer', sdp });
  window.subscriberAnswer = async (offer) => {
    const pc = (window.pcs.sub ??= new RTCPeerConnection());
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc);
    return pc.localDescription.sdp;
  };
  window.inbound = async (name) => {
    const out = {};
    (await window.pcs[name].getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp') out[s.mid] = { kind: s.kind, bytes: s.bytesReceived, width: s.frameWidth ?? 0 };
    });
    return out;
  };
`;

async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
