/**
 * Share content in <kaltura-room>: the toolbar button by role and room setting, the screen picked
 * before the room is asked, the take-over question, refusals and every way a share stops, the
 * element's methods and events, the stage switching to the content with the cameras in a strip,
 * and "Let participants share content" in More actions.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import './kaltura-room.ts';
import type { KalturaRoom } from './kaltura-room.component.ts';
import { $, $$, button, text, waitUntil } from '../../testing/shadow-dom.ts';
import { FakeRoomServer, HOST, MODERATOR, OTHER, STUDENT } from '../../testing/fake-room-server.ts';
import { FakePeer, fakePeerFactory } from '../../testing/fake-peer.ts';
import { canvasStream } from '../../testing/media-fixtures.ts';
import type { RoomMedia } from '../../client/media/index.ts';
import type { RoomCommandError } from '../../client/room-connection.ts';
import type { ClientCommand } from '../../protocol/types.ts';

const WAIT = { timeout: 20_000 };
const NOT_ALLOWED = 'The host has not allowed participants to share content.';
let server: FakeRoomServer;

/** What the browser's screen picker does in these tests: each call records its options and answers with `pick()`. */
let picks: DisplayMediaStreamOptions[] = [];
let pick: () => Promise<MediaStream> = async () => screenWithSound();

/** A captured screen with its sound (a canvas and a silent audio track). */
function screenWithSound(): MediaStream {
  const screen = canvasStream();
  const audio = new AudioContext().createMediaStreamDestination().stream.getAudioTracks()[0]!;
  screen.addTrack(audio);
  return screen;
}

const meshOf = (el: KalturaRoom) => (el as unknown as { mesh: RoomMedia }).mesh;
const shareButton = (el: KalturaRoom) => $<HTMLButtonElement>(el, '[part~="share-button"]')!;
const shares = () => server.state.share?.active ?? [];
const sent = (type: string) => server.commands(type) as ClientCommand[];

async function joined(token: string, dir = 'ltr'): Promise<KalturaRoom> {
  const el = await fixture<KalturaRoom>(html`<kaltura-room dir=${dir} server="http://rooms.test" room="bio-101" token=${token}
    .peerFactory=${fakePeerFactory}></kaltura-room>`);
  await waitUntil(() => !meshOf(el).acquiring && meshOf(el).localStream, 'media ready', WAIT);
  await waitUntil(() => button(el, 'Join'), 'pre-join', WAIT);
  button(el, 'Join')!.click();
  await waitUntil(() => $(el, '[part~="share-button"]') && el.status === 'connected', 'joined', WAIT);
  await waitUntil(() => el.self && server.state.participants[el.self.id]?.present, 'present', WAIT);
  await el.updateComplete;
  return el;
}

/** Page events of the element, as `type:userId:room`. */
function listen(el: KalturaRoom): string[] {
  const log: string[] = [];
  for (const type of ['kaltura-share-started', 'kaltura-share-stopped'] as const) {
    // Heard on the page's document: the events bubble out of the shadow root.
    document.addEventListener(type, (e) => {
      if (e.target === el) log.push(`${type}:${e.detail.userId}:${e.detail.room}`);
    });
  }
  return log;
}

/** The user's peer (the fake PeerJS one) once it is online. */
async function peerOf(): Promise<FakePeer> {
  await waitUntil(() => FakePeer.last?.open, 'peer open', WAIT);
  return FakePeer.last!;
}

const contentVideo = (el: KalturaRoom) => $<HTMLVideoElement>(el, '[part~="content"] video');
const stripTiles = (el: KalturaRoom) => $$(el, '[part~="strip"] [part~="tile"]');

beforeEach(() => {
  FakePeer.reset();
  server = new FakeRoomServer({ room: 'bio-101' }).install();
  server.addUser('tok-student', STUDENT).addUser('tok-host', HOST).addUser('tok-mod', MODERATOR).addUser('tok-other', OTHER);
  picks = [];
  pick = async () => screenWithSound();
  Object.defineProperty(navigator.mediaDevices, 'getDisplayMedia', {
    configurable: true,
    value: (options: DisplayMediaStreamOptions) => {
      picks.push(options);
      return pick();
    },
  });
});

