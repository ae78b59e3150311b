import { aTimeout, expect, fixture, html, oneEvent } from '@open-wc/testing';
import { waitUntil } from '../../testing/shadow-dom.ts';
import { sendKeys } from '@web/test-runner-commands';
import './kaltura-room.ts';
import type { KalturaRoom } from './kaltura-room.component.ts';
import { $, $$, squash, text, button } from '../../testing/shadow-dom.ts';
import { FakeRoomServer, HOST, MODERATOR, OTHER, STUDENT } from '../../testing/fake-room-server.ts';
import { FakePeer, fakePeerFactory } from '../../testing/fake-peer.ts';
import type { RoomMedia } from '../../client/media/index.ts';
import type { Actor } from '../../protocol/types.ts';

let server: FakeRoomServer;
const THIRD: Actor = { id: 'u-third', name: 'Theo Third', role: 'participant' };

function meshOf(el: KalturaRoom): RoomMedia {
  return (el as unknown as { mesh: RoomMedia }).mesh;
}
/** The focused element in the room's shadow root. */
function el(room: KalturaRoom): Element | null {
  return room.shadowRoot!.activeElement;
}
function tileNames(el: KalturaRoom): string[] {
  return $$(el, '.tile .name-text').map((n) => n.textContent!.trim());
}
function live(el: KalturaRoom): string {
  return text(el, '.visually-hidden[role="status"]');
}
function chatLines(el: KalturaRoom): string[] {
  return $$(el, '.msg').map((m) => squash(`${m.querySelector('.msg-name')!.textContent}: ${m.querySelector('.msg-text')!.textContent}`));
}

async function joined(token = 'tok-student'): Promise<KalturaRoom> {
  const el = await fixture<KalturaRoom>(html`<kaltura-room
    server="http://rooms.test"
    room="bio-101"
    label="Biology 101"
    token=${token}
    .peerFactory=${fakePeerFactory}
  ></kaltura-room>`);
  await waitUntil(() => !meshOf(el).acquiring && (meshOf(el).localStream || meshOf(el).issues.video), 'media ready');
  await el.updateComplete;
  button(el, 'Join')!.click();
  await waitUntil(() => $(el, '.grid') && el.status === 'connected', 'joined');
  await el.updateComplete;
  return el;
}

/** Wait until the element shows what the server did. */
async function settle(el: KalturaRoom): Promise<void> {
  await aTimeout(10); // commands in flight reach the fake server
  await waitUntil(() => el.roomState?.seq === server.state.seq, 'caught up');
  await el.updateComplete;
}

beforeEach(() => {
  FakePeer.reset();
  server = new FakeRoomServer({ room: 'bio-101' }).install();
  server
    .addUser('tok-student', STUDENT)
    .addUser('tok-host', HOST)
    .addUser('tok-mod', MODERATOR)
    .addUser('tok-other', OTHER);
});

afterEach(() => {
  server.uninstall();
});

