/**
 * The VideoRoom client against a real Janus 1.1 in the media lab's namespace. Without a browser
 * no media flows, but Janus still answers a well-formed offer, so rooms, tokens, joins, kicks and
 * moderation are all Janus's own answers here. (Media through these handles: videoroom.media.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startMediaLab, type MediaLab } from '../../test/support/media-lab.ts';
import { JanusConnection, type JanusHandle } from './janus.ts';
import { connectVideoRoom, janusRoomSecret, sdpMids, type VideoRoom } from './videoroom.ts';

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

describe('VideoRoom client against a real Janus', { timeout: 120_000 }, () => {
  let lab: MediaLab;
  let api: VideoRoom;
  let look: Awaited<ReturnType<typeof probe>>;
  const roomKey = 'room-secret-key-for-tests';
  const config = () => ({ url: lab.janusUrl, apiSecret: lab.janusApiSecret, adminKey: lab.janusAdminKey, roomSecret: roomKey, timeoutMs: 5000 });

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
    const { participants } = await look.ask({ request: 'listparticipants', room: 'bio/r1' });
    assert.deepEqual(participants.map((p: any) => [p.id, p.display]), [['camera:ada', 'Ada']]);

    await assert.rejects(api.publish('bio/r1', 'camera:ben', '', handMadeOffer(), 'Ben'), { code: 433 });
    await assert.rejects(api.publish('bio/r2', 'camera:ada2', 'tok-ada', handMadeOffer(), 'Ada'), { code: 433 });
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
    const { participants } = await look.ask({ request: 'listparticipants', room: 'bio/r3' });
    assert.deepEqual(participants, [], 'closing leaves the room');
  });

  it('kick removes a participant (ours or one we no longer hold); publishing a feed id again replaces the old one', async () => {
    await api.ensureRoom('bio/r4');
    await api.allow('bio/r4', ['tok-eli']);
    let closed = 0;
    const first = await api.publish('bio/r4', 'camera:eli', 'tok-eli', handMadeOffer(), 'Eli');
    first.onClosed(() => closed++);
    const again = await api.publish('bio/r4', 'camera:eli', 'tok-eli', handMadeOffer(), 'Eli');
    assert.equal(closed, 0, 'our own replacement is not "closed by Janus"');
    let { participants } = await look.ask({ request: 'listparticipants', room: 'bio/r4' });
    assert.deepEqual(participants.map((p: any) => p.id), ['camera:eli']);

    // Someone else's participant with the same id (a handle this client does not hold) is kicked first.
    const other = connectVideoRoom(config(), { log: quiet });
    let ours = 0;
    again.onClosed(() => ours++);
    try {
      const theirs = await other.publish('bio/r4', 'camera:eli', 'tok-eli', handMadeOffer(), 'Eli');
      await until(() => ours === 1, 'Janus to tell us our participant was kicked');
      await api.kick('bio/r4', 'camera:eli');
      ({ participants } = await look.ask({ request: 'listparticipants', room: 'bio/r4' }));
      assert.deepEqual(participants, []);
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
});

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
