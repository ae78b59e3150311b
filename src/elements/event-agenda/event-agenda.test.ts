import { aTimeout, expect, fixture, html, oneEvent } from '@open-wc/testing';
import { waitUntil } from '../../testing/shadow-dom.ts';
import { sendKeys } from '@web/test-runner-commands';
import { get as $, $$, mustButton, text } from '../../testing/shadow-dom.ts';
import './event-agenda.ts';
import type { EventAgenda } from './event-agenda.component.ts';
import { dayLabel, timeRange } from './event-agenda.component.ts';
import { meetingWaitTiming, nextDelay, type WaitTiming } from './meeting-wait.ts';
import { matchingTags } from './tag-filter.ts';
import { EVENT, FakeApi, SERVER, TOKENS } from '../../testing/fake-sessions-api.ts';

let api: FakeApi;
let restore: () => void;
/** The waiting screen's schedule, shortened so the tests do not take minutes. */
const quick: WaitTiming = { first: 40, factor: 1.25, max: 60, busy: 60, giveUpAfter: 3_600_000 };
const usual = { ...meetingWaitTiming };
const meetingCalls = () => api.calls('POST', /\/meeting$/).length;

beforeEach(() => {
  api = new FakeApi();
  restore = api.install();
  Object.assign(meetingWaitTiming, quick);
});
afterEach(() => {
  restore();
  Object.assign(meetingWaitTiming, usual);
});

