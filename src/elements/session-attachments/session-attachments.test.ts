import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { $$, get as $, mustButton, text, waitUntil } from '../../testing/shadow-dom.ts';
import { FakeApi, SERVER, EVENT, TOKENS, type FakeXhrLike } from '../../testing/fake-sessions-api.ts';
import './session-attachments.ts';
import type { SessionAttachments } from './session-attachments.component.ts';

let api: FakeApi;
let restore: () => void;

beforeEach(() => {
  api = new FakeApi();
  restore = api.install();
});
afterEach(() => restore());

const root = (el: Element) => el.shadowRoot!;
const button = (el: Element, label: string | RegExp) => mustButton(el, label, 'button, [role="menuitem"]');
const listings = (id = 's2') => api.calls('GET', new RegExp(`/sessions/${id}/attachments$`)).length;
/** Every fake request the element started before this one has been answered and recorded. */
const settled = () => fetch(`${SERVER}/api/events/${EVENT}`, { headers: { authorization: `Bearer ${TOKENS.organizer}` } });

/** The element for a session, once its list has loaded. */
async function attachments(id = 's2'): Promise<SessionAttachments> {
  const el = await fixture<SessionAttachments>(html`<session-attachments
    server=${SERVER}
    event=${EVENT}
    token=${TOKENS.organizer}
    session-id=${id}
  ></session-attachments>`);
  await waitUntil(() => !root(el).querySelector('.empty[role="status"]') && listings(id) > 0, 'the list loaded');
  await el.updateComplete;
  return el;
}

async function typeInto(el: SessionAttachments, sel: string, value: string): Promise<void> {
  const input = $<HTMLInputElement>(el, sel);
  input.focus();
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  await el.updateComplete;
}

async function chooseFiles(el: SessionAttachments, files: File[]): Promise<void> {
  const input = $<HTMLInputElement>(el, '#att-file');
  const dt = new DataTransfer();
  for (const f of files) dt.items.add(f);
  input.files = dt.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
  await el.updateComplete;
}

