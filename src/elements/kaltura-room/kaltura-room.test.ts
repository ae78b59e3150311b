import { aTimeout, expect, fixture, html, oneEvent } from '@open-wc/testing';
import { waitUntil } from '../../testing/shadow-dom.ts';
import { sendKeys } from '@web/test-runner-commands';
import { ContextConsumer } from '@lit/context';
import { LitElement } from 'lit';
import './kaltura-room.ts';
import type { KalturaRoom } from './kaltura-room.component.ts';
import { $, $$, text, button } from '../../testing/shadow-dom.ts';
import { FakeRoomServer, HOST, MODERATOR, OTHER, STUDENT } from '../../testing/fake-room-server.ts';
import { FakePeer, fakePeerFactory } from '../../testing/fake-peer.ts';
import type { RoomMedia } from '../../client/media/index.ts';
import { roomContext, type RoomContextValue } from '../../context/room-context.ts';

let server: FakeRoomServer;

function meshOf(el: KalturaRoom): RoomMedia {
  return (el as unknown as { mesh: RoomMedia }).mesh;
}

async function mount(token = 'tok-student'): Promise<KalturaRoom> {
  const el = await fixture<KalturaRoom>(html`<kaltura-room
    server="http://rooms.test"
    room="bio-101"
    label="Biology 101 · Week 3"
    token=${token}
    .peerFactory=${fakePeerFactory}
  ></kaltura-room>`);
  await waitUntil(() => !meshOf(el).acquiring && (meshOf(el).localStream || meshOf(el).issues.video), 'media ready');
  // The preview shows the stream from the render after it arrives.
  await waitUntil(() => !meshOf(el).localStream || $<HTMLVideoElement>(el, '.preview video')?.srcObject === meshOf(el).localStream, 'preview attached', { timeout: 15_000 });
  await el.updateComplete;
  return el;
}

async function join(el: KalturaRoom): Promise<void> {
  button(el, 'Join')!.click();
  await waitUntil(() => $(el, '.grid') && el.status === 'connected', 'joined');
  await el.updateComplete;
}

async function joined(token = 'tok-student'): Promise<KalturaRoom> {
  const el = await mount(token);
  await join(el);
  return el;
}

async function openMenu(el: KalturaRoom): Promise<void> {
  button(el, 'More options')!.click();
  await waitUntil(() => !$(el, '[role="menu"]')!.hidden);
}

async function openLeaveDialog(el: KalturaRoom): Promise<HTMLDialogElement> {
  await openMenu(el);
  $<HTMLButtonElement>(el, '[role="menuitem"]')!.click();
  const dialog = $<HTMLDialogElement>(el, '#leave-dialog')!;
  await waitUntil(() => dialog.open, 'leave dialog open');
  return dialog;
}

function stubMedia(overrides: Partial<MediaDevices>): () => void {
  const md = navigator.mediaDevices as unknown as Record<string, unknown>;
  const saved: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(overrides)) {
    saved[k] = Object.getOwnPropertyDescriptor(md, k);
    md[k] = v;
  }
  return () => {
    for (const k of Object.keys(overrides)) {
      const d = saved[k] as PropertyDescriptor | undefined;
      if (d) Object.defineProperty(md, k, d);
      else delete md[k];
    }
  };
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

