/**
 * <kaltura-room> and media access: the PeerJS key is a media ticket from the room socket (never
 * the join token), and a join token that expires is refreshed through `kaltura-request-token`
 * or, without a fresh one, ends in a clean leave.
 */
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { waitUntil } from '../../testing/shadow-dom.ts';
import './kaltura-room.ts';
import type { KalturaRoom } from './kaltura-room.component.ts';
import { $, text, button } from '../../testing/shadow-dom.ts';
import { FakeRoomServer, HOST, STUDENT } from '../../testing/fake-room-server.ts';
import { FakePeer, fakePeerFactory } from '../../testing/fake-peer.ts';
import type { RoomMedia } from '../../client/media/index.ts';

let server: FakeRoomServer;

const meshOf = (el: KalturaRoom) => (el as unknown as { mesh: RoomMedia }).mesh;

async function joined(token = 'tok-student'): Promise<KalturaRoom> {
  const el = await fixture<KalturaRoom>(html`<kaltura-room
    server="http://rooms.test"
    room="bio-101"
    token=${token}
    .peerFactory=${fakePeerFactory}
  ></kaltura-room>`);
  await waitUntil(() => !meshOf(el).acquiring && (meshOf(el).localStream || meshOf(el).issues.video), 'media ready', { timeout: 20_000 });
  await waitUntil(() => button(el, 'Join'), 'join button', { timeout: 20_000 });
  button(el, 'Join')!.click();
  await waitUntil(() => $(el, '.grid') && el.status === 'connected', 'joined', { timeout: 20_000 });
  return el;
}

beforeEach(() => {
  FakePeer.reset();
  server = new FakeRoomServer({ room: 'bio-101' }).install();
  server.addUser('tok-student', STUDENT).addUser('tok-student-fresh', STUDENT).addUser('tok-host', HOST);
});

afterEach(() => server.uninstall());

describe('<kaltura-room> media tickets and token refresh', () => {
  it('gives PeerJS the media ticket from the welcome as its key, never the join token', async () => {
    await joined();
    await waitUntil(() => FakePeer.last, 'a Peer', { timeout: 20_000 });
    const peer = FakePeer.last!;
    expect(peer.options.key).to.equal('ticket-1');
    expect(server.tickets[0]!.peerId).to.equal(peer.id);
    expect(JSON.stringify(peer.options)).not.to.include('tok-student');
  });

  it('asks the page for a fresh token before expiry and sends what it answers on the open socket', async () => {
    const el = await joined();
    setTimeout(() => server.warnTokenExpiry(60_000));
    const request = await oneEvent(el, 'kaltura-request-token');
    expect(request.bubbles && request.composed && request.cancelable).to.equal(true);
    expect(request.detail.expiresAt).to.be.greaterThan(server.now());
    request.preventDefault();
    request.detail.respond('tok-student-fresh');
    await waitUntil(() => server.refreshedTokens.length === 1, 'token sent', { timeout: 20_000 });
    expect(server.refreshedTokens).to.deep.equal(['tok-student-fresh']);
    expect(server.hellos()).to.have.length(1, 'no reconnect');
    expect(el.status).to.equal('connected');
    // Setting the same token on the element afterwards sends nothing more.
    el.token = 'tok-student-fresh';
    await el.updateComplete;
    expect(server.refreshedTokens).to.have.length(1);
    await expect(el).to.be.accessible();
  });

  it('a page may answer by setting the token property instead', async () => {
    const el = await joined();
    el.addEventListener('kaltura-request-token', (e) => {
      e.preventDefault();
      setTimeout(() => (el.token = 'tok-student-fresh'), 10);
    });
    server.warnTokenExpiry(60_000);
    await waitUntil(() => server.refreshedTokens.length === 1, 'token sent', { timeout: 20_000 });
    expect(text(el)).not.to.include('Reload the page');
  });

  it('without a handler it tells the user; at expiry it leaves cleanly and says the sign-in expired', async () => {
    const el = await joined();
    server.warnTokenExpiry(60_000);
    await waitUntil(() => text(el).includes('Your sign-in expires in a minute.'), 'warned', { timeout: 20_000 });
    setTimeout(() => server.expireToken(STUDENT.id));
    await oneEvent(el, 'kaltura-left');
    await waitUntil(() => text(el).includes('You have left the session.'), 'left screen', { timeout: 20_000 });
    expect(text(el)).to.include('Your sign-in expired, so you left the session.');
    expect(el.status).to.equal('left');
    expect(FakePeer.last!.destroyed).to.equal(true, 'media stopped');
    await expect(el).to.be.accessible();
  });
});
