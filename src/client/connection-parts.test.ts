/** The room connection's helpers on their own: the reconnect schedule, the server clock, the replies it waits for. */
import { expect } from '@open-wc/testing';
import { waitUntil } from '../testing/shadow-dom.ts';
import { PendingReplies } from './pending-replies.ts';
import { ReconnectSchedule } from './reconnect.ts';
import { RoomCommandError } from './room-error.ts';
import { ServerClock } from './server-clock.ts';

describe('ReconnectSchedule', () => {
  it('doubles the delay per failed attempt, with ±20 % jitter, up to the cap', () => {
    const r = new ReconnectSchedule({ initialMs: 100, maxMs: 1000 });
    const bounds = [100, 200, 400, 800, 1000, 1000];
    for (const base of bounds) {
      for (let i = 0; i < 20; i++) expect(r.nextDelay()).to.be.within(Math.round(base * 0.8), Math.round(base * 1.2));
      r.attempt++;
    }
    r.succeeded();
    expect(r.attempt).to.equal(0);
    expect(r.nextDelay()).to.be.within(80, 120);
  });

  it('runs the retry once, counts the attempt, and can be cancelled', async () => {
    const r = new ReconnectSchedule({ initialMs: 10, maxMs: 50 });
    let runs = 0;
    r.schedule(() => runs++, 0);
    expect(r.attempt).to.equal(1);
    expect(r.waiting).to.equal(true);
    await waitUntil(() => runs === 1, 'the retry ran');
    expect(r.waiting).to.equal(false);
    expect(r.cancel(), 'nothing left to cancel').to.equal(false);

    r.schedule(() => runs++, 20);
    expect(r.cancel()).to.equal(true);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(runs).to.equal(1);
    expect(r.attempt).to.equal(2);
  });
});

describe('ServerClock', () => {
  it('takes a rough offset from the welcome, then the sample with the shortest round trip', () => {
    const c = new ServerClock();
    const now = Date.now();
    c.welcome(now + 60_000);
    expect(c.offset).to.be.within(59_000, 61_000);
    expect(c.rtt).to.equal(Number.POSITIVE_INFINITY);
    // A slow sample (about 8 s round trip) says +20 s; a fast one (about 20 ms) says +3 s: the fast one wins.
    // (Half a stall between sending and measuring shifts a sample: the bounds allow seconds of it.)
    expect(c.pong(Date.now() - 8000, Date.now() - 4000 + 20_000)).to.equal(true);
    expect(c.offset).to.be.within(18_000, 22_000);
    expect(c.pong(Date.now() - 20, Date.now() - 10 + 3000)).to.equal(true);
    expect(c.offset).to.be.within(1000, 5000);
    expect(c.rtt).to.be.below(4000);
    const best = c.offset;
    // A later slow sample does not move it, and a welcome no longer overrides measured samples.
    expect(c.pong(Date.now() - 8000, Date.now() + 30_000)).to.equal(false);
    c.welcome(Date.now() + 60_000);
    expect(c.offset).to.equal(best);
    expect(c.now() - Date.now()).to.be.within(best - 1000, best + 1000);
  });

  it('ignores a pong from the future (a clock that jumped back)', () => {
    const c = new ServerClock();
    expect(c.pong(Date.now() + 10_000, Date.now())).to.equal(false);
    expect(c.offset).to.equal(0);
  });
});

describe('PendingReplies', () => {
  const refusal = (p: Promise<unknown>) => p.then(() => null, (e: RoomCommandError) => e);

  it('matches acks and refusals to their command by ref', async () => {
    const r = new PendingReplies(() => 10_000);
    const sent: string[] = [];
    const first = r.command((ref) => sent.push(ref));
    const second = refusal(r.command((ref) => sent.push(ref)));
    expect(sent).to.deep.equal(['c1', 'c2']);
    expect(r.refuse('c2', { code: 'rate-limited', message: 'Slow down.', fatal: false, retryAfterMs: 500 })).to.equal(true);
    r.ack('c1', 7);
    expect(await first).to.deep.equal({ seq: 7 });
    const e = (await second)!;
    expect([e.code, e.message, e.retryAfterMs]).to.deep.equal(['rate-limited', 'Slow down.', 500]);
    expect(r.refuse('c2', { code: 'x', message: 'y', fatal: false }), 'answered once').to.equal(false);
  });

  it('answers refusals without a ref: bad token to the token refresh, not-joined to the oldest ticket request', async () => {
    const r = new PendingReplies(() => 10_000);
    const tokenRefresh = refusal(r.tokenRefresh(() => {}));
    const ticket1 = refusal(r.ticket(() => {}));
    const ticket2 = r.ticket(() => {});
    expect(r.settleUnreferenced({ code: 'rate-limited', message: 'later', fatal: false })).to.equal(false);
    expect(r.settleUnreferenced({ code: 'bad-token', message: 'That token is not for this room.', fatal: false })).to.equal(true);
    expect((await tokenRefresh)!.code).to.equal('bad-token');
    expect(r.settleUnreferenced({ code: 'not-joined', message: 'Join first.', fatal: false })).to.equal(true);
    expect((await ticket1)!.code).to.equal('not-joined');
    r.ticketArrived('t-2');
    expect(await ticket2).to.equal('t-2');
  });

  it('a newer token refresh replaces the one waiting; everything waiting is refused when the socket goes', async () => {
    const r = new PendingReplies(() => 10_000);
    const older = refusal(r.tokenRefresh(() => {}));
    const newer = refusal(r.tokenRefresh(() => {}));
    expect((await older)!.code).to.equal('replaced');
    const command = refusal(r.command(() => {}));
    const ticket = refusal(r.ticket(() => {}));
    r.rejectAll('disconnected', 'The connection to the session was interrupted.');
    for (const e of await Promise.all([newer, command, ticket])) {
      expect(e).to.be.instanceOf(RoomCommandError);
      expect(e!.code).to.equal('disconnected');
    }
  });

  it('gives up on an answer that does not come in time', async () => {
    const r = new PendingReplies(() => 20);
    const e = await refusal(r.command(() => {}));
    expect(e!.code).to.equal('timeout');
    r.ack('c1', 1); // too late: ignored
  });
});