describe('<kaltura-room> pre-join', () => {
  it('previews the fake camera with device choices and toggles, and does not connect yet', async () => {
    const el = await mount();
    const video = $<HTMLVideoElement>(el, '.preview video')!;
    expect(video.srcObject, `media issues: ${JSON.stringify(meshOf(el).issues)}`).to.be.instanceOf(MediaStream);
    expect((video.srcObject as MediaStream).getVideoTracks()).to.have.length(1);
    expect(video.muted).to.equal(true);
    expect(video.classList.contains('mirror')).to.equal(true);
    expect($<HTMLSelectElement>(el, '#cam-select')!.options.length).to.be.greaterThan(0);
    expect($<HTMLSelectElement>(el, '#mic-select')!.options.length).to.be.greaterThan(0);
    expect(button(el, 'Microphone')!.getAttribute('aria-pressed')).to.equal('true');
    expect(button(el, 'Camera')!.getAttribute('aria-pressed')).to.equal('true');
    expect(text(el)).to.include('Ready to join?');
    expect(text(el)).to.include('Biology 101 · Week 3');
    expect(server.sockets).to.have.length(0);
    await expect(el).to.be.accessible();
  });

  it('turns the preview camera off and on', async () => {
    const el = await mount();
    button(el, 'Camera')!.click();
    await el.updateComplete;
    expect(button(el, 'Camera')!.getAttribute('aria-pressed')).to.equal('false');
    expect($<HTMLVideoElement>(el, '.preview video')!.hidden).to.equal(true);
    expect(text(el)).to.include('Your camera is off');
    button(el, 'Camera')!.click();
    await el.updateComplete;
    expect($<HTMLVideoElement>(el, '.preview video')!.hidden).to.equal(false);
  });

  it('says when there is no camera and joins audio-only', async () => {
    const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    const realEnum = navigator.mediaDevices.enumerateDevices.bind(navigator.mediaDevices);
    const restore = stubMedia({
      enumerateDevices: async () => (await realEnum()).filter((d) => d.kind !== 'videoinput'),
      getUserMedia: (c?: MediaStreamConstraints) => real({ audio: !!c?.audio, video: false }),
    });
    try {
      const el = await mount();
      expect(text(el)).to.include('No camera found.');
      expect(text(el)).to.include('You can join with audio only.');
      expect(button(el, 'Camera')!.disabled).to.equal(true);
      expect(button(el, 'Camera')!.getAttribute('aria-pressed')).to.equal('false');
      await expect(el).to.be.accessible();
      await join(el);
      await waitUntil(() => server.commands('media/state').length === 1);
      expect(server.commands('media/state')[0]).to.deep.equal({ type: 'media/state', audio: true, video: false });
    } finally {
      restore();
    }
  });

  it('says when camera and microphone are blocked and joins receive-only', async () => {
    const restore = stubMedia({
      getUserMedia: async () => {
        throw new DOMException('Permission denied', 'NotAllowedError');
      },
    });
    try {
      const el = await mount();
      expect(text(el)).to.include('Camera and microphone blocked.');
      expect(text(el)).to.include('You can still join to watch, listen and chat.');
      expect(button(el, 'Try again')).to.exist;
      await expect(el).to.be.accessible();
      await join(el);
      expect($(el, '.tile.self .avatar')).to.exist;
      // The room has no Try again: its note names only what the room has.
      const note = text(el, '.stage-note');
      expect(note).to.include('Camera and microphone blocked.');
      expect(note).to.not.include('Try again');
      expect(button(el, 'Try again')).to.equal(undefined);
      expect(note).to.include('then leave the session and rejoin it.');
      // Nothing to announce: the participant starts with audio and video off.
      await aTimeout(50);
      expect(server.commands('media/state')).to.have.length(0);
    } finally {
      restore();
    }
  });
});

