import { aTimeout, expect, fixture, html, oneEvent } from '@open-wc/testing';
import { waitUntil } from '../../testing/shadow-dom.ts';
import { get as $, $$, mustButton, text } from '../../testing/shadow-dom.ts';
import { sendKeys } from '@web/test-runner-commands';
import './session-editor.ts';
import type { SessionEditor } from './session-editor.component.ts';
import type { SessionAttachments } from '../session-attachments/session-attachments.component.ts';
import { FakeApi, SERVER, EVENT, TOKENS } from '../../testing/fake-sessions-api.ts';
import { SESSION_WORDING } from '../../protocol/sessions.ts';

let api: FakeApi;
let restore: () => void;

beforeEach(() => {
  api = new FakeApi();
  restore = api.install();
});
afterEach(() => restore());

const root = (el: Element) => el.shadowRoot!;
const button = (el: Element, label: string | RegExp) => mustButton(el, label, 'button, [role="menuitem"]');
const errorOf = (el: Element, field: string) => root(el).querySelector(`#e-${field}`)?.textContent?.trim() ?? '';

async function typeInto(el: SessionEditor, sel: string, value: string): Promise<void> {
  const input = $<HTMLInputElement>(el, sel);
  input.focus();
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  await el.updateComplete;
}

async function newForm(token = TOKENS.organizer): Promise<SessionEditor> {
  const el = await fixture<SessionEditor>(html`<session-editor server=${SERVER} event=${EVENT} token=${token}></session-editor>`);
  await waitUntil(() => $$(el, '.type').length === 4, 'session types');
  button(el, /^Interactive room/).click();
  await waitUntil(() => root(el).querySelector('#f-title'), 'form');
  await waitUntil(() => api.calls('GET', /\/events\/demo-summit$/).length > 0);
  await aTimeout(5);
  await el.updateComplete;
  return el;
}

async function editing(id = 's2', extra: Partial<{ url: string }> = {}): Promise<SessionEditor> {
  const el = await fixture<SessionEditor>(html`<session-editor
    server=${SERVER}
    event=${EVENT}
    token=${TOKENS.organizer}
    session-id=${id}
    session-url=${extra.url ?? 'https://portal.example/sessions/{id}'}
  ></session-editor>`);
  await waitUntil(() => root(el).querySelector('#f-title'), 'edit form');
  return el;
}

async function chooseFiles(el: SessionEditor | SessionAttachments, sel: string, files: File[]): Promise<void> {
  const input = $<HTMLInputElement>(el, sel);
  const dt = new DataTransfer();
  for (const f of files) dt.items.add(f);
  input.files = dt.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
  await el.updateComplete;
}

async function openPicker(el: SessionEditor, key: string, query: string): Promise<void> {
  await typeInto(el, `#${key}-input`, query);
  await waitUntil(() => !$(el, `#${key}-list`).hidden, `${key} suggestions`);
}
const optionTexts = (el: SessionEditor, key: string) => $$(el, `#${key}-list [role="option"]`).map((o) => o.textContent!.replace(/\s+/g, ' ').trim());