const root = (el: Element) => el.shadowRoot!;
const button = (el: Element, label: string | RegExp) => mustButton(el, label, 'button');
const titles = (el: Element) => $$(el, '.item .title').map((t) => t.textContent!.trim());
const options = (el: Element) => $$(el, '[role="option"]').map((o) => o.textContent!.trim());

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
    expect($$(el, '[part="menu-button"]')).to.have.length(4);
    await expect(el).to.be.accessible();
  });

  it('shows attendees what the server lets them see, without editing', async () => {
    const el = await agenda(TOKENS.attendee);
    expect(titles(el)).to.deep.equal(['Opening keynote: the living cell', 'Hands-on microscopy workshop']);
    expect($$(el, '[part="add-button"], [part="menu-button"], [part="menu"]')).to.have.length(0);
    expect($$(el, '[part="goto-button"]')).to.have.length(2);
    await expect(el).to.be.accessible();
  });

  it('filters by tags typed in: the first letters list the matching tags, each with a checkbox', async () => {
    const el = await agenda();
    const input = $<HTMLInputElement>(el, '#tag-filter-input');
    expect(input.getAttribute('role')).to.equal('combobox');
    expect(root(el).querySelector('label[for="tag-filter-input"]')!.textContent).to.equal('Filter by tag');
    input.focus();
    await sendKeys({ type: 'k' });
    await waitUntil(() => options(el).length === 2, 'matching tags');
    // Names starting with the letters first.
    expect(options(el)).to.deep.equal(['Keynote', 'Workshop']);
    expect(input.getAttribute('aria-expanded')).to.equal('true');
    expect($(el, '#tag-filter-list').getAttribute('aria-multiselectable')).to.equal('true');
    expect($$(el, '[role="option"] .check')).to.have.length(2);
    await expect(el).to.be.accessible();
    $$(el, '[role="option"]')[0]!.click();
    await waitUntil(() => titles(el).length === 1, 'filtered');
    expect(titles(el)).to.deep.equal(['Opening keynote: the living cell']);
    expect(api.requests.at(-1)!.path).to.equal(`/api/events/${EVENT}/sessions?tag=t-keynote`);
    expect($$(el, '[role="option"]')[0]!.getAttribute('aria-selected')).to.equal('true');
    expect(text(el, '.chosen')).to.contain('Keynote');

    // Keyboard: type, arrow to the tag, Enter ticks it; the list stays open for more.
    await sendKeys({ press: 'Backspace' });
    await sendKeys({ type: 'wo' });
    await waitUntil(() => options(el).join() === 'Workshop');
    await sendKeys({ press: 'ArrowDown' });
    expect(input.getAttribute('aria-activedescendant')).to.equal('tag-opt-0');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => titles(el).length === 2);
    expect(api.requests.at(-1)!.path).to.equal(`/api/events/${EVENT}/sessions?tag=t-keynote&tag=t-workshop`);
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(input.getAttribute('aria-expanded')).to.equal('false');
    expect(root(el).activeElement).to.equal(input);
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(input.value).to.equal('');

    // The chips: "X" takes one tag off, Clear filter all of them.
    button(el, 'Remove Keynote from the filter').click();
    await waitUntil(() => titles(el).length === 1 && titles(el)[0] === 'Hands-on microscopy workshop');
    await expect(el).to.be.accessible();
    button(el, 'Clear filter').click();
    await waitUntil(() => titles(el).length === 4);
    expect(root(el).querySelector('.chosen')).to.equal(null);
    expect(root(el).activeElement).to.equal(input);
  });

  it('says when no tag matches what was typed', async () => {
    const el = await agenda();
    $<HTMLInputElement>(el, '#tag-filter-input').focus();
    await sendKeys({ type: 'zz' });
    await waitUntil(() => text(el).includes('No tag matches "zz".'));
    expect(options(el)).to.deep.equal([]);
  });

  it('ranks matching tags: start of the name, then of a word, then anywhere', () => {
    const tags = [{ id: 'a', name: 'Cell biology' }, { id: 'b', name: 'Biology' }, { id: 'c', name: 'Microbiology' }, { id: 'd', name: 'Keynote' }];
    expect(matchingTags(tags, 'bio').map((t) => t.name)).to.deep.equal(['Biology', 'Cell biology', 'Microbiology']);
    expect(matchingTags(tags, ' ').map((t) => t.id)).to.deep.equal(['a', 'b', 'c', 'd']);
  });

  it('says when no session has the chosen tags', async () => {
    const el = await agenda(TOKENS.attendee);
    $<HTMLInputElement>(el, '#tag-filter-input').click();
    await waitUntil(() => options(el).length === 4);
    $$(el, '[role="option"]').find((o) => o.textContent!.includes('Q&A'))!.click();
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
  it('clicking a session\'s name asks the host page first (kaltura-request-edit), then opens the editor in a dialog', async () => {
    const el = await agenda();
    el.addEventListener('kaltura-request-edit', (e) => e.preventDefault(), { once: true });
    setTimeout(() => button(el, 'Opening keynote: the living cell').click());
    const req = await oneEvent(el, 'kaltura-request-edit');
    expect(req.detail).to.deep.equal({ sessionId: 's2' });
    expect(req.cancelable).to.equal(true);
    await el.updateComplete;
    expect($<HTMLDialogElement>(el, '#editor-dialog').open).to.equal(false);

    button(el, 'Opening keynote: the living cell').click();
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

  it('the three blue dots open a menu with Edit, usable from the keyboard', async () => {
    const el = await agenda();
    const dots = button(el, 'More actions for Closing panel');
    expect(dots.getAttribute('aria-haspopup')).to.equal('menu');
    expect(dots.getAttribute('aria-expanded')).to.equal('false');
    const menu = $(el, `#${dots.getAttribute('aria-controls')}`);
    expect(menu.hidden).to.equal(true);
    dots.focus();
    await sendKeys({ press: 'ArrowDown' });
    await waitUntil(() => !menu.hidden);
    expect(dots.getAttribute('aria-expanded')).to.equal('true');
    expect(menu.getAttribute('role')).to.equal('menu');
    const items = [...menu.querySelectorAll<HTMLElement>('[role="menuitem"]')];
    expect(items.map((i) => i.textContent!.trim())).to.deep.equal(['Edit', 'Go to session']);
    expect(root(el).activeElement).to.equal(items[0]);
    await expect(el).to.be.accessible();
    await sendKeys({ press: 'ArrowDown' });
    expect(root(el).activeElement).to.equal(items[1]);
    await sendKeys({ press: 'ArrowDown' });
    expect(root(el).activeElement).to.equal(items[0]);
    await sendKeys({ press: 'End' });
    expect(root(el).activeElement).to.equal(items[1]);
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => menu.hidden);
    expect(root(el).activeElement).to.equal(dots);
    expect(dots.getAttribute('aria-expanded')).to.equal('false');

    // Only one menu at a time; a click elsewhere closes it.
    dots.click();
    await waitUntil(() => !menu.hidden);
    button(el, 'More actions for Speaker rehearsal').click();
    await el.updateComplete;
    expect($$(el, '[role="menu"]:not([hidden])')).to.have.length(1);
    expect(menu.hidden).to.equal(true);
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;

    dots.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => !menu.hidden && root(el).activeElement === items[0]);
    setTimeout(() => void sendKeys({ press: 'Enter' }));
    const req = await oneEvent(el, 'kaltura-request-edit');
    expect(req.detail).to.deep.equal({ sessionId: 's4' });
    const dialog = $<HTMLDialogElement>(el, '#editor-dialog');
    await waitUntil(() => dialog.open);
    expect(menu.hidden).to.equal(true);
    expect(dialog.querySelector('session-editor')!.getAttribute('session-id')).to.equal('s4');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !dialog.open);
    // Focus comes back to the dots the menu opened from.
    await waitUntil(() => root(el).activeElement === dots, 'focus back on the dots');
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

    button(el, 'Go to session Opening keynote: the living cell').click();
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
    expect(link.href).to.contain('signature=');
    expect(link.href).not.to.contain('access_token');
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

  it('an attendee\'s name click goes to the session page', async () => {
    const el = await agenda(TOKENS.attendee);
    button(el, 'Hands-on microscopy workshop').click();
    await waitUntil(() => root(el).querySelector('.session-page h2'));
    expect(el.sessionId).to.equal('s1');
  });

  it('an attendee early for the meeting waits on "The session will start soon" and enters by themselves', async () => {
    const el = await agenda(TOKENS.attendee, 's1');
    await waitUntil(() => root(el).querySelector('[part="start-button"]'));
    button(el, 'Join Meeting').click();
    await waitUntil(() => root(el).querySelector('[part="waiting"]'), 'waiting screen');
    const waiting = text(el, '[part="waiting"]');
    expect(waiting).to.contain('The session will start soon');
    expect(waiting).to.contain('Hands-on microscopy workshop');
    expect(waiting).to.contain(`Scheduled for ${dayLabel('2031-05-12')} · 11:00–12:30 (UTC)`);
    expect(waiting).to.contain('You will join by yourself as soon as a moderator starts the meeting.');
    expect(text(el)).not.to.contain('The meeting has not started yet.');
    expect(root(el).querySelector('[part="start-button"]')).to.equal(null);
    await waitUntil(() => root(el).activeElement?.id === 'wait-title', 'focus on the waiting screen');
    await expect(el).to.be.accessible();
    // It asks again by itself, one request at a time.
    await waitUntil(() => meetingCalls() >= 3, 'asks again');
    expect(root(el).querySelector('kaltura-room')).to.equal(null);

    api.live.add(`${EVENT}.s1`);
    const started = await oneEvent(el, 'kaltura-meeting-start');
    expect(started.detail).to.deep.equal({ sessionId: 's1', room: `${EVENT}.s1`, role: 'participant' });
    await waitUntil(() => root(el).querySelector('kaltura-room'));
    expect((root(el).querySelector('kaltura-room') as unknown as { token: string }).token).to.equal('room-token.participant.alex-kim');
    expect(root(el).querySelector('[part="waiting"]')).to.equal(null);
    const calls = meetingCalls();
    await aTimeout(quick.max * 6);
    expect(meetingCalls()).to.equal(calls);
  });

  it('Cancel stops waiting and returns to Join Meeting', async () => {
    const el = await agenda(TOKENS.attendee, 's1');
    await waitUntil(() => root(el).querySelector('[part="start-button"]'));
    button(el, 'Join Meeting').click();
    await waitUntil(() => meetingCalls() >= 2, 'waiting');
    button(el, 'Cancel').click();
    await waitUntil(() => root(el).querySelector('[part="start-button"]'));
    await waitUntil(() => root(el).activeElement === root(el).querySelector('[part="start-button"]'), 'focus back on Join Meeting');
    const calls = meetingCalls();
    await aTimeout(quick.max * 6);
    expect(meetingCalls()).to.equal(calls);
    expect(root(el).querySelector('[part="waiting"]')).to.equal(null);
  });

  it('stops asking when the element leaves the page, or the user goes back to the agenda', async () => {
    const el = await agenda(TOKENS.attendee, 's1');
    await waitUntil(() => root(el).querySelector('[part="start-button"]'));
    button(el, 'Join Meeting').click();
    await waitUntil(() => meetingCalls() >= 2, 'waiting');
    el.remove();
    let calls = meetingCalls();
    await aTimeout(quick.max * 6);
    expect(meetingCalls()).to.equal(calls);

    const again = await agenda(TOKENS.attendee, 's1');
    await waitUntil(() => root(again).querySelector('[part="start-button"]'));
    button(again, 'Join Meeting').click();
    await waitUntil(() => meetingCalls() >= calls + 2, 'waiting again');
    button(again, 'Agenda').click();
    await waitUntil(() => root(again).querySelector('.item'));
    calls = meetingCalls();
    await aTimeout(quick.max * 6);
    expect(meetingCalls()).to.equal(calls);
  });

  it('a refusal other than "not started yet" stops waiting and says why', async () => {
    const el = await agenda(TOKENS.attendee, 's1');
    await waitUntil(() => root(el).querySelector('[part="start-button"]'));
    button(el, 'Join Meeting').click();
    await waitUntil(() => meetingCalls() >= 1 && root(el).querySelector('[part="waiting"]'));
    api.override = { method: 'POST', path: /\/meeting$/, reply: { status: 403, body: { error: 'This session is no longer open to you.' } } };
    await waitUntil(() => text(el).includes('This session is no longer open to you.'), 'the refusal');
    expect(root(el).querySelector('[part="waiting"]')).to.equal(null);
    expect(button(el, 'Try again')).to.be.ok;
  });

  it('waits 3 s, then at most 5 s between attempts, with a little jitter', () => {
    const t = usual;
    expect(nextDelay(1, t, () => 0.5)).to.equal(3000);
    expect(nextDelay(2, t, () => 0.5)).to.equal(3750);
    expect(nextDelay(3, t, () => 0.5)).to.equal(4688);
    expect(nextDelay(4, t, () => 0.5)).to.equal(5000);
    expect(nextDelay(50, t, () => 0.5)).to.equal(5000);
    expect(nextDelay(50, t, () => 0)).to.equal(4500);
    expect(nextDelay(50, t, () => 1)).to.equal(5500);
  });

  it('says when the session cannot be opened', async () => {
    const el = await agenda(TOKENS.attendee, 's3');
    await waitUntil(() => text(el).includes('The session could not be loaded'));
    expect(text(el)).to.contain('There is no session "s3" in this event.');
  });
});

describe('<event-agenda>: file links that expire', () => {
  /** Links the browser itself follows (not held back by the element); the download is stopped here. */
  function followed(el: EventAgenda): string[] {
    const got: string[] = [];
    root(el).addEventListener('click', (e) => {
      const a = e.target as HTMLElement;
      if (a instanceof HTMLAnchorElement && a.hasAttribute('download') && !e.defaultPrevented) {
        got.push(a.href);
        e.preventDefault();
      }
    });
    return got;
  }
  const listings = () => api.calls('GET', /\/sessions\/s2\/attachments$/).length;
  /** Every fake request the element started before this one has been answered and recorded. */
  const settled = () => fetch(`${SERVER}/api/events/${EVENT}`, { headers: { authorization: `Bearer ${TOKENS.attendee}` } });
  const fileLink = (el: EventAgenda) => $<HTMLAnchorElement>(el, '.files a');

  it('asks for a fresh link before following one that has expired; a fresh one goes straight to the browser', async () => {
    const bytes = new Uint8Array([80, 75, 3, 4, 9]);
    api.linkLifetimeS = -1; // the page was opened long ago: its links have expired
    api.attach('s2', 'Roadmap.pdf', bytes);
    const el = await agenda(TOKENS.attendee, 's2');
    await waitUntil(() => root(el).querySelector('.files a'), 'the attachment');
    const old = fileLink(el).href;
    expect((await fetch(old)).status, 'the server refuses the expired link').to.equal(403);
    const links = followed(el);
    api.linkLifetimeS = 600;
    fileLink(el).click();
    await waitUntil(() => links.length === 1, 'the fresh link followed');
    expect(listings()).to.equal(2);
    expect(links[0]).not.to.equal(old);
    expect([...new Uint8Array(await (await fetch(links[0]!)).arrayBuffer())]).to.deep.equal([...bytes]);
    expect(fileLink(el).href, 'the page holds the fresh link').to.equal(links[0]);
    fileLink(el).click();
    expect(links).to.have.length(2);
    expect(links[1]).to.equal(links[0]);
    await settled();
    expect(listings(), 'a fresh link needs no request').to.equal(2);
  });

  it('says when the file is gone, with one request per click and nothing followed', async () => {
    api.linkLifetimeS = -1;
    const a = api.attach('s2', 'Roadmap.pdf');
    const el = await agenda(TOKENS.attendee, 's2');
    await waitUntil(() => root(el).querySelector('.files a'), 'the attachment');
    const links = followed(el);
    api.override = { method: 'GET', path: /\/attachments$/, reply: { status: 503, body: { error: 'The server cannot read its storage. Try again in a minute.' } } };
    fileLink(el).click();
    await waitUntil(() => text(el).includes('Could not download "Roadmap.pdf": The server cannot read its storage.'), 'the failure said');
    api.attachments.set('s2', []);
    api.files.delete(a.id);
    fileLink(el).click();
    await waitUntil(() => text(el).includes('"Roadmap" is no longer attached to this session.'), 'the loss said');
    await settled();
    expect(listings()).to.equal(3);
    expect(links).to.deep.equal([]);
    expect(root(el).querySelector('.files a')).to.equal(null);
    expect($(el, '[role="alert"]').textContent).to.contain('no longer attached');
    await expect(el).to.be.accessible();
  });

  it('re-fetches a banner that failed to load once, shows the fresh link, and stops if that fails too', async () => {
    const header = (v: number) => ({ name: 'Banner.png', contentType: 'image/png', size: 4, updatedAt: '2030-10-10T12:00:00.000Z', url: `/api/events/${EVENT}/sessions/s2/header?v=${v}&expires=4102444800&signature=sig-s2` });
    // Each read of the session gives a new banner link (v=1, v=2, …), none of which loads here
    // (this test's file host does not exist).
    const handle = api.handle.bind(api);
    let version = 0;
    api.handle = (method, url, headers, body) => {
      if (method === 'GET' && url.pathname.endsWith('/sessions/s2')) api.sessions.find((s) => s.id === 's2')!.header = header(++version);
      return handle(method, url, headers, body);
    };
    const errors: string[] = [];
    const el = await agenda(TOKENS.attendee, 's2');
    root(el).addEventListener('error', (e) => errors.push((e.target as HTMLImageElement).src), true);
    const reads = () => api.calls('GET', /\/sessions\/s2$/).length;
    await waitUntil(() => root(el).querySelector<HTMLImageElement>('img.banner')?.src.includes('v=2'), 'the fresh link shown');
    await waitUntil(() => errors.some((src) => src.includes('v=2')), 'the fresh link failed too');
    await settled();
    await el.updateComplete;
    expect(reads(), 'a link that came from a re-fetch is not re-fetched').to.equal(2);
    expect($<HTMLImageElement>(el, 'img.banner').src).to.contain('v=2');
  });
});