describe('<kaltura-room> in the room', () => {
  it('joins: hello with the token, kaltura-joined, own tile muted and mirrored', async () => {
    const el = await mount();
    setTimeout(() => button(el, 'Join')!.click());
    const ev = await oneEvent(el, 'kaltura-joined');
    expect(ev.detail.room).to.equal('bio-101');
    expect(ev.detail.self).to.include({ id: STUDENT.id, name: STUDENT.name, role: 'participant' });
    await waitUntil(() => $(el, '.grid'));
    expect(server.hellos()[0]!.token).to.equal('tok-student');
    const tile = $(el, '.tile.self')!;
    expect(tile.getAttribute('part')).to.equal('tile tile-self');
    const video = tile.querySelector('video')!;
    expect(video.muted).to.equal(true);
    expect(getComputedStyle(video).transform).to.not.equal('none');
    expect(tile.textContent).to.include('Sam Student (You)');
    await waitUntil(() => server.commands('media/state').length === 1);
    expect(server.commands('media/state')[0]).to.deep.equal({ type: 'media/state', audio: true, video: true });
    expect($(el, '[part="status"]')!.textContent).to.include('Connected');
    await expect(el).to.be.accessible();
  });

  it('shows chat history to late joiners, rendering markup as text', async () => {
    const evil = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
    server.seedChat([
      { from: OTHER.id, name: OTHER.name, text: 'Welcome everyone', at: Date.now() - 60_000 },
      { from: OTHER.id, name: '<i>Mallory</i>', text: evil, at: Date.now() - 30_000 },
    ]);
    const el = await joined();
    const msgs = $$(el, '.msg');
    expect(msgs).to.have.length(2);
    expect(msgs[1]!.querySelector('.msg-text')!.textContent).to.equal(evil);
    expect(msgs[1]!.querySelector('.msg-name')!.textContent).to.equal('<i>Mallory</i>');
    expect($(el, '.log img, .log b, .log i')).to.equal(null);
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
    expect($(el, '[role="log"]')!.getAttribute('aria-live')).to.equal('polite');
  });

  it('sends chat and shows it when the server echoes it', async () => {
    const el = await joined();
    const input = $<HTMLInputElement>(el, '#chat-input')!;
    input.value = '  Hello <class>  ';
    $<HTMLFormElement>(el, '.composer')!.requestSubmit();
    await waitUntil(() => $$(el, '.msg').length === 1);
    expect(server.commands('chat/send')[0]).to.deep.equal({ type: 'chat/send', text: 'Hello <class>' });
    expect($(el, '.msg-text')!.textContent).to.equal('Hello <class>');
    expect($(el, '.msg-name')!.textContent).to.equal('You');
    expect(input.value).to.equal('');
  });

  it('toggles send media/state and flip aria-pressed', async () => {
    const el = await joined();
    await waitUntil(() => server.commands('media/state').length === 1);
    const mic = $$<HTMLButtonElement>(el, '.controls button').find((b) => b.textContent!.includes('Microphone'))!;
    const cam = $$<HTMLButtonElement>(el, '.controls button').find((b) => b.textContent!.includes('Camera'))!;
    mic.click();
    await waitUntil(() => server.commands('media/state').length === 2);
    expect(server.commands('media/state')[1]).to.deep.equal({ type: 'media/state', audio: false, video: true });
    expect(mic.getAttribute('aria-pressed')).to.equal('false');
    await waitUntil(() => $(el, '.tile.self .muted-badge'));
    cam.click();
    await waitUntil(() => server.commands('media/state').length === 3);
    expect(server.commands('media/state')[2]).to.deep.equal({ type: 'media/state', audio: false, video: false });
    await el.updateComplete;
    expect(cam.getAttribute('aria-pressed')).to.equal('false');
    expect($(el, '.tile.self .avatar')!.textContent).to.equal('SS');
    expect(meshOf(el).localStream!.getVideoTracks()[0]!.enabled).to.equal(false);
  });

  it('never loses a quick toggle: microphone off and on again before the server echoes', async () => {
    const el = await joined();
    await waitUntil(() => server.state.participants[STUDENT.id]?.audio === true, 'first media state');
    const mic = $$<HTMLButtonElement>(el, '.controls button').find((b) => b.textContent!.includes('Microphone'))!;
    mic.click();
    mic.click();
    await waitUntil(() => server.commands('media/state').length === 3, 'both toggles sent');
    expect(server.commands('media/state').slice(1)).to.deep.equal([
      { type: 'media/state', audio: false, video: true },
      { type: 'media/state', audio: true, video: true },
    ]);
    await waitUntil(() => el.roomState?.participants[STUDENT.id]?.audio === true, 'the room ends with the microphone on');
  });

  it('lists participants with roles and presence, and fires participant events', async () => {
    server.join(HOST);
    const el = await joined();
    setTimeout(() => server.join(OTHER));
    const joinedEv = await oneEvent(el, 'kaltura-participant-joined');
    expect(joinedEv.detail.participant.id).to.equal(OTHER.id);
    setTimeout(() => server.leave(OTHER.id));
    const leftEv = await oneEvent(el, 'kaltura-participant-left');
    expect(leftEv.detail).to.deep.equal({ userId: OTHER.id, name: OTHER.name });
    $<HTMLButtonElement>(el, '#tab-people')!.click();
    await el.updateComplete;
    const people = $$(el, '.person').map((li) => li.textContent!.replace(/\s+/g, ' ').trim());
    expect(people[0]).to.match(/^SS Sam Student \(You\) Participant · In the room/);
    expect(people[1]).to.match(/Dr\. Ada Host Host · In the room/);
    expect(people[2]).to.match(/Olivia Other Participant · Left/);
    expect($(el, '#tab-people .count')!.textContent).to.equal('2');
    await expect(el).to.be.accessible();
  });

  it('shows remote video from the mesh by user id', async () => {
    server.join(OTHER, 'zz-other-peer');
    const el = await joined();
    const peer = await waitUntil(() => FakePeer.last?.open, 'peer open').then(() => FakePeer.last!);
    expect(peer.id).to.equal(el.self!.peerId);
    expect(peer.options.key).to.equal('ticket-1'); // a media ticket from the welcome, never the join token
    await waitUntil(() => peer.placed.length === 1, 'call placed');
    expect(peer.placed[0]!.peer).to.equal('zz-other-peer');
    server.run({ type: 'media/state', audio: true, video: true }, OTHER);
    const canvas = document.createElement('canvas');
    canvas.getContext('2d')!.fillRect(0, 0, 10, 10);
    const remote = canvas.captureStream();
    peer.placed[0]!.deliverStream(remote);
    await waitUntil(() => $$(el, '.tile').length === 2 && !$$(el, '.tile')[1]!.classList.contains('no-video'));
    const tile = $$(el, '.tile').find((t) => t.textContent!.includes('Olivia Other'))!;
    expect(tile.querySelector('video')!.srcObject).to.equal(remote);
    expect(tile.querySelector('video')!.muted).to.equal(false);
  });

  it('keeps every video playing across re-renders: a stream is attached once, not on each render', async () => {
    server.join(OTHER, 'zz-other-peer');
    const el = await joined();
    const peer = await waitUntil(() => FakePeer.last?.open, 'peer open').then(() => FakePeer.last!);
    await waitUntil(() => peer.placed.length === 1, 'call placed');
    server.run({ type: 'media/state', audio: true, video: true }, OTHER);
    const canvas = document.createElement('canvas');
    canvas.getContext('2d')!.fillRect(0, 0, 10, 10);
    peer.placed[0]!.deliverStream(canvas.captureStream());
    await waitUntil(() => $$(el, '.tile video').every((v) => (v as HTMLVideoElement).srcObject), 'both tiles attached');
    // Setting srcObject, even to the same stream, restarts a video (it goes blank, then starts over).
    let attached = 0;
    for (const v of $$<HTMLVideoElement>(el, '.tile video')) {
      v.addEventListener('emptied', () => attached++);
      v.addEventListener('loadstart', () => attached++);
    }
    for (let i = 0; i < 5; i++) {
      el.requestUpdate();
      await el.updateComplete;
    }
    server.run({ type: 'chat/send', text: 'a render from the room' }, OTHER);
    await waitUntil(() => text(el).includes('a render from the room'), 'chat rendered');
    await aTimeout(100);
    expect(attached).to.equal(0);
  });

  it('tells participants the host has left, without the invisible timer', async () => {
    const el = await joined();
    const deadline = Date.now() + 15 * 60_000;
    server.emit({ type: 'host-away-started', deadline });
    await waitUntil(() => text(el).includes('The host has left.'));
    expect($<HTMLTimeElement>(el, '.banner time')).to.equal(null);
    expect(text(el)).not.to.include('session ends at');
    server.emit({ type: 'host-away-cancelled' });
    await waitUntil(() => !text(el).includes('The host has left.'));
  });

  it('shows hosts and moderators when the session would end', async () => {
    const el = await joined('tok-host');
    const deadline = Date.now() + 15 * 60_000;
    server.emit({ type: 'host-away-started', deadline });
    await waitUntil(() => text(el).includes('If no host returns'));
    const time = $<HTMLTimeElement>(el, '.banner time')!;
    expect(Math.abs(new Date(time.dateTime).getTime() - deadline)).to.be.lessThan(2000);
  });

  it('counts unread messages while the participants tab is open', async () => {
    const el = await joined();
    $<HTMLButtonElement>(el, '#tab-people')!.click();
    server.join(OTHER);
    server.run({ type: 'chat/send', text: 'one' }, OTHER);
    server.run({ type: 'chat/send', text: 'two' }, OTHER);
    await waitUntil(() => $(el, '#tab-chat .badge'));
    expect($(el, '#tab-chat')!.textContent!.replace(/\s+/g, ' ')).to.include('Chat (2 new)');
    $<HTMLButtonElement>(el, '#tab-chat')!.click();
    await el.updateComplete;
    expect($(el, '#tab-chat .badge')).to.equal(null);
  });

  it('switches panels with arrow keys (tabs pattern)', async () => {
    const el = await joined();
    $<HTMLButtonElement>(el, '#tab-chat')!.focus();
    await sendKeys({ press: 'ArrowRight' });
    await el.updateComplete;
    expect($(el, '#tab-people')!.getAttribute('aria-selected')).to.equal('true');
    expect(el.shadowRoot!.activeElement!.id).to.equal('tab-people');
    expect($(el, '#panel-chat')!.hidden).to.equal(true);
    await sendKeys({ press: 'ArrowLeft' });
    await el.updateComplete;
    expect($(el, '#tab-chat')!.getAttribute('aria-selected')).to.equal('true');
  });

  it('provides the room through context to nested elements', async () => {
    class Probe extends LitElement {
      consumer = new ContextConsumer(this, { context: roomContext, subscribe: true });
    }
    if (!customElements.get('room-probe')) customElements.define('room-probe', Probe);
    const el = await mount();
    const probe = document.createElement('room-probe') as Probe;
    el.append(probe);
    await probe.updateComplete;
    const first = probe.consumer.value as RoomContextValue;
    expect(first.status).to.equal('idle');
    await join(el);
    const value = probe.consumer.value as RoomContextValue;
    expect(value).to.not.equal(first);
    expect(value.status).to.equal('connected');
    expect(value.self!.id).to.equal(STUDENT.id);
    expect(Object.isFrozen(value)).to.equal(true);
    await value.send({ type: 'chat/send', text: 'from a nested element' });
    await waitUntil(() => (probe.consumer.value as RoomContextValue).state!.chat.length === 1);
  });
});