describe('<session-editor>: Add session', () => {
  it('offers the four session types; only Interactive room is available, the others say why', async () => {
    const el = await fixture<SessionEditor>(html`<session-editor server=${SERVER} event=${EVENT} token=${TOKENS.organizer}></session-editor>`);
    expect($(el, 'h2').textContent).to.equal('Add session');
    const types = $$<HTMLButtonElement>(el, '.type');
    expect(types.map((t) => t.querySelector('strong')!.textContent)).to.deep.equal(['Interactive room', 'Live webcast', 'Pre-recorded', 'DIY live webcast']);
    expect(types.map((t) => t.getAttribute('aria-disabled'))).to.deep.equal(['false', 'true', 'true', 'true']);
    expect(types[1]!.textContent).to.contain('Not available in this product yet.');
    expect(types[0]!.textContent).to.contain('Perfect for a small to medium size audience');
    types[1]!.click();
    await el.updateComplete;
    expect(!!root(el).querySelector('#f-title')).to.equal(false);
    await expect(el).to.be.accessible();
    types[0]!.click();
    await waitUntil(() => root(el).querySelector('#f-title'));
    expect(root(el).activeElement?.id).to.equal('f-title');
    expect(text(el)).to.contain('New session');
  });

  it('keeps Create disabled until the form is touched, and prefills the event creator as moderator of the first session', async () => {
    api.sessions = [];
    const el = await newForm();
    const create = button(el, 'Create');
    expect(create.disabled).to.equal(true);
    await waitUntil(() => $$(el, '.chip').length === 1, 'default moderator');
    expect($$(el, '.chip')[0]!.textContent).to.contain('Olivia Grant');
    await typeInto(el, '#f-title', 'W');
    expect(create.disabled).to.equal(false);
    await expect(el).to.be.accessible();
  });

  it('checks fields as the user types, with the shared rules and words', async () => {
    const el = await newForm();
    await typeInto(el, '#f-title', 'x');
    await typeInto(el, '#f-title', '');
    expect(errorOf(el, 'title')).to.equal('Enter a title for your session.');
    expect($(el, '#f-title').getAttribute('aria-invalid')).to.equal('true');
    expect($(el, '#f-title').getAttribute('aria-describedby')).to.contain('e-title');
    await typeInto(el, '#f-title', 'a'.repeat(121));
    expect(errorOf(el, 'title')).to.equal('A title can have at most 120 characters.');
    expect(text(el)).to.contain('121/120 characters');
    await typeInto(el, '#f-title', 'Cells <b>');
    expect(errorOf(el, 'title')).to.equal('Characters "<" and ">" are not supported.');
    await typeInto(el, '#f-title', 'Cells');
    expect(errorOf(el, 'title')).to.equal('');
    await typeInto(el, '#f-duration', '1441');
    expect(errorOf(el, 'duration')).to.equal('Max duration is 1440 minutes (24 hours).');
    await typeInto(el, '#f-duration', '');
    expect(errorOf(el, 'duration')).to.equal('Choose the duration of your session (in minutes).');
    await typeInto(el, '#f-duration', '45');
    expect(errorOf(el, 'duration')).to.equal('');
    await typeInto(el, '#f-date', '2031-05-12');
    expect(errorOf(el, 'date')).to.equal('');
  });

  it('shows every problem next to its field on Create, focuses the first, and sends nothing', async () => {
    const el = await newForm();
    await typeInto(el, '#f-description', 'About cells');
    button(el, 'Create').click();
    await waitUntil(() => errorOf(el, 'title'));
    expect(errorOf(el, 'title')).to.equal('Enter a title for your session.');
    expect(errorOf(el, 'date')).to.equal('Choose the day your session will start.');
    expect(errorOf(el, 'time')).to.equal('Choose the time your session will start.');
    expect(errorOf(el, 'moderators')).to.equal('Add at least one moderator.');
    expect(root(el).activeElement?.id).to.equal('f-title');
    expect(api.calls('POST', /sessions/)).to.have.length(0);
    await expect(el).to.be.accessible();
  });

  async function filled(): Promise<SessionEditor> {
    const el = await newForm();
    await typeInto(el, '#f-title', 'Cell signalling');
    await typeInto(el, '#f-date', '2031-05-12');
    await typeInto(el, '#f-time', '14:30');
    await openPicker(el, 'moderators', 'Morgan');
    $$(el, '#moderators-list [role="option"]')[0]!.click();
    await el.updateComplete;
    return el;
  }

  it('creates the session, says so, and turns into the edit page', async () => {
    const el = await filled();
    setTimeout(() => button(el, 'Create').click());
    const saved = await oneEvent(el, 'kaltura-session-saved');
    expect(saved.detail.created).to.equal(true);
    expect(saved.detail.session.title).to.equal('Cell signalling');
    const [post] = api.calls('POST', /\/sessions$/);
    expect(post!.body).to.deep.include({ type: 'interactive', title: 'Cell signalling', date: '2031-05-12', time: '14:30', duration: 60, visibility: 'private', aiAssistant: false });
    expect((post!.body as { moderators: string[] }).moderators).to.deep.equal(['morgan-lee']);
    await el.updateComplete;
    expect(el.sessionId).to.equal(saved.detail.session.id);
    expect(el.getAttribute('session-id')).to.equal(saved.detail.session.id);
    expect(text(el)).to.contain('Session created.');
    expect($$(el, '[role="tab"]').map((t) => t.textContent!.trim())).to.deep.equal(['Basics', 'Attachments (0)']);
    expect(button(el, 'Save changes').disabled).to.equal(true);
    // Loading the new id again is not needed.
    expect(api.calls('GET', /\/sessions\/s\d+$/)).to.have.length(0);
  });

  it('shows the server\'s field problems (422) next to their fields', async () => {
    const el = await filled();
    api.override = {
      method: 'POST',
      path: /\/sessions$/,
      reply: { status: 422, body: { error: 'Morgan Lee has not been assigned the Moderator role.', fields: { moderators: ['Morgan Lee has not been assigned the Moderator role.'] } } },
    };
    button(el, 'Create').click();
    await waitUntil(() => errorOf(el, 'moderators'));
    expect(errorOf(el, 'moderators')).to.equal('Morgan Lee has not been assigned the Moderator role.');
    expect(root(el).activeElement?.id).to.equal('moderators-input');
  });

  it('explains other failures in a notice', async () => {
    const el = await filled();
    api.override = { method: 'POST', path: /\/sessions$/, reply: { status: 403, body: { error: "Only the event's organizers and moderators can change sessions." } } };
    button(el, 'Create').click();
    await waitUntil(() => root(el).querySelector('.notice.bad'));
    expect($(el, '.notice.bad').textContent).to.contain("The session was not created: Only the event's organizers and moderators can change sessions.");
    expect($(el, '.notice.bad').getAttribute('role')).to.equal('alert');
  });
});

