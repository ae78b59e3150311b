/**
 * A late arrival to an ended session: before joining, the element asks the room's status
 * (GET /api/rooms/:room/status, the token in the Authorization header) and shows the ended
 * screen instead of "Ready to join?". Hosts start the session from there; participants check
 * again and join once it restarts. No socket is opened just to look.
 */
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { $, button, text, waitUntil } from '../../testing/shadow-dom.ts';
import './kaltura-room.ts';
import type { KalturaRoom } from './kaltura-room.component.ts';
import { FakeRoomServer, HOST, STUDENT } from '../../testing/fake-room-server.ts';
import { FakePeer, fakePeerFactory } from '../../testing/fake-peer.ts';
import type { RoomMedia } from '../../client/media/index.ts';

let server: FakeRoomServer;
const meshOf = (el: KalturaRoom) => (el as unknown as { mesh: RoomMedia }).mesh;
const WAIT = { timeout: 20_000 };

function mount(token: string): Promise<KalturaRoom> {
  return fixture<KalturaRoom>(html`<kaltura-room server="http://rooms.test" room="bio-101" label="Biology 101" token=${token} .peerFactory=${fakePeerFactory}></kaltura-room>`);
}

/** The session ran with the host and was ended by them. */
function endedByHost(): void {
  server.join(HOST);
  server.run({ type: 'meeting/end' }, HOST);
  server.leave(HOST.id);
}

beforeEach(() => {
  FakePeer.reset();
  server = new FakeRoomServer({ room: 'bio-101' }).install();
  server.addUser('tok-student', STUDENT).addUser('tok-host', HOST);
});

afterEach(() => server.uninstall());

describe('<kaltura-room> late arrival to an ended session', () => {
  it('shows a participant the ended screen before joining, with the camera off and no socket, and asks with the token in a header only', async () => {
    endedByHost();
    const el = await mount('tok-student');
    await waitUntil(() => text(el).includes('The session has ended.'), 'ended screen', WAIT);
    expect(text(el)).to.not.include('Ready to join?');
    expect(text(el)).to.include('The session was ended for everyone.');
    expect(button(el, 'Start Session')).to.equal(undefined);
    expect(button(el, 'Join')).to.equal(undefined);
    expect(button(el, 'Check again')).to.exist;
    expect(server.sockets, 'no socket just to look').to.have.length(0);
    const asked = server.statusRequests[0]!;
    expect(asked.url).to.equal('http://rooms.test/api/rooms/bio-101/status');
    expect(asked.authorization).to.equal('Bearer tok-student');
    await waitUntil(() => !meshOf(el).acquiring && meshOf(el).localStream === null, 'camera released', WAIT);
    await expect(el).to.be.accessible();
  });

  it('says so when Check again finds it still ended, and goes to "Ready to join?" once a host started it again', async () => {
    endedByHost();
    const el = await mount('tok-student');
    await waitUntil(() => button(el, 'Check again'), 'ended screen', WAIT);
    button(el, 'Check again')!.click();
    await waitUntil(() => text(el, '[role="status"]').includes('The session has not started again yet.'), 'still ended', WAIT);
    expect(server.statusRequests).to.have.length(2);

    server.run({ type: 'meeting/start' }, HOST);
    button(el, 'Check again')!.click();
    await waitUntil(() => text(el).includes('Ready to join?'), 'pre-join', WAIT);
    await waitUntil(() => !meshOf(el).acquiring && meshOf(el).localStream !== null, 'preview back', WAIT);
    button(el, 'Join')!.click();
    await waitUntil(() => $(el, '.grid') && el.status === 'connected', 'in the room', WAIT);
    expect(server.state.participants[STUDENT.id]!.present).to.equal(true);
  });

  it('gives a host Start Session there, which joins, starts the session and enters the room', async () => {
    endedByHost();
    const el = await mount('tok-host');
    await waitUntil(() => button(el, 'Start Session'), 'ended screen with Start Session', WAIT);
    expect(server.sockets).to.have.length(0);
    await expect(el).to.be.accessible();
    const started = oneEvent(el, 'kaltura-session-started');
    button(el, 'Start Session')!.click();
    expect((await started).detail.by).to.equal(HOST.id);
    expect(server.commands('meeting/start')).to.have.length(1);
    await waitUntil(() => $(el, '.grid') && server.state.participants[HOST.id]?.present, 'host in the room', WAIT);
    expect(server.state.status).to.equal('open');
    await waitUntil(() => meshOf(el).localStream !== null && FakePeer.last?.open, 'media on', WAIT);
  });

  it('words a host-away end as the room says, from the status answer', async () => {
    server.join(HOST);
    server.emit({ type: 'meeting-ended', reason: 'host-away', by: null, at: Date.now() });
    const el = await mount('tok-student');
    await waitUntil(() => text(el).includes('The session has ended.'), 'ended screen', WAIT);
    expect(text(el)).to.include('The host did not return within 15 minutes, so the session ended for everyone.');
  });

  it('keeps "Ready to join?" for an open session, and when the status cannot be read', async () => {
    const open = await mount('tok-student');
    await waitUntil(() => server.statusRequests.length === 1, 'asked', WAIT);
    await open.updateComplete;
    expect(text(open)).to.include('Ready to join?');
    open.remove();
    endedByHost();
    server.statusFailure = 503;
    const unknown = await mount('tok-student');
    await waitUntil(() => server.statusRequests.length === 2, 'asked again', WAIT);
    await unknown.updateComplete;
    expect(text(unknown)).to.include('Ready to join?');
  });
});