describe('<kaltura-room> leaving', () => {
  it('asks "Do you want to leave the session?" with Yes / No; No stays', async () => {
    const el = await joined();
    const dialog = await openLeaveDialog(el);
    expect(dialog.textContent).to.include('Do you want to leave the session?');
    const buttons = [...dialog.querySelectorAll('button')].map((b) => b.textContent!.trim());
    expect(buttons).to.deep.equal(['Yes', 'No']);
    expect(dialog.getAttribute('aria-labelledby')).to.equal('leave-dialog-title');
    await expect(el).to.be.accessible();
    [...dialog.querySelectorAll('button')].find((b) => b.textContent!.trim() === 'No')!.click();
    await waitUntil(() => !dialog.open);
    await aTimeout(20);
    expect(server.commands('meeting/leave')).to.have.length(0);
    expect($(el, '.grid')).to.exist;
  });

  it('Yes leaves, shows the left screen, and "Rejoin the session?" rejoins', async () => {
    const el = await joined();
    const dialog = await openLeaveDialog(el);
    const leftEvent = oneEvent(el, 'kaltura-left');
    [...dialog.querySelectorAll('button')].find((b) => b.textContent!.trim() === 'Yes')!.click();
    expect((await leftEvent).detail.room).to.equal('bio-101');
    await el.updateComplete;
    expect(server.commands('meeting/leave')).to.have.length(1);
    expect(text(el)).to.include('You have left the session.');
    expect(el.status).to.equal('left');
    expect(meshOf(el).localStream).to.equal(null);
    expect(FakePeer.last!.destroyed).to.equal(true);
    await expect(el).to.be.accessible();

    const rejoined = oneEvent(el, 'kaltura-joined');
    button(el, 'Rejoin the session?')!.click();
    await rejoined;
    await waitUntil(() => $(el, '.grid'));
    expect(server.hellos()).to.have.length(2);
    expect(server.state.participants[STUDENT.id]!.present).to.equal(true);
    await waitUntil(() => meshOf(el).localStream !== null);
  });

  it('Yes stops the camera and every call at once, without waiting for the server to answer', async () => {
    const el = await joined();
    await waitUntil(() => meshOf(el).localStream !== null);
    const tracks = meshOf(el).localStream!.getTracks();
    server.unanswered.add('meeting/leave');
    const dialog = await openLeaveDialog(el);
    const leftEvent = oneEvent(el, 'kaltura-left');
    [...dialog.querySelectorAll('button')].find((b) => b.textContent!.trim() === 'Yes')!.click();
    await waitUntil(() => server.commands('meeting/leave').length === 1, 'the leave sent');
    expect(meshOf(el).localStream).to.equal(null);
    expect(tracks.every((t) => t.readyState === 'ended'), 'camera and microphone off').to.equal(true);
    expect(FakePeer.last!.destroyed, 'calls closed').to.equal(true);
    await leftEvent; // the left screen once the reply is given up on
    expect(el.status).to.equal('left');
  });

  it('works from the keyboard: menu button, arrow keys, Escape, Enter, dialog', async () => {
    const el = await joined();
    const menuButton = $<HTMLButtonElement>(el, '#menu-button')!;
    expect(menuButton.getAttribute('aria-haspopup')).to.equal('menu');
    menuButton.focus();
    await sendKeys({ press: 'ArrowDown' });
    await waitUntil(() => el.shadowRoot!.activeElement?.getAttribute('role') === 'menuitem');
    expect(menuButton.getAttribute('aria-expanded')).to.equal('true');
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect($(el, '[role="menu"]')!.hidden).to.equal(true);
    expect(el.shadowRoot!.activeElement).to.equal(menuButton);

    await sendKeys({ press: 'Enter' });
    await waitUntil(() => el.shadowRoot!.activeElement?.getAttribute('role') === 'menuitem');
    await sendKeys({ press: 'Enter' });
    const dialog = $<HTMLDialogElement>(el, '#leave-dialog')!;
    await waitUntil(() => dialog.open);
    expect(el.shadowRoot!.activeElement!.textContent!.trim()).to.equal('Yes');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !dialog.open);
    expect(server.commands('meeting/leave')).to.have.length(0);
    await waitUntil(() => el.shadowRoot!.activeElement === menuButton, 'focus back on the menu button');

    await sendKeys({ press: 'Enter' });
    await waitUntil(() => el.shadowRoot!.activeElement?.getAttribute('role') === 'menuitem');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => dialog.open);
    await sendKeys({ press: 'Tab' });
    expect(el.shadowRoot!.activeElement!.textContent!.trim()).to.equal('No');
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => text(el).includes('You have left the session.'));
    await waitUntil(() => el.shadowRoot!.activeElement?.textContent?.includes('You have left the session.'), 'focus moved to the news');
  });
});

