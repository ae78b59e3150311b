import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { waitUntil } from '../../testing/shadow-dom.ts';
import { resetMouse, sendKeys, sendMouse } from '@web/test-runner-commands';
import { get as $, $$, mustButton, text } from '../../testing/shadow-dom.ts';
import './agenda-glance.ts';
import type { AgendaGlance } from './agenda-glance.component.ts';
import { EVENT, FakeApi, SERVER, TOKENS } from '../../testing/fake-sessions-api.ts';

let api: FakeApi;
let restore: () => void;

beforeEach(() => {
  api = new FakeApi();
  restore = api.install();
});
afterEach(() => restore());

const root = (el: Element) => el.shadowRoot!;
const button = (el: Element, label: string | RegExp) => mustButton(el, label, 'button, a');
const titles = (el: Element) => $$(el, '[part="session-title"]').map((t) => t.textContent!.trim());

async function glance(token = TOKENS.organizer, url = 'https://portal.example/sessions/{id}'): Promise<AgendaGlance> {
  const el = await fixture<AgendaGlance>(html`<agenda-glance server=${SERVER} event=${EVENT} token=${token} session-url=${url}></agenda-glance>`);
  await waitUntil(() => root(el).querySelector('.item'), 'sessions');
  return el;
}

describe('<agenda-glance>', () => {
  it('shows "Agenda at a glance": every session the organizer may see, in time order, with Add session', async () => {
    const el = await glance();
    expect(text(el, '[part="heading"]')).to.equal('Agenda at a glance');
    expect($(el, '[part="base"]').getAttribute('aria-labelledby')).to.equal('glance-title');
    expect(titles(el)).to.deep.equal(['Speaker rehearsal', 'Opening keynote: the living cell', 'Hands-on microscopy workshop', 'Closing panel']);
    expect($$(el, '.item .when')[1]!.textContent).to.contain('09:00–10:00');
    expect($$(el, '.item')[0]!.textContent).to.contain('Private');
    expect(button(el, 'Add session')).to.be.ok;
    expect($$(el, '[part="edit-button"]')).to.have.length(4);
    expect($$(el, '[part="goto-button"]')).to.have.length(4);
    await expect(el).to.be.accessible();
  });

  let after: (() => void) | null = null;
  afterEach(() => {
    after?.();
    after = null;
  });

  it('shows the pencil and go to session on hover, and on keyboard focus', async () => {
    const el = await glance();
    const actions = $$(el, '.item-actions')[1]!;
    const shown = () => getComputedStyle(actions).opacity === '1';
    // On a touch screen (and headless Chromium says it is one) they always show.
    if (matchMedia('(hover: none)').matches) expect(shown()).to.equal(true);
    // Be a device that hovers: take the touch-screen rule out for this test.
    const sheet = root(el).adoptedStyleSheets.find((sh) => [...sh.cssRules].some((r) => r instanceof CSSMediaRule && r.conditionText === '(hover: none)'))!;
    const at = [...sheet.cssRules].findIndex((r) => r instanceof CSSMediaRule && r.conditionText === '(hover: none)');
    const touchRule = sheet.cssRules[at]!.cssText;
    sheet.deleteRule(at);
    after = () => sheet.insertRule(touchRule, at);
    await waitUntil(() => !shown(), 'hidden while the pointer is elsewhere');
    button(el, 'Edit Opening keynote: the living cell').focus();
    await waitUntil(shown, 'shown on focus');
    await sendKeys({ press: 'Tab' });
    expect(root(el).activeElement?.getAttribute('part')).to.equal('goto-button');
    expect(shown()).to.equal(true);
    // A pencil in the blue box the seed describes: the accent color.
    const pencil = button(el, 'Edit Opening keynote: the living cell');
    expect(getComputedStyle(pencil).color).to.equal('rgb(27, 100, 242)');

    // Hover over another session: its icons show too.
    const third = $$(el, '.item')[2]!;
    const thirdActions = third.querySelector('.item-actions')!;
    expect(getComputedStyle(thirdActions).opacity).to.equal('0');
    const r = third.getBoundingClientRect();
    await sendMouse({ type: 'move', position: [Math.round(r.left + 20), Math.round(r.top + r.height / 2)] });
    await waitUntil(() => getComputedStyle(thirdActions).opacity === '1', 'shown on hover');
    await resetMouse();
  });

  it('the pencil asks the host page first (kaltura-request-edit), then opens the editor in a dialog; focus comes back', async () => {
    const el = await glance();
    el.addEventListener('kaltura-request-edit', (e) => e.preventDefault(), { once: true });
    setTimeout(() => button(el, 'Edit Closing panel').click());
    const req = await oneEvent(el, 'kaltura-request-edit');
    expect(req.detail).to.deep.equal({ sessionId: 's4' });
    expect(req.cancelable).to.equal(true);
    await el.updateComplete;
    const dialog = $<HTMLDialogElement>(el, '#editor-dialog');
    expect(dialog.open).to.equal(false);

    const pencil = button(el, 'Edit Closing panel');
    pencil.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => dialog.open, 'editor open');
    const editor = dialog.querySelector('session-editor')!;
    expect(editor.getAttribute('session-id')).to.equal('s4');
    expect(dialog.getAttribute('aria-label')).to.equal('Edit session');
    await waitUntil(() => editor.shadowRoot!.querySelector('#f-title'));
    const title = editor.shadowRoot!.querySelector<HTMLInputElement>('#f-title')!;
    title.value = 'Closing panel and farewell';
    title.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await editor.updateComplete;
    editor.shadowRoot!.querySelector<HTMLButtonElement>('[part="submit"]')!.click();
    await waitUntil(() => titles(el).includes('Closing panel and farewell'), 'list refreshed after save');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !dialog.open && !dialog.querySelector('session-editor'), 'editor closed');
    await waitUntil(() => root(el).activeElement?.id === 'edit-s4', 'focus back on the pencil');
  });

  it('Add session opens the editor on the session types', async () => {
    const el = await glance(TOKENS.moderator);
    setTimeout(() => button(el, 'Add session').click());
    const req = await oneEvent(el, 'kaltura-request-edit');
    expect(req.detail).to.deep.equal({ sessionId: null });
    const dialog = $<HTMLDialogElement>(el, '#editor-dialog');
    await waitUntil(() => dialog.open);
    expect(dialog.getAttribute('aria-label')).to.equal('Add session');
    await waitUntil(() => dialog.querySelector('session-editor')!.shadowRoot!.querySelectorAll('.type').length === 4);
    await expect(el).to.be.accessible();
  });

  it('go to session is a link to the session page; the host page may route it itself', async () => {
    const el = await glance();
    const link = button(el, 'Go to session Opening keynote: the living cell') as unknown as HTMLAnchorElement;
    expect(link.localName).to.equal('a');
    expect(link.href).to.equal('https://portal.example/sessions/s2');
    el.addEventListener('kaltura-request-open', (e) => e.preventDefault(), { once: true });
    setTimeout(() => link.click());
    const req = await oneEvent(el, 'kaltura-request-open');
    expect(req.detail).to.deep.equal({ sessionId: 's2', url: 'https://portal.example/sessions/s2' });
    expect(req.cancelable).to.equal(true);
    // Still here: the portal took it.
    expect(link.isConnected).to.equal(true);
  });

  it('without a session-url, go to session is a button that only asks the host page', async () => {
    const el = await glance(TOKENS.attendee, '');
    const b = button(el, 'Go to session Hands-on microscopy workshop');
    expect(b.localName).to.equal('button');
    setTimeout(() => b.click());
    const req = await oneEvent(el, 'kaltura-request-open');
    expect(req.detail).to.deep.equal({ sessionId: 's1', url: '' });
  });

  it('attendees see the published sessions, with go to session and nothing to edit', async () => {
    const el = await glance(TOKENS.attendee);
    expect(titles(el)).to.deep.equal(['Opening keynote: the living cell', 'Hands-on microscopy workshop']);
    expect($$(el, '[part="add-button"], [part="edit-button"]')).to.have.length(0);
    expect($$(el, '[part="goto-button"]')).to.have.length(2);
    await expect(el).to.be.accessible();
  });

  it('explains a failure to load, with Try again; says when there are no sessions', async () => {
    api.override = { method: 'GET', path: /\/sessions$/, reply: { status: 500, body: { error: 'The server hit an unexpected error.' } } };
    const el = await fixture<AgendaGlance>(html`<agenda-glance server=${SERVER} event=${EVENT} token=${TOKENS.organizer}></agenda-glance>`);
    await waitUntil(() => text(el).includes('The agenda could not be loaded: The server hit an unexpected error.'));
    expect($(el, '[part="notice"]').getAttribute('role')).to.equal('alert');
    api.sessions = [];
    button(el, 'Try again').click();
    await waitUntil(() => text(el).includes('No sessions yet.'));
  });

  it('works right to left', async () => {
    const el = await fixture<AgendaGlance>(html`<div dir="rtl"><agenda-glance server=${SERVER} event=${EVENT} token=${TOKENS.organizer}></agenda-glance></div>`);
    const g = el.querySelector('agenda-glance')!;
    await waitUntil(() => root(g).querySelector('.item'));
    const item = $$(g, '.item')[0]!;
    const when = item.querySelector('.when')!.getBoundingClientRect();
    const actions = item.querySelector('.item-actions')!.getBoundingClientRect();
    expect(when.left).to.be.greaterThan(actions.left);
  });
});
