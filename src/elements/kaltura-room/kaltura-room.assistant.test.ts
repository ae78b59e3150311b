import { aTimeout, expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../../testing/shadow-dom.ts';
import { sendKeys } from '@web/test-runner-commands';
import './kaltura-room.ts';
import type { KalturaRoom } from './kaltura-room.component.ts';
import { $, $$, squash } from '../../testing/shadow-dom.ts';
import { FakeRoomServer, HOST, MODERATOR, OTHER, STUDENT } from '../../testing/fake-room-server.ts';
import { FakePeer, fakePeerFactory } from '../../testing/fake-peer.ts';
import type { RoomMedia } from '../../client/media/index.ts';
import type { Actor, SessionInfo } from '../../protocol/types.ts';

let server: FakeRoomServer;
/** What the stubbed document says: the tab is visible / focused / full screen. */
let page: { visible: boolean; focused: boolean; fullscreen: Element | null };

const THIRD: Actor = { id: 'u-third', name: 'Tia Third', role: 'participant' };

function meshOf(el: KalturaRoom): RoomMedia {
  return (el as unknown as { mesh: RoomMedia }).mesh;
}
/** The figures of the stage tab: label → value. */
function figures(el: KalturaRoom): Record<string, string> {
  return Object.fromEntries(
    $$(el, '[part="stat"]').map((s) => [squash(s.querySelector('dt')!.textContent), squash(s.querySelector('.stat-value')!.textContent)]),
  );
}
function soundButton(el: KalturaRoom): HTMLButtonElement {
  return $$<HTMLButtonElement>(el, '.controls button').find((b) => squash(b.textContent) === 'Sound')!;
}
function reports(): boolean[] {
  return server.commands('engagement/report').map((c) => (c as { engaged: boolean }).engaged);
}

function session(overrides: Partial<SessionInfo> = {}): SessionInfo {
  const now = server.now();
  return {
    title: 'Cell biology: membranes',
    aiAssistant: false,
    startsAt: now - 10 * 60_000,
    endsAt: now + 62 * 60_000,
    registered: 4,
    ...overrides,
  };
}

async function joined(token: string): Promise<KalturaRoom> {
  const el = await fixture<KalturaRoom>(html`<kaltura-room
    server="http://rooms.test"
    room="bio-101"
    label="Biology 101"
    token=${token}
    .peerFactory=${fakePeerFactory}
  ></kaltura-room>`);
  await waitUntil(() => !meshOf(el).acquiring && (meshOf(el).localStream || meshOf(el).issues.video), 'media ready');
  await el.updateComplete;
  $$<HTMLButtonElement>(el, 'button').find((b) => squash(b.textContent) === 'Join')!.click();
  await waitUntil(() => $(el, '.grid') && el.status === 'connected', 'joined');
  await el.updateComplete;
  return el;
}

async function openStage(el: KalturaRoom): Promise<HTMLElement> {
  await waitUntil(() => $(el, '#tab-stage'), 'stage tab');
  $<HTMLButtonElement>(el, '#tab-stage')!.click();
  await el.updateComplete;
  return $<HTMLElement>(el, '#panel-stage')!;
}

/** Change what the document says and fire the event the browser would. */
function setPage(change: Partial<typeof page>, event: string, target: EventTarget = document): void {
  Object.assign(page, change);
  target.dispatchEvent(new Event(event));
}

beforeEach(() => {
  FakePeer.reset();
  server = new FakeRoomServer({ room: 'bio-101' }).install();
  server.addUser('tok-student', STUDENT).addUser('tok-host', HOST).addUser('tok-mod', MODERATOR).addUser('tok-other', OTHER);
  // Headless pages may or may not have focus: the tests decide.
  page = { visible: true, focused: true, fullscreen: null };
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (page.visible ? 'visible' : 'hidden') });
  Object.defineProperty(document, 'fullscreenElement', { configurable: true, get: () => page.fullscreen });
  document.hasFocus = () => page.focused;
});

afterEach(() => {
  server.uninstall();
  delete (document as { visibilityState?: unknown }).visibilityState;
  delete (document as { fullscreenElement?: unknown }).fullscreenElement;
  delete (document as { hasFocus?: unknown }).hasFocus;
});