describe('<kaltura-room> breakout: participants', () => {
  it('counts down before a move, announces it once, then shows the new room', async () => {
    server.join(HOST);
    server.join(OTHER);
    const el = await joined();
    const events: string[] = [];
    el.addEventListener('kaltura-breakout-started', (e) => events.push(`started:${e.detail.resumed}`));
    el.addEventListener('kaltura-participant-moved', (e) => events.push(`moved:${e.detail.userId}:${e.detail.to}`));
    server.startBreakout(HOST, { plan: { [STUDENT.id]: 'Room 1', [OTHER.id]: 'Room 2' }, countdownSeconds: 10 });
    await settle(el);
    const overlay = $(el, '[part="countdown"]')!;
    expect(overlay).to.exist;
    expect(text(el, '[part="countdown"]')).to.match(/Moving to Room 1 in (10|9)…/);
    expect(overlay.getAttribute('aria-live')).to.equal(null);
    const announced = live(el);
    expect(announced).to.match(/^Moving to Room 1 in (10|9) seconds\.$/);
    // The number goes down each second; the announcement does not repeat.
    const first = text(el, '.countdown-n');
    await waitUntil(() => text(el, '.countdown-n') !== first, 'ticked', { timeout: 15_000 });
    expect(Number(text(el, '.countdown-n'))).to.equal(Number(first) - 1);
    expect(live(el)).to.equal(announced);
    expect(el.shadowRoot!.querySelectorAll('[aria-live]:not([role="log"])').length).to.equal(0);
    await expect(el).to.be.accessible();

    server.due();
    await settle(el);
    expect($(el, '[part="countdown"]')).to.equal(null);
    expect(text(el, '[part="breakout-bar"]')).to.include('You are in Room 1');
    expect(events).to.deep.equal([
      'started:false',
      `moved:${STUDENT.id}:${server.roomId('Room 1')}`,
      `moved:${OTHER.id}:${server.roomId('Room 2')}`,
    ]);
  });

  it('shows only the people of its room in the video grid, and everyone with their room in the list', async () => {
    server.join(HOST);
    server.join(OTHER);
    server.addUser('tok-third', THIRD).join(THIRD);
    const el = await joined();
    expect(tileNames(el)).to.have.length(4);
    server.startBreakout(HOST, { plan: { [STUDENT.id]: 'Room 1', [OTHER.id]: 'Room 1', [THIRD.id]: 'Room 2' } });
    await settle(el);
    expect(tileNames(el)).to.deep.equal(['Sam Student (You)', 'Olivia Other']);
    $<HTMLButtonElement>(el, '#tab-people')!.click();
    await el.updateComplete;
    const where = Object.fromEntries($$(el, '.person').map((li) => [li.querySelector('.person-name')!.textContent, squash(li.querySelector('.person-meta')!.textContent)]));
    expect(where).to.deep.equal({
      'Sam Student (You)': 'Participant · Room 1',
      'Dr. Ada Host': 'Host · Main room',
      'Olivia Other': 'Participant · Room 1',
      'Theo Third': 'Participant · Room 2',
    });
    // The count is of the people in the viewer's own room, as the grid shows.
    expect(text(el, '#tab-people .count')).to.equal('2');
    await expect(el).to.be.accessible();
    // Olivia moves on to Room 2 and leaves the grid.
    server.run({ type: 'breakout/move', userId: OTHER.id, to: server.roomId('Room 2') }, HOST);
    await settle(el);
    expect(tileNames(el)).to.deep.equal(['Sam Student (You)']);
    expect(text(el, '#tab-people .count')).to.equal('1');
  });

  it("keeps the mesh to its room's people", async () => {
    server.join(HOST, 'zz-host');
    server.join(OTHER, 'zz-other');
    const el = await joined();
    const peer = await waitUntil(() => FakePeer.last?.open, 'peer open').then(() => FakePeer.last!);
    await waitUntil(() => peer.placed.length === 2, 'calls to everyone in the main room');
    server.startBreakout(HOST, { plan: { [STUDENT.id]: 'Room 1', [OTHER.id]: 'Room 1' } });
    await settle(el);
    const open = () => peer.placed.filter((c) => !c.closed).map((c) => c.peer);
    expect(open()).to.deep.equal(['zz-other']);
    server.run({ type: 'breakout/end' }, HOST);
    await settle(el);
    expect(open().sort()).to.deep.equal(['zz-host', 'zz-other']);
  });

  it("shows its room's chat and broadcasts, and merges the history of a room it moves into", async () => {
    server.join(HOST);
    server.join(OTHER);
    server.seedChat([{ from: HOST.id, name: HOST.name, text: 'Welcome to class', at: Date.now() - 60_000 }]);
    const el = await joined();
    server.startBreakout(HOST, { plan: { [STUDENT.id]: 'Room 1', [OTHER.id]: 'Room 2' } });
    await settle(el);
    // In Room 1: the main room's chat is not shown; Room 1 starts empty.
    expect(chatLines(el)).to.deep.equal([]);
    expect($<HTMLInputElement>(el, '#chat-input')!.placeholder).to.equal('Message Room 1');
    server.run({ type: 'chat/send', text: 'Olivia in room 2' }, OTHER);
    const input = $<HTMLInputElement>(el, '#chat-input')!;
    input.value = 'Sam in room 1';
    $<HTMLFormElement>(el, '.composer')!.requestSubmit();
    await waitUntil(() => $$(el, '.msg').length === 1);
    expect(server.state.chat.at(-1)!.room).to.equal(server.roomId('Room 1'));
    server.run({ type: 'breakout/broadcast', text: 'Five minutes left' }, HOST);
    await waitUntil(() => $$(el, '.msg').length === 2);
    expect(chatLines(el)).to.deep.equal(['You: Sam in room 1', 'Broadcast from Dr. Ada Host: Five minutes left']);
    const broadcast = $(el, '.msg.broadcast')!;
    expect(broadcast.getAttribute('part')).to.equal('broadcast');
    expect(getComputedStyle(broadcast).borderLeftStyle).to.equal('solid');

    // A message from another room that reaches the mirror (unlike on a real server) is still not shown.
    server.lastSocket!.deliver({ type: 'history', messages: [{ id: 900, from: OTHER.id, name: OTHER.name, text: 'stray', at: Date.now(), room: 'r-elsewhere' }] });
    await aTimeout(30);
    expect($$(el, '.msg')).to.have.length(2);

    // Moved to Room 2: its history arrives and shows, with the broadcast.
    server.run({ type: 'breakout/move', userId: STUDENT.id, to: server.roomId('Room 2') }, HOST);
    await waitUntil(() => chatLines(el).includes('Olivia Other: Olivia in room 2'), 'history of Room 2');
    expect(chatLines(el)).to.deep.equal(['Olivia Other: Olivia in room 2', 'Broadcast from Dr. Ada Host: Five minutes left']);
    await expect(el).to.be.accessible();

    // Breakout ends: back in the main room with its history.
    server.run({ type: 'breakout/end' }, HOST);
    await waitUntil(() => chatLines(el)[0] === 'Dr. Ada Host: Welcome to class', 'main room history');
  });

  it('calls a moderator, can cancel, and hears when a call is dismissed or answered', async () => {
    server.join(HOST);
    const el = await joined();
    server.startBreakout(HOST, { plan: { [STUDENT.id]: 'Room 1' }, timeLimitMinutes: 10 });
    await settle(el);
    const bar = $(el, '[part="breakout-bar"]')!;
    expect(squash(bar.textContent)).to.match(/Room 1 Remaining time (10:00|9:59) Call moderator/);
    const requested = oneEvent(el, 'kaltura-help-requested');
    $<HTMLButtonElement>(el, '[part="call-button"]')!.click();
    expect((await requested).detail.call).to.include({ userId: STUDENT.id, room: server.roomId('Room 1') });
    await settle(el);
    expect(server.commands('breakout/call')).to.have.length(1);
    expect(text(el, '[part="breakout-bar"]')).to.include('A moderator has been called');
    expect(text(el, '[part="call-button"]')).to.equal('Cancel call');
    // The button's colour transition ends before axe checks its contrast.
    await waitUntil(() => $(el, '[part="call-button"]')!.getAnimations().every((a) => a.playState === 'finished'), 'transition over');
    await expect(el).to.be.accessible();

    $<HTMLButtonElement>(el, '[part="call-button"]')!.click();
    await waitUntil(() => text(el, '[part="call-button"]') === 'Call moderator');
    expect(server.commands('breakout/cancel-call')).to.have.length(1);
    expect(text(el, '[part="breakout-bar"]')).to.not.include('A moderator has been called');

    $<HTMLButtonElement>(el, '[part="call-button"]')!.click();
    await waitUntil(() => server.state.breakout.calls.length === 1);
    server.run({ type: 'breakout/dismiss', callId: server.state.breakout.calls[0]!.id }, HOST);
    await settle(el);
    expect(text(el, '[part="breakout-bar"]')).to.include('A moderator dismissed your call.');
    expect(live(el)).to.equal('A moderator dismissed your call.');

    $<HTMLButtonElement>(el, '[part="call-button"]')!.click();
    await waitUntil(() => server.state.breakout.calls.length === 1);
    server.run({ type: 'breakout/join', to: server.roomId('Room 1') }, HOST);
    await settle(el);
    expect(text(el, '[part="breakout-bar"]')).to.include('A moderator joined your room.');
    expect(tileNames(el)).to.include('Dr. Ada Host');
  });

  it('counts down when gathered and when breakout ends, and fires the events', async () => {
    server.join(HOST);
    const el = await joined();
    const events: string[] = [];
    el.addEventListener('kaltura-breakout-gathered', () => events.push('gathered'));
    el.addEventListener('kaltura-breakout-started', (e) => events.push(`started:${e.detail.resumed}`));
    el.addEventListener('kaltura-breakout-ended', () => events.push('ended'));
    server.startBreakout(HOST, { plan: { [STUDENT.id]: 'Room 1' }, countdownSeconds: 10 });
    server.due();
    server.run({ type: 'breakout/gather' }, HOST);
    await settle(el);
    expect(text(el, '.countdown-text')).to.match(/^Returning to the main room in (10|9)…$/);
    server.due();
    await settle(el);
    expect($(el, '[part="countdown"]')).to.equal(null);
    expect($(el, '[part="breakout-bar"]')).to.equal(null);
    server.run({ type: 'breakout/start' }, HOST);
    await settle(el);
    expect(text(el, '[part="countdown"]')).to.match(/Moving to Room 1 in/);
    server.due();
    server.run({ type: 'breakout/end' }, HOST);
    await settle(el);
    expect(text(el, '.countdown-text')).to.match(/^Returning to the main room in (10|9)…$/);
    expect($<HTMLButtonElement>(el, '[part="call-button"]')!.disabled).to.equal(true);
    server.due();
    await settle(el);
    expect($(el, '[part="countdown"]')).to.equal(null);
    expect(events).to.deep.equal(['started:false', 'gathered', 'started:true', 'ended']);
  });

  it('says when time is up before everyone returns', async () => {
    server.join(HOST);
    const el = await joined();
    server.startBreakout(HOST, { plan: { [STUDENT.id]: 'Room 1' }, timeLimitMinutes: 5, countdownSeconds: 10 });
    server.due(); // the moves land
    server.due(); // the time limit runs out
    await settle(el);
    expect(text(el, '.countdown-text')).to.match(/^Time is up\. Returning to the main room in \d+…$/);
    expect(live(el)).to.match(/^Time is up\. Returning to the main room in \d+ seconds\.$/);
  });

  it('comes back to the same room with the same remaining time after reconnecting or reloading', async () => {
    server.join(HOST);
    let el = await joined();
    server.startBreakout(HOST, { plan: { [STUDENT.id]: 'Room 1' }, timeLimitMinutes: 30 });
    await settle(el);
    server.dropAll();
    await waitUntil(() => el.status === 'reconnecting');
    await waitUntil(() => el.status === 'connected', 'reconnected', { timeout: 15_000 });
    await el.updateComplete;
    expect(text(el, '[part="breakout-bar"]')).to.match(/You are in Room 1 Remaining time (30:00|29:5\d)/);

    // A reload 17½ minutes later: a new element, a snapshot from the server.
    el.remove();
    const endsAt = server.now() + 12 * 60_000 + 30_000;
    server.state = { ...server.state, breakout: { ...server.state.breakout, endsAt } };
    el = await joined();
    expect(text(el, '[part="breakout-bar"]')).to.match(/You are in Room 1 Remaining time 12:(30|29)/);
    expect(tileNames(el)).to.deep.equal(['Sam Student (You)']);
  });
});

