import { expect } from '@open-wc/testing';
import { RoomPhase, screenOf, type Phase, type ScreenInputs } from './phase.ts';

const OPEN: ScreenInputs = { connection: 'connected', session: 'open', preJoinEnded: false };
const ENDED: ScreenInputs = { connection: 'connected', session: 'ended', preJoinEnded: false };

/** A phase machine driven into `phase` through its own transitions. */
function at(phase: Phase): RoomPhase {
  const p = new RoomPhase();
  const steps: Record<Phase, () => void> = {
    prejoin: () => {},
    joining: () => p.join(),
    'in-meeting': () => (p.join(), p.welcome('open', false)),
    ended: () => (p.join(), p.welcome('open', false), p.sessionEnded()),
    left: () => (p.join(), p.welcome('open', false), p.leave()),
    removed: () => (p.join(), p.welcome('open', false), p.remove()),
    failed: () => (p.join(), p.fail()),
  };
  steps[phase]();
  expect(p.phase).to.equal(phase);
  return p;
}

describe('RoomPhase', () => {
  it('joins: pre-join → joining → in the meeting, on the room screen', () => {
    const p = new RoomPhase();
    expect(p.phase).to.equal('prejoin');
    expect(p.screen(OPEN)).to.equal('prejoin');
    expect(p.join()).to.equal(true);
    expect(p.phase).to.equal('joining');
    expect(p.join(), 'a second Join while joining').to.equal(false);
    expect(p.screen({ ...OPEN, connection: 'connecting' })).to.equal('prejoin');
    expect(p.welcome('open', false)).to.deep.equal({ welcome: 'enter', start: false });
    expect(p.phase).to.equal('in-meeting');
    expect(p.screen(OPEN)).to.equal('room');
    expect([p.beforeJoin, p.connecting]).to.deep.equal([false, true]);
  });

  it('a late arrival to an ended session joins onto the ended screen', () => {
    const p = new RoomPhase();
    expect(p.screen({ ...OPEN, session: null, preJoinEnded: true })).to.equal('ended');
    p.join();
    expect(p.screen({ ...OPEN, session: null, preJoinEnded: true }), 'while joining').to.equal('ended');
    expect(p.welcome('ended', false)).to.deep.equal({ welcome: 'ended', start: false });
    expect(p.phase).to.equal('ended');
    expect(p.screen(ENDED)).to.equal('ended');
  });

  it('a resumed connection keeps the stay; a welcome after a join always starts one', () => {
    const p = at('in-meeting');
    expect(p.welcome('open', true)).to.deep.equal({ welcome: 'resumed', start: false });
    expect(p.phase).to.equal('in-meeting');
    // The session ended while the connection was away: the ended screen, though the phase has not heard yet.
    expect(p.screen(ENDED)).to.equal('ended');
    const q = at('ended');
    expect(q.join()).to.equal(true);
    expect(q.welcome('open', true)).to.deep.equal({ welcome: 'enter', start: false });
    expect(q.phase).to.equal('in-meeting');
  });

  it('ends, shows who started it again, and goes back in', () => {
    const p = at('in-meeting');
    expect(p.sessionEnded()).to.equal(true);
    expect(p.screen(ENDED)).to.equal('ended');
    expect(p.restartedByOther('u-host')).to.equal(true);
    expect(p.restartedBy).to.equal('u-host');
    expect(p.screen(OPEN)).to.equal('restarted');
    // Rejoining through a fresh join keeps the restarted screen until the welcome.
    expect(p.join()).to.equal(true);
    expect(p.screen({ ...OPEN, connection: 'connecting' })).to.equal('restarted');
    expect(p.beforeJoin, 'still in the stay while rejoining').to.equal(false);
    p.welcome('open', false);
    expect(p.phase).to.equal('in-meeting');
    expect(p.restartedBy).to.equal(null);
    // Or straight back in on the same connection.
    const q = at('ended');
    expect(q.enter()).to.equal(true);
    expect(q.phase).to.equal('in-meeting');
  });

  it('leaves, and rejoins from the left screen (which shows until the welcome)', () => {
    const p = at('in-meeting');
    expect(p.leave()).to.equal(true);
    expect(p.phase).to.equal('left');
    expect(p.screen({ ...OPEN, connection: 'left' })).to.equal('left');
    expect(p.join()).to.equal(true);
    expect(p.screen({ ...OPEN, connection: 'connecting' })).to.equal('left');
    expect(p.beforeJoin).to.equal(true);
    p.welcome('open', true);
    expect(p.phase).to.equal('in-meeting');
  });

  it('fails on a fatal error; Try again shows the pre-join screen once connecting, and Cancel goes back to it', () => {
    const p = at('joining');
    expect(p.fail()).to.equal(true);
    expect(p.screen({ ...OPEN, connection: 'failed' })).to.equal('failed');
    expect(p.join()).to.equal(true);
    expect(p.screen({ ...OPEN, connection: 'failed' }), 'getting media first').to.equal('failed');
    expect(p.screen({ ...OPEN, connection: 'connecting' })).to.equal('prejoin');
    expect(p.cancel()).to.equal(true);
    expect(p.phase).to.equal('prejoin');
  });

  it('cancels back to where the join started', () => {
    const p = at('left');
    p.join();
    expect(p.cancel()).to.equal(true);
    expect(p.phase).to.equal('left');
    expect(p.cancel(), 'nothing to cancel').to.equal(false);
  });

  it('keeps the removed and left screens when the connection fails afterwards', () => {
    const p = at('removed');
    expect(p.fail()).to.equal(false);
    expect(p.join()).to.equal(false);
    expect(p.screen({ ...OPEN, connection: 'failed' })).to.equal('removed');
    const q = at('left');
    expect(q.fail()).to.equal(false);
    expect(q.phase).to.equal('left');
  });

  it('restarts the join when the room changes while connecting or in the room, not otherwise', () => {
    for (const phase of ['joining', 'in-meeting', 'ended'] as const) {
      const p = at(phase);
      expect(p.restart(), phase).to.equal(true);
      expect(p.phase).to.equal('joining');
      expect(p.from).to.equal('prejoin');
      expect(p.screen({ ...OPEN, connection: 'connecting' })).to.equal('prejoin');
    }
    for (const phase of ['prejoin', 'left', 'removed', 'failed'] as const) {
      expect(at(phase).restart(), phase).to.equal(false);
    }
  });

  it('refuses transitions that do not apply', () => {
    expect(at('prejoin').welcome('open', false), 'no welcome before Join').to.equal(null);
    expect(at('in-meeting').join()).to.equal(false);
    expect(at('prejoin').sessionEnded()).to.equal(false);
    expect(at('in-meeting').restartedByOther('u-host')).to.equal(false);
    expect(at('in-meeting').enter()).to.equal(false);
  });

  it('Start Session from the ended screen before joining waits for the welcome, then is sent', () => {
    const p = new RoomPhase();
    p.startRequested(true);
    p.join();
    expect(p.starting).to.equal(true);
    expect(p.welcome('ended', false)).to.deep.equal({ welcome: 'ended', start: true });
    expect(p.startPending).to.equal(false);
    expect(p.starting, 'still busy until the start is answered').to.equal(true);
    p.startAnswered();
    expect(p.starting).to.equal(false);
    // Someone else started it meanwhile: nothing to send, not busy.
    const q = new RoomPhase();
    q.startRequested(true);
    q.join();
    expect(q.welcome('open', false)).to.deep.equal({ welcome: 'enter', start: true });
    expect(q.starting).to.equal(false);
    // Cancel and failure forget it.
    const r = new RoomPhase();
    r.startRequested(true);
    r.join();
    r.cancel();
    expect([r.starting, r.startPending]).to.deep.equal([false, false]);
  });

  it('maps every phase to one screen', () => {
    const phases: Phase[] = ['prejoin', 'joining', 'in-meeting', 'ended', 'left', 'removed', 'failed'];
    for (const phase of phases) expect(screenOf(phase, 'prejoin', OPEN), phase).to.be.a('string');
  });
});
