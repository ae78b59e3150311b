/**
 * Right to left: the side panel's tabs follow the reading direction (the shared tabs
 * controller), so the arrow pointing at the next tab moves to it.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import './kaltura-room.ts';
import type { KalturaRoom } from './kaltura-room.component.ts';
import { $, button, waitUntil } from '../../testing/shadow-dom.ts';
import { FakeRoomServer, HOST, STUDENT } from '../../testing/fake-room-server.ts';
import { FakePeer, fakePeerFactory } from '../../testing/fake-peer.ts';
import type { RoomMedia } from '../../client/media/index.ts';

let server: FakeRoomServer;
const meshOf = (el: KalturaRoom) => (el as unknown as { mesh: RoomMedia }).mesh;
const WAIT = { timeout: 20_000 };

beforeEach(() => {
  FakePeer.reset();
  server = new FakeRoomServer({ room: 'bio-101' }).install();
  server.addUser('tok-host', HOST);
});

afterEach(() => server.uninstall());

describe('<kaltura-room> right to left', () => {
  it('moves across the side panel tabs in reading order', async () => {
    const now = server.now();
    server.setSession({ title: 'Cell biology', aiAssistant: false, startsAt: now - 60_000, endsAt: now + 3_600_000, registered: 3 });
    server.join(STUDENT);
    const wrap = await fixture<HTMLDivElement>(html`<div dir="rtl"><kaltura-room server="http://rooms.test" room="bio-101"
      token="tok-host" .peerFactory=${fakePeerFactory}></kaltura-room></div>`);
    const el = wrap.querySelector('kaltura-room') as KalturaRoom;
    await waitUntil(() => !meshOf(el).acquiring && button(el, 'Join'), 'pre-join', WAIT);
    button(el, 'Join')!.click();
    await waitUntil(() => $(el, '#tab-stage') && el.status === 'connected', 'joined with the stage tab', WAIT);
    const at = () => el.shadowRoot!.activeElement?.id;
    $<HTMLButtonElement>(el, '#tab-chat')!.focus();
    // Chat is at the right; Participants to its left, then Live stage.
    await sendKeys({ press: 'ArrowLeft' });
    await waitUntil(() => at() === 'tab-people', `ArrowLeft to Participants (focus on ${at()})`, WAIT);
    expect($(el, '#tab-people')!.getAttribute('aria-selected')).to.equal('true');
    await sendKeys({ press: 'ArrowLeft' });
    await waitUntil(() => at() === 'tab-stage', `ArrowLeft to Live stage (focus on ${at()})`, WAIT);
    await sendKeys({ press: 'ArrowRight' });
    await waitUntil(() => at() === 'tab-people', `ArrowRight back to Participants (focus on ${at()})`, WAIT);
    expect($(el, '#panel-people')!.hidden).to.equal(false);
    await expect(el).to.be.accessible();
  });
});
