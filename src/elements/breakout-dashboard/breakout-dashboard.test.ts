import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { waitUntil } from '../../testing/shadow-dom.ts';
import { sendKeys } from '@web/test-runner-commands';
import { ContextProvider } from '@lit/context';
import './breakout-dashboard.ts';
import type { BreakoutDashboard } from './breakout-dashboard.component.ts';
import { RoomCommandError } from '../../client/room-connection.ts';
import { roomContext, type RoomContextValue } from '../../context/room-context.ts';
import { assignable } from '../../protocol/breakout.ts';
import { applySequenced, initialState, reduce } from '../../protocol/room.ts';
import type { Actor, ClientCommand, Command, RoomState } from '../../protocol/types.ts';
import { FakeRoomServer } from '../../testing/fake-room-server.ts';

const HOST: Actor = { id: 'u-host', name: 'Dr. Ada Host', role: 'host' };
const MOD: Actor = { id: 'u-mod', name: 'Mo Derator', role: 'moderator' };
const SAM: Actor = { id: 'u-sam', name: 'Sam Student', role: 'participant' };
const OLIVIA: Actor = { id: 'u-olivia', name: 'Olivia Other', role: 'participant' };
const CARL: Actor = { id: 'u-carl', name: 'Carl Class', role: 'participant' };
const EVERYONE = [HOST, MOD, SAM, OLIVIA, CARL];

/** Server-dealt commands, as the hub makes them: configure and shuffle deal in join order. */
function dealt(command: Command, state: RoomState): Command {
  if (command.type === 'breakout/configure') {
    return { type: 'breakout/deal', reason: 'configure', order: command.assignment === 'manual' ? [] : assignable(state), configure: command };
  }
  if (command.type === 'breakout/shuffle') return { type: 'breakout/deal', reason: 'shuffle', order: assignable(state).reverse() };
  return command;
}

/**
 * A room for a nested dashboard: provides `roomContext` the way `<kaltura-room>` does, records
 * what the dashboard sends, and runs it (and anything the test does) through the real reducer.
 */
class FakeRoom {
  state: RoomState = initialState('bio-101');
  readonly sent: ClientCommand[] = [];
  /** When set, every command is refused with this message. */
  refuse = '';
  readonly host = document.createElement('div');
  private readonly provider = new ContextProvider(this.host, { context: roomContext });
  private readonly self: Actor;

  constructor(self: Actor) {
    this.self = self;
    for (const a of EVERYONE) this.run({ type: 'presence/join', peerId: `peer-${a.id}` }, a);
  }

  run(command: Command, actor: Actor | null = HOST, now = Date.now()): { ok: boolean; code?: string; message?: string } {
    const r = reduce(this.state, dealt(command, this.state), { actor, now });
    if (!r.ok) return r;
    for (const event of r.events) this.state = applySequenced(this.state, { seq: this.state.seq + 1, event });
    this.publish();
    return { ok: true };
  }

  /** Create rooms and start at once (no countdown), as the host. */
  start(options: Partial<Extract<ClientCommand, { type: 'breakout/configure' }>> = {}): void {
    this.run({ type: 'breakout/configure', rooms: ['Room 1', 'Room 2'], timeLimitMinutes: null, countdownSeconds: 0, assignment: 'auto', ...options });
    this.run({ type: 'breakout/start' });
  }

  publish(): void {
    const value: RoomContextValue = Object.freeze({
      status: 'connected' as const,
      state: this.state,
      self: { ...this.self, peerId: `peer-${this.self.id}` },
      error: null,
      clockOffset: 0,
      serverNow: () => Date.now(),
      send: (command: ClientCommand) => {
        this.sent.push(command);
        if (this.refuse) return Promise.reject(new RoomCommandError('invalid', this.refuse));
        const r = this.run(command, this.self);
        return r.ok ? Promise.resolve({ seq: this.state.seq }) : Promise.reject(new RoomCommandError(r.code!, r.message!));
      },
    });
    this.provider.setValue(value);
  }
}

