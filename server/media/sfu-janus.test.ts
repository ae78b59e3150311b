/**
 * The SFU controller against a real Janus (the media lab: Janus in a network namespace of its own):
 * the token the server allows for a user in one breakout room opens that room only; Janus itself
 * refuses it in the other room, and in the first one too once the user has left it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openJanusProbe } from '../../test/e2e/janus-probe.ts';
import { startMediaLab, type MediaLab } from '../../test/support/media-lab.ts';
import { createVerifier, issueToken } from '../auth.ts';
import type { Connection } from '../rooms/connection.ts';
import { RoomHub } from '../rooms/hub.ts';
import { MemoryStore } from '../store/store.ts';
import { FakeClock, FakeSocket, settle } from '../testing/fakes.ts';
import { randomToken } from './sfu-user.ts';
import { SfuRooms } from './sfu.ts';
import { connectVideoRoom, type VideoRoom } from './videoroom.ts';

const SECRET = 'test-secret-test-secret-test-secret-0123';
const ROOM = 'janus-breakout';

describe('SFU controller with a real Janus', { timeout: 120_000 }, () => {
  let lab: MediaLab;
  let videoRoom: VideoRoom;
  let hub: RoomHub;
  let sfu: SfuRooms<Connection>;
  const issued: string[] = [];

  before(async () => {
    lab = await startMediaLab({ janus: true, turn: false });
    const env = lab.serverEnv();
    videoRoom = connectVideoRoom({
      url: lab.janusUrl,
      apiSecret: lab.janusApiSecret,
      adminKey: lab.janusAdminKey,
      roomSecret: env.JANUS_ROOM_SECRET ?? lab.janusApiSecret,
      timeoutMs: 10_000,
    });
    const clock = new FakeClock();
    let h: RoomHub | null = null;
    sfu = new SfuRooms<Connection>({
      api: videoRoom,
      clock,
      state: (room) => h?.peek(room)?.state,
      send: (to, msg) => h?.sockets.out.send(to, msg),
      token: () => {
        const t = randomToken();
        issued.push(t);
        return t;
      },
    });
    h = hub = new RoomHub({
      store: new MemoryStore(),
      clock,
      verifier: await createVerifier({ secret: SECRET }),
      config: { rateLimits: null, media: { sfu: true, meshLimit: 4 } },
      sfu,
      onStateChange: (room, b, a) => sfu.stateChanged(room, b, a),
    });
  });

  after(async () => {
    sfu?.close();
    hub?.close();
    videoRoom?.close();
    await lab?.stop();
  });

  async function connect(sub: string, role: 'host' | 'participant'): Promise<FakeSocket> {
    const s = new FakeSocket();
    s.handlers = hub.accept(ROOM)(s);
    await s.write({ type: 'hello', token: await issueToken(SECRET, { sub, name: sub, role, room: ROOM }) });
    for (let i = 0; i < 4000 && !s.of('welcome').length; i++) await new Promise((r) => setTimeout(r, i < 20 ? 0 : 5));
    return s;
  }
  const command = async (s: FakeSocket, command: Record<string, unknown>) => {
    await s.write({ type: 'command', command });
    await settle();
    await sfu.idle();
  };
  /** A publisher join as an outsider holding `token` would try it: Janus's error code, or 0 when it let them in (they leave at once). */
  let joins = 0;
  const joinWith = async (room: string, token: string) => {
    const probe = await openJanusProbe(lab.janusUrl, lab.janusApiSecret); // a handle of its own each time
    try {
      const r = await probe.request({ request: 'join', ptype: 'publisher', room, id: `camera:outsider${++joins}`, token });
      if (r.error_code) return r.error_code as number;
      assert.equal(r.videoroom, 'joined', JSON.stringify(r));
      return 0;
    } finally {
      probe.close();
    }
  };

  it('a token allowed for breakout room A is refused by Janus in room B, and in A once its user is back in the main room', async () => {
    const host = await connect('h', 'host');
    const a = await connect('a', 'participant');
    const b = await connect('b', 'participant');
    await command(host, { type: 'media/pin-sfu', pinned: true });
    await command(host, { type: 'breakout/configure', rooms: ['A', 'B'], timeLimitMinutes: null, countdownSeconds: 0, assignment: 'manual' });
    await command(host, { type: 'breakout/move', userId: 'a', to: 'r1' });
    await command(host, { type: 'breakout/move', userId: 'b', to: 'r2' });
    await command(host, { type: 'breakout/start' });
    assert.equal(hub.peek(ROOM)!.state.breakout.location['a'], 'r1');
    for (const s of [a, b]) {
      await s.write({ type: 'sfu', op: 'subscribe' });
      await settle();
    }
    await sfu.idle();
    assert.deepEqual(a.of('sfu').filter((f: any) => f.op === 'error'), [], 'nothing refused');
    assert.equal(issued.length, 2);
    const [tokenA] = issued as [string, string];

    const roomA = `${ROOM}/r1`;
    const roomB = `${ROOM}/r2`;
    assert.equal(await joinWith(roomA, tokenA), 0, 'room A takes its own token');
    assert.equal(await joinWith(roomB, tokenA), 433, 'room B refuses it');

    await command(host, { type: 'breakout/end' });
    await new Promise((r) => setTimeout(r, 50));
    await sfu.idle();
    assert.equal(hub.peek(ROOM)!.state.breakout.status, 'idle');
    assert.deepEqual(a.of('sfu').filter((f: any) => f.op === 'reset'), [{ type: 'sfu', op: 'reset', reason: 'moved' }]);
    assert.equal(await joinWith(roomA, tokenA), 433, 'room A refuses it once its user left');
  });
});