afterEach(() => {
  server.uninstall();
  delete (navigator.mediaDevices as unknown as Record<string, unknown>).getDisplayMedia;
});

describe('<kaltura-room> Share content', () => {
  it('is for hosts and moderators; participants get it when a host allows it, and are told', async () => {
    server.join(HOST);
    const el = await joined('tok-student');
    const b = shareButton(el);
    expect(text(el, '[part~="share-button"]')).to.equal('Share content');
    expect(b.disabled).to.equal(true);
    expect(b.getAttribute('aria-pressed')).to.equal('false');
    // The reason is the button's description.
    expect($(el, `#${b.getAttribute('aria-describedby')}`)!.textContent).to.equal(NOT_ALLOWED);
    await expect(el).to.be.accessible();
    // The method refuses with the same reason, before any picker opens.
    const refusal = (await el.startScreenShare().catch((e) => e)) as RoomCommandError;
    expect(refusal.code).to.equal('forbidden');
    expect(refusal.message).to.equal(NOT_ALLOWED);
    expect(picks).to.have.length(0);
    expect(sent('share/start')).to.have.length(0);

    server.run({ type: 'share/allow', allowed: true }, HOST);
    await waitUntil(() => !shareButton(el).disabled, 'allowed', WAIT);
    expect(shareButton(el).hasAttribute('aria-describedby')).to.equal(false);
    expect(text(el, '[part="notice"]')).to.include('Participants can now share content.');

    server.run({ type: 'share/allow', allowed: false }, HOST);
    await waitUntil(() => shareButton(el).disabled, 'not allowed again', WAIT);
    expect(text(el, '[part="notice"]')).to.include('Participants can no longer share content.');
  });

  it('a host picks the screen (with its sound) before the room hears of it; the content fills the stage, the cameras in a strip; Stop sharing ends it', async () => {
    server.join(OTHER);
    const el = await joined('tok-host');
    const log = listen(el);
    const peer = await peerOf();
    await waitUntil(() => $$(el, '.grid [part~="tile"]').length === 2, 'two tiles in the grid', WAIT);
    expect(shareButton(el).disabled).to.equal(false);

    // Keyboard: Tab reaches the button (it is a plain button), Enter presses it.
    shareButton(el).focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => shares().length === 1, 'the share starts', WAIT);
    expect(picks).to.have.length(1);
    expect(picks[0]!.audio, 'the screen with its sound where offered').to.equal(true);
    expect(sent('share/start')).to.deep.equal([{ type: 'share/start', audio: true }]);
    expect(shares()[0]).to.include({ userId: HOST.id, room: null, audio: true });

    await waitUntil(() => $(el, '.stage-view.share') && text(el, '[part~="share-button"]') === 'Stop sharing', 'the stage shows the content', WAIT);
    expect(shareButton(el).getAttribute('aria-pressed')).to.equal('true');
    expect(text(el, '[part~="content-label"]')).to.equal('You are sharing');
    const video = contentVideo(el)!;
    expect(video.srcObject, 'the own screen as preview').to.equal(meshOf(el).screen);
    expect(video.muted, 'never played aloud').to.equal(true);
    expect(stripTiles(el)).to.have.length(2);
    expect($(el, '[part~="stop-share-button"]'), 'no "Stop" for the own share in the caption').to.equal(null);
    expect($(el, '[part~="layout-switch"]')).to.equal(null);
    // The screen goes to the others in the room.
    await waitUntil(() => peer.openCalls('screen').join() === `peer-${OTHER.id}`, 'screen call to the other', WAIT);
    expect(log).to.deep.equal([`kaltura-share-started:${HOST.id}:null`]);
    await expect(el).to.be.accessible();

    // Space on Stop sharing: the capture stops at once and the room is told.
    const track = meshOf(el).screen!.getVideoTracks()[0]!;
    await sendKeys({ press: 'Space' });
    await waitUntil(() => shares().length === 0, 'the share ends', WAIT);
    expect(track.readyState).to.equal('ended');
    expect(meshOf(el).screen).to.equal(null);
    expect(sent('share/stop')).to.deep.equal([{ type: 'share/stop' }]);
    await waitUntil(() => $(el, '.grid') && !$(el, '[part~="content"]'), 'back to the grid', WAIT);
    expect(text(el, '[part~="share-button"]')).to.equal('Share content');
    expect(shareButton(el).getAttribute('aria-pressed')).to.equal('false');
    await waitUntil(() => peer.openCalls('screen').length === 0, 'screen call closed', WAIT);
    expect(log).to.deep.equal([`kaltura-share-started:${HOST.id}:null`, `kaltura-share-stopped:${HOST.id}:null`]);
  });

  it("shows someone else's share as it arrives; a host may stop it from the caption", async () => {
    server.join(MODERATOR);
    server.run({ type: 'share/start', audio: false }, MODERATOR);
    const el = await joined('tok-host');
    const peer = await peerOf();
    await waitUntil(() => $(el, '.stage-view.share'), 'content on the stage', WAIT);
    expect(text(el, '[part~="content-label"]')).to.equal('Mo Derator is sharing');
    expect(text(el, '.content-wait')).to.equal('Connecting to the shared content…');
    // The sharer calls with the screen; the room state says we receive it, so it is answered.
    const call = peer.incoming(`peer-${MODERATOR.id}`, { source: 'screen' });
    expect(call.answered).to.equal(true);
    const screen = canvasStream();
    call.deliverStream(screen);
    await waitUntil(() => contentVideo(el)?.srcObject === screen, 'the shared screen plays', WAIT);
    expect($(el, '.content-wait')).to.equal(null);
    expect(contentVideo(el)!.muted, 'heard with the Sound toggle on').to.equal(false);

    const stop = $<HTMLButtonElement>(el, '[part~="stop-share-button"]')!;
    expect(text(el, '[part~="stop-share-button"]')).to.equal("Stop Mo Derator's share");
    await expect(el).to.be.accessible();
    stop.click();
    await waitUntil(() => shares().length === 0, 'stopped', WAIT);
    expect(sent('share/stop')).to.deep.equal([{ type: 'share/stop', userId: MODERATOR.id }]);
    await waitUntil(() => !$(el, '[part~="content"]'), 'content gone', WAIT);
  });

  it('participants see no Stop in the caption', async () => {
    server.join(MODERATOR);
    server.run({ type: 'share/start', audio: false }, MODERATOR);
    const el = await joined('tok-student');
    await waitUntil(() => $(el, '.stage-view.share'), 'content on the stage', WAIT);
    expect($(el, '[part~="stop-share-button"]')).to.equal(null);
  });

  it('asks before taking over; Cancel changes nothing, Share instead takes over', async () => {
    server.join(MODERATOR);
    server.run({ type: 'share/start', audio: false }, MODERATOR);
    const el = await joined('tok-host');
    await waitUntil(() => $(el, '.stage-view.share'), 'content on the stage', WAIT);

    shareButton(el).click();
    const dialog = await waitUntil(() => $<HTMLDialogElement>(el, '#share-dialog')?.open, 'asked', WAIT).then(() => $<HTMLDialogElement>(el, '#share-dialog')!);
    expect(text(el, '#share-dialog-message')).to.equal('Mo Derator is sharing content. Share instead?');
    expect($$(el, '#share-dialog button').map((b) => b.textContent!.trim())).to.deep.equal(['Share instead', 'Cancel']);
    expect(picks, 'nothing picked before the answer').to.have.length(0);
    await expect(el).to.be.accessible();
    button(el, 'Cancel')!.click();
    await waitUntil(() => !$(el, '#share-dialog'), 'closed', WAIT);
    expect(dialog.open).to.equal(false);
    expect(picks).to.have.length(0);
    expect(sent('share/start')).to.have.length(0);

    // The method takes the same path.
    const taking = el.startScreenShare();
    await waitUntil(() => $<HTMLDialogElement>(el, '#share-dialog')?.open, 'asked again', WAIT);
    button(el, 'Share instead')!.click();
    await taking;
    expect(picks).to.have.length(1);
    expect(sent('share/start')).to.deep.equal([{ type: 'share/start', audio: true, takeOver: true }]);
    expect(shares().map((s) => s.userId)).to.deep.equal([HOST.id]);
    await waitUntil(() => text(el, '[part~="content-label"]') === 'You are sharing', 'own share on the stage', WAIT);
  });

  it("a refusal stops the capture and shows the room's message", async () => {
    server.join(HOST);
    server.run({ type: 'share/allow', allowed: true }, HOST);
    const el = await joined('tok-student');
    await waitUntil(() => !shareButton(el).disabled, 'allowed', WAIT);
    // The host stops allowing it while the user is still choosing what to share.
    let choose!: (stream: MediaStream) => void;
    pick = () => new Promise((resolve) => (choose = resolve));
    const starting = el.startScreenShare().catch((e) => e as RoomCommandError);
    await waitUntil(() => picks.length === 1, 'picker open', WAIT);
    server.run({ type: 'share/allow', allowed: false }, HOST);
    await waitUntil(() => text(el, '[part="notice"]').includes('no longer'), 'told', WAIT);
    const screen = screenWithSound();
    choose(screen);
    const refusal = (await starting) as RoomCommandError;
    expect(refusal.code).to.equal('forbidden');
    expect(sent('share/start')).to.have.length(1);
    expect(screen.getTracks().map((t) => t.readyState)).to.deep.equal(['ended', 'ended']);
    expect(meshOf(el).screen).to.equal(null);
    await waitUntil(() => text(el, '[part="notice"]').includes(NOT_ALLOWED), 'the reason shows', WAIT);
    expect(shares()).to.have.length(0);
  });

  it('cancelling the picker sends nothing and shows nothing but a polite note', async () => {
    const el = await joined('tok-host');
    pick = async () => {
      throw new DOMException('cancelled', 'NotAllowedError');
    };
    shareButton(el).click();
    await waitUntil(() => text(el, 'div.visually-hidden[role="status"]').includes('Screen sharing was cancelled or blocked.'), 'polite note', WAIT);
    expect(picks).to.have.length(1);
    expect(sent('share/start')).to.have.length(0);
    expect($(el, '[role="alert"]'), 'no alert').to.equal(null);
    const refusal = (await el.startScreenShare().catch((e) => e)) as RoomCommandError;
    expect(refusal.code).to.equal('blocked');
  });

  it('the browser\'s own "Stop sharing" tells the room at once', async () => {
    server.join(OTHER);
    const el = await joined('tok-host');
    await el.startScreenShare();
    expect(shares()).to.have.length(1);
    // What the browser's bar does: the captured track ends.
    const track = meshOf(el).screen!.getVideoTracks()[0]!;
    track.stop();
    track.dispatchEvent(new Event('ended'));
    await waitUntil(() => shares().length === 0, 'the share ends', WAIT);
    expect(sent('share/stop')).to.deep.equal([{ type: 'share/stop' }]);
    await waitUntil(() => $(el, '.grid') && !$(el, '[part~="content"]'), 'back to the grid', WAIT);
    expect(text(el, 'div.visually-hidden[role="status"]')).to.include('You stopped sharing content.');
  });

  it('a stop made while the connection was down reaches the room once it is back', async () => {
    server.join(OTHER);
    const el = await joined('tok-host');
    await el.startScreenShare();
    expect(shares()).to.have.length(1);
    server.dropAll();
    await waitUntil(() => el.status !== 'connected', 'connection down', WAIT);
    const track = meshOf(el).screen!.getVideoTracks()[0]!;
    track.stop();
    track.dispatchEvent(new Event('ended'));
    expect(meshOf(el).screen).to.equal(null);
    expect(shares()).to.have.length(1, 'the room has not heard yet');
    await waitUntil(() => el.status === 'connected', 'connection back', WAIT);
    await waitUntil(() => shares().length === 0, 'the share ends', WAIT);
    expect(sent('share/stop')).to.have.length(1);
  });

  it('stops the capture when the room says the share is over (a host stopped it, or it was taken over)', async () => {
    server.join(HOST);
    const el = await joined('tok-mod');
    const log = listen(el);
    await el.startScreenShare();
    const first = meshOf(el).screen!;
    server.run({ type: 'share/stop', userId: MODERATOR.id }, HOST);
    await waitUntil(() => meshOf(el).screen === null, 'capture stopped', WAIT);
    expect(first.getVideoTracks()[0]!.readyState).to.equal('ended');
    await waitUntil(() => text(el, '[part="notice"]').includes('Dr. Ada Host stopped your share.'), 'told', WAIT);
    expect(log).to.deep.equal([`kaltura-share-started:${MODERATOR.id}:null`, `kaltura-share-stopped:${MODERATOR.id}:null`]);

    await el.startScreenShare();
    const second = meshOf(el).screen!;
    expect(server.run({ type: 'share/start', audio: false, takeOver: true }, HOST).ok).to.equal(true);
    await waitUntil(() => meshOf(el).screen === null, 'capture stopped on take-over', WAIT);
    expect(second.getVideoTracks()[0]!.readyState).to.equal('ended');
    await waitUntil(() => text(el, '[part="notice"]').includes('Dr. Ada Host is sharing content now.'), 'told', WAIT);
    await waitUntil(() => text(el, '[part~="content-label"]') === 'Dr. Ada Host is sharing', "the host's share on the stage", WAIT);
    expect(log.slice(2)).to.deep.equal([
      `kaltura-share-started:${MODERATOR.id}:null`,
      `kaltura-share-stopped:${MODERATOR.id}:null`,
      `kaltura-share-started:${HOST.id}:null`,
    ]);
  });

  it("shows only the share of the user's own room, and hears of every share", async () => {
    server.join(HOST);
    server.join(MODERATOR);
    const el = await joined('tok-student');
    const log = listen(el);
    server.startBreakout(HOST, { plan: { [STUDENT.id]: 'Room 1' } });
    const r1 = server.roomId('Room 1');
    expect(server.run({ type: 'breakout/join', to: r1 }, MODERATOR).ok).to.equal(true);
    await waitUntil(() => el.roomState?.breakout.location[STUDENT.id] === r1, 'in Room 1', WAIT);
    server.run({ type: 'share/start', audio: false }, HOST);
    await waitUntil(() => log.length === 1, 'heard', WAIT);
    await el.updateComplete;
    expect($(el, '[part~="content"]'), "the main room's share is not on a breakout room's stage").to.equal(null);
    server.run({ type: 'share/start', audio: false }, MODERATOR);
    await waitUntil(() => text(el, '[part~="content-label"]') === 'Mo Derator is sharing', "Room 1's share", WAIT);
    expect(log).to.deep.equal([`kaltura-share-started:${HOST.id}:null`, `kaltura-share-started:${MODERATOR.id}:${r1}`]);
  });

  it('More actions has "Let participants share content", a checkbox item', async () => {
    const el = await joined('tok-host');
    const tools = button(el, 'More actions')!;
    tools.focus();
    await sendKeys({ press: 'ArrowUp' });
    const item = () => $<HTMLElement>(el, '#tools-button-menu [part~="allow-share"]')!;
    await waitUntil(() => el.shadowRoot!.activeElement === item(), 'on the item', WAIT);
    expect(item().textContent!.replace(/\s+/g, ' ').trim()).to.equal('Let participants share content');
    expect(item().getAttribute('aria-checked')).to.equal('false');
    await expect(el).to.be.accessible();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => server.state.share?.allowParticipants === true, 'allowed', WAIT);
    expect(sent('share/allow')).to.deep.equal([{ type: 'share/allow', allowed: true }]);
    await waitUntil(() => el.shadowRoot!.activeElement === tools, 'focus back on More actions', WAIT);
    await waitUntil(() => item().getAttribute('aria-checked') === 'true', 'checked', WAIT);
    expect($(el, '[part="notice"]'), 'hosts are not shown a notice of their own change').to.equal(null);
    // Participants are not offered it.
    const student = await joined('tok-student');
    expect(button(student, 'More actions')).to.equal(undefined);
  });

  it('lays the content out right to left', async () => {
    server.join(MODERATOR);
    server.run({ type: 'share/start', audio: false }, MODERATOR);
    const el = await joined('tok-host', 'rtl');
    await waitUntil(() => $(el, '.stage-view.share') && $(el, '[part~="stop-share-button"]'), 'content on the stage', WAIT);
    const content = $(el, '[part~="content"]')!.getBoundingClientRect();
    const label = $(el, '[part~="content-label"]')!.getBoundingClientRect();
    const stop = $(el, '[part~="stop-share-button"]')!.getBoundingClientRect();
    expect(content.right - label.right, 'the label starts at the right').to.be.within(0, 16);
    expect(stop.right, 'Stop follows it, to its left').to.be.at.most(label.left + 1);
    await expect(el).to.be.accessible();
  });
});
