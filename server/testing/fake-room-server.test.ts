/**
 * The browser tests' fake room server (src/testing/fake-room-server.ts) against the real hub:
 * the same people and commands give every user the same events, the same placeholders, the
 * same chat history and the same resync, because both run the server's own choices
 * (prepare.ts) and fan-out (fan-out.ts). A difference here is a behaviour element tests would
 * not see. Runs in Node: the fake's sockets need only EventTarget and the Web's event classes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeRoomServer, FakeSocket as BrowserSocket } from '../../src/testing/fake-room-server.ts';
import { nextDeadline } from '../../src/protocol/room.ts';
import type { Actor, ClientCommand, ServerMessage } from '../../src/protocol/types.ts';
import { createVerifier, issueToken } from '../auth.ts';
import { MemoryStore } from '../store/store.ts';
import { RoomHub } from '../rooms/hub.ts';
import { FakeClock, FakeSocket, settle } from './fakes.ts';

const SECRET = 'test-secret-test-secret-test-secret-0123';
const PEOPLE: Actor[] = [
  { id: 'h', name: 'Hana Host', role: 'host' },
  { id: 'm', name: 'Mo Moderator', role: 'moderator' },
  { id: 'a', name: 'Ann', role: 'participant' },
  { id: 'b', name: 'Ben', role: 'participant' },
];

/** One step: someone sends a command, or the room's next deadline comes (a timer command). */
type Step = [who: string, command: ClientCommand] | 'due';

const SCRIPT: Step[] = [
  ['a', { type: 'chat/send', text: 'hello everyone' }],
  ['h', { type: 'breakout/configure', rooms: ['One', 'Two'], timeLimitMinutes: 10, countdownSeconds: 0, assignment: 'auto' }],
  ['h', { type: 'breakout/start' }], // no countdown: everyone moves at once
  ['a', { type: 'chat/send', text: 'room one only' }],
  ['b', { type: 'breakout/call' }],
  ['h', { type: 'breakout/broadcast', text: 'five minutes' }],
  ['b', { type: 'meeting/leave' }], // Ben hears placeholders now, and only news about himself
  ['a', { type: 'chat/send', text: 'ben cannot hear this' }],
  ['h', { type: 'breakout/move', userId: 'a', to: null }],
  ['b', { type: 'meeting/join' }], // back: the whole state again
  ['h', { type: 'breakout/gather' }],
  'due', // back in the main room
  'due', // the time limit: breakout ends
];

/** What one user got after the joins: event types by sequence number (placeholders as such), history sizes, welcomes. */
function digest(frames: ServerMessage[]): string[] {
  return frames.flatMap((m) => {
    if (m.type === 'event') return [`${m.seq} ${m.event.type}`];
    if (m.type === 'history') return [`history ${m.messages.map((x) => x.text).join(' | ')}`];
    if (m.type === 'welcome') return [`welcome at ${m.snapshot?.seq ?? '-'} with ${m.snapshot?.chat.map((x) => x.text).join(' | ')}`];
    if (m.type === 'error') return [`error ${m.code}`];
    return [];
  });
}

async function throughHub(): Promise<Record<string, string[]>> {
  const clock = new FakeClock();
  const hub = new RoomHub({ store: new MemoryStore(), clock, verifier: await createVerifier({ secret: SECRET }), shuffle: (x) => x, config: { rateLimits: null } });
  const sockets: Record<string, FakeSocket> = {};
  for (const p of PEOPLE) {
    const s = (sockets[p.id] = new FakeSocket());
    s.handlers = hub.accept('r1')(s);
    await s.write({ type: 'hello', token: await issueToken(SECRET, { sub: p.id, name: p.name, role: p.role, room: 'r1' }) });
    for (let i = 0; i < 200 && !s.of('welcome').length; i++) await settle(1);
  }
  await settle();
  const mark = Object.fromEntries(PEOPLE.map((p) => [p.id, sockets[p.id]!.sent.length]));
  for (const step of SCRIPT) {
    if (step === 'due') await clock.run(Math.max(0, (nextDeadline(hub.peek('r1')!.state) ?? clock.now()) - clock.now()));
    else await sockets[step[0]]!.write({ type: 'command', command: step[1] });
  }
  await settle();
  hub.close();
  return Object.fromEntries(PEOPLE.map((p) => [p.id, digest(sockets[p.id]!.sent.slice(mark[p.id]) as ServerMessage[])]));
}

async function throughFake(): Promise<Record<string, string[]>> {
  const server = new FakeRoomServer({ room: 'r1' });
  const sockets: Record<string, BrowserSocket> = {};
  const got: Record<string, ServerMessage[]> = {};
  const quiet = () => new Promise((r) => setTimeout(r, 20));
  for (const p of PEOPLE) {
    server.addUser(`tok-${p.id}`, p);
    const s = (sockets[p.id] = new BrowserSocket('ws://rooms.test/rooms/r1/socket', server));
    server.sockets.push(s);
    got[p.id] = [];
    s.addEventListener('message', (e) => got[p.id]!.push(JSON.parse((e as MessageEvent).data as string) as ServerMessage));
    await quiet();
    s.send(JSON.stringify({ type: 'hello', token: `tok-${p.id}` }));
    await quiet();
  }
  const mark = Object.fromEntries(PEOPLE.map((p) => [p.id, got[p.id]!.length]));
  for (const step of SCRIPT) {
    if (step === 'due') server.due();
    else sockets[step[0]]!.send(JSON.stringify({ type: 'command', command: step[1] }));
    await quiet();
  }
  return Object.fromEntries(PEOPLE.map((p) => [p.id, digest(got[p.id]!.slice(mark[p.id]))]));
}

describe('the browser tests\' fake room server', () => {
  it('sends every user what the hub sends: events, placeholders, history and resyncs', async () => {
    const [real, fake] = [await throughHub(), await throughFake()];
    for (const p of PEOPLE) assert.deepEqual(fake[p.id], real[p.id], `what ${p.name} got`);
    // The script does reach the interesting cases.
    assert.ok(real.b!.some((l) => l.endsWith('redacted')), 'Ben gets placeholders');
    assert.ok(real.b!.some((l) => l.startsWith('welcome')), 'Ben is resynced when back');
    assert.ok(real.a!.some((l) => l.startsWith('history')), 'Ann gets history when moved');
    assert.ok(real.m!.some((l) => l.endsWith('help-requested')), 'the moderator hears the help call');
    assert.ok(real.a!.some((l) => l.endsWith('help-requested')) === false, 'Ann does not');
  });
});