describe('<session-editor>: tags', () => {
  it('suggests matching tags with checkboxes, attaches with the keyboard, creates a new tag and detaches with X', async () => {
    const el = await newForm();
    await openPicker(el, 'tags', 'o');
    expect(optionTexts(el, 'tags')).to.deep.equal(['Biology', 'Keynote', 'Workshop', '+ Create tag "o"']);
    const input = $<HTMLInputElement>(el, '#tags-input');
    expect(input.getAttribute('role')).to.equal('combobox');
    expect(input.getAttribute('aria-expanded')).to.equal('true');
    expect(input.getAttribute('aria-controls')).to.equal('tags-list');
    expect($(el, '#tags-list').getAttribute('aria-multiselectable')).to.equal('true');
    await typeInto(el, '#tags-input', 'key');
    expect(optionTexts(el, 'tags')).to.deep.equal(['Keynote', '+ Create tag "key"']);
    await sendKeys({ press: 'ArrowDown' });
    await el.updateComplete;
    expect(input.getAttribute('aria-activedescendant')).to.equal('tags-opt-0');
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect($$(el, '.chip').map((c) => c.textContent!.trim())).to.include('Keynote');
    expect(input.value).to.equal('');
    // Exact matches get no create option; the chosen one is checked.
    await typeInto(el, '#tags-input', 'keynote');
    expect(optionTexts(el, 'tags')).to.deep.equal(['✓Keynote']);
    expect($(el, '#tags-opt-0').getAttribute('aria-selected')).to.equal('true');
    await expect(el).to.be.accessible();

    await typeInto(el, '#tags-input', 'Genetics');
    expect(optionTexts(el, 'tags')).to.deep.equal(['+ Create tag "Genetics"']);
    $(el, '#tags-opt-0').click();
    await waitUntil(() => $$(el, '.chip').some((c) => c.textContent!.includes('Genetics')), 'new tag attached');
    expect(api.calls('POST', /\/tags$/)[0]!.body).to.deep.equal({ name: 'Genetics' });
    expect(api.tags.some((t) => t.name === 'Genetics')).to.equal(true);

    button(el, 'Remove Keynote').click();
    await el.updateComplete;
    expect($$(el, '.chip').map((c) => c.textContent!.trim())).to.not.include('Keynote');
    expect(root(el).activeElement?.id).to.equal('tags-input');
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect($(el, '#tags-list').hidden).to.equal(true);
  });

  it('moves through the suggestions with Home and End; Space ticks the highlighted tag, and types a space otherwise', async () => {
    const el = await newForm();
    await openPicker(el, 'tags', 'o');
    const input = $<HTMLInputElement>(el, '#tags-input');
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'End' });
    await el.updateComplete;
    expect(input.getAttribute('aria-activedescendant')).to.equal('tags-opt-3');
    await sendKeys({ press: 'Home' });
    await sendKeys({ press: 'ArrowDown' });
    await el.updateComplete;
    expect(input.getAttribute('aria-activedescendant')).to.equal('tags-opt-1');
    await sendKeys({ press: 'Space' });
    await el.updateComplete;
    expect($$(el, '.chip').map((c) => c.textContent!.trim())).to.include('Keynote');
    // Choosing cleared what was typed; with nothing highlighted, Space is a space.
    expect(input.value).to.equal('');
    expect(input.hasAttribute('aria-activedescendant')).to.equal(false);
    await sendKeys({ press: 'Space' });
    await el.updateComplete;
    expect(input.value).to.equal(' ');
    expect($$(el, '.chip').map((c) => c.textContent!.trim()).filter((t) => t === 'Keynote')).to.have.length(1);
  });

  it('shows why a new tag name is refused', async () => {
    const el = await newForm();
    await openPicker(el, 'tags', 'a<b');
    $(el, '#tags-opt-0').click();
    await waitUntil(() => errorOf(el, 'tags'));
    expect(errorOf(el, 'tags')).to.equal('Characters "<" and ">" are not supported in tags.');
  });
});