describe('<kaltura-room> breakout: hosts and moderators', () => {
  async function moderatorInBreakout(options: { timeLimitMinutes?: number; countdownSeconds?: number } = {}): Promise<KalturaRoom> {
    server.join(STUDENT);
    server.join(OTHER);
    const el = await joined('tok-mod');
    server.startBreakout(HOST, { plan: { [STUDENT.id]: 'Room 1', [OTHER.id]: 'Room 2' }, ...options });
    if (options.countdownSeconds) server.due(); // the first moves land
    await settle(el);
    return el;
  }

  it('shows the control bar only while breakout runs', async () => {
    server.join(STUDENT);
    const el = await joined('tok-mod');
    expect($(el, '[part="control-bar"]')).to.equal(null);
    server.startBreakout(HOST, { plan: { [STUDENT.id]: 'Room 1' } });
    await settle(el);
    const bar = $(el, '[part="control-bar"]')!;
    expect(squash(bar.textContent)).to.equal('Broadcast Main room, switch rooms Open dashboard End breakout');
    expect($(el, '[part="remaining-time"]')).to.equal(null);
    expect($(el, '[part="breakout-bar"]')).to.equal(null);
    await expect(el).to.be.accessible();
    server.run({ type: 'breakout/end' }, HOST);
    server.due();
    await settle(el);
    expect($(el, '[part="control-bar"]')).to.equal(null);
  });

  it('broadcasts a text message from the Broadcast panel, and says files are not supported', async () => {
    const el = await moderatorInBreakout();
    const toggle = $<HTMLButtonElement>(el, '[part="broadcast-button"]')!;
    toggle.click();
    await el.updateComplete;
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
    const textarea = $<HTMLTextAreaElement>(el, '#broadcast-text')!;
    await waitUntil(() => el.shadowRoot!.activeElement === textarea, 'focus in the text box');
    expect(text(el, 'label[for="broadcast-text"]')).to.equal('Message');
    await expect(el).to.be.accessible();

    const files = new DataTransfer();
    files.items.add(new File(['x'], 'slides.pdf', { type: 'application/pdf' }));
    const drop = new DragEvent('drop', { dataTransfer: files, bubbles: true, cancelable: true, composed: true });
    textarea.dispatchEvent(drop);
    await el.updateComplete;
    expect(drop.defaultPrevented).to.equal(true);
    expect(text(el, '[part="bar-panel"]')).to.include('At this time we only support sending text messages and not files.');

    textarea.value = '  Please wrap up  ';
    $$<HTMLButtonElement>(el, '[part="bar-panel"] button').find((b) => squash(b.textContent) === 'Broadcast')!.click();
    await waitUntil(() => server.commands('breakout/broadcast').length === 1);
    expect(server.commands('breakout/broadcast')[0]).to.deep.equal({ type: 'breakout/broadcast', text: 'Please wrap up' });
    await waitUntil(() => !$(el, '[part="bar-panel"]'));
    expect(el.shadowRoot!.activeElement).to.equal(toggle);
    await waitUntil(() => chatLines(el).includes('Broadcast from you: Please wrap up'));
  });

  it('shows Remaining time only with a time limit, and adds minutes', async () => {
    const el = await moderatorInBreakout({ timeLimitMinutes: 10 });
    const time = $<HTMLButtonElement>(el, '[part="remaining-time"]')!;
    expect(squash(time.textContent)).to.match(/^Remaining time (10:00|9:59)$/);
    time.click();
    await el.updateComplete;
    const minutes = $<HTMLInputElement>(el, '#add-minutes')!;
    expect(text(el, 'label[for="add-minutes"]')).to.equal('Minutes');
    await expect(el).to.be.accessible();
    minutes.value = '3';
    button(el, 'Add time')!.click();
    await waitUntil(() => server.commands('breakout/add-time').length === 1);
    expect(server.commands('breakout/add-time')[0]).to.deep.equal({ type: 'breakout/add-time', minutes: 3 });
    await settle(el);
    await waitUntil(() => /^Remaining time 1[23]:\d\d$/.test(squash($(el, '[part="remaining-time"]')?.textContent)), 'time added');
    await waitUntil(() => el.shadowRoot!.activeElement === $(el, '[part="remaining-time"]'), 'focus back on Remaining time');
  });

  it('switches rooms from the room list, by keyboard too', async () => {
    const el = await moderatorInBreakout();
    const toggle = $<HTMLButtonElement>(el, '[part="room-switch"]')!;
    toggle.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => $(el, '[part="room-list"]'));
    const rows = $$(el, '[part="room-list"] li').map((li) => squash(li.textContent));
    expect(rows).to.deep.equal([
      'Main room 1 person You are here',
      'Room 1 1 person Join room',
      'Room 2 1 person Join room',
    ]);
    await expect(el).to.be.accessible();
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect($(el, '[part="room-list"]')).to.equal(null);
    expect(el.shadowRoot!.activeElement).to.equal(toggle);

    toggle.click();
    await el.updateComplete;
    const moved = oneEvent(el, 'kaltura-participant-moved');
    button(el, 'Join room: Room 2')!.click();
    expect((await moved).detail).to.deep.equal({ userId: MODERATOR.id, to: server.roomId('Room 2'), name: 'Mo Derator' });
    expect(server.commands('breakout/join')[0]).to.deep.equal({ type: 'breakout/join', to: server.roomId('Room 2') });
    await settle(el);
    expect(text(el, '[part="room-switch"]')).to.equal('Room 2, switch rooms');
    expect(tileNames(el)).to.deep.equal(['Mo Derator (You)', 'Olivia Other']);

    $<HTMLButtonElement>(el, '[part="room-switch"]')!.click();
    await el.updateComplete;
    button(el, 'Join room: Main room')!.click();
    await waitUntil(() => server.commands('breakout/join').length === 2);
    expect(server.commands('breakout/join')[1]).to.deep.equal({ type: 'breakout/join', to: null });
  });

  it('rings the bell for calls and announces who is calling', async () => {
    const el = await moderatorInBreakout();
    expect($(el, '[part="calls"]')).to.equal(null);
    server.run({ type: 'breakout/call' }, STUDENT);
    await settle(el);
    const bell = $<HTMLButtonElement>(el, '[part="calls"]')!;
    expect(squash(bell.textContent)).to.equal('1 call for a moderator, open dashboard');
    expect(live(el)).to.equal('Sam Student is calling from Room 1');
    server.run({ type: 'breakout/call' }, OTHER);
    await settle(el);
    expect(text(el, '[part="calls"] .badge')).to.equal('2');
    expect(live(el)).to.equal('Olivia Other is calling from Room 2');
    await expect(el).to.be.accessible();
    bell.click();
    await el.updateComplete;
    expect($(el, '[part="dashboard"] breakout-dashboard')).to.exist;
  });

  it('opens the dashboard from Open dashboard and the menu, and hides it on kaltura-dashboard-close', async () => {
    const el = await moderatorInBreakout();
    const open = $<HTMLButtonElement>(el, '[part="dashboard-button"]')!;
    open.click();
    await el.updateComplete;
    const overlay = $(el, '[part="dashboard"]')!;
    expect(overlay.querySelector('breakout-dashboard')).to.exist;
    expect(overlay.getAttribute('role')).to.equal('dialog');
    expect($(el, '.room')!.inert).to.equal(true);
    expect($(el, '[part="control-bar"]')!.inert).to.equal(true);
    await waitUntil(() => el.shadowRoot!.activeElement === overlay, 'focus in the dashboard');
    await expect(el).to.be.accessible();

    const dashboard = overlay.querySelector('breakout-dashboard')!;
    dashboard.dispatchEvent(new CustomEvent('kaltura-dashboard-close', { bubbles: true, composed: true, detail: {} }));
    await el.updateComplete;
    expect($(el, '[part="dashboard"]')).to.equal(null);
    expect($(el, '.room')!.inert).to.equal(false);
    await waitUntil(() => el.shadowRoot!.activeElement === open, 'focus back on Open dashboard');

    // The bottom toolbar's three-dots menu: Breakout.
    button(el, 'More actions')!.click();
    await el.updateComplete;
    const items = $$(el, '#tools-button-menu [role="menuitem"]').map((i) => squash(i.textContent));
    expect(items).to.deep.equal(['Breakout']);
    $<HTMLButtonElement>(el, '#tools-button-menu [role="menuitem"]')!.click();
    await el.updateComplete;
    expect($(el, '[part="dashboard"] breakout-dashboard')).to.exist;
    expect($(el, '#tools-button-menu')!.hidden).to.equal(true);
  });

  it('offers Breakout in the bottom toolbar\'s three dots (seed 001) and Leave Session in the top bar\'s (seed 000), not Breakout to participants', async () => {
    const mod = await joined('tok-host');
    const menuItems = (el: KalturaRoom, menu: string) => $$(el, `#${menu} [role="menuitem"]`).map((i) => squash(i.textContent));
    // The bottom toolbar (the controls under the video) holds its three dots.
    const tools = button(mod, 'More actions')!;
    expect(tools.closest('[part="controls"]')).to.exist;
    expect(tools.getAttribute('aria-haspopup')).to.equal('menu');
    button(mod, 'More options')!.click();
    await mod.updateComplete;
    expect(menuItems(mod, 'menu-button-menu')).to.deep.equal(['Leave Session']);
    // End Session stays next to the top three dots.
    expect($(mod, '[part="end-button"]')!.parentElement).to.equal($(mod, '#menu-button')!.closest('.actions'));
    tools.focus();
    await sendKeys({ press: 'ArrowUp' });
    // ArrowUp opens on the last item: "Let participants share content" (a checkbox item).
    await waitUntil(() => el(mod)?.getAttribute('role') === 'menuitemcheckbox', 'focus in the tools menu', { timeout: 15_000 });
    expect($(mod, '#menu-button-menu')!.hidden, 'one menu at a time').to.equal(true);
    expect(menuItems(mod, 'tools-button-menu')).to.deep.equal(['Breakout']);
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => el(mod) === tools, 'Escape gives focus back', { timeout: 15_000 });
    expect($(mod, '#tools-button-menu')!.hidden).to.equal(true);
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => el(mod)?.getAttribute('role') === 'menuitem', 'Enter opens', { timeout: 15_000 });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => $(mod, '[part="dashboard"] breakout-dashboard'), 'dashboard', { timeout: 15_000 });
    await expect(mod).to.be.accessible();
    mod.remove();
    const student = await joined('tok-student');
    expect(button(student, 'More actions')).to.equal(undefined);
    button(student, 'More options')!.click();
    await student.updateComplete;
    expect($$(student, '[role="menuitem"]').map((i) => squash(i.textContent))).to.deep.equal(['Leave Session']);
  });

  it('ends breakout: End breakout sends breakout/end and the closing is counted down', async () => {
    const el = await moderatorInBreakout({ timeLimitMinutes: 10, countdownSeconds: 10 });
    $<HTMLButtonElement>(el, '[part="end-breakout"]')!.click();
    await waitUntil(() => server.commands('breakout/end').length === 1);
    await settle(el);
    expect($(el, '[part="remaining-time"]')).to.equal(null);
    expect($<HTMLButtonElement>(el, '[part="room-switch"]')!.disabled).to.equal(true);
    expect($<HTMLButtonElement>(el, '[part="end-breakout"]')!.disabled).to.equal(true);
    // The moderator stayed in the main room: a small notice, not the move overlay.
    expect(text(el, '[part="countdown"]')).to.match(/^Breakout rooms close in (10|9)…$/);
    const ended = oneEvent(el, 'kaltura-breakout-ended');
    server.due();
    await ended;
    await el.updateComplete;
    expect($(el, '[part="control-bar"]')).to.equal(null);
    expect($(el, '[part="countdown"]')).to.equal(null);
  });
});
