import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { get as $, $$, mustButton, text } from '../shared/test-dom.ts';
import './event-agenda.ts';
import type { EventAgenda } from './event-agenda.component.ts';
import { dayLabel, timeRange } from './event-agenda.component.ts';
import { EVENT, FakeApi, SERVER, TOKENS } from '../session-editor/test-fake-api.ts';

let api: FakeApi;
let restore: () => void;

beforeEach(() => {
  api = new FakeApi();
  restore = api.install();
});
afterEach(() => restore());

const root = (el: Element) => el.shadowRoot!;
const button = (el: Element, label: string | RegExp) => mustButton(el, label, 'button');
const titles = (el: Element) => $$(el, '.item .title').map((t) => t.textContent!.trim());

async function agenda(token = TOKENS.organizer, sessionId = ''): Promise<EventAgenda> {
  const el = await fixture<EventAgenda>(html`<event-agenda
    server=${SERVER}
    event=${EVENT}
    token=${token}
    session-id=${sessionId}
    session-url="https://portal.example/sessions/{id}"
  ></event-agenda>`);
  if (!sessionId) await waitUntil(() => root(el).querySelector('.item') && text(el).includes('Life Sciences Summit'), 'agenda');
  return el;
}

describe('<event-agenda>: the list', () => {
  it('formats times and days', () => {
    expect(timeRange({ time: '09:00', duration: 90 })).to.equal('09:00–10:30');
    expect(timeRange({ time: '23:30', duration: 60 })).to.equal('23:30–00:30');
    expect(dayLabel('2031-05-12')).to.equal(new Date(Date.UTC(2031, 4, 12)).toLocaleDateString(undefined, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }));
  });

  it('shows every session the organizer may see, by day and in time order', async () => {
    const el = await agenda();
    expect(titles(el)).to.deep.equal([
      'Speaker rehearsal',
      'Opening keynote: the living cell',
      'Hands-on microscopy workshop',
      'Closing panel',
    ]);
    expect($$(el, '.day h3')).to.have.length(2);
    expect($$(el, '.item .when strong').map((w) => w.textContent)).to.deep.equal(['08:00–08:30', '09:00–10:00', '11:00–12:30', '16:00–16:45']);
    expect($$(el, '.item')[0]!.textContent).to.contain('Private');
    expect($$(el, '.item')[3]!.textContent).to.contain('Unlisted');
    expect(text(el)).to.contain('With Dr. Samira Haddad');
    expect(button(el, 'Add session')).to.be.ok;
    expect($$(el, '[part="edit-button"]')).to.have.length(4);
    await expect(el).to.be.accessible();
  });

  it('shows attendees what the server lets them see, without editing', async () => {
    const el = await agenda(TOKENS.attendee);
    expect(titles(el)).to.deep.equal(['Opening keynote: the living cell', 'Hands-on microscopy workshop']);
    expect($$(el, '[part="add-button"], [part="edit-button"]')).to.have.length(0);
    expect($$(el, '[part="goto-button"]')).to.have.length(2);
    await expect(el).to.be.accessible();
  });

  it('filters by tags (any of the chosen ones), through the API', async () => {
    const el = await agenda();
    const boxes = $$<HTMLInputElement>(el, '.filter input[type="checkbox"]');
    expect($$(el, '.tag-check').map((l) => l.textContent!.trim())).to.deep.equal(['Biology', 'Keynote', 'Q&A', 'Workshop']);
    boxes[1]!.click();
    await waitUntil(() => titles(el).length === 1, 'filtered');
    expect(titles(el)).to.deep.equal(['Opening keynote: the living cell']);
    expect(api.requests.at(-1)!.path).to.equal(`/api/events/${EVENT}/sessions?tag=t-keynote`);
    boxes[3]!.click();
    await waitUntil(() => titles(el).length === 2);
    expect(api.requests.at(-1)!.path).to.equal(`/api/events/${EVENT}/sessions?tag=t-keynote&tag=t-workshop`);
    await expect(el).to.be.accessible();
    button(el, 'Clear filter').click();
    await waitUntil(() => titles(el).length === 4);
    expect(boxes.every((b) => !b.checked)).to.equal(true);
  });

  it('says when no session has the chosen tags', async () => {
    const el = await agenda(TOKENS.attendee);
    $$<HTMLInputElement>(el, '.filter input')[2]!.click();
    await waitUntil(() => text(el).includes('No sessions have the chosen tags.'));
  });

  it('explains a failure to load, with Try again', async () => {
    api.override = { method: 'GET', path: /\/sessions$/, reply: { status: 500, body: { error: 'The server hit an unexpected error.' } } };
    const el = await fixture<EventAgenda>(html`<event-agenda server=${SERVER} event=${EVENT} token=${TOKENS.organizer}></event-agenda>`);
    await waitUntil(() => text(el).includes('The agenda could not be loaded: The server hit an unexpected error.'));
    button(el, 'Try again').click();
    await waitUntil(() => titles(el).length === 4);
  });
});