async function nested(setup?: (room: FakeRoom) => void, self = HOST): Promise<{ el: BreakoutDashboard; room: FakeRoom }> {
  const room = new FakeRoom(self);
  setup?.(room);
  room.publish();
  const el = document.createElement('breakout-dashboard');
  room.host.append(el);
  await fixture(html`<div style="width: 1000px">${room.host}</div>`);
  await el.updateComplete;
  return { el, room };
}

const root = (el: BreakoutDashboard) => el.shadowRoot!;
const $ = <T extends Element = HTMLElement>(el: BreakoutDashboard, sel: string) => root(el).querySelector<T>(sel);
const $$ = <T extends Element = HTMLElement>(el: BreakoutDashboard, sel: string) => [...root(el).querySelectorAll<T>(sel)];
const text = (node: Element | ShadowRoot) => (node.textContent ?? '').replace(/\s+/g, ' ').trim();
function button(scope: BreakoutDashboard | Element, label: string): HTMLButtonElement | undefined {
  const r = scope instanceof HTMLElement && scope.shadowRoot ? scope.shadowRoot : (scope as Element);
  return [...r.querySelectorAll<HTMLButtonElement>('button')].find((b) => (b.getAttribute('aria-label') ?? text(b)) === label);
}
/** The panel of a room by its heading ("Main room", "Room 1", …). */
function panel(el: BreakoutDashboard, name: string): HTMLElement {
  const p = $$(el, 'section').find((s) => text(s.querySelector('h3')!).startsWith(`${name} `));
  if (!p) throw new Error(`no panel ${name}`);
  return p;
}
const names = (p: Element) => [...p.querySelectorAll('li')].map((li) => text(li));
const chip = (el: BreakoutDashboard, id: string) => $<HTMLButtonElement>(el, `[data-id="${id}"]`)!;
async function settle(el: BreakoutDashboard): Promise<void> {
  await new Promise((r) => setTimeout(r, 0));
  await el.updateComplete;
}
function type(input: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

/** A real HTML5 drag of `source` onto `target`, through one DataTransfer. */
function drag(source: Element, target: Element, dt = new DataTransfer()): void {
  const fire = (node: Element, type: string) =>
    node.dispatchEvent(new DragEvent(type, { bubbles: true, composed: true, cancelable: true, dataTransfer: dt }));
  fire(source, 'dragstart');
  fire(target, 'dragenter');
  fire(target, 'dragover');
  fire(target, 'drop');
  fire(source, 'dragend');
}

describe('<breakout-dashboard> nested in a room', () => {
  describe('configure', () => {
    it('starts with the set-up form and validates it live with the server messages', async () => {
      const { el, room } = await nested();
      expect($(el, '[part="configure"]')).to.exist;
      await expect(el).to.be.accessible();
      const inputs = () => $$<HTMLInputElement>(el, 'ol input');
      expect(inputs().map((i) => i.value)).to.deep.equal(['Room 1', 'Room 2']);

      type($<HTMLInputElement>(el, '#count')!, '4');
      await el.updateComplete;
      expect(inputs().map((i) => i.value)).to.deep.equal(['Room 1', 'Room 2', 'Room 3', 'Room 4']);

      type(inputs()[1], '  ');
      await el.updateComplete;
      expect(inputs()[1].getAttribute('aria-invalid')).to.equal('true');
      expect(text($(el, '#name-error-1')!)).to.equal('Each room needs a name.');

      type(inputs()[1], 'room 1');
      await el.updateComplete;
      expect(text($(el, '#count-error')!)).to.equal('Give each room a different name.');

      type($<HTMLInputElement>(el, '#count')!, '101');
      await el.updateComplete;
      expect(text($(el, '#count-error')!)).to.contain('You can create at most 100 rooms.');

      type($<HTMLInputElement>(el, '#limit')!, '0');
      type($<HTMLInputElement>(el, '#countdown')!, '61');
      await el.updateComplete;
      expect(text($(el, '#limit-error')!)).to.equal('The time limit must be at least 1 minute.');
      expect(text($(el, '#countdown-error')!)).to.equal('The countdown can be at most 60 seconds.');
      await expect(el).to.be.accessible();

      // Invalid: nothing is sent, focus goes to the first field in error.
      button(el, 'Create rooms')!.click();
      await settle(el);
      expect(room.sent).to.deep.equal([]);
      expect(root(el).activeElement).to.equal($(el, '#count'));
    });

    it('sends breakout/configure with the trimmed names, limit, countdown and assignment', async () => {
      const { el, room } = await nested();
      type($<HTMLInputElement>(el, '#count')!, '3');
      await el.updateComplete;
      type($$<HTMLInputElement>(el, 'ol input')[2], '  Chemistry  ');
      type($<HTMLInputElement>(el, '#limit')!, '20');
      type($<HTMLInputElement>(el, '#countdown')!, '5');
      $<HTMLInputElement>(el, 'input[value="mixed"]')!.click();
      await el.updateComplete;
      button(el, 'Create rooms')!.click();
      await settle(el);
      expect(room.sent).to.deep.equal([
        { type: 'breakout/configure', rooms: ['Room 1', 'Room 2', 'Chemistry'], timeLimitMinutes: 20, countdownSeconds: 5, assignment: 'mixed' },
      ]);
      // The rooms view, participants dealt (mixed: automatic first).
      expect($(el, '[part="configure"]')).to.not.exist;
      expect(names(panel(el, 'Chemistry'))).to.have.length(1);
      expect(button(el, 'Start breakout')).to.exist;
    });

    it('"No time limit" sends null', async () => {
      const { el, room } = await nested();
      $<HTMLInputElement>(el, 'input[type="checkbox"]')!.click();
      await el.updateComplete;
      expect($<HTMLInputElement>(el, '#limit')!.disabled).to.be.true;
      $<HTMLInputElement>(el, 'input[value="manual"]')!.click();
      button(el, 'Create rooms')!.click();
      await settle(el);
      expect(room.sent[0]).to.include({ timeLimitMinutes: null, assignment: 'manual', countdownSeconds: 10 });
    });

    it('asks to keep existing rooms or create new ones, in the product words', async () => {
      const { el, room } = await nested((r) => r.run({ type: 'breakout/configure', rooms: ['Art', 'Music'], timeLimitMinutes: null, countdownSeconds: 10, assignment: 'auto' }));
      expect(names(panel(el, 'Art'))).to.have.length(2);
      const dialog = $<HTMLDialogElement>(el, '#setup-dialog')!;

      button(el, 'Set up rooms')!.click();
      await waitUntil(() => dialog.open);
      expect(text(dialog.querySelector('h2')!)).to.equal('Existing rooms are available');
      expect(text(dialog.querySelector('p')!)).to.equal(
        "You've already created breakout rooms. Would you like to keep them and their data or create new ones?",
      );
      expect([...dialog.querySelectorAll('button')].map(text)).to.deep.equal(['Create new rooms', 'Keep existing rooms']);
      expect(root(el).activeElement).to.equal(button(dialog, 'Keep existing rooms'));
      await expect(el).to.be.accessible();

      button(dialog, 'Keep existing rooms')!.click();
      await waitUntil(() => !dialog.open);
      await el.updateComplete;
      expect($(el, '[part="configure"]')).to.not.exist;
      expect(panel(el, 'Music')).to.exist;

      const opened = el.setUp();
      await waitUntil(() => dialog.open);
      button(dialog, 'Create new rooms')!.click();
      expect(await opened).to.be.true;
      await el.updateComplete;
      expect($(el, '[part="configure"]')).to.exist;
      // The form can go back to the rooms kept.
      button(el, 'Keep existing rooms')!.click();
      await el.updateComplete;
      expect(panel(el, 'Art')).to.exist;
      expect(room.sent).to.deep.equal([]);
    });
  });

  describe('rooms', () => {
    it('shows the main room and each room, with participants first and staff too', async () => {
      const { el } = await nested((r) => r.run({ type: 'breakout/configure', rooms: ['Room 1', 'Room 2'], timeLimitMinutes: null, countdownSeconds: 10, assignment: 'manual' }));
      expect(names(panel(el, 'Main room'))).to.deep.equal(['Carl Class', 'Olivia Other', 'Sam Student', 'Dr. Ada Host (You)', 'Mo Derator']);
      expect(text(panel(el, 'Room 1'))).to.contain('0 in the room');
      expect(panel(el, 'Room 1').getAttribute('aria-labelledby')).to.equal('n-r1');
      // Before breakout, staff are not assigned: their names are not draggable.
      expect(root(el).querySelector(`[data-id="${HOST.id}"]`)).to.not.exist;
      expect(chip(el, SAM.id).draggable).to.be.true;
      await expect(el).to.be.accessible();
    });

    it('starts, then shuffles, moves to the next room, gathers and ends', async () => {
      const { el, room } = await nested((r) => r.run({ type: 'breakout/configure', rooms: ['Room 1', 'Room 2'], timeLimitMinutes: null, countdownSeconds: 0, assignment: 'auto' }));
      button(el, 'Start breakout')!.click();
      await settle(el);
      expect(room.state.breakout.status).to.equal('running');
      expect(button(el, 'Start breakout')).to.not.exist;
      expect($$(el, '[part="join-button"]').map(text)).to.deep.equal(['Join room', 'Join room']);
      expect(names(panel(el, 'Room 1'))).to.deep.equal(['Carl Class', 'Sam Student']);
      expect(button(el, 'Remaining time')).to.not.exist;
      expect(text(root(el))).to.not.contain('Remaining time');

      for (const label of ['Shuffle', 'Move to next room', 'Gather everyone']) {
        button(el, label)!.click();
        await settle(el);
      }
      // Gathered: everyone is back and Start breakout resumes.
      expect(names(panel(el, 'Main room'))).to.include('Sam Student');
      button(el, 'Start breakout')!.click();
      await settle(el);
      button(el, 'End breakout')!.click();
      await settle(el);
      expect(room.sent.map((c) => c.type)).to.deep.equal([
        'breakout/start',
        'breakout/shuffle',
        'breakout/rotate',
        'breakout/gather',
        'breakout/start',
        'breakout/end',
      ]);
      expect(room.state.breakout.status).to.equal('idle');
    });

    it('shows the remaining time with a limit, and adds time', async () => {
      const { el, room } = await nested((r) => r.start({ timeLimitMinutes: 15 }));
      const timer = button(el, `Remaining time ${text($(el, '[part="timer"] .time')!)}`)!;
      expect(text(timer)).to.match(/^Remaining time 1[45]:\d\d$/);
      timer.click();
      await el.updateComplete;
      const form = $<HTMLFormElement>(el, '[part="add-time"]')!;
      expect(form).to.exist;
      expect(root(el).activeElement).to.equal(form.querySelector('input'));
      await expect(el).to.be.accessible();
      form.querySelector('input')!.value = '7';
      button(form, 'Add time')!.click();
      await settle(el);
      expect(room.sent).to.deep.equal([{ type: 'breakout/add-time', minutes: 7 }]);
      expect(text(timer)).to.match(/^Remaining time 2[12]:\d\d$/);
      expect($(el, '[part="add-time"]')).to.not.exist;
    });

    it('shows the closing countdown and announces it', async () => {
      const { el, room } = await nested((r) => r.start({ countdownSeconds: 10 }));
      room.run({ type: 'breakout/end' });
      await el.updateComplete;
      expect(text($(el, '.closing')!)).to.match(/^Breakout ends in 0:(10|09)$/);
      expect(text($(el, '[role="status"]:not(.empty)')!)).to.contain('Breakout is closing.');
      expect(button(el, 'End breakout')).to.not.exist;
    });

    it('moves a participant by drag and drop, with the drop zone highlighted', async () => {
      const { el, room } = await nested((r) => r.start({ countdownSeconds: 10 }));
      const target = panel(el, 'Room 2');
      const dt = new DataTransfer();
      chip(el, SAM.id).dispatchEvent(new DragEvent('dragstart', { bubbles: true, composed: true, dataTransfer: dt }));
      target.dispatchEvent(new DragEvent('dragover', { bubbles: true, composed: true, cancelable: true, dataTransfer: dt }));
      await el.updateComplete;
      expect(target.classList.contains('over')).to.be.true;
      expect(target.getAttribute('part')).to.equal('room room-over');
      target.dispatchEvent(new DragEvent('drop', { bubbles: true, composed: true, cancelable: true, dataTransfer: dt }));
      await settle(el);
      expect(room.sent).to.deep.equal([{ type: 'breakout/move', userId: SAM.id, to: 'r2' }]);
      expect(target.classList.contains('over')).to.be.false;
      // The pending move shows where Sam is going.
      expect(names(panel(el, 'Room 2'))).to.include('Sam Student moving…');

      drag(chip(el, OLIVIA.id), panel(el, 'Main room'));
      await settle(el);
      expect(room.sent[1]).to.deep.equal({ type: 'breakout/move', userId: OLIVIA.id, to: null });
    });

    it('moves a participant from the keyboard with the "Move to" menu', async () => {
      const { el, room } = await nested((r) => r.start());
      chip(el, SAM.id).focus();
      await sendKeys({ press: 'Enter' });
      await el.updateComplete;
      const menu = $(el, '[role="menu"]')!;
      expect(menu.getAttribute('aria-label')).to.equal('Move Sam Student to');
      expect([...menu.querySelectorAll('[role="menuitem"]')].map(text)).to.deep.equal(['Main room', 'Room 2']);
      expect(root(el).activeElement!.textContent).to.equal('Main room');
      expect(chip(el, SAM.id).getAttribute('aria-expanded')).to.equal('true');
      await expect(el).to.be.accessible();

      await sendKeys({ press: 'ArrowDown' });
      expect(root(el).activeElement!.textContent).to.equal('Room 2');
      await sendKeys({ press: 'ArrowDown' });
      expect(root(el).activeElement!.textContent).to.equal('Main room');
      await sendKeys({ press: 'Escape' });
      await settle(el);
      expect($(el, '[role="menu"]')).to.not.exist;
      expect(root(el).activeElement).to.equal(chip(el, SAM.id));

      await sendKeys({ press: 'Enter' });
      await el.updateComplete;
      await sendKeys({ press: 'End' });
      await sendKeys({ press: 'Enter' });
      await settle(el);
      expect(room.sent).to.deep.equal([{ type: 'breakout/move', userId: SAM.id, to: 'r2' }]);
      // Focus follows the name to its new room.
      await settle(el);
      expect(panel(el, 'Room 2').contains(root(el).activeElement)).to.be.true;
    });

    it('opens the "Move to" menu from the arrow keys, as every menu button does, and Tab closes it', async () => {
      const { el, room } = await nested((r) => r.start());
      chip(el, SAM.id).focus();
      await sendKeys({ press: 'ArrowUp' });
      await el.updateComplete;
      expect(chip(el, SAM.id).getAttribute('aria-expanded')).to.equal('true');
      expect(root(el).activeElement!.textContent).to.equal('Room 2');
      await sendKeys({ press: 'Home' });
      expect(root(el).activeElement!.textContent).to.equal('Main room');
      await sendKeys({ press: 'Tab' });
      await settle(el);
      expect($(el, '[role="menu"]')).to.not.exist;
      chip(el, SAM.id).focus();
      await sendKeys({ press: 'ArrowDown' });
      await el.updateComplete;
      expect(root(el).activeElement!.textContent).to.equal('Main room');
      expect(room.sent).to.deep.equal([]);
    });

    it('closes the menu on a click elsewhere', async () => {
      const { el } = await nested((r) => r.start());
      chip(el, SAM.id).click();
      await el.updateComplete;
      expect($(el, '[role="menu"]')).to.exist;
      $(el, 'h2')!.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, composed: true }));
      await el.updateComplete;
      expect($(el, '[role="menu"]')).to.not.exist;
    });

    it('dragging your own name joins that room when the dashboard closes', async () => {
      const { el, room } = await nested((r) => r.start());
      drag(chip(el, HOST.id), panel(el, 'Room 2'));
      await settle(el);
      expect(room.sent).to.deep.equal([]);
      expect(text($(el, '.notice:not([role])')!)).to.contain('You will join Room 2 when you close the dashboard.');
      expect(names(panel(el, 'Room 2'))).to.include('Dr. Ada Host (You) when you close');

      const closed = oneEvent(el, 'kaltura-dashboard-close');
      button(el, 'Close dashboard')!.click();
      const e = await closed;
      expect(e.detail).to.deep.equal({ joined: 'r2' });
      expect(e.bubbles && e.composed).to.be.true;
      expect(room.sent).to.deep.equal([{ type: 'breakout/join', to: 'r2' }]);
      expect(room.state.breakout.location[HOST.id]).to.equal('r2');
    });

    it('"Stay here" drops the own move; Close then just closes', async () => {
      const { el, room } = await nested((r) => r.start());
      drag(chip(el, HOST.id), panel(el, 'Room 1'));
      await settle(el);
      button(el, 'Stay here')!.click();
      await el.updateComplete;
      const closed = oneEvent(el, 'kaltura-dashboard-close');
      button(el, 'Close dashboard')!.click();
      expect((await closed).detail).to.deep.equal({});
      expect(room.sent).to.deep.equal([]);
    });

    it('Join room moves the moderator at once and closes the dashboard', async () => {
      const { el, room } = await nested((r) => r.start());
      const closed = oneEvent(el, 'kaltura-dashboard-close');
      button(panel(el, 'Room 1'), 'Join room')!.click();
      expect((await closed).detail).to.deep.equal({ joined: 'r1' });
      expect(room.sent).to.deep.equal([{ type: 'breakout/join', to: 'r1' }]);
    });

    it('highlights help calls in blue with Join and X; several calls, none lost', async () => {
      const { el, room } = await nested((r) => {
        r.start();
        r.run({ type: 'breakout/call' }, SAM);
        r.run({ type: 'breakout/call' }, OLIVIA);
      });
      const calls = $$(el, '[part~="call"]');
      expect(calls.map((c) => text(c.querySelector('.chip')!))).to.deep.equal(['Sam Student, asking for help', 'Olivia Other, asking for help']);
      expect(getComputedStyle(calls[0]).color).to.equal('rgb(11, 87, 208)');
      expect(calls[0].querySelector('svg')).to.exist;
      expect(panel(el, 'Room 1').contains(calls[0])).to.be.true;
      expect(text($(el, '[role="status"]:not(.empty)')!)).to.equal('');
      await expect(el).to.be.accessible();

      // A new call is announced.
      room.run({ type: 'breakout/call' }, CARL);
      await el.updateComplete;
      expect(text($(el, '[role="status"]:not(.empty)')!)).to.equal('Carl Class in Room 1 is asking for help.');

      button(el, 'Dismiss call from Olivia Other')!.click();
      await settle(el);
      expect(room.sent).to.deep.equal([{ type: 'breakout/dismiss', callId: 2 }]);
      expect($$(el, '[part~="call"]')).to.have.length(2);

      const closed = oneEvent(el, 'kaltura-dashboard-close');
      button(calls[0], 'Join')!.click();
      await closed;
      expect(room.sent[1]).to.deep.equal({ type: 'breakout/join', to: 'r1' });
    });

    it('keeps a call whose caller moved on, in the room it came from', async () => {
      const { el } = await nested((r) => {
        r.start();
        r.run({ type: 'breakout/call' }, SAM);
        r.run({ type: 'breakout/move', userId: SAM.id, to: 'r2' });
      });
      const call = panel(el, 'Room 1').querySelector('[part="call"]')!;
      expect(text(call)).to.contain('Sam Student');
      expect(button(call, 'Dismiss call from Sam Student')).to.exist;
      expect(names(panel(el, 'Room 2'))).to.include('Sam Student');
    });

    it('broadcasts text only', async () => {
      const { el, room } = await nested((r) => r.start());
      button(el, 'Broadcast')!.click();
      await el.updateComplete;
      const form = $<HTMLFormElement>(el, '[part="broadcast"]')!;
      expect(text(form)).to.contain('At this time we only support sending text messages and not files.');
      expect(text(form.querySelector('label')!)).to.equal('Message');
      await expect(el).to.be.accessible();

      const box = form.querySelector('textarea')!;
      expect(root(el).activeElement).to.equal(box);
      const files = new DataTransfer();
      files.items.add(new File(['x'], 'notes.pdf', { type: 'application/pdf' }));
      const drop = new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: files });
      box.dispatchEvent(drop);
      await el.updateComplete;
      expect(drop.defaultPrevented).to.be.true;
      expect(text($(el, '#cast-error')!)).to.equal('Broadcast supports text messages only, not files.');

      const paste = new ClipboardEvent('paste', { bubbles: true, cancelable: true, clipboardData: files });
      box.dispatchEvent(paste);
      expect(paste.defaultPrevented).to.be.true;

      button(form, 'Broadcast')!.click();
      await settle(el);
      expect(text($(el, '#cast-error')!)).to.equal('A broadcast cannot be empty.');
      expect(room.sent).to.deep.equal([]);

      box.value = 'Five minutes left!';
      button(form, 'Broadcast')!.click();
      await settle(el);
      expect(room.sent).to.deep.equal([{ type: 'breakout/broadcast', text: 'Five minutes left!' }]);
      expect(room.state.chat.at(-1)).to.include({ text: 'Five minutes left!', broadcast: true });
    });

    it('shows refused commands in the alert region', async () => {
      const { el, room } = await nested((r) => r.start());
      room.refuse = 'Breakout is not running.';
      button(el, 'Shuffle')!.click();
      await settle(el);
      expect(text($(el, '[role="alert"]')!)).to.equal('Breakout is not running.');
      await expect(el).to.be.accessible();
    });

    it('emits no breakout events itself when nested (the room does)', async () => {
      const { el, room } = await nested((r) => r.run({ type: 'breakout/configure', rooms: ['A', 'B'], timeLimitMinutes: null, countdownSeconds: 0, assignment: 'auto' }));
      const seen: string[] = [];
      for (const t of ['kaltura-breakout-started', 'kaltura-participant-moved', 'kaltura-help-requested'] as const) el.addEventListener(t, () => seen.push(t));
      room.run({ type: 'breakout/start' });
      room.run({ type: 'breakout/call' }, SAM);
      await settle(el);
      expect(seen).to.deep.equal([]);
    });

    it('tells participants it is for hosts and moderators', async () => {
      const { el } = await nested(undefined, SAM);
      expect(text(root(el))).to.contain('Only hosts and moderators can manage breakout rooms.');
      expect(button(el, 'Create rooms')).to.not.exist;
    });
  });
});

