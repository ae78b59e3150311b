/**
 * Media follows presence, on the real server over loopback: PeerJS keys are single-use media
 * tickets from the room socket; whoever leaves (or is replaced, or whose session ends) loses
 * signaling at once; a room socket whose user is not present hears and posts nothing of the room.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { issueToken } from '../auth.ts';
import { joinRoom, startServer, TEST_SECRET, TestClient, type RunningServer } from '../testing/spawn.ts';

const tok = (sub: string, role: 'host' | 'participant', room: string) => issueToken(TEST_SECRET, { sub, name: `User ${sub}`, role, room });

async function peer(base: string, room: string, key: string, id: string) {
  const c = new TestClient(`${base}/rooms/${room}/peerjs?key=${encodeURIComponent(key)}&id=${id}&token=t${id}&version=1.5.5`);
  await c.opened;
  const first = await c.next(() => true, 10_000);
  return { client: c, first };
}

const T = { timeout: 60_000 };

describe('media follows presence', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ env: { LEAVE_GRACE_SECONDS: '30' } });
  });
  after(async () => {
    await server?.stop();
  });

  it('the PeerJS key is a single-use ticket bound to the peer id, never the join token', T, async () => {
    const room = 'tickets';
    const token = await tok('a', 'participant', room);
    const a = await joinRoom(server.wsUrl, room, token);
    const ticket: string = a.welcome.mediaTicket;
    assert.match(ticket, /^[A-Za-z0-9_-]{40,}$/);
    assert.ok(!ticket.includes('.'), 'not a JWT');
    // The join token itself is no key.
    const withToken = await peer(server.wsUrl, room, token, a.welcome.self.peerId);
    assert.equal(withToken.first.type, 'ERROR');
    // For another peer id, the ticket is refused (and spent).
    const other = await peer(server.wsUrl, room, ticket, 'someoneElse');
    assert.equal(other.first.type, 'ERROR');
    assert.equal((await peer(server.wsUrl, room, ticket, a.welcome.self.peerId)).first.type, 'ERROR', 'a spent ticket is refused');
    // A fresh one on request works once.
    a.client.send({ type: 'media-ticket' });
    const fresh = await a.client.next((m) => m.type === 'media-ticket');
    assert.ok(fresh.expiresAt > Date.now());
    const ok = await peer(server.wsUrl, room, fresh.ticket, a.welcome.self.peerId);
    assert.equal(ok.first.type, 'OPEN');
    const again = await peer(server.wsUrl, room, fresh.ticket, a.welcome.self.peerId);
    assert.equal(again.first.type, 'ERROR');
    for (const c of [a.client, ok.client, again.client, withToken.client, other.client]) c.close();
  });

  it('leaving closes signaling at once; the room socket then hears nothing of the room and cannot post', T, async () => {
    const room = 'leavers';
    const h = await joinRoom(server.wsUrl, room, await tok('h', 'host', room));
    const x = await joinRoom(server.wsUrl, room, await tok('x', 'participant', room));
    const ph = await peer(server.wsUrl, room, h.welcome.mediaTicket, h.welcome.self.peerId);
    const px = await peer(server.wsUrl, room, x.welcome.mediaTicket, x.welcome.self.peerId);
    assert.deepEqual([ph.first.type, px.first.type], ['OPEN', 'OPEN']);

    // x leaves but keeps both sockets open, as an attacker would.
    x.client.send({ type: 'command', ref: 'bye', command: { type: 'meeting/leave' } });
    await x.client.next((m) => m.type === 'ack' && m.ref === 'bye');
    const closed = await px.client.waitClose(5000);
    assert.equal(closed.code, 4006, 'signaling closed as soon as x left');
    const hostSignaling = ph.client.closed;
    assert.equal(hostSignaling, null, 'the host keeps theirs');

    // Offers from x's old peer id cannot be made again: a new connection needs a ticket, and x gets none.
    x.client.send({ type: 'media-ticket' });
    assert.equal((await x.client.next((m) => m.type === 'error')).code, 'not-joined');

    // Chat and a newcomer's peer id reach the host but only placeholders reach x.
    const before = x.client.received.length;
    h.client.send({ type: 'command', ref: 'c1', command: { type: 'chat/send', text: 'secret plan' } });
    await h.client.next((m) => m.type === 'ack' && m.ref === 'c1');
    const n = await joinRoom(server.wsUrl, room, await tok('n', 'participant', room));
    await h.client.next((m) => m.type === 'event' && m.event.type === 'participant-joined' && m.event.participant.id === 'n');
    for (let i = 0; i < 100 && x.client.received.slice(before).filter((m) => m.type === 'event').length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    const heard = x.client.received.slice(before);
    const text = JSON.stringify(heard);
    assert.ok(!text.includes('secret plan'), 'no chat');
    assert.ok(!text.includes(n.welcome.self.peerId), 'no peer id of others');
    assert.ok(heard.filter((m) => m.type === 'event').every((m) => m.event.type === 'redacted'));

    // x cannot post.
    x.client.send({ type: 'command', ref: 'c2', command: { type: 'chat/send', text: 'still here' } });
    const refused = await x.client.next((m) => m.type === 'error' && m.ref === 'c2');
    assert.equal(refused.code, 'not-joined');

    // Coming back with a resume gets the whole state: x heard only placeholders while away.
    const lastSeq = Math.max(...x.client.received.filter((m) => m.type === 'event').map((m) => m.seq));
    const back = await joinRoom(server.wsUrl, room, await tok('x', 'participant', room), { since: lastSeq });
    assert.ok(back.welcome.snapshot, 'a snapshot, not a resume from placeholders');
    assert.equal(back.welcome.snapshot.participants.n.present, true);
    for (const c of [h.client, x.client, n.client, ph.client, back.client]) c.close();
  });

  it('a replacing tab closes the old tab\u2019s signaling; ending the session closes everyone\u2019s', T, async () => {
    const room = 'replaced';
    const tH = await tok('h', 'host', room);
    const tA = await tok('a', 'participant', room);
    const h = await joinRoom(server.wsUrl, room, tH);
    const a1 = await joinRoom(server.wsUrl, room, tA);
    const ph = await peer(server.wsUrl, room, h.welcome.mediaTicket, h.welcome.self.peerId);
    const pa1 = await peer(server.wsUrl, room, a1.welcome.mediaTicket, a1.welcome.self.peerId);
    assert.deepEqual([ph.first.type, pa1.first.type], ['OPEN', 'OPEN']);
    const a2 = await joinRoom(server.wsUrl, room, tA);
    assert.notEqual(a2.welcome.self.peerId, a1.welcome.self.peerId);
    assert.equal((await pa1.client.waitClose(5000)).code, 4006);
    const pa2 = await peer(server.wsUrl, room, a2.welcome.mediaTicket, a2.welcome.self.peerId);
    assert.equal(pa2.first.type, 'OPEN', 'the new tab\u2019s ticket still works');

    h.client.send({ type: 'command', ref: 'end', command: { type: 'meeting/end' } });
    await h.client.next((m) => m.type === 'ack' && m.ref === 'end');
    assert.equal((await ph.client.waitClose(5000)).code, 4006);
    assert.equal((await pa2.client.waitClose(5000)).code, 4006);
    // No ticket while the session is over.
    a2.client.send({ type: 'media-ticket' });
    assert.equal((await a2.client.next((m) => m.type === 'error')).code, 'not-joined');
    for (const c of [h.client, a1.client, a2.client]) c.close();
  });
});
