import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../../testing/shadow-dom.ts';
import { sendKeys } from '@web/test-runner-commands';
import './kaltura-room.ts';
import '../breakout-dashboard/breakout-dashboard.ts';
import type { KalturaRoom } from './kaltura-room.component.ts';
import { $, button } from '../../testing/shadow-dom.ts';
import { FakeRoomServer, HOST, OTHER, STUDENT } from '../../testing/fake-room-server.ts';
import { FakePeer, fakePeerFactory } from '../../testing/fake-peer.ts';
import type { RoomMedia } from '../../client/media/index.ts';

const WAIT = { timeout: 15_000 };
let server: FakeRoomServer;
const meshOf = (el: KalturaRoom) => (el as unknown as { mesh: RoomMedia }).mesh;

/** The element that really has focus, through shadow roots. */
function deepActive(): Element | null {
  let a: Element | null = document.activeElement;
  while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
  return a;
}
const dashboardOf = (el: KalturaRoom) => $(el, '[part="dashboard"] breakout-dashboard') as (HTMLElement & { updateComplete: Promise<unknown> }) | null;
const inDash = (el: KalturaRoom, selector: string) => dashboardOf(el)?.shadowRoot?.querySelector<HTMLElement>(selector) ?? null;

async function hostInRoom(): Promise<KalturaRoom> {
  server.join(STUDENT);
  server.join(OTHER);
  const el = await fixture<KalturaRoom>(html`<kaltura-room server="http://rooms.test" room="bio-101" label="Biology 101"
    token="tok-host" .peerFactory=${fakePeerFactory}></kaltura-room>`);
  await waitUntil(() => !meshOf(el).acquiring && (meshOf(el).localStream || meshOf(el).issues.video), 'media ready', WAIT);
  button(el, 'Join')!.click();
  await waitUntil(() => $(el, '.grid') && el.status === 'connected', 'joined', WAIT);
  return el;
}

beforeEach(() => {
  FakePeer.reset();
  server = new FakeRoomServer({ room: 'bio-101' }).install();
  server.addUser('tok-student', STUDENT).addUser('tok-host', HOST).addUser('tok-other', OTHER);
});

afterEach(() => server.uninstall());

describe('<kaltura-room> breakout dashboard as a modal', () => {
  it('moves focus into each new view, keeps Tab inside, and Escape closes it back to what opened it', async () => {
    const el = await hostInRoom();
    const tools = button(el, 'More actions')!;
    tools.click();
    await el.updateComplete;
    button(el, 'Breakout', '[role="menuitem"]')!.click();
    // No rooms yet: the set-up form, with focus in it.
    await waitUntil(() => deepActive() === inDash(el, '#count'), 'focus in the set-up form', WAIT);

    inDash(el, '[part="configure"] .btn.primary')!.click();
    await waitUntil(() => deepActive() === inDash(el, '[part="start-button"]'), 'focus on Start breakout after Create rooms', WAIT);

    inDash(el, '[part="start-button"]')!.click();
    await waitUntil(() => server.state.breakout.status === 'running', 'breakout running', WAIT);
    await waitUntil(() => deepActive() === inDash(el, '#dash-title'), 'focus on the dashboard heading after Start breakout', WAIT);

    // Tab and Shift+Tab go round the dashboard, never out to the room or the page.
    const overlay = $(el, '[part="dashboard"]')!;
    const inside = () => {
      const a = deepActive();
      return !!a && (overlay.contains(a) || dashboardOf(el)!.shadowRoot!.contains(a));
    };
    for (let i = 0; i < 30; i++) {
      await sendKeys({ press: 'Tab' });
      expect(inside(), `Tab ${i + 1} stays in the dashboard (on ${deepActive()?.outerHTML.slice(0, 60)})`).to.equal(true);
    }
    await sendKeys({ down: 'Shift' });
    try {
      for (let i = 0; i < 30; i++) {
        await sendKeys({ press: 'Tab' });
        expect(inside(), `Shift+Tab ${i + 1} stays in the dashboard`).to.equal(true);
      }
    } finally {
      await sendKeys({ up: 'Shift' });
    }

    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !$(el, '[part="dashboard"]'), 'Escape closes the dashboard', WAIT);
    await waitUntil(() => el.shadowRoot!.activeElement === tools, 'focus back on the three dots that opened it', WAIT);
  });

  it('Escape in a menu inside the dashboard closes only the menu', async () => {
    const el = await hostInRoom();
    server.startBreakout(HOST);
    await waitUntil(() => $(el, '[part="dashboard-button"]'), 'control bar', WAIT);
    $<HTMLButtonElement>(el, '[part="dashboard-button"]')!.click();
    await waitUntil(() => inDash(el, `[data-id="${STUDENT.id}"]`), 'rooms', WAIT);
    inDash(el, `[data-id="${STUDENT.id}"]`)!.click();
    await waitUntil(() => deepActive()?.getAttribute('role') === 'menuitem', 'move menu open', WAIT);
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !inDash(el, '[role="menu"]'), 'menu closed', WAIT);
    expect($(el, '[part="dashboard"]')).to.exist;
  });
});