describe('<session-editor>: speakers and moderators', () => {
  it('suggests people with the speaker role as the user types', async () => {
    const el = await newForm();
    await openPicker(el, 'speakers', 'a');
    await waitUntil(() => optionTexts(el, 'speakers').length === 3);
    expect(optionTexts(el, 'speakers')).to.deep.equal(['Dr. Samira Haddad', 'Kenji Watanabe', 'Ana Souza']);
    expect(api.calls('GET', /people\?role=speaker/).length).to.be.greaterThan(0);
    await typeInto(el, '#speakers-input', 'ken');
    await waitUntil(() => optionTexts(el, 'speakers').join() === 'Kenji Watanabe');
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect($$(el, '.chip').map((c) => c.textContent!.trim())).to.include('Kenji Watanabe');
  });

  it('offers Invite speaker when no one matches; the host page may take the cancelable request', async () => {
    const el = await newForm();
    await openPicker(el, 'speakers', 'Zed');
    await waitUntil(() => optionTexts(el, 'speakers').join() === 'Invite speaker');
    el.addEventListener('kaltura-request-invite', (e) => e.preventDefault(), { once: true });
    setTimeout(() => $(el, '#speakers-opt-0').click());
    const req = await oneEvent(el, 'kaltura-request-invite');
    expect(req.detail).to.deep.equal({ role: 'speaker', query: 'Zed' });
    expect(req.cancelable).to.equal(true);
    expect(req.composed && req.bubbles).to.equal(true);
    await el.updateComplete;
    expect(!!root(el).querySelector('.notice')).to.equal(false);
  });

  it('says invitations are handled by the event\'s team when nobody takes Invite moderator', async () => {
    const el = await newForm();
    await openPicker(el, 'moderators', 'Nobody');
    await waitUntil(() => optionTexts(el, 'moderators').join() === 'Invite moderator');
    setTimeout(() => $(el, '#moderators-opt-0').click());
    const req = await oneEvent(el, 'kaltura-request-invite');
    expect(req.detail).to.deep.equal({ role: 'moderator', query: 'Nobody' });
    await el.updateComplete;
    expect($(el, '.notice').textContent).to.contain("Invitations are handled by the event's team.");
  });

  it('requires a moderator: removing the last one says so', async () => {
    api.sessions = [];
    const el = await newForm();
    await waitUntil(() => $$(el, '.chip').length === 1);
    button(el, 'Remove Olivia Grant').click();
    await el.updateComplete;
    expect(errorOf(el, 'moderators')).to.equal('Add at least one moderator.');
  });
});