// ---------------------------------------------------------------------------
// Standalone: the console connection
// ---------------------------------------------------------------------------

describe('<breakout-dashboard> standalone', () => {
  let server: FakeRoomServer;
  beforeEach(() => {
    server = new FakeRoomServer({ room: 'bio-101' }).install();
    server.addUser('tok-host', HOST).addUser('tok-sam', SAM);
    for (const a of [SAM, OLIVIA, CARL]) server.join(a);
  });
  afterEach(() => server.uninstall());

  async function standalone(token = 'tok-host'): Promise<BreakoutDashboard> {
    const el = await fixture<BreakoutDashboard>(html`<breakout-dashboard server="http://rooms.test" room="bio-101" token=${token}></breakout-dashboard>`);
    await waitUntil(() => $(el, '[part="configure"]') || $(el, '.rooms') || $(el, '.empty[role="status"]:not(:empty)'), 'console ready');
    return el;
  }

  it('connects as a console: sees the room without joining it, and has no Close', async () => {
    const el = await standalone();
    await waitUntil(() => $(el, '[part="configure"]'));
    expect(server.hellos()[0]).to.include({ token: 'tok-host', console: true });
    expect(server.state.participants[HOST.id]).to.be.undefined;
    expect(button(el, 'Close dashboard')).to.not.exist;
    await expect(el).to.be.accessible();
  });

  it('runs breakout over its own connection and tells the page what happens', async () => {
    const el = await standalone();
    await waitUntil(() => $(el, '[part="configure"]'));
    const events: [string, unknown][] = [];
    for (const t of ['kaltura-breakout-started', 'kaltura-breakout-ended', 'kaltura-breakout-gathered', 'kaltura-participant-moved', 'kaltura-help-requested'] as const) {
      el.addEventListener(t, (e) => events.push([t, e.detail]));
    }
    type($<HTMLInputElement>(el, '#countdown')!, '0');
    await el.updateComplete;
    button(el, 'Create rooms')!.click();
    await waitUntil(() => button(el, 'Start breakout'), 'rooms created');
    expect(server.state.breakout.config!.rooms.map((r) => r.name)).to.deep.equal(['Room 1', 'Room 2']);

    const started = oneEvent(el, 'kaltura-breakout-started');
    button(el, 'Start breakout')!.click();
    expect((await started).detail).to.deep.equal({ resumed: false, endsAt: 15 * 60_000 + server.state.breakout.startedAt! });
    await waitUntil(() => button(el, 'End breakout'));
    expect(events.filter(([t]) => t === 'kaltura-participant-moved').map(([, d]) => d)).to.deep.include({ userId: SAM.id, to: 'r1', name: 'Sam Student' });
    await expect(el).to.be.accessible();

    const called = oneEvent(el, 'kaltura-help-requested');
    server.run({ type: 'breakout/call' }, SAM);
    const call = (await called).detail;
    expect(call.call).to.include({ userId: SAM.id, room: 'r1' });
    // Names for the page's log, not raw ids.
    expect(call).to.include({ name: 'Sam Student', roomName: 'Room 1' });
    await waitUntil(() => $(el, '[part~="call"]'));

    const gathered = oneEvent(el, 'kaltura-breakout-gathered');
    button(el, 'Gather everyone')!.click();
    expect((await gathered).detail.returnTo).to.deep.equal({ [SAM.id]: 'r1', [OLIVIA.id]: 'r2', [CARL.id]: 'r1' });

    const ended = oneEvent(el, 'kaltura-breakout-ended');
    button(el, 'End breakout')!.click();
    await ended;
    expect(server.commands().map((c) => c.type)).to.deep.equal(['breakout/configure', 'breakout/start', 'breakout/gather', 'breakout/end']);
  });

  it('the console is not in the room: Open room… asks the page to open it, moves nobody and answers no call', async () => {
    server.join(HOST);
    server.run({ type: 'breakout/configure', rooms: ['Room 1', 'Room 2'], timeLimitMinutes: null, countdownSeconds: 0, assignment: 'auto' }, HOST);
    server.run({ type: 'breakout/start' }, HOST);
    server.run({ type: 'breakout/call' }, SAM);
    const el = await standalone();
    await waitUntil(() => $(el, '[part~="call"]'), 'call shown', { timeout: 15_000 });
    // Nobody joins from here, so no button says Join.
    expect(button(el, 'Join')).to.equal(undefined);
    expect(button(el, 'Join room')).to.equal(undefined);
    const requests: unknown[] = [];
    el.addEventListener('kaltura-request-join-room', (e) => requests.push(e.detail));

    // A page that does not route the request: the console says how to get there.
    const open = $$<HTMLButtonElement>(el, '[part~="call"] [part="join-button"]')[0]!;
    expect(text(open)).to.equal('Open room…');
    open.click();
    await waitUntil(() => text(root(el)).includes('This console is not in the room. To join Room 1, open the class'), 'note', { timeout: 15_000 });
    expect(requests).to.deep.equal([{ to: 'r1', name: 'Room 1', callId: server.state.breakout.calls[0]!.id }]);

    // A page that routes it (cancels the event): the console leaves it to the page.
    el.addEventListener('kaltura-request-join-room', (e) => e.preventDefault(), { once: true });
    const openRoom = $$<HTMLButtonElement>(el, '[part~="room"] [part="join-button"]')[0]!;
    expect(text(openRoom)).to.equal('Open room…');
    openRoom.click();
    await waitUntil(() => text(root(el)).includes('Opening Room 1…'), 'opening', { timeout: 15_000 });

    // Dragging one's own name asks too (no close-to-join, no move).
    drag(chip(el, HOST.id), panel(el, 'Room 2'));
    await waitUntil(() => requests.length === 3, 'asked for Room 2', { timeout: 15_000 });
    expect(requests[2]).to.deep.equal({ to: 'r2', name: 'Room 2' });
    expect(server.commands()).to.deep.equal([]);
    expect(server.state.breakout.calls).to.have.length(1);
    expect(server.log.some((e) => e.event.type === 'help-cleared')).to.equal(false);
    await expect(el).to.be.accessible();
  });

  it('shows why a participant cannot open the console', async () => {
    const el = await fixture<BreakoutDashboard>(html`<breakout-dashboard server="http://rooms.test" room="bio-101" token="tok-nobody"></breakout-dashboard>`);
    await waitUntil(() => text(root(el)).includes('The join token is not valid.'));
    await expect(el).to.be.accessible();
  });
});
