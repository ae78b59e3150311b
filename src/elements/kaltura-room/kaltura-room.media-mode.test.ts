/**
 * The media server in <kaltura-room>: hosts' "Use the media server" in More actions (with and
 * without a media server on the server), the notice hosts and moderators get when the room
 * outgrew the mesh with no media server, the polite note to everyone when the room moves to the
 * media server, the page event, and right to left.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import './kaltura-room.ts';
import type { KalturaRoom } from './kaltura-room.component.ts';
import { $, button, squash, text, waitUntil } from '../../testing/shadow-dom.ts';
import { FakeRoomServer, HOST, MODERATOR, OTHER, STUDENT } from '../../testing/fake-room-server.ts';
import { FakePeer, fakePeerFactory } from '../../testing/fake-peer.ts';
import type { RoomMedia } from '../../client/media/index.ts';
import type { KalturaMediaModeDetail } from '../shared/events.ts';
import type { Actor, ClientCommand, MediaConfig } from '../../protocol/types.ts';

const WAIT = { timeout: 20_000 };
const MOVED = 'The room moved to the media server to keep video smooth.';
const NO_SERVER = 'This room has no media server to move to. Ask your administrator to set one up.';
const CROWDED = 'More than 4 people have their camera on. Video may slow down: this room has no media server to move to. Ask your administrator to set one up.';
const SFU: MediaConfig = { sfu: true, meshLimit: 2 };
const MESH_ONLY: MediaConfig = { sfu: false, meshLimit: 4 };

const ANN: Actor = { id: 'u-ann', name: 'Ann Other', role: 'participant' };
const BEN: Actor = { id: 'u-ben', name: 'Ben Other', role: 'participant' };
const CAM: Actor = { id: 'u-cam', name: 'Cam Other', role: 'participant' };

let server: FakeRoomServer;
const meshOf = (el: KalturaRoom) => (el as unknown as { mesh: RoomMedia }).mesh;
const live = (el: KalturaRoom) => text(el, '.visually-hidden[role="status"]');
const item = (el: KalturaRoom) => $<HTMLElement>(el, '#tools-button-menu [part~="use-media-server"]');
const sent = (type: string) => server.commands(type) as ClientCommand[];

function setUp(media: MediaConfig): void {
  server = new FakeRoomServer({ room: 'bio-101', media }).install();
  server.addUser('tok-host', HOST).addUser('tok-mod', MODERATOR).addUser('tok-student', STUDENT).addUser('tok-other', OTHER);
}

async function joined(token: string, dir = 'ltr'): Promise<KalturaRoom> {
  const el = await fixture<KalturaRoom>(html`<kaltura-room dir=${dir} server="http://rooms.test" room="bio-101" token=${token}
    .peerFactory=${fakePeerFactory}></kaltura-room>`);
  await waitUntil(() => !meshOf(el).acquiring && button(el, 'Join'), 'pre-join', WAIT);
  button(el, 'Join')!.click();
  // In the room with the (fake) camera on, as the room records it: one camera each.
  await waitUntil(() => el.status === 'connected' && el.self && server.state.participants[el.self.id]?.video, 'joined, camera on', WAIT);
  await el.updateComplete;
  return el;
}

/** Others join with their camera on. */
function camerasOn(...actors: Actor[]): void {
  for (const a of actors) {
    if (!server.state.participants[a.id]?.present) server.join(a);
    const r = server.run({ type: 'media/state', audio: false, video: true }, a);
    if (!r.ok) throw new Error(r.message);
  }
}

/** Open More actions with the keyboard and put focus on "Use the media server". */
async function focusItem(el: KalturaRoom): Promise<void> {
  button(el, 'More actions')!.focus();
  await sendKeys({ press: 'ArrowDown' });
  await waitUntil(() => el.shadowRoot!.activeElement?.textContent?.includes('Breakout'), 'on Breakout', WAIT);
  await sendKeys({ press: 'ArrowDown' });
  await waitUntil(() => el.shadowRoot!.activeElement === item(el), 'on Use the media server', WAIT);
}

/** Page events `kaltura-media-mode-changed` of `el`. */
function listen(el: KalturaRoom): KalturaMediaModeDetail[] {
  const log: KalturaMediaModeDetail[] = [];
  document.addEventListener('kaltura-media-mode-changed', (e) => {
    if (e.target === el) log.push(e.detail);
  });
  return log;
}

afterEach(() => server.uninstall());