describe('<session-editor>: AI assistant and header', () => {
  it('asks before activating the AI assistant; X cancels, Activate assistant turns it on; off needs no confirmation', async () => {
    const el = await newForm();
    const sw = $<HTMLButtonElement>(el, '[role="switch"]');
    expect(sw.getAttribute('aria-checked')).to.equal('false');
    sw.click();
    const dialog = $<HTMLDialogElement>(el, '#ai-dialog');
    await waitUntil(() => dialog.open);
    expect(dialog.textContent).to.contain('Activate assistant');
    await expect(el).to.be.accessible();
    dialog.querySelector<HTMLButtonElement>('[aria-label="Close"]')!.click();
    await waitUntil(() => !dialog.open);
    await el.updateComplete;
    expect(sw.getAttribute('aria-checked')).to.equal('false');
    sw.click();
    await waitUntil(() => dialog.open);
    button(el, 'Activate assistant').click();
    await waitUntil(() => sw.getAttribute('aria-checked') === 'true');
    sw.click();
    await el.updateComplete;
    expect(sw.getAttribute('aria-checked')).to.equal('false');
    expect(dialog.open).to.equal(false);
  });

  it('takes only images for the header, previews it and uploads it after Create', async () => {
    const el = await newForm();
    expect(text(el)).to.contain('Replace thumbnail');
    expect(text(el)).to.contain('We recommend using an image size of 1920x1080 px.');
    expect($<HTMLInputElement>(el, '#f-header-file').accept).to.contain('.png');
    await chooseFiles(el, '#f-header-file', [new File(['%PDF'], 'notes.pdf')]);
    expect(errorOf(el, 'header')).to.contain('"notes.pdf" is not an image.');
    await chooseFiles(el, '#f-header-file', [new File([new Uint8Array([137, 80, 78, 71])], 'Banner.PNG', { type: 'image/png' })]);
    expect(errorOf(el, 'header')).to.equal('');
    expect($<HTMLImageElement>(el, '.thumb img').src).to.match(/^blob:/);
    await typeInto(el, '#f-title', 'With a header');
    await typeInto(el, '#f-date', '2031-05-12');
    await typeInto(el, '#f-time', '10:00');
    await openPicker(el, 'moderators', 'Priya');
    $(el, '#moderators-opt-0').click();
    button(el, 'Create').click();
    await waitUntil(() => api.xhrs.some((x) => x.method === 'PUT'), 'header upload');
    const put = api.xhrs.find((x) => x.method === 'PUT')!;
    expect(put.url).to.match(/\/sessions\/s\d+\/header$/);
    expect(put.headers['x-file-name']).to.equal('Banner.PNG');
    await waitUntil(() => text(el).includes('Session created.'));
    const src = $<HTMLImageElement>(el, '.thumb img').src;
    expect(src).to.match(/\/header\?v=\d+&expires=\d+&signature=/);
    expect(src).not.to.contain(TOKENS.organizer);
  });
});