describe('<event-agenda>: edit and add', () => {
  it('the pencil asks the host page first (kaltura-request-edit), then opens the editor in a dialog', async () => {
    const el = await agenda();
    el.addEventListener('kaltura-request-edit', (e) => e.preventDefault(), { once: true });
    setTimeout(() => button(el, 'Edit Opening keynote: the living cell').click());
    const req = await oneEvent(el, 'kaltura-request-edit');
    expect(req.detail).to.deep.equal({ sessionId: 's2' });
    expect(req.cancelable).to.equal(true);
    await el.updateComplete;
    expect($<HTMLDialogElement>(el, '#editor-dialog').open).to.equal(false);

    button(el, 'Edit Opening keynote: the living cell').click();
    const dialog = $<HTMLDialogElement>(el, '#editor-dialog');
    await waitUntil(() => dialog.open);
    const editor = dialog.querySelector('session-editor')!;
    expect(editor.getAttribute('session-id')).to.equal('s2');
    expect(editor.getAttribute('session-url')).to.equal('https://portal.example/sessions/{id}');
    await waitUntil(() => editor.shadowRoot!.querySelector('#f-title'));
    const title = editor.shadowRoot!.querySelector<HTMLInputElement>('#f-title')!;
    title.value = 'Opening keynote, revised';
    title.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await editor.updateComplete;
    editor.shadowRoot!.querySelector<HTMLButtonElement>('[part="submit"]')!.click();
    await waitUntil(() => titles(el).includes('Opening keynote, revised'), 'list refreshed after save');
    button(el, 'Close').click();
    await waitUntil(() => !dialog.open && dialog.querySelector('session-editor') === null, 'editor removed');
  });

  it('+ Add session opens the editor on the session types', async () => {
    const el = await agenda(TOKENS.moderator);
    setTimeout(() => button(el, 'Add session').click());
    const req = await oneEvent(el, 'kaltura-request-edit');
    expect(req.detail).to.deep.equal({ sessionId: null });
    const dialog = $<HTMLDialogElement>(el, '#editor-dialog');
    await waitUntil(() => dialog.open);
    expect(dialog.getAttribute('aria-label')).to.equal('Add session');
    const editor = dialog.querySelector('session-editor')!;
    expect(editor.sessionId).to.equal('');
    await waitUntil(() => editor.shadowRoot!.querySelectorAll('.type').length === 4);
    await expect(el).to.be.accessible();
  });
});

describe('<event-agenda>: the session page and Start Meeting', () => {
  it('go to session asks the host page (kaltura-request-open), then shows the session page; Back returns', async () => {
    api.attach('s2', 'Roadmap.pdf', 'pdf bytes');
    const el = await agenda();
    el.addEventListener('kaltura-request-open', (e) => e.preventDefault(), { once: true });
    setTimeout(() => button(el, 'Go to session Opening keynote: the living cell').click());
    const req = await oneEvent(el, 'kaltura-request-open');
    expect(req.detail).to.deep.equal({ sessionId: 's2', url: 'https://portal.example/sessions/s2' });
    await el.updateComplete;
    expect(el.sessionId).to.equal('');

    $$<HTMLButtonElement>(el, '.item .title')[1]!.click();
    await waitUntil(() => root(el).querySelector('.session-page h2'));
    expect(el.sessionId).to.equal('s2');
    expect(el.getAttribute('session-id')).to.equal('s2');
    await waitUntil(() => root(el).querySelector('.files a'));
    const page = text(el);
    expect(page).to.contain('Opening keynote: the living cell');
    expect(page).to.contain('Speakers Dr. Samira Haddad');
    expect(page).to.contain('Morgan Lee');
    const link = $<HTMLAnchorElement>(el, '.files a');
    expect(link.textContent).to.equal('Roadmap');
    expect(link.getAttribute('download')).to.equal('Roadmap.pdf');
    expect(link.href).to.contain('access_token=');
    expect(button(el, 'Start Meeting')).to.be.ok;
    await expect(el).to.be.accessible();
    button(el, 'Agenda').click();
    await waitUntil(() => root(el).querySelector('.item'));
    expect(root(el).activeElement?.id).to.equal('goto-s2');
  });

  it('Start Meeting gets a room token and shows the session\'s <kaltura-room>', async () => {
    const el = await agenda(TOKENS.moderator, 's2');
    await waitUntil(() => root(el).querySelector('[part="start-button"]'));
    setTimeout(() => button(el, 'Start Meeting').click());
    const started = await oneEvent(el, 'kaltura-meeting-start');
    expect(started.detail).to.deep.equal({ sessionId: 's2', room: `${EVENT}.s2`, role: 'host' });
    await el.updateComplete;
    const room = $(el, 'kaltura-room');
    expect(room.getAttribute('server')).to.equal(SERVER);
    expect(room.getAttribute('room')).to.equal(`${EVENT}.s2`);
    expect((room as unknown as { token: string }).token).to.equal('room-token.host.morgan-lee');
    expect(room.getAttribute('label')).to.equal('Opening keynote: the living cell');
    expect(api.calls('POST', /\/sessions\/s2\/meeting$/)).to.have.length(1);
  });

  it('tells attendees the meeting has not started yet, and lets them try again', async () => {
    const el = await agenda(TOKENS.attendee, 's1');
    await waitUntil(() => root(el).querySelector('[part="start-button"]'));
    expect(button(el, 'Join Meeting')).to.be.ok;
    expect(root(el).querySelector('.session-page .btn:not(.back):not(.primary)') === null).to.equal(true);
    button(el, 'Join Meeting').click();
    await waitUntil(() => text(el).includes('The meeting has not started yet.'));
    expect($(el, '.meeting .notice').getAttribute('role')).to.equal('alert');
    await expect(el).to.be.accessible();
    api.live.add(`${EVENT}.s1`);
    button(el, 'Try again').click();
    await waitUntil(() => root(el).querySelector('kaltura-room'));
    expect((root(el).querySelector('kaltura-room') as unknown as { token: string }).token).to.equal('room-token.participant.alex-kim');
  });

  it('says when the session cannot be opened', async () => {
    const el = await agenda(TOKENS.attendee, 's3');
    await waitUntil(() => text(el).includes('The session could not be loaded'));
    expect(text(el)).to.contain('There is no session "s3" in this event.');
  });
});