describe('<session-attachments>', () => {
  it('loads the session\'s attachments by itself and says so; another session-id shows that session\'s', async () => {
    api.attach('s2', 'Roadmap.doc');
    api.attach('s1', 'Microscopes.pdf');
    const loaded = new Promise<CustomEvent>((resolve) => document.addEventListener('kaltura-attachments-loaded', (e) => resolve(e), { once: true }));
    const el = await attachments('s2');
    const first = await loaded;
    expect(first.detail.sessionId).to.equal('s2');
    expect(first.detail.attachments.map((a: { name: string }) => a.name)).to.deep.equal(['Roadmap.doc']);
    expect($$(el, '.attachment strong').map((s) => s.textContent)).to.deep.equal(['Roadmap']);
    expect(el.attachments.map((a) => a.id)).to.deep.equal(first.detail.attachments.map((a: { id: string }) => a.id));
    await expect(el).to.be.accessible();

    setTimeout(() => el.setAttribute('session-id', 's1'));
    const next = await oneEvent(el, 'kaltura-attachments-loaded');
    expect(next.detail.sessionId).to.equal('s1');
    await el.updateComplete;
    expect($$(el, '.attachment strong').map((s) => s.textContent)).to.deep.equal(['Microscopes']);

    setTimeout(() => el.setAttribute('session-id', 's3'));
    await oneEvent(el, 'kaltura-attachments-loaded');
    await el.updateComplete;
    expect($$(el, '.attachment')).to.have.length(0);
    expect(text(el)).to.contain('No attachments yet.');
  });

  it('says when the list cannot be loaded, and Try again loads it', async () => {
    api.attach('s2', 'Roadmap.doc');
    api.override = { method: 'GET', path: /\/attachments$/, reply: { status: 503, body: { error: 'The server cannot read its storage. Try again in a minute.' } } };
    const el = await fixture<SessionAttachments>(html`<session-attachments server=${SERVER} event=${EVENT} token=${TOKENS.organizer}
      session-id="s2"></session-attachments>`);
    await waitUntil(() => text(el).includes('The attachments could not be loaded: The server cannot read its storage.'), 'the failure said');
    expect($(el, '.notice.bad').getAttribute('role')).to.equal('alert');
    button(el, 'Try again').click();
    await waitUntil(() => $$(el, '.attachment').length === 1, 'loaded on the second try');
    expect(text(el)).not.to.contain('could not be loaded');
  });

  it('uploads several files, each with its own progress bar, and confirms each', async () => {
    api.autoUpload = false;
    const el = await attachments();
    expect($<HTMLInputElement>(el, '#att-file').multiple).to.equal(true);
    await chooseFiles(el, [
      new File(['a'.repeat(1000)], 'Slides.PPTX'),
      new File(['%PDF-1.4 '.repeat(200)], 'Roadmap.pdf', { type: 'application/pdf' }),
    ]);
    await waitUntil(() => api.xhrs.length === 2);
    const bars = () => $$<HTMLProgressElement>(el, 'progress');
    expect(bars()).to.have.length(2);
    expect(bars()[0]!.getAttribute('aria-label')).to.equal('Uploading Slides.PPTX');
    const [slides, roadmap] = api.xhrs as [FakeXhrLike, FakeXhrLike];
    expect(slides.headers['x-file-name']).to.equal('Slides.PPTX');
    expect(slides.headers.authorization).to.equal(`Bearer ${TOKENS.organizer}`);
    slides.progress(250);
    roadmap.progress(1800);
    await el.updateComplete;
    expect(bars().map((b) => b.value)).to.deep.equal([25, 100]);
    expect(text(el)).to.contain('25%');
    await expect(el).to.be.accessible();
    const changed = oneEvent(el, 'kaltura-attachments-changed');
    slides.finish();
    const upload = await changed;
    expect(upload.detail.change).to.equal('uploaded');
    expect(upload.detail.sessionId).to.equal('s2');
    expect(upload.detail.attachment.name).to.equal('Slides.PPTX');
    await waitUntil(() => text(el).includes('Upload complete. "Slides.PPTX" is attached.'));
    roadmap.finish();
    await waitUntil(() => $$(el, '.attachment').length === 2);
    expect(bars()).to.have.length(0);
    expect($$(el, '.attachment strong').map((s) => s.textContent)).to.deep.equal(['Slides', 'Roadmap']);
    expect(el.attachments).to.have.length(2);
  });

  it('refuses types outside the shared lists before uploading, and shows the server\'s size limit', async () => {
    const el = await attachments();
    api.maxUploadBytes = 100;
    await chooseFiles(el, [new File(['x'], 'virus.exe'), new File(['y'.repeat(200)], 'Big.MP4')]);
    await waitUntil(() => $$(el, '.upload .error').length === 2);
    const errors = $$(el, '.upload .error').map((e) => e.textContent);
    expect(errors[0]).to.contain('"virus.exe" cannot be attached: .exe files are not supported.');
    expect(errors[1]).to.equal('"Big.MP4" is larger than the 100 B upload limit.');
    expect(api.xhrs).to.have.length(1);
    expect($(el, '.notice.bad').textContent).to.contain('"Big.MP4" was not uploaded');
    button(el, 'Dismiss virus.exe').click();
    await el.updateComplete;
    expect($$(el, '.upload')).to.have.length(1);
  });

  it('edits the title and description of an attachment', async () => {
    const a = api.attach('s2', 'Roadmap.doc');
    const el = await attachments();
    const menuButton = button(el, 'Actions for Roadmap');
    expect(menuButton.getAttribute('aria-haspopup')).to.equal('menu');
    menuButton.focus();
    await sendKeys({ press: 'ArrowDown' });
    await el.updateComplete;
    expect(root(el).activeElement?.textContent).to.equal('Edit');
    await sendKeys({ press: 'ArrowDown' });
    expect(root(el).activeElement?.textContent).to.equal('Download');
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(root(el).activeElement === menuButton).to.equal(true);
    menuButton.click();
    await el.updateComplete;
    button(el, 'Edit').click();
    const dialog = $<HTMLDialogElement>(el, '#edit-dialog');
    await waitUntil(() => dialog.open);
    expect($<HTMLInputElement>(el, '#d-title').value).to.equal('Roadmap');
    await typeInto(el, '#d-title', '');
    expect($(el, '#de-title').textContent).to.equal('Enter a title for this file.');
    await typeInto(el, '#d-title', 'Roadmap internal');
    await typeInto(el, '#d-description', 'The latest enhancements.');
    await expect(el).to.be.accessible();
    const changed = oneEvent(el, 'kaltura-attachments-changed');
    dialog.querySelector<HTMLButtonElement>('.btn.primary')!.click();
    await waitUntil(() => !dialog.open);
    expect((await changed).detail.change).to.equal('edited');
    expect(api.calls('PATCH', new RegExp(`attachments/${a.id}$`))[0]!.body).to.deep.equal({ title: 'Roadmap internal', description: 'The latest enhancements.' });
    await el.updateComplete;
    expect($(el, '.attachment strong').textContent).to.equal('Roadmap internal');
    expect(text(el)).to.contain('Saved the details of "Roadmap internal".');
    // The dialog gave focus back to the dots it was opened from.
    expect(root(el).activeElement === menuButton).to.equal(true);
  });

  it('shows more info: title, description, file type, size and creation date', async () => {
    api.attach('s2', 'Roadmap.doc', undefined, { title: 'Roadmap internal', description: "We're thrilled to share the latest enhancements." });
    const el = await attachments();
    button(el, 'Actions for Roadmap internal').click();
    await el.updateComplete;
    button(el, 'More info').click();
    const dialog = $<HTMLDialogElement>(el, '#info-dialog');
    await waitUntil(() => dialog.open);
    const info = dialog.textContent!.replace(/\s+/g, ' ');
    expect(info).to.contain('Roadmap.doc');
    expect(info).to.contain('Title: Roadmap internal');
    expect(info).to.contain("Description: We're thrilled to share the latest enhancements.");
    expect(info).to.contain('File type: doc document');
    expect(info).to.contain('Size: 870 KB');
    expect(info).to.contain(`Creation date: ${new Date('2024-10-10T09:00:00Z').toLocaleDateString(undefined, { year: '2-digit', month: '2-digit', day: '2-digit' })}`);
    await expect(el).to.be.accessible();
    dialog.querySelector<HTMLButtonElement>('[aria-label="Close"]')!.click();
    await waitUntil(() => !dialog.open);
  });

  it('downloads the same bytes under the original name', async () => {
    const bytes = new Uint8Array([37, 80, 68, 70, 0, 255, 1, 2]);
    const a = api.attach('s2', 'Roadmap.pdf', bytes);
    const el = await attachments();
    button(el, 'Actions for Roadmap').click();
    await el.updateComplete;
    const link = $<HTMLAnchorElement>(el, 'a[role="menuitem"]');
    expect(link.textContent).to.equal('Download');
    expect(link.getAttribute('download')).to.equal('Roadmap.pdf');
    const url = new URL(link.href);
    expect(url.pathname + url.search).to.equal(a.downloadUrl);
    expect(url.searchParams.get('signature')).to.be.a('string');
    expect(link.href).not.to.contain(TOKENS.organizer);
    expect(url.searchParams.has('access_token')).to.equal(false);
    const got = new Uint8Array(await (await fetch(link.href)).arrayBuffer());
    expect([...got]).to.deep.equal([...bytes]);
  });

  it('asks before deleting, with the exact prompt; Cancel keeps it, Delete removes it', async () => {
    api.attach('s2', 'Roadmap.doc');
    const el = await attachments();
    button(el, 'Actions for Roadmap').click();
    await el.updateComplete;
    button(el, 'Delete').click();
    const dialog = $<HTMLDialogElement>(el, '#delete-dialog');
    await waitUntil(() => dialog.open);
    expect($(el, '#delete-dialog-title').textContent).to.equal('Delete attachment');
    expect($(el, '#delete-dialog-message').textContent).to.equal('You\'re about to permanently delete "Roadmap". You cannot undo this action.');
    // As the product text has it: "Cancel Delete", and a keyboard user starts on the safe one.
    expect([...dialog.querySelectorAll('button')].map((b) => b.textContent!.trim())).to.deep.equal(['Cancel', 'Delete']);
    expect(root(el).activeElement).to.equal(dialog.querySelector('[part="dialog-cancel"]'));
    await expect(el).to.be.accessible();
    const closed = oneEvent(dialog, 'close');
    dialog.querySelector<HTMLButtonElement>('[part="dialog-cancel"]')!.click();
    await closed;
    expect(api.calls('DELETE', /attachments/)).to.have.length(0);
    expect($$(el, '.attachment')).to.have.length(1);

    button(el, 'Actions for Roadmap').click();
    await el.updateComplete;
    button(el, 'Delete').click();
    await waitUntil(() => dialog.open);
    setTimeout(() => dialog.querySelector<HTMLButtonElement>('[part="dialog-confirm"]')!.click());
    const changed = await oneEvent(el, 'kaltura-attachments-changed');
    expect(changed.detail.change).to.equal('deleted');
    await el.updateComplete;
    expect($$(el, '.attachment')).to.have.length(0);
    expect(text(el)).to.contain('Deleted. "Roadmap" is no longer attached.');
  });

  it('explains a failed delete', async () => {
    const a = api.attach('s2', 'Roadmap.doc');
    const el = await attachments();
    api.attachments.set('s2', []);
    button(el, 'Actions for Roadmap').click();
    await el.updateComplete;
    button(el, 'Delete').click();
    await waitUntil(() => $<HTMLDialogElement>(el, '#delete-dialog').open);
    $(el, '#delete-dialog [part="dialog-confirm"]').click();
    await waitUntil(() => root(el).querySelector('.notice.bad'));
    expect($(el, '.notice.bad').textContent).to.contain(`"Roadmap" was not deleted: There is no attachment "${a.id}" in this session.`);
  });

  it('opens an attachment\'s menu towards the row\'s start, inside the row, right to left too', async () => {
    api.attach('s2', 'Roadmap.doc');
    for (const dir of ['ltr', 'rtl']) {
      const wrap = await fixture<HTMLDivElement>(html`<div dir=${dir} style="width: 40rem">
        <session-attachments server=${SERVER} event=${EVENT} token=${TOKENS.organizer} session-id="s2"></session-attachments>
      </div>`);
      const el = wrap.querySelector('session-attachments')!;
      await waitUntil(() => $$(el, '.attachment').length === 1, 'the attachment');
      button(el, 'Actions for Roadmap').click();
      await waitUntil(() => !$(el, '[role="menu"]').hidden);
      const row = $(el, '.attachment').getBoundingClientRect();
      const menu = $(el, '[role="menu"]').getBoundingClientRect();
      expect(menu.left, `${dir}: the menu's left edge`).to.be.at.least(row.left - 1);
      expect(menu.right, `${dir}: the menu's right edge`).to.be.at.most(row.right + 1);
    }
  });
});