describe('<session-editor>: edit mode', () => {
  it('opens on the Basics tab with the session\'s values, Visit session page and Copy link', async () => {
    const el = await editing('s2');
    expect($<HTMLInputElement>(el, '#f-title').value).to.equal('Opening keynote: the living cell');
    expect($<HTMLInputElement>(el, '#f-time').value).to.equal('09:00');
    expect($$(el, '.chip').map((c) => c.textContent!.trim())).to.deep.equal(['Keynote', 'Biology', 'Dr. Samira Haddad', 'Morgan Lee']);
    expect($(el, '[role="switch"]').getAttribute('aria-checked')).to.equal('true');
    expect($<HTMLInputElement>(el, 'input[value="published"]').checked).to.equal(true);
    const visit = $<HTMLAnchorElement>(el, '.links a');
    expect(visit.textContent!.trim()).to.equal('Visit session page');
    expect(visit.href).to.equal('https://portal.example/sessions/s2');
    expect(button(el, 'Copy link')).to.exist;
    expect($(el, '#tab-basics').getAttribute('aria-selected')).to.equal('true');
    expect($(el, '#panel-attachments').hidden).to.equal(true);
    expect(button(el, 'Save changes').disabled).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('works right to left: the assistant switch turns on towards the left, the tabs\' arrows are mirrored', async () => {
    const knob = (el: SessionEditor) => new DOMMatrix(getComputedStyle($(el, '.track'), '::after').transform).m41;
    const ltr = await editing('s2');
    expect(knob(ltr), 'left to right: on is to the right').to.be.greaterThan(0);
    const wrap = await fixture<HTMLDivElement>(html`<div dir="rtl"><session-editor server=${SERVER} event=${EVENT} token=${TOKENS.organizer}
      session-id="s2"></session-editor></div>`);
    const el = wrap.querySelector('session-editor')!;
    await waitUntil(() => root(el).querySelector('#f-title'), 'edit form');
    expect($(el, '[role="switch"]').getAttribute('aria-checked')).to.equal('true');
    expect(knob(el), 'right to left: on is to the left').to.be.lessThan(0);
    $(el, '#tab-basics').focus();
    await sendKeys({ press: 'ArrowLeft' });
    await el.updateComplete;
    expect(root(el).activeElement?.id).to.equal('tab-attachments');
    await expect(el).to.be.accessible();
  });

  it('moves between tabs with the arrow keys (tabs pattern)', async () => {
    const el = await editing('s2');
    $(el, '#tab-basics').focus();
    await sendKeys({ press: 'ArrowRight' });
    await el.updateComplete;
    expect($(el, '#tab-attachments').getAttribute('aria-selected')).to.equal('true');
    expect($(el, '#tab-attachments').tabIndex).to.equal(0);
    expect($(el, '#tab-basics').tabIndex).to.equal(-1);
    expect(root(el).activeElement?.id).to.equal('tab-attachments');
    expect($(el, '#panel-basics').hidden).to.equal(true);
    await sendKeys({ press: 'Home' });
    await el.updateComplete;
    expect(root(el).activeElement?.id).to.equal('tab-basics');
  });

  it('saves changes with the version it edited', async () => {
    const el = await editing('s2');
    await typeInto(el, '#f-title', 'Opening keynote (updated)');
    setTimeout(() => button(el, 'Save changes').click());
    const saved = await oneEvent(el, 'kaltura-session-saved');
    expect(saved.detail.created).to.equal(false);
    const [patch] = api.calls('PATCH', /\/sessions\/s2$/);
    expect(patch!.headers['if-match']).to.equal('"1"');
    expect((patch!.body as { title: string }).title).to.equal('Opening keynote (updated)');
    await el.updateComplete;
    expect(text(el)).to.contain('Changes saved.');
    expect(api.sessions.find((s) => s.id === 's2')!.version).to.equal(2);
  });

  it('shows a conflict when someone else saved meanwhile, and reloads their version', async () => {
    const el = await editing('s2');
    api.bump('s2', { title: 'Their title' });
    await typeInto(el, '#f-title', 'My title');
    button(el, 'Save changes').click();
    await waitUntil(() => text(el).includes('Someone else saved this session'));
    expect(text(el)).to.contain(SESSION_WORDING.conflict);
    await expect(el).to.be.accessible();
    button(el, 'Reload their version').click();
    await el.updateComplete;
    expect($<HTMLInputElement>(el, '#f-title').value).to.equal('Their title');
    expect(text(el)).to.not.contain('Someone else saved');
    await typeInto(el, '#f-title', 'My title again');
    button(el, 'Save changes').click();
    await waitUntil(() => text(el).includes('Changes saved.'));
    expect(api.calls('PATCH', /s2$/).pop()!.headers['if-match']).to.equal('"2"');
  });

  it('copies the session page link', async () => {
    const el = await editing('s2');
    let copied = '';
    const saved = Object.getOwnPropertyDescriptor(Navigator.prototype, 'clipboard');
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (t: string) => void (copied = t) } });
    try {
      button(el, 'Copy link').click();
      await waitUntil(() => text(el).includes('Link copied.'));
      expect(copied).to.equal('https://portal.example/sessions/s2');
    } finally {
      delete (navigator as unknown as Record<string, unknown>).clipboard;
      if (saved) Object.defineProperty(Navigator.prototype, 'clipboard', saved);
    }
  });

  it('says when the session cannot be loaded', async () => {
    const el = await fixture<SessionEditor>(html`<session-editor server=${SERVER} event=${EVENT} token=${TOKENS.attendee} session-id="s3"></session-editor>`);
    await waitUntil(() => text(el).includes('could not be loaded'));
    expect(text(el)).to.contain('There is no session "s3" in this event.');
    expect(button(el, 'Try again')).to.exist;
  });
});