describe('<kaltura-room> ending', () => {
  it('shows End Session only to hosts and moderators', async () => {
    const student = await joined('tok-student');
    expect($(student, '[part="end-button"]')).to.equal(null);
    expect($(student, '#end-dialog')).to.equal(null);
    student.remove();
    const mod = await joined('tok-mod');
    expect($(mod, '[part="end-button"]')).to.exist;
  });

  it('asks "Do you want to end the session for everyone?" and sends meeting/end', async () => {
    const el = await joined('tok-host');
    const endButton = $<HTMLButtonElement>(el, '[part="end-button"]')!;
    expect(endButton.textContent).to.include('End Session');
    endButton.click();
    const dialog = $<HTMLDialogElement>(el, '#end-dialog')!;
    await waitUntil(() => dialog.open);
    expect(dialog.textContent).to.include('Do you want to end the session for everyone?');
    const buttons = [...dialog.querySelectorAll('button')];
    expect(buttons.map((b) => b.textContent!.trim())).to.deep.equal(['Yes, End Session', 'No']);
    // Ending affects everyone: focus starts on No.
    expect(el.shadowRoot!.activeElement).to.equal(buttons[1]);
    await expect(el).to.be.accessible();
    const ended = oneEvent(el, 'kaltura-session-ended');
    buttons[0]!.click();
    const ev = await ended;
    expect(ev.detail).to.deep.equal({ reason: 'ended-by-host', by: HOST.id });
    expect(server.commands('meeting/end')).to.have.length(1);
    await el.updateComplete;
    expect(text(el)).to.include('The session has ended.');
    expect(meshOf(el).localStream).to.equal(null);
  });

  it('host sees Start Session on the ended screen, which restarts and re-enters', async () => {
    const el = await joined('tok-host');
    server.run({ type: 'meeting/end' }, HOST);
    await waitUntil(() => text(el).includes('The session has ended.'));
    await expect(el).to.be.accessible();
    const started = oneEvent(el, 'kaltura-session-started');
    button(el, 'Start Session')!.click();
    expect((await started).detail.by).to.equal(HOST.id);
    expect(server.commands('meeting/start')).to.have.length(1);
    await waitUntil(() => $(el, '.grid'));
    await waitUntil(() => meshOf(el).localStream !== null && FakePeer.last?.open);
  });

  it('participants see the ended screen (host-away wording), no Start Session, then a way to rejoin', async () => {
    server.join(HOST);
    const el = await joined('tok-student');
    server.emit({ type: 'meeting-ended', reason: 'host-away', by: null, at: Date.now() });
    await waitUntil(() => text(el).includes('The session has ended.'));
    expect(text(el)).to.include('The host did not return within 15 minutes');
    expect(button(el, 'Start Session')).to.equal(undefined);
    await expect(el).to.be.accessible();
    server.run({ type: 'meeting/start' }, HOST);
    await waitUntil(() => text(el).includes('The session has started again.'));
    expect(text(el)).to.include('Dr. Ada Host started the session.');
    await expect(el).to.be.accessible();
    button(el, 'Rejoin the session')!.click();
    await waitUntil(() => $(el, '.grid'));
  });

  it('joining an ended session shows the ended screen (when the status check could not tell before)', async () => {
    server.run({ type: 'presence/join', peerId: 'ph' }, HOST);
    server.run({ type: 'meeting/end' }, HOST);
    server.statusFailure = 503;
    const el = await mount('tok-host');
    button(el, 'Join')!.click();
    await waitUntil(() => text(el).includes('The session has ended.'));
    expect(button(el, 'Start Session')).to.exist;
  });
});