describe('<kaltura-room> Assistant / Live stage tab', () => {
  it('shows Live stage to a host when the assistant is off: attendees, turnout, engagement rate, time to end', async () => {
    server.setSession(session());
    server.join(STUDENT);
    server.join(OTHER);
    server.join(MODERATOR);
    server.run({ type: 'engagement/report', engaged: true }, OTHER);
    const el = await joined('tok-host');
    const tab = $(el, '#tab-stage')!;
    expect(squash(tab.textContent)).to.equal('Live stage');
    expect(tab.getAttribute('part')).to.equal('stage-tab');
    expect(tab.getAttribute('aria-selected')).to.equal('false');
    const panel = await openStage(el);
    expect(panel.hidden).to.equal(false);
    expect(tab.getAttribute('aria-selected')).to.equal('true');
    expect(squash(panel.querySelector('h3')!.textContent)).to.equal('Cell biology: membranes');
    const f = figures(el);
    expect(Object.keys(f)).to.deep.equal(['Attendees', 'Turnout', 'Engagement rate', 'Time to end']);
    // Hosts and moderators are not attendees.
    expect(f['Attendees']).to.equal('2');
    expect(f['Turnout']).to.equal('2 of 4 (50%)');
    expect(f['Engagement rate']).to.equal('50%');
    expect(f['Time to end']).to.match(/^1:0[12]:\d\d$/);
    expect(squash(panel.textContent)).to.include('Percentage of those registered who are actually logged into the session');

    // Figures follow the room.
    server.join(THIRD);
    server.run({ type: 'engagement/report', engaged: true }, THIRD);
    server.leave(STUDENT.id);
    await waitUntil(() => figures(el)['Turnout'] === '2 of 4 (50%)' && figures(el)['Engagement rate'] === '100%');
  });

  it('shows Assistant and Live stage to a moderator when the assistant is on, both with chat mood from sentiment scores', async () => {
    server.setSession(session({ aiAssistant: true }));
    const el = await joined('tok-mod');
    expect($$(el, '[role="tab"]').map((t) => squash(t.textContent))).to.deep.equal(['Chat', 'Participants 1', 'Assistant', 'Live stage']);
    // Seed 002: with the assistant on, the Live stage tab shows the same information as Assistant.
    $<HTMLButtonElement>(el, '#tab-assistant')!.click();
    await el.updateComplete;
    expect($(el, '#panel-assistant')!.hidden).to.equal(false);
    const assistant = figures(el);
    expect(Object.keys(assistant)).to.deep.equal(['Attendees', 'Chat mood', 'Engagement rate', 'Time to end']);
    await openStage(el);
    expect($(el, '#panel-assistant')!.hidden).to.equal(true);
    let f = figures(el);
    expect(Object.keys(f)).to.deep.equal(['Attendees', 'Chat mood', 'Engagement rate', 'Time to end']);
    expect(f['Attendees']).to.equal('0');
    expect(f['Chat mood']).to.equal('No chat yet');
    expect(f['Engagement rate']).to.equal('—No attendees');
    expect($(el, '[part="stat"]:nth-child(3) [aria-hidden="true"]')!.textContent).to.equal('—');
    expect(squash($(el, '#panel-stage')!.textContent)).to.include(
      'Viewers who watch in full screen or with the focus on the tab and sound on',
    );

    server.join(STUDENT);
    server.join(OTHER);
    server.say(STUDENT, 'This is great, I love it', 0.6);
    server.say(OTHER, 'Really helpful', 0.4);
    server.say(OTHER, 'ok'); // not scored: left out
    await waitUntil(() => figures(el)['Chat mood'] === 'Positive (+0.50)', 'positive');
    expect($(el, '[part="stat"].mood-positive')).to.not.equal(null);
    expect(figures(el)['Engagement rate']).to.equal('0%');

    server.say(STUDENT, 'This is confusing and bad', -0.9);
    server.say(OTHER, 'I hate this', -0.9);
    await waitUntil(() => figures(el)['Chat mood'] === 'Negative (-0.20)', 'negative');

    // Only the last 20 scored messages count.
    for (let i = 0; i < 20; i++) server.say(i % 2 ? STUDENT : OTHER, `fine ${i}`, 0.1);
    await waitUntil(() => figures(el)['Chat mood'] === 'Neutral (+0.10)', 'neutral');
    f = figures(el);
    expect(f['Attendees']).to.equal('2');
  });

  it('is never shown to participants, and only while the room belongs to a session', async () => {
    server.setSession(session({ aiAssistant: true }));
    const student = await joined('tok-student');
    expect($(student, '#tab-stage')).to.equal(null);
    expect($(student, '[part="stats"]')).to.equal(null);
    student.remove();

    server.setSession(null);
    const host = await joined('tok-host');
    expect($(host, '#tab-stage')).to.equal(null);
    server.setSession(session());
    await waitUntil(() => $(host, '#tab-stage'), 'tab appears with the session');
    await openStage(host);
    // The session goes away while its tab is open: back to Chat.
    server.setSession(null);
    await waitUntil(() => !$(host, '#tab-stage'), 'tab gone');
    expect($(host, '#tab-chat')!.getAttribute('aria-selected')).to.equal('true');
    expect($(host, '#panel-chat')!.hidden).to.equal(false);
  });

  it('counts the time to end down each second, then says Ended and Overtime by', async () => {
    server.setSession(session({ endsAt: server.now() + 2400 }));
    const el = await joined('tok-host');
    const panel = await openStage(el);
    expect(figures(el)['Time to end']).to.match(/^0:0[123]$/);
    // No live region: a clock that speaks every second would drown everything else.
    expect(panel.closest('[aria-live]')).to.equal(null);
    expect(panel.querySelector('[aria-live], [role="status"], [role="timer"]')).to.equal(null);
    await waitUntil(() => figures(el)['Time to end'] === 'Ended', 'ended', { timeout: 15_000 });
    await waitUntil(() => figures(el)['Time to end'] === 'Overtime by 0:01', 'overtime', { timeout: 15_000 });
  });

  it('says days and hours for a session days away, never a clock of 154 hours', async () => {
    const ms = ((6 * 24 + 10) * 60 + 45) * 60_000 + 29_000;
    server.setSession(session({ endsAt: server.now() + ms }));
    const el = await joined('tok-host');
    await openStage(el);
    expect(figures(el)['Time to end']).to.equal('6 days, 10 hours');
  });

  it('moves across Chat, Participants and the stage tab with arrow keys, Home and End; passes axe', async () => {
    server.setSession(session({ aiAssistant: true }));
    server.join(STUDENT);
    server.say(STUDENT, 'Hello', 0.3);
    const el = await joined('tok-mod');
    $<HTMLButtonElement>(el, '#tab-chat')!.focus();
    const at = () => el.shadowRoot!.activeElement!.id;
    await sendKeys({ press: 'ArrowRight' });
    await sendKeys({ press: 'ArrowRight' });
    await el.updateComplete;
    expect(at()).to.equal('tab-assistant');
    await sendKeys({ press: 'ArrowRight' });
    await el.updateComplete;
    expect(at()).to.equal('tab-stage');
    expect($(el, '#tab-stage')!.getAttribute('tabindex')).to.equal('0');
    expect($(el, '#tab-chat')!.getAttribute('tabindex')).to.equal('-1');
    expect($(el, '#panel-stage')!.hidden).to.equal(false);
    expect($(el, '#panel-stage')!.getAttribute('aria-labelledby')).to.equal('tab-stage');
    await sendKeys({ press: 'ArrowRight' });
    await el.updateComplete;
    expect(at()).to.equal('tab-chat');
    await sendKeys({ press: 'ArrowLeft' });
    await el.updateComplete;
    expect(at()).to.equal('tab-stage');
    await sendKeys({ press: 'Home' });
    await el.updateComplete;
    expect(at()).to.equal('tab-chat');
    await sendKeys({ press: 'End' });
    await el.updateComplete;
    expect(at()).to.equal('tab-stage');
    expect($(el, '[part="stats"]')!.tagName).to.equal('DL');
    await expect(el).to.be.accessible();
  });
});