describe('<session-editor>: the Attachments tab', () => {
  // The attachments themselves are tested beside <session-attachments>; here, how the editor holds them.
  const attachmentsOf = (el: SessionEditor) => $(el, 'session-attachments') as SessionAttachments;

  async function attachmentsTab(): Promise<SessionEditor> {
    const el = await editing('s2');
    $(el, '#tab-attachments').click();
    await el.updateComplete;
    return el;
  }

  it('holds <session-attachments> for the session, and its label counts them as they change', async () => {
    api.autoUpload = false;
    api.attach('s2', 'Roadmap.doc');
    const el = await attachmentsTab();
    const inner = attachmentsOf(el);
    expect(inner.getAttribute('session-id')).to.equal('s2');
    expect(inner.server).to.equal(SERVER);
    expect(inner.event).to.equal(EVENT);
    expect(inner.token).to.equal(TOKENS.organizer);
    await waitUntil(() => $(el, '#tab-attachments').textContent!.includes('(1)'), 'the count from the loaded list');
    expect($(el, '#panel-attachments').contains(inner)).to.equal(true);
    await expect(el).to.be.accessible();

    await chooseFiles(inner, '#att-file', [new File(['a'.repeat(1000)], 'Slides.PPTX'), new File(['%PDF-1.4'], 'Notes.pdf')]);
    await waitUntil(() => api.xhrs.length === 2);
    const changed = oneEvent(el, 'kaltura-attachments-changed');
    api.xhrs[0]!.finish();
    // The nested element's event reaches the page through the editor, as before.
    expect((await changed).detail.change).to.equal('uploaded');
    api.xhrs[1]!.finish();
    await waitUntil(() => $(el, '#tab-attachments').textContent!.includes('(3)'), 'the count after two uploads');
    expect(text(inner)).to.contain('Upload complete. "Notes.pdf" is attached.');

    mustButton(inner, 'Actions for Roadmap').click();
    await inner.updateComplete;
    mustButton(inner, 'Delete', '[role="menuitem"]').click();
    await waitUntil(() => $<HTMLDialogElement>(inner, '#delete-dialog').open);
    $(inner, '#delete-dialog [part="dialog-confirm"]').click();
    await waitUntil(() => $(el, '#tab-attachments').textContent!.includes('(2)'), 'the count after a delete');
  });

  it('counts what a reload found: a file someone else removed', async () => {
    api.linkLifetimeS = -1;
    const a = api.attach('s2', 'Roadmap.pdf');
    const el = await attachmentsTab();
    const inner = attachmentsOf(el);
    await waitUntil(() => $(el, '#tab-attachments').textContent!.includes('(1)'));
    api.attachments.set('s2', []);
    api.files.delete(a.id);
    mustButton(inner, 'Actions for Roadmap').click();
    await inner.updateComplete;
    $<HTMLAnchorElement>(inner, 'a[role="menuitem"]').click();
    await waitUntil(() => text(inner).includes('"Roadmap" is no longer attached.'), 'the loss said');
    await waitUntil(() => $(el, '#tab-attachments').textContent!.includes('(0)'), 'the count follows the reload');
  });

  it('shows the attachments in the editor\'s theme and with the editor\'s parts', async () => {
    api.attach('s2', 'Roadmap.doc');
    const el = await fixture<SessionEditor>(html`<session-editor server=${SERVER} event=${EVENT} token=${TOKENS.organizer} session-id="s2"
      style="--kaltura-accent: rgb(200, 0, 100); --kaltura-font-size: 19px"></session-editor>`);
    await waitUntil(() => root(el).querySelector('session-attachments'), 'the attachments element');
    const inner = attachmentsOf(el);
    await waitUntil(() => $$(inner, '.attachment').length === 1, 'the attachment');
    const style = getComputedStyle($(inner, '[part="upload-button"]'));
    expect(style.backgroundColor).to.equal('rgb(200, 0, 100)');
    expect(getComputedStyle($(inner, '.root')).fontSize).to.equal('19px');
    const exported = inner.getAttribute('exportparts')!.split(',').map((p) => p.trim());
    expect(exported).to.include.members(['attachments', 'attachment', 'upload', 'progress', 'menu', 'menu-item', 'dialog', 'dialog-title', 'dialog-confirm', 'dialog-cancel', 'notice']);
  });
});

