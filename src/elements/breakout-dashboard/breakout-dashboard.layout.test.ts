import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../../testing/shadow-dom.ts';
import { setViewport } from '@web/test-runner-commands';
import './breakout-dashboard.ts';
import type { BreakoutDashboard } from './breakout-dashboard.component.ts';
import { FakeRoomServer, HOST, OTHER, STUDENT } from '../../testing/fake-room-server.ts';

/**
 * The standalone console on a 360 px phone, inside a page like the demo console (24 px padding):
 * nothing may be wider than the screen, in set-up and while breakout runs.
 */
const WAIT = { timeout: 15_000 };
let server: FakeRoomServer;

const root = (el: BreakoutDashboard) => el.shadowRoot!;
const fits = () => document.documentElement.scrollWidth <= 360;
function widest(el: BreakoutDashboard): string {
  const over = [...root(el).querySelectorAll<HTMLElement>('*')].filter((n) => n.getBoundingClientRect().right > 360.5);
  return over.map((n) => `${n.localName}.${n.className} ${Math.round(n.getBoundingClientRect().right)}`).slice(0, 5).join(', ');
}

beforeEach(async () => {
  await setViewport({ width: 360, height: 740 });
  server = new FakeRoomServer({ room: 'bio-101' }).install();
  server.addUser('tok-host', HOST);
  server.join(STUDENT);
  server.join(OTHER);
});

afterEach(async () => {
  server.uninstall();
  await setViewport({ width: 800, height: 600 });
});

describe('<breakout-dashboard> standalone on a 360 px screen', () => {
  it('fits the screen while setting up and while breakout runs', async () => {
    document.body.style.margin = '0';
    const page = await fixture<HTMLElement>(html`<main style="padding:1rem;box-sizing:border-box;max-width:1200px">
      <breakout-dashboard server="http://rooms.test" room="bio-101" token="tok-host"></breakout-dashboard></main>`);
    const el = page.querySelector('breakout-dashboard') as BreakoutDashboard;
    await waitUntil(() => root(el).querySelector('[part="configure"]'), 'set-up form', WAIT);
    expect(fits(), `set-up: page ${document.documentElement.scrollWidth}px wide; ${widest(el)}`).to.equal(true);

    server.run({ type: 'breakout/configure', rooms: ['Room 1', 'Room 2', 'Room 3'], timeLimitMinutes: 15, countdownSeconds: 0, assignment: 'auto' }, HOST);
    await waitUntil(() => root(el).querySelector('[part="start-button"]'), 'rooms', WAIT);
    expect(fits(), `rooms: page ${document.documentElement.scrollWidth}px wide; ${widest(el)}`).to.equal(true);

    server.run({ type: 'breakout/start' }, HOST);
    server.run({ type: 'breakout/call' }, STUDENT);
    await waitUntil(() => root(el).querySelector('[part~="call"]'), 'running, with a call', WAIT);
    expect(fits(), `running: page ${document.documentElement.scrollWidth}px wide; ${widest(el)}`).to.equal(true);
    await expect(el).to.be.accessible();
  });
});