describe('<kaltura-room> the media server', () => {
  beforeEach(() => FakePeer.reset());

  it('hosts pin the room with "Use the media server" in More actions, a checkbox item, by keyboard; everyone hears the move', async () => {
    setUp(SFU);
    const el = await joined('tok-host');
    await focusItem(el);
    expect(item(el)!.getAttribute('role')).to.equal('menuitemcheckbox');
    expect(squash(item(el)!.textContent)).to.equal('Use the media server');
    expect(item(el)!.getAttribute('aria-checked')).to.equal('false');
    await expect(el).to.be.accessible();

    const student = await joined('tok-student');
    const log = listen(student);
    await focusItem(el);
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => server.state.media?.pinned === true, 'pinned', WAIT);
    expect(sent('media/pin-sfu')).to.deep.equal([{ type: 'media/pin-sfu', pinned: true }]);
    await waitUntil(() => el.shadowRoot!.activeElement === button(el, 'More actions'), 'focus back on More actions', WAIT);
    await waitUntil(() => item(el)?.getAttribute('aria-checked') === 'true', 'checked', WAIT);
    await waitUntil(() => live(student) === MOVED && live(el) === MOVED, 'the move said politely to everyone', WAIT);
    expect($(student, '[part="notice"]'), 'no alert for the move').to.equal(null);
    expect(log).to.deep.equal([{ mode: 'sfu', pinned: true, reason: 'pinned' }]);

    // Unpinning with few cameras: back to the mesh.
    await focusItem(el);
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => server.state.media?.mode === 'mesh', 'back on the mesh', WAIT);
    await waitUntil(() => item(el)?.getAttribute('aria-checked') === 'false', 'unchecked', WAIT);
    await waitUntil(() => log.length === 2, 'the second page event', WAIT);
    expect(log[1]).to.deep.equal({ mode: 'mesh', pinned: false, reason: 'unpinned' });
  });

  it('is for hosts only: moderators do not get it, participants have no More actions', async () => {
    setUp(SFU);
    const mod = await joined('tok-mod');
    button(mod, 'More actions')!.click();
    await waitUntil(() => !$(mod, '#tools-button-menu')?.hidden, 'the menu open', WAIT);
    expect($(mod, '[part~="allow-share"]')).to.not.equal(null);
    expect(item(mod)).to.equal(null);
    const student = await joined('tok-student');
    expect(button(student, 'More actions')).to.equal(undefined);
  });

  it('without a media server the room refuses, and the notice says why; the item stays unchecked', async () => {
    setUp(MESH_ONLY);
    const el = await joined('tok-host');
    await focusItem(el);
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => text(el, '[part="notice"]').includes(NO_SERVER), 'the refusal shown', WAIT);
    expect(server.state.media?.mode ?? 'mesh').to.equal('mesh');
    button(el, 'More actions')!.click();
    await waitUntil(() => item(el) && !$(el, '#tools-button-menu')!.hidden, 'the menu open again', WAIT);
    expect(item(el)!.getAttribute('aria-checked')).to.equal('false');
    await expect(el).to.be.accessible();
  });

  it('past the mesh limit with a media server, the room moves and everyone hears it once', async () => {
    setUp(SFU);
    const student = await joined('tok-student');
    const log = listen(student);
    camerasOn(ANN);
    expect(server.state.media?.mode ?? 'mesh', 'two cameras: the mesh').to.equal('mesh');
    await student.updateComplete;
    expect(live(student)).to.not.equal(MOVED);
    camerasOn(BEN);
    await waitUntil(() => live(student) === MOVED, 'the move said', WAIT);
    expect(log).to.deep.equal([{ mode: 'sfu', pinned: false, reason: 'cameras' }]);
    expect($(student, '[part="notice"]')).to.equal(null);
    await expect(student).to.be.accessible();
  });

  it('without a media server, hosts and moderators get a notice once when the room outgrows the mesh; participants do not', async () => {
    setUp(MESH_ONLY);
    const host = await joined('tok-host');
    const mod = await joined('tok-mod');
    const student = await joined('tok-student');
    camerasOn(ANN);
    await host.updateComplete;
    expect($(host, '[part="notice"]'), 'four cameras: nothing to say').to.equal(null);
    camerasOn(BEN);
    await waitUntil(() => text(host, '[part="notice"]') === CROWDED, 'the host told', WAIT);
    await waitUntil(() => text(mod, '[part="notice"]') === CROWDED, 'the moderator told', WAIT);
    expect($(host, '[part="notice"]')!.getAttribute('role')).to.equal('alert');
    // Dismissed, it does not come back while the run goes on.
    button(host, 'Dismiss')!.click();
    await waitUntil(() => !$(host, '[part="notice"]'), 'dismissed', WAIT);
    camerasOn(CAM);
    server.run({ type: 'media/state', audio: false, video: false }, BEN);
    camerasOn(BEN);
    await host.updateComplete;
    expect($(host, '[part="notice"]')).to.equal(null);
    expect(server.log.filter((e) => e.event.type === 'media-crowded')).to.have.length(1);
    expect($(student, '[part="notice"]'), 'participants are not told').to.equal(null);
    // One room on the page (one banner landmark) for the accessibility check.
    mod.remove();
    student.remove();
    await expect(host).to.be.accessible();
  });

  it('lays the item out right to left: the check mark at the left end', async () => {
    setUp(SFU);
    const el = await joined('tok-host', 'rtl');
    await focusItem(el);
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => server.state.media?.pinned === true, 'pinned', WAIT);
    button(el, 'More actions')!.click();
    await waitUntil(() => item(el)?.getAttribute('aria-checked') === 'true' && !$(el, '#tools-button-menu')!.hidden, 'open and checked', WAIT);
    const label = item(el)!.querySelector('span:not(.check-mark)')!.getBoundingClientRect();
    const mark = item(el)!.querySelector('.check-mark')!.getBoundingClientRect();
    expect(mark.right, 'the check mark after the label, to its left').to.be.at.most(label.left + 1);
    await expect(el).to.be.accessible();
  });
});