describe('<session-editor>: file links that expire', () => {
  /** Every fake request the element started before this one has been answered and recorded. */
  const settled = () => fetch(`${SERVER}/api/events/${EVENT}`, { headers: { authorization: `Bearer ${TOKENS.organizer}` } });

  it('re-fetches a header image that failed to load once, shows the fresh link, and stops if that fails too', async () => {
    const header = (v: number) => ({ name: 'Banner.png', contentType: 'image/png', size: 4, updatedAt: '2030-10-10T12:00:00.000Z', url: `/api/events/${EVENT}/sessions/s2/header?v=${v}&expires=4102444800&signature=sig-s2` });
    // Each read of the session gives a new header link (v=1, v=2, …), none of which loads here
    // (this test's file host does not exist).
    const handle = api.handle.bind(api);
    let version = 0;
    api.handle = (method, url, headers, body) => {
      if (method === 'GET' && url.pathname.endsWith('/sessions/s2')) api.sessions.find((s) => s.id === 's2')!.header = header(++version);
      return handle(method, url, headers, body);
    };
    const errors: string[] = [];
    const el = await fixture<SessionEditor>(html`<session-editor server=${SERVER} event=${EVENT} token=${TOKENS.organizer} session-id="s2"></session-editor>`);
    root(el).addEventListener('error', (e) => errors.push((e.target as HTMLImageElement).src), true);
    const reads = () => api.calls('GET', /\/sessions\/s2$/).length;
    await waitUntil(() => root(el).querySelector<HTMLImageElement>('.thumb img')?.src.includes('v=2'), 'the fresh link shown');
    await waitUntil(() => errors.some((src) => src.includes('v=2')), 'the fresh link failed too');
    await settled();
    await el.updateComplete;
    expect(reads(), 'a link that came from a re-fetch is not re-fetched').to.equal(2);
    expect($<HTMLImageElement>(el, '.thumb img').src).to.contain('v=2');
  });
});

describe('FileLinks', () => {
  it('counts a link as expired a minute before its expiry, or after four minutes held, whatever the clocks say', async () => {
    const { FileLinks } = await import('./file-links.ts');
    const { SessionsApi } = await import('../../client/sessions-api.ts');
    let now = Date.UTC(2031, 4, 12, 9, 0, 0);
    const links = new FileLinks(() => new SessionsApi({ server: SERVER, event: EVENT, token: TOKENS.organizer }), () => now);
    const at = (s: number) => `/api/events/${EVENT}/sessions/s2/attachments/a1/download?expires=${s}&signature=sig-a1`;
    const tenMin = at(now / 1000 + 600);
    expect(links.href(tenMin)).to.equal(`${SERVER}${tenMin}`);
    expect(links.stale(tenMin)).to.equal(false);
    expect(links.stale(at(now / 1000 + 61))).to.equal(false);
    expect(links.stale(at(now / 1000 + 60))).to.equal(true);
    now += 3 * 60_000 + 59_000;
    expect(links.stale(tenMin)).to.equal(false);
    now += 1000;
    expect(links.stale(tenMin), 'held four minutes').to.equal(true);
    // A page whose clock runs an hour slow still refreshes after four minutes.
    const slow = at(now / 1000 + 3600 + 300);
    links.href(slow);
    expect(links.stale(slow)).to.equal(false);
    now += 4 * 60_000;
    expect(links.stale(slow)).to.equal(true);
    // Images: once per link, never for a link that came from a re-fetch.
    expect(links.imageFailed('/h?v=1')).to.equal(true);
    expect(links.imageFailed('/h?v=1')).to.equal(false);
    links.refetched('/h?v=2');
    expect(links.imageFailed('/h?v=2')).to.equal(false);
  });
});