describe('<session-attachments>: file links that expire', () => {
  /** Links the browser itself follows (not held back by the element); the download is stopped here. */
  function followed(el: SessionAttachments): string[] {
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

  async function downloadFrom(el: SessionAttachments, title: string): Promise<void> {
    button(el, `Actions for ${title}`).click();
    await el.updateComplete;
    $<HTMLAnchorElement>(el, 'a[role="menuitem"]').click();
  }

  it('asks for a fresh link before a Download whose link has expired, and follows that one', async () => {
    const bytes = new Uint8Array([37, 80, 68, 70, 7, 7]);
    api.linkLifetimeS = -1; // what the element got has already expired
    api.attach('s2', 'Roadmap.pdf', bytes);
    const el = await attachments();
    await waitUntil(() => $$(el, '.attachment').length === 1, 'the attachment');
    const old = $<HTMLAnchorElement>(el, 'a[role="menuitem"]').href;
    expect((await fetch(old)).status, 'the server refuses the expired link').to.equal(403);
    const links = followed(el);
    const before = listings();
    api.linkLifetimeS = 600;
    await downloadFrom(el, 'Roadmap');
    await waitUntil(() => links.length === 1, 'the fresh link followed');
    expect(listings()).to.equal(before + 1);
    expect(links[0]).not.to.equal(old);
    expect(Number(new URL(links[0]!).searchParams.get('expires')) * 1000).to.be.greaterThan(Date.now() + 300_000);
    expect([...new Uint8Array(await (await fetch(links[0]!)).arrayBuffer())]).to.deep.equal([...bytes]);
    expect($<HTMLAnchorElement>(el, 'a[role="menuitem"]').href, 'the menu holds the fresh link too').to.equal(links[0]);
    expect(links[0]).not.to.contain(TOKENS.organizer);
  });

  it('leaves a link with minutes to live to the browser, without asking again', async () => {
    api.linkLifetimeS = 600;
    api.attach('s2', 'Roadmap.pdf');
    const el = await attachments();
    await waitUntil(() => $$(el, '.attachment').length === 1, 'the attachment');
    const links = followed(el);
    const before = listings();
    await downloadFrom(el, 'Roadmap');
    expect(links).to.deep.equal([$<HTMLAnchorElement>(el, 'a[role="menuitem"]').href]);
    await settled();
    expect(listings()).to.equal(before);
  });

  it('says when the file is gone or the server fails, asks once per click and follows nothing', async () => {
    api.linkLifetimeS = -1;
    const a = api.attach('s2', 'Roadmap.pdf');
    const el = await attachments();
    await waitUntil(() => $$(el, '.attachment').length === 1, 'the attachment');
    const links = followed(el);
    const before = listings();
    api.override = { method: 'GET', path: /\/attachments$/, reply: { status: 503, body: { error: 'The server cannot read its storage. Try again in a minute.' } } };
    await downloadFrom(el, 'Roadmap');
    await waitUntil(() => text(el).includes('Could not download "Roadmap.pdf": The server cannot read its storage.'), 'the failure said');
    await settled();
    expect(listings()).to.equal(before + 1);
    api.attachments.set('s2', []);
    api.files.delete(a.id);
    const reloaded = oneEvent(el, 'kaltura-attachments-loaded');
    await downloadFrom(el, 'Roadmap');
    await waitUntil(() => text(el).includes('"Roadmap" is no longer attached.'), 'the loss said');
    expect((await reloaded).detail.attachments).to.deep.equal([]);
    await settled();
    expect(listings()).to.equal(before + 2);
    expect(links).to.deep.equal([]);
    expect($$(el, '.attachment')).to.have.length(0);
  });
});
