import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../../testing/shadow-dom.ts';
import { setViewport } from '@web/test-runner-commands';
import './kaltura-room.ts';
import type { KalturaRoom } from './kaltura-room.component.ts';
import { $, $$, button } from '../../testing/shadow-dom.ts';
import { FakeRoomServer, HOST, OTHER, STUDENT } from '../../testing/fake-room-server.ts';
import { FakePeer, fakePeerFactory } from '../../testing/fake-peer.ts';
import type { RoomMedia } from '../../client/media/index.ts';

/** A phone: the room fills a 360 px wide screen. */
const PHONE = { width: 360, height: 740 };
const WAIT = { timeout: 15_000 };
let server: FakeRoomServer;

const meshOf = (el: KalturaRoom) => (el as unknown as { mesh: RoomMedia }).mesh;

async function joinedOnPhone(token: string): Promise<KalturaRoom> {
  await setViewport(PHONE);
  const wrap = await fixture<HTMLDivElement>(html`<div style="width:360px;margin:0;padding:0">
    <kaltura-room server="http://rooms.test" room="bio-101" label="Biology 101 · Week 3: Photosynthesis" token=${token}
      .peerFactory=${fakePeerFactory}></kaltura-room></div>`);
  const el = wrap.querySelector('kaltura-room') as KalturaRoom;
  await waitUntil(() => !meshOf(el).acquiring && (meshOf(el).localStream || meshOf(el).issues.video), 'media ready', WAIT);
  button(el, 'Join')!.click();
  await waitUntil(() => $(el, '.grid') && el.status === 'connected', 'joined', WAIT);
  await el.updateComplete;
  return el;
}

/** How many rows of boxes these elements sit in (by their vertical centres). */
function rows(elements: Element[]): number {
  const centres = elements
    .map((e) => e.getBoundingClientRect())
    .filter((r) => r.width > 0)
    .map((r) => r.top + r.height / 2)
    .sort((a, b) => a - b);
  let n = 0;
  let last = -Infinity;
  for (const c of centres) {
    if (c - last > 8) n++;
    last = c;
  }
  return n;
}

beforeEach(() => {
  FakePeer.reset();
  server = new FakeRoomServer({ room: 'bio-101' }).install();
  server.addUser('tok-student', STUDENT).addUser('tok-host', HOST).addUser('tok-other', OTHER);
});

afterEach(async () => {
  server.uninstall();
  await setViewport({ width: 800, height: 600 });
});

describe('<kaltura-room> on a 360 px screen', () => {
  it("keeps the host's header title readable next to End Session and the menu", async () => {
    const el = await joinedOnPhone('tok-host');
    const title = $(el, '[part="title"]')!;
    const box = title.getBoundingClientRect();
    // At least about 12 characters' room, and the whole title shows (it wraps rather than cut to a few letters).
    expect(box.width, `title ${box.width}px wide`).to.be.greaterThan(12 * 7);
    expect(title.scrollWidth, 'title not cut').to.be.at.most(title.clientWidth + 1);
    expect(title.scrollHeight, 'title not cut').to.be.at.most(title.clientHeight + 1);
    // End Session stays an icon next to the top three dots, named for assistive technology.
    const end = $<HTMLButtonElement>(el, '[part="end-button"]')!;
    expect(end.getBoundingClientRect().width).to.be.greaterThan(0);
    expect(button(el, 'End Session')).to.equal(end);
    expect(el.getBoundingClientRect().width).to.be.at.most(360);
    expect(el.shadowRoot!.querySelector('.base')!.scrollWidth).to.be.at.most(360);
    await expect(el).to.be.accessible();
  });

  it('keeps the toolbar, Share content included, on the screen in at most two rows', async () => {
    server.join(STUDENT);
    const el = await joinedOnPhone('tok-host');
    const controls = $(el, '[part="controls"]')!;
    const buttons = $$(el, '[part="controls"] > button, [part="controls"] > .menu-wrap > button');
    expect(buttons.map((b) => b.getAttribute('aria-label') ?? b.textContent!.trim())).to.deep.equal(['Microphone', 'Camera', 'Sound', 'Share content', 'More actions']);
    const room = el.getBoundingClientRect();
    for (const b of buttons) {
      const r = b.getBoundingClientRect();
      expect(r.left >= room.left - 0.5 && r.right <= room.right + 0.5, `${b.textContent!.trim()} on the screen`).to.equal(true);
    }
    expect(rows(buttons), 'rows of the toolbar').to.be.at.most(2);
    expect(controls.scrollWidth).to.be.at.most(controls.clientWidth + 1);
    await expect(el).to.be.accessible();
  });

  it('fits the breakout control bar into at most two rows', async () => {
    server.join(STUDENT);
    server.join(OTHER);
    const el = await joinedOnPhone('tok-host');
    server.startBreakout(HOST, { timeLimitMinutes: 15 });
    server.run({ type: 'breakout/call' }, STUDENT);
    await waitUntil(() => $(el, '[part="calls"]'), 'control bar with a call', WAIT);
    const bar = $(el, '[part="control-bar"]')!;
    const parts = $$(el, '[part="control-bar"] > * > *');
    expect(parts.length).to.be.greaterThan(4);
    expect(rows(parts), 'rows of the control bar').to.be.at.most(2);
    expect(bar.scrollWidth).to.be.at.most(bar.clientWidth + 1);
    await expect(el).to.be.accessible();
  });
});