describe('<kaltura-room> engagement reports and the Sound toggle', () => {
  it('reports once after joining, then only changes of visibility, focus or full screen', async () => {
    const el = await joined('tok-student');
    await waitUntil(() => reports().length === 1, 'first report');
    expect(reports()).to.deep.equal([true]);
    expect(server.state.participants[STUDENT.id]!.engaged).to.equal(true);

    // Another tab in front.
    setPage({ visible: false, focused: false }, 'visibilitychange');
    await waitUntil(() => reports().length === 2, 'hidden', { timeout: 15_000 });
    expect(reports()[1]).to.equal(false);
    await waitUntil(() => server.state.participants[STUDENT.id]!.engaged === false);

    // Events that change nothing send nothing.
    setPage({}, 'blur', window);
    setPage({ visible: true }, 'visibilitychange'); // visible, but not focused
    await aTimeout(1300);
    expect(reports()).to.have.length(2);

    // Full screen counts as watching even without focus.
    setPage({ fullscreen: el }, 'fullscreenchange');
    await waitUntil(() => reports().length === 3, 'full screen', { timeout: 15_000 });
    expect(reports()[2]).to.equal(true);
    setPage({ fullscreen: null, focused: true }, 'fullscreenchange');
    setPage({}, 'focus', window);
    await aTimeout(1300);
    expect(reports()).to.have.length(3);

    // A quick blur and focus (within the debounce) sends nothing.
    setPage({ focused: false }, 'blur', window);
    await aTimeout(300);
    setPage({ focused: true }, 'focus', window);
    await aTimeout(1300);
    expect(reports()).to.have.length(3);
  });

  it('the Sound toggle mutes everyone else and makes the user not engaged', async () => {
    server.join(OTHER, 'zz-other-peer');
    const el = await joined('tok-student');
    const peer = await waitUntil(() => FakePeer.last?.open, 'peer open').then(() => FakePeer.last!);
    await waitUntil(() => peer.placed.length === 1, 'call placed');
    server.run({ type: 'media/state', audio: true, video: true }, OTHER);
    const canvas = document.createElement('canvas');
    canvas.getContext('2d')!.fillRect(0, 0, 10, 10);
    peer.placed[0]!.deliverStream(canvas.captureStream());
    const remoteVideo = () => $$(el, '.tile').find((t) => t.textContent!.includes('Olivia Other'))?.querySelector('video');
    await waitUntil(() => remoteVideo()?.srcObject, 'remote media');
    await waitUntil(() => reports().length === 1, 'first report');

    const sound = soundButton(el);
    expect(sound.getAttribute('part')).to.equal('control');
    expect(sound.getAttribute('aria-pressed')).to.equal('true');
    expect(remoteVideo()!.muted).to.equal(false);
    sound.click();
    await el.updateComplete;
    expect(sound.getAttribute('aria-pressed')).to.equal('false');
    expect(remoteVideo()!.muted).to.equal(true);
    expect($<HTMLVideoElement>(el, '.tile.self video')!.muted).to.equal(true);
    await waitUntil(() => reports().length === 2, 'sound off', { timeout: 15_000 });
    expect(reports()[1]).to.equal(false);

    sound.click();
    await el.updateComplete;
    expect(remoteVideo()!.muted).to.equal(false);
    expect($<HTMLVideoElement>(el, '.tile.self video')!.muted).to.equal(true);
    await waitUntil(() => reports().length === 3, 'sound on', { timeout: 15_000 });
    expect(reports()[2]).to.equal(true);
  });

  it('reports again after a reconnect, and moderators see the result as the engagement rate', async () => {
    server.setSession(session({ registered: 10 }));
    const host = await joined('tok-host');
    const student = await joined('tok-student');
    await waitUntil(() => server.commands('engagement/report').length === 2, 'both reported');
    await openStage(host);
    await waitUntil(() => figures(host)['Engagement rate'] === '100%');
    expect(figures(host)['Turnout']).to.equal('1 of 10 (10%)');

    // The student mutes the room: not engaged.
    soundButton(student).click();
    await waitUntil(() => figures(host)['Engagement rate'] === '0%', 'host sees 0%', { timeout: 15_000 });

    // A dropped connection: on its return the student reports again.
    const before = reports().length;
    const socket = server.openSockets.find((s) => s.user?.id === STUDENT.id)!;
    socket.finish(1006);
    await waitUntil(() => student.status === 'reconnecting');
    await waitUntil(() => student.status === 'connected', 'reconnected', { timeout: 15_000 });
    await waitUntil(() => reports().length === before + 1, 'report after resume');
    expect(reports().at(-1)).to.equal(false);
  });
});
