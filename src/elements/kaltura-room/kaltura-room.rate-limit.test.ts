/**
 * The server refuses a command as `rate-limited` and says how long to wait: a chat message stays
 * in the composer with a polite note and Send comes back after the wait; other refusals say so in
 * the notice area, and a refused toggle is not shown as done.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { $, $$, button, text, waitUntil } from '../../testing/shadow-dom.ts';
import './kaltura-room.ts';
import type { KalturaRoom } from './kaltura-room.component.ts';
import { FakeRoomServer, HOST, STUDENT } from '../../testing/fake-room-server.ts';
import { FakePeer, fakePeerFactory } from '../../testing/fake-peer.ts';
import type { RoomMedia } from '../../client/media/index.ts';

let server: FakeRoomServer;
const meshOf = (el: KalturaRoom) => (el as unknown as { mesh: RoomMedia }).mesh;
const WAIT = { timeout: 20_000 };

async function joined(): Promise<KalturaRoom> {
  const el = await fixture<KalturaRoom>(html`<kaltura-room server="http://rooms.test" room="bio-101" token="tok-student" .peerFactory=${fakePeerFactory}></kaltura-room>`);
  await waitUntil(() => !meshOf(el).acquiring && meshOf(el).localStream, 'media ready', WAIT);
  await waitUntil(() => button(el, 'Join'), 'pre-join', WAIT);
  button(el, 'Join')!.click();
  await waitUntil(() => $(el, '.grid') && el.status === 'connected', 'joined', WAIT);
  await waitUntil(() => server.state.participants[STUDENT.id]?.video === true, 'first media state', WAIT);
  await el.updateComplete;
  return el;
}
const control = (el: KalturaRoom, name: string) => $$<HTMLButtonElement>(el, '.controls button').find((b) => b.textContent!.includes(name))!;
const sendButton = (el: KalturaRoom) => button(el, 'Send message')!;

beforeEach(() => {
  FakePeer.reset();
  server = new FakeRoomServer({ room: 'bio-101' }).install();
  server.addUser('tok-student', STUDENT).addUser('tok-host', HOST);
});

afterEach(() => server.uninstall());

describe('<kaltura-room> rate-limited refusals', () => {
  it('keeps a refused chat message in the composer, says when to retry, and re-enables Send after the wait', async () => {
    const el = await joined();
    server.limitRate('chat/send', 1500);
    const input = $<HTMLInputElement>(el, '#chat-input')!;
    input.value = 'Is this on the test?';
    $<HTMLFormElement>(el, '.composer')!.requestSubmit();
    await waitUntil(() => text(el, '[part="chat-note"]') !== '', 'note', WAIT);
    // Enter while waiting sends nothing more. Pressed at once: the wait is 1.5 s, and the checks
    // below (axe above all) can take longer than that on a busy machine.
    expect(sendButton(el).disabled).to.equal(true);
    $<HTMLFormElement>(el, '.composer')!.requestSubmit();
    await el.updateComplete;
    expect(server.commands('chat/send')).to.have.length(1);
    expect(text(el, '[part="chat-note"]')).to.equal("You're sending messages too quickly. Try again in 2 seconds.");
    expect($(el, '[part="chat-note"]')!.getAttribute('role')).to.equal('status');
    expect(input.value, 'not lost').to.equal('Is this on the test?');
    expect($$(el, '.msg')).to.have.length(0);
    await expect(el).to.be.accessible();

    await waitUntil(() => !sendButton(el).disabled, 'Send back after the wait', WAIT);
    expect(text(el, '[part="chat-note"]')).to.equal('');
    $<HTMLFormElement>(el, '.composer')!.requestSubmit();
    await waitUntil(() => $$(el, '.msg').length === 1, 'sent', WAIT);
    expect(input.value).to.equal('');
  });

  it('undoes a refused camera turn-on and says so; the room never shows it on', async () => {
    const el = await joined();
    control(el, 'Camera').click();
    await waitUntil(() => server.state.participants[STUDENT.id]?.video === false, 'camera off in the room', WAIT);
    server.limitRate('media/state', 1500);
    control(el, 'Camera').click();
    await waitUntil(() => text(el, '[role="alert"]').includes("You're doing that too quickly. Try again in 2 seconds."), 'notice', WAIT);
    await el.updateComplete;
    expect(control(el, 'Camera').getAttribute('aria-pressed'), 'not shown as on').to.equal('false');
    expect(meshOf(el).localStream!.getVideoTracks()[0]!.enabled).to.equal(false);
    expect(server.state.participants[STUDENT.id]!.video).to.equal(false);
  });

  it('keeps a refused camera turn-off off, and tells the room once the wait is over', async () => {
    const el = await joined();
    server.limitRate('media/state', 1500);
    control(el, 'Camera').click();
    await waitUntil(() => text(el, '[role="alert"]').includes('Try again in 2 seconds.'), 'notice', WAIT);
    expect(control(el, 'Camera').getAttribute('aria-pressed')).to.equal('false');
    expect(meshOf(el).localStream!.getVideoTracks()[0]!.enabled, 'off stays off').to.equal(false);
    await waitUntil(() => server.state.participants[STUDENT.id]?.video === false, 'the room catches up after the wait', WAIT);
  });

  it('words a refusal of the whole connection (no command named) the same way, and stays connected', async () => {
    const el = await joined();
    server.lastSocket!.deliver({ type: 'error', code: 'rate-limited', message: 'Too many messages; wait 2 s and try again.', retryAfterMs: 2000 });
    await waitUntil(() => text(el, '[role="alert"]').includes("You're doing that too quickly. Try again in 2 seconds."), 'notice', WAIT);
    expect(el.status).to.equal('connected');
  });

  it('says the same when a help call is refused, and does not show the call as made', async () => {
    server.join(HOST);
    const el = await joined();
    server.startBreakout(HOST, { plan: { [STUDENT.id]: 'Room 1' }, timeLimitMinutes: 10 });
    await waitUntil(() => $(el, '[part="call-button"]'), 'breakout bar', WAIT);
    server.limitRate('breakout/call', 3000);
    $<HTMLButtonElement>(el, '[part="call-button"]')!.click();
    await waitUntil(() => text(el, '[role="alert"]').includes("You're doing that too quickly. Try again in 3 seconds."), 'notice', WAIT);
    expect(text(el, '[part="call-button"]')).to.equal('Call moderator');
    expect(text(el, '[part="breakout-bar"]')).to.not.include('A moderator has been called');
    expect(server.state.breakout.calls).to.have.length(0);
  });
});