describe('<kaltura-room> removing someone', () => {
  it('hosts get "Remove from session" beside others, with a confirmation, and the server is asked', async () => {
    server.join(STUDENT);
    server.join(MODERATOR);
    const el = await joined('tok-host');
    $<HTMLButtonElement>(el, '#tab-people')!.click();
    await el.updateComplete;
    expect(button(el, 'Remove Dr. Ada Host from session'), 'not beside yourself').to.equal(undefined);
    expect(button(el, 'Remove Mo Derator from session')).to.exist;
    const remove = button(el, 'Remove Sam Student from session')!;
    remove.click();
    await waitUntil(() => $<HTMLDialogElement>(el, '#remove-dialog[open]'), 'confirmation', { timeout: 15_000 });
    const dialog = $<HTMLDialogElement>(el, '#remove-dialog')!;
    expect(text(el, '#remove-dialog')).to.include('Do you want to remove Sam Student from the session?');
    await expect(el).to.be.accessible();
    // No keeps them.
    dialog.querySelector<HTMLButtonElement>('[value="cancel"]')!.click();
    await waitUntil(() => !$(el, '#remove-dialog'), 'closed', { timeout: 15_000 });
    expect(server.commands('participant/remove')).to.have.length(0);
    button(el, 'Remove Sam Student from session')!.click();
    await waitUntil(() => $<HTMLDialogElement>(el, '#remove-dialog[open]'), 'asked again', { timeout: 15_000 });
    button(el, 'Yes, Remove')!.click();
    await waitUntil(() => server.commands('participant/remove').length === 1, 'command sent', { timeout: 15_000 });
    expect(server.commands('participant/remove')[0]).to.deep.equal({ type: 'participant/remove', userId: STUDENT.id });
    await waitUntil(() => !button(el, 'Remove Sam Student from session'), 'gone from the list actions', { timeout: 15_000 });
  });

  it('moderators cannot remove a host; participants get no remove buttons', async () => {
    server.join(HOST);
    server.join(OTHER);
    const mod = await joined('tok-mod');
    $<HTMLButtonElement>(mod, '#tab-people')!.click();
    await mod.updateComplete;
    expect(button(mod, 'Remove Dr. Ada Host from session')).to.equal(undefined);
    expect(button(mod, 'Remove Olivia Other from session')).to.exist;
    mod.remove();
    const student = await joined('tok-student');
    $<HTMLButtonElement>(student, '#tab-people')!.click();
    await student.updateComplete;
    expect($$(student, '[part="remove-button"]')).to.have.length(0);
  });

  it('the person removed sees "You were removed from the session." and their camera goes off', async () => {
    server.join(HOST);
    const el = await joined('tok-student');
    server.run({ type: 'participant/remove', userId: STUDENT.id }, HOST);
    await waitUntil(() => text(el).includes('You were removed from the session.'), 'removed screen', { timeout: 15_000 });
    expect($(el, '.grid')).to.equal(null);
    expect(meshOf(el).localStream).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('a refused join with the removed code shows the same screen', async () => {
    const el = await mount('tok-student');
    server.answerHello = false;
    button(el, 'Join')!.click();
    await waitUntil(() => server.hellos().length === 1, 'hello', { timeout: 15_000 });
    server.lastSocket!.deliver({ type: 'error', code: 'removed', message: 'You were removed from the session.', fatal: true });
    await waitUntil(() => text(el).includes('You were removed from the session.'), 'removed screen', { timeout: 15_000 });
    expect(button(el, 'Try again')).to.equal(undefined);
  });
});

describe('<kaltura-room> late arrival', () => {
  it('a participant joining after the session ended sees the ended screen, with the camera off (status check unanswered)', async () => {
    server.run({ type: 'presence/join', peerId: 'ph' }, HOST);
    server.run({ type: 'meeting/end' }, HOST);
    server.statusFailure = 503; // the pre-join check is in kaltura-room.late-arrival.test.ts
    const el = await mount('tok-student');
    expect(meshOf(el).localStream).to.not.equal(null);
    button(el, 'Join')!.click();
    await waitUntil(() => text(el).includes('The session has ended.'), 'ended screen', { timeout: 15_000 });
    expect(text(el)).to.not.include('Ready to join?');
    expect(button(el, 'Start Session')).to.equal(undefined);
    // Nothing to send from the ended screen: the camera and microphone are released.
    expect(meshOf(el).localStream).to.equal(null);
    await expect(el).to.be.accessible();
  });
});

describe('<kaltura-room> connection', () => {
  it('shows Reconnecting… and resumes with since and the same peerId', async () => {
    const el = await joined();
    const peerId = el.self!.peerId;
    const seq = el.roomState!.seq;
    const statuses: string[] = [];
    el.addEventListener('kaltura-connection-change', (e) => statuses.push(e.detail.status));
    server.answerHello = false;
    server.dropAll();
    await waitUntil(() => el.status === 'reconnecting');
    await el.updateComplete;
    expect($(el, '[part="status"]')!.textContent).to.include('Reconnecting…');
    expect($(el, '[part="status"]')!.getAttribute('role')).to.equal('status');
    expect(text(el)).to.include('Connection lost. Reconnecting…');
    server.answerHello = true;
    server.dropAll();
    await waitUntil(() => el.status === 'connected', 'reconnected', { timeout: 15_000 });
    const hello = server.hellos().at(-1)!;
    expect(hello.since).to.equal(seq);
    expect(hello.peerId).to.equal(peerId);
    expect(statuses[0]).to.equal('reconnecting');
    expect(statuses.at(-1)).to.equal('connected');
    await el.updateComplete;
    expect($(el, '[part="status"]')!.textContent).to.include('Connected');
  });

  it('shows a fatal error and does not reconnect', async () => {
    const el = await joined();
    const errorEvent = oneEvent(el, 'kaltura-error');
    server.lastSocket!.deliver({
      type: 'error',
      code: 'replaced',
      message: 'You opened this session in another window.',
      fatal: true,
    });
    const ev = await errorEvent;
    expect(ev.detail).to.deep.equal({ code: 'replaced', message: 'You opened this session in another window.', fatal: true });
    await el.updateComplete;
    expect(text(el)).to.include('You opened this session in another window.');
    expect(button(el, 'Join here instead')).to.exist;
    const sockets = server.sockets.length;
    await aTimeout(400);
    expect(server.sockets.length).to.equal(sockets);
    expect(meshOf(el).localStream).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('keeps trying while the server is unreachable, and the user can cancel', async () => {
    server.refuseConnections = true;
    const el = await mount();
    button(el, 'Join')!.click();
    await waitUntil(() => text(el).includes("Can't reach the session yet. Still trying…"), 'slow notice', { timeout: 15_000 });
    expect(button(el, 'Joining…')!.disabled).to.equal(true);
    expect(server.sockets.length).to.be.greaterThan(1);
    button(el, 'Cancel')!.click();
    await el.updateComplete;
    expect(el.status).to.equal('idle');
    expect(button(el, 'Join')!.disabled).to.equal(false);
    const count = server.sockets.length;
    await aTimeout(600);
    expect(server.sockets.length).to.equal(count);
    server.refuseConnections = false;
    await join(el);
  });

  it('shows a bad token as a failure', async () => {
    const el = await mount('not-a-token');
    button(el, 'Join')!.click();
    await waitUntil(() => el.status === 'failed');
    await el.updateComplete;
    expect(text(el)).to.include('Your link to this session is not valid.');
  });

  it('reports refused commands as kaltura-error without failing', async () => {
    const el = await joined();
    const errorEvent = oneEvent(el, 'kaltura-error');
    void el.endSession();
    const ev = await errorEvent;
    expect(ev.detail.code).to.equal('forbidden');
    expect(ev.detail.fatal).to.equal(false);
    await el.updateComplete;
    expect($(el, '[role="alert"]')!.textContent).to.include('Only the host or a moderator can end the session.');
    expect(el.status).to.equal('connected');
  });

  it('closes the socket and releases the camera when removed from the page', async () => {
    const el = await joined();
    const tracks = meshOf(el).localStream!.getTracks();
    el.remove();
    expect(server.openSockets).to.have.length(0);
    expect(tracks.every((t) => t.readyState === 'ended')).to.equal(true);
    expect(FakePeer.last!.destroyed).to.equal(true);
  });
});
