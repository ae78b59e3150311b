/**
 * Attachments and the header image over real HTTP (node:http via @hono/node-server):
 * streamed uploads of every allowed family, refusals with nothing left on disk,
 * byte-identical downloads under the original name, edit, info and delete.
 */
import { serve, type ServerType } from '@hono/node-server';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Attachment, Session } from '../../src/protocol/sessions.ts';
import { contentDisposition } from './uploads.ts';
import { EVENT, harness, sessionBody, type Harness, type Who } from './test-helpers.ts';

const LIMIT = 256 * 1024;

function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  for (let off = 0; off < n; off += 65536) crypto.getRandomValues(out.subarray(off, Math.min(n, off + 65536)));
  return out;
}

/** A body sent chunk by chunk (Transfer-Encoding: chunked, no Content-Length). */
function chunked(bytes: Uint8Array<ArrayBuffer>, chunk = 16 * 1024): ReadableStream<Uint8Array> {
  let off = 0;
  return new ReadableStream({
    pull(c) {
      if (off >= bytes.byteLength) return c.close();
      c.enqueue(bytes.slice(off, off + chunk));
      off += chunk;
    },
  });
}

const PNG = (n = 2048) => {
  const b = randomBytes(n);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return b;
};

describe('attachments and header over real HTTP', () => {
  let h: Harness;
  let server: ServerType;
  let url: string;
  let session: Session;
  let privateSession: Session;

  const http = (method: string, path: string, o: { as?: Who | null; body?: BodyInit; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.as !== null) headers.authorization = `Bearer ${h.tokens[o.as ?? 'organizer']}`;
    const init: RequestInit & { duplex?: 'half' } = { method, headers, body: o.body };
    if (o.body instanceof ReadableStream) init.duplex = 'half';
    return fetch(`${url}${path}`, init);
  };
  const upload = (s: Session, name: string, body: BodyInit, as: Who = 'organizer') =>
    http('POST', `/api/events/${EVENT}/sessions/${s.id}/attachments`, { as, body, headers: { 'x-file-name': encodeURIComponent(name) } });
  const attachmentsPath = (s: Session) => `/api/events/${EVENT}/sessions/${s.id}/attachments`;
  const nonDbFiles = () => h.files();

  before(async () => {
    h = await harness({ maxUploadBytes: LIMIT });
    server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    session = await (await h.call('POST', `/api/events/${EVENT}/sessions`, { body: sessionBody() })).json();
    privateSession = await (await h.call('POST', `/api/events/${EVENT}/sessions`, { body: sessionBody({ visibility: 'private' }) })).json();
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    h.close();
  });

  it('streams an upload to disk and gives back the same bytes under the original name', async () => {
    const bytes = randomBytes(200 * 1024 + 123);
    const name = 'Résumé – plan (v2).pdf';
    const res = await upload(session, name, chunked(bytes));
    assert.equal(res.status, 201, await res.clone().text());
    const a: Attachment = await res.json();
    assert.equal(a.name, name);
    assert.equal(a.title, 'Résumé – plan (v2)');
    assert.equal(a.size, bytes.byteLength);
    assert.equal(a.family, 'document');
    assert.equal(a.extension, 'pdf');
    assert.equal(res.headers.get('location'), `/api/events/${EVENT}/sessions/${session.id}/attachments/${a.id}`);
    const onDisk = readFileSync(join(h.dataDir, 'attachments', EVENT, session.id, a.id));
    assert.ok(Buffer.from(bytes).equals(onDisk), 'stored bytes');

    const down = await http('GET', a.downloadUrl, { as: 'attendee' });
    assert.equal(down.status, 200);
    assert.equal(down.headers.get('content-type'), 'application/pdf');
    assert.equal(down.headers.get('content-length'), String(bytes.byteLength));
    assert.equal(down.headers.get('x-content-type-options'), 'nosniff');
    const disposition = down.headers.get('content-disposition')!;
    assert.equal(disposition, contentDisposition(name));
    assert.match(disposition, /^attachment; filename="R_sum_ _ plan \(v2\)\.pdf"; filename\*=UTF-8''/);
    const star = /filename\*=UTF-8''(.+)$/.exec(disposition)![1];
    assert.equal(decodeURIComponent(star), name);
    assert.doesNotMatch(star, /[()' ]/, 'RFC 5987 attr-chars only');
    assert.ok(Buffer.from(bytes).equals(Buffer.from(await down.arrayBuffer())), 'downloaded bytes');
  });

  it('accepts every allowed family in any case of the extension', async () => {
    const names = ['talk.mp4', 'CLIP.MOV', 'intro.WebM', 'Roadmap.doc', 'deck.PPTX', 'sheet.xlsx', 'notes.odt', 'slides.Pdf', 'photo.JPG', 'scan.tiff', 'chart.png', 'anim.gif', 'old.bmp'];
    const families: Record<string, string> = {};
    for (const name of names) {
      const res = await upload(session, name, randomBytes(1000));
      assert.equal(res.status, 201, `${name}: ${await res.clone().text()}`);
      families[name] = ((await res.json()) as Attachment).family;
    }
    assert.deepEqual(families, {
      'talk.mp4': 'media', 'CLIP.MOV': 'media', 'intro.WebM': 'media',
      'Roadmap.doc': 'document', 'deck.PPTX': 'document', 'sheet.xlsx': 'document', 'notes.odt': 'document', 'slides.Pdf': 'document',
      'photo.JPG': 'image', 'scan.tiff': 'image', 'chart.png': 'image', 'anim.gif': 'image', 'old.bmp': 'image',
    });
    const list: Attachment[] = (await (await http('GET', attachmentsPath(session), { as: 'attendee' })).json()).attachments;
    for (const name of names) assert.ok(list.some((a) => a.name === name), name);
    const movie = list.find((a) => a.name === 'CLIP.MOV')!;
    assert.equal(movie.extension, 'mov');
    assert.equal(movie.contentType, 'video/quicktime');
  });

  it('uploads several files at once', async () => {
    const files = ['a.pdf', 'b.docx', 'c.mp4', 'd.png'].map((name) => ({ name, bytes: randomBytes(30_000) }));
    const before = (await (await http('GET', attachmentsPath(privateSession))).json()).attachments.length;
    const results = await Promise.all(files.map((f) => upload(privateSession, f.name, chunked(f.bytes, 4096))));
    assert.deepEqual(results.map((r) => r.status), [201, 201, 201, 201]);
    const made: Attachment[] = await Promise.all(results.map((r) => r.json()));
    for (const [i, a] of made.entries()) {
      const back = Buffer.from(await (await http('GET', a.downloadUrl, { as: 'speaker' })).arrayBuffer());
      assert.ok(Buffer.from(files[i].bytes).equals(back), a.name);
    }
    const list: Attachment[] = (await (await http('GET', attachmentsPath(privateSession))).json()).attachments;
    assert.equal(list.length, before + files.length);
    const s: Session = await (await http('GET', `/api/events/${EVENT}/sessions/${privateSession.id}`)).json();
    assert.equal(s.attachmentCount, before + files.length);
    // An attendee cannot list a private session's files, nor fetch one by its path.
    assert.equal((await http('GET', attachmentsPath(privateSession), { as: 'attendee' })).status, 404);
    assert.equal((await http('GET', made[0].downloadUrl.split('?')[0], { as: 'attendee' })).status, 404, 'private stays private');
  });

  it('refuses other types with a reason, reading nothing and keeping nothing', async () => {
    const before = nonDbFiles();
    for (const name of ['notes.txt', 'setup.exe', 'page.html', 'README', 'archive.pdf.zip']) {
      const res = await upload(session, name, randomBytes(5000));
      assert.equal(res.status, 415, name);
      const body = await res.json();
      assert.match(body.error, /cannot be attached/);
      assert.deepEqual(body.fields.file, [body.error]);
    }
    const missing = await http('POST', attachmentsPath(session), { body: randomBytes(10) });
    assert.equal(missing.status, 400);
    assert.match((await missing.json()).error, /X-File-Name/);
    const empty = await upload(session, 'empty.pdf', new Uint8Array(0));
    assert.equal(empty.status, 400);
    assert.match((await empty.json()).error, /"empty\.pdf" is empty/);
    assert.deepEqual(nonDbFiles(), before);
  });

  it('refuses an oversize file, streamed or declared, and leaves no partial file behind', async () => {
    const before = nonDbFiles();
    const streamed = await upload(session, 'huge.mp4', chunked(randomBytes(LIMIT * 4)));
    assert.equal(streamed.status, 413);
    assert.equal((await streamed.json()).error, '"huge.mp4" is larger than the 256 KB upload limit.');
    const declared = await upload(session, 'huge.mov', randomBytes(LIMIT + 1));
    assert.equal(declared.status, 413);
    assert.deepEqual(nonDbFiles(), before, 'no partial file on disk');
    const justRight = await upload(session, 'fits.mp4', randomBytes(LIMIT));
    assert.equal(justRight.status, 201, 'the limit itself is allowed');
  });

  it('keeps nothing of an upload the client abandons midway', async () => {
    const before = nonDbFiles();
    const controller = new AbortController();
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(c) {
        if (sent === 4) {
          controller.abort();
          return;
        }
        sent++;
        c.enqueue(randomBytes(8192));
        await new Promise((r) => setTimeout(r, 5));
      },
    });
    await assert.rejects(
      fetch(`${url}${attachmentsPath(session)}`, {
        method: 'POST',
        body,
        duplex: 'half',
        signal: controller.signal,
        headers: { authorization: `Bearer ${h.tokens.organizer}`, 'x-file-name': 'dropped.mp4' },
      } as RequestInit),
    );
    for (let i = 0; i < 100 && nonDbFiles().length !== before.length; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(nonDbFiles(), before);
    const list: Attachment[] = (await (await http('GET', attachmentsPath(session))).json()).attachments;
    assert.ok(!list.some((a) => a.name === 'dropped.mp4'));
  });

  it('lets only editors upload', async () => {
    for (const who of ['speaker', 'attendee'] as const) {
      const res = await upload(session, 'mine.pdf', randomBytes(100), who);
      assert.equal(res.status, 403, who);
    }
    assert.equal((await upload(session, 'mod.pdf', randomBytes(100), 'moderator')).status, 201);
  });

  it('edits the title and description, shows more info, and deletes the file', async () => {
    const a: Attachment = await (await upload(session, 'Roadmap.doc', randomBytes(870 * 1024 > LIMIT ? 8700 : 870 * 1024))).json();
    h.clock.time += 3_600_000;
    let res = await http('PATCH', `${attachmentsPath(session)}/${a.id}`, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Roadmap internal', description: 'We\'re thrilled to share the latest enhancements.' }),
    });
    assert.equal(res.status, 200);
    const edited: Attachment = await res.json();
    assert.equal(edited.title, 'Roadmap internal');
    assert.equal(edited.name, 'Roadmap.doc', 'the file keeps its name');

    res = await http('PATCH', `${attachmentsPath(session)}/${a.id}`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: ' ', description: 'x'.repeat(2001) }) });
    assert.equal(res.status, 422);
    assert.deepEqual((await res.json()).fields, { title: ['Enter a title for this file.'], description: ['A description can have at most 2000 characters.'] });

    const info: Attachment = await (await http('GET', `${attachmentsPath(session)}/${a.id}`, { as: 'attendee' })).json();
    assert.equal(info.title, 'Roadmap internal');
    assert.equal(info.description, 'We\'re thrilled to share the latest enhancements.');
    assert.equal(info.extension, 'doc');
    assert.equal(info.family, 'document');
    assert.equal(info.size, a.size);
    assert.equal(info.createdAt, a.createdAt);
    assert.notEqual(info.updatedAt, a.updatedAt);
    assert.deepEqual(info.createdBy, { id: 'org', name: 'Olivia Organizer' });

    const file = join(h.dataDir, 'attachments', EVENT, session.id, a.id);
    assert.ok(existsSync(file));
    res = await http('DELETE', `${attachmentsPath(session)}/${a.id}`, { as: 'moderator' });
    assert.equal(res.status, 204);
    assert.ok(!existsSync(file), 'the file is gone');
    assert.equal((await http('GET', `${attachmentsPath(session)}/${a.id}`)).status, 404);
    assert.equal((await http('GET', `${attachmentsPath(session)}/${a.id}/download`)).status, 404);
    assert.equal((await http('DELETE', `${attachmentsPath(session)}/${a.id}`)).status, 404);
  });

  it('downloads through a short-lived signed link for that one file, with no token anywhere in the URL', async () => {
    const bytes = randomBytes(5000);
    const a: Attachment = await (await upload(session, 'Länk plan.pdf', bytes)).json();
    assert.match(a.downloadUrl, /\/download\?expires=\d+&signature=[\w-]{43}$/);
    assert.doesNotMatch(a.downloadUrl, /eyJ|token/);
    // The link works without any token, byte-identical under the original name.
    let res = await http('GET', a.downloadUrl, { as: null });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-disposition'), contentDisposition('Länk plan.pdf'));
    assert.ok(Buffer.from(bytes).equals(Buffer.from(await res.arrayBuffer())));
    // The list and detail replies carry links too.
    const listed: Attachment[] = (await (await http('GET', attachmentsPath(session), { as: 'attendee' })).json()).attachments;
    const again = listed.find((x) => x.id === a.id)!;
    assert.equal((await http('GET', again.downloadUrl, { as: null })).status, 200);

    // Only for that one file: another attachment's path, a changed expiry or a forged signature are refused.
    const other: Attachment = await (await upload(session, 'other.pdf', randomBytes(100))).json();
    const query = a.downloadUrl.split('?')[1];
    res = await http('GET', `${attachmentsPath(session)}/${other.id}/download?${query}`, { as: null });
    assert.equal(res.status, 403);
    assert.match((await res.json()).error, /not valid/);
    const exp = Number(/expires=(\d+)/.exec(query)![1]);
    res = await http('GET', a.downloadUrl.replace(`expires=${exp}`, `expires=${exp + 3600}`), { as: null });
    assert.equal(res.status, 403);
    res = await http('GET', a.downloadUrl.replace(/signature=.*$/, `signature=${'A'.repeat(43)}`), { as: null });
    assert.equal(res.status, 403);

    // It expires within ten minutes.
    h.clock.time += 10 * 60_000 + 1000;
    res = await http('GET', a.downloadUrl, { as: null });
    assert.equal(res.status, 403);
    assert.match((await res.json()).error, /expired.*reload/);
    // An authorized fetch (Authorization header) still works, and a fresh listing gives a fresh link.
    assert.equal((await http('GET', `${attachmentsPath(session)}/${a.id}/download`, { as: 'attendee' })).status, 200);
    const fresh: Attachment = await (await http('GET', `${attachmentsPath(session)}/${a.id}`, { as: 'attendee' })).json();
    assert.equal((await http('GET', fresh.downloadUrl, { as: null })).status, 200);
    assert.equal((await http('GET', `${attachmentsPath(session)}/${a.id}/download`, { as: null })).status, 401);
  });

  it('refuses a token in the URL on every route, even beside a valid header', async () => {
    const a: Attachment = await (await upload(session, 'tok.pdf', randomBytes(100))).json();
    for (const path of [
      `${attachmentsPath(session)}/${a.id}/download?access_token=${h.tokens.attendee}`,
      `${attachmentsPath(session)}/${a.id}?access_token=${h.tokens.attendee}`,
      `/api/events/${EVENT}/sessions/${session.id}/header?token=${h.tokens.attendee}`,
      `/api/events/${EVENT}/sessions?token=x`,
    ]) {
      for (const as of [null, 'attendee'] as const) {
        const res = await http('GET', path, { as });
        assert.equal(res.status, 400, path);
        assert.match((await res.json()).error, /not accepted in URLs.*Authorization: Bearer/);
      }
    }
  });

  it('replaces the header image with images only, and serves it', async () => {
    const headerPath = `/api/events/${EVENT}/sessions/${session.id}/header`;
    const put = (name: string, body: BodyInit, as: Who = 'organizer') =>
      http('PUT', headerPath, { as, body, headers: { 'x-file-name': encodeURIComponent(name) } });
    const before = nonDbFiles();
    let res = await put('hero.pdf', randomBytes(100));
    assert.equal(res.status, 415);
    assert.deepEqual((await res.json()).fields.header, ['"hero.pdf" is not an image. The header takes jpg, jpeg, bmp, png, gif, tif or tiff files.']);
    res = await put('fake.png', chunked(randomBytes(50_000)));
    assert.equal(res.status, 415);
    assert.equal((await res.json()).error, '"fake.png" is not a jpg, png, gif, bmp or tiff image (its content says otherwise).');
    res = await put('hero.png', chunked(PNG(LIMIT + 10)));
    assert.equal(res.status, 413);
    assert.deepEqual(nonDbFiles(), before, 'nothing kept from refused headers');
    assert.equal((await put('hero.png', PNG(), 'speaker')).status, 403);

    const first = PNG(4000);
    res = await put('hero.PNG', chunked(first, 1000));
    assert.equal(res.status, 200, await res.clone().text());
    const s1: Session = await res.json();
    assert.equal(s1.header!.name, 'hero.PNG');
    assert.equal(s1.header!.contentType, 'image/png');
    assert.equal(s1.header!.size, 4000);
    assert.match(s1.header!.url, /\/header\?v=\d+&expires=\d+&signature=[\w-]{43}$/);
    let img = await http('GET', s1.header!.url, { as: null });
    assert.equal(img.status, 200);
    assert.equal(img.headers.get('content-type'), 'image/png');
    assert.ok(Buffer.from(first).equals(Buffer.from(await img.arrayBuffer())));

    h.clock.time += 1000;
    const jpeg = randomBytes(3000);
    jpeg.set([0xff, 0xd8, 0xff, 0xe0]);
    res = await put('cover.jpg', jpeg);
    const s2: Session = await res.json();
    assert.equal(s2.header!.contentType, 'image/jpeg');
    assert.notEqual(s2.header!.url, s1.header!.url);
    img = await http('GET', s2.header!.url, { as: null });
    assert.ok(Buffer.from(jpeg).equals(Buffer.from(await img.arrayBuffer())));
    // The old image's link opens nothing now (it was for that one file).
    assert.equal((await http('GET', s1.header!.url, { as: null })).status, 404);
    const headerFiles = nonDbFiles().filter((f) => f.startsWith('headers/') && !f.includes('.tmp'));
    assert.equal(headerFiles.length, 1, 'the replaced image is removed');

    res = await http('DELETE', headerPath);
    assert.equal(((await res.json()) as Session).header, null);
    assert.equal(nonDbFiles().filter((f) => f.startsWith('headers/')).length, 0);
    assert.equal((await http('GET', headerPath)).status, 404);
  });

  it('removes a deleted session\'s files', async () => {
    const s: Session = await (await h.call('POST', `/api/events/${EVENT}/sessions`, { body: sessionBody() })).json();
    await upload(s, 'one.pdf', randomBytes(100));
    await upload(s, 'two.mp4', randomBytes(100));
    await http('PUT', `/api/events/${EVENT}/sessions/${s.id}/header`, { body: PNG(), headers: { 'x-file-name': 'h.png' } });
    assert.equal(nonDbFiles().filter((f) => f.includes(s.id)).length, 3);
    assert.equal((await http('DELETE', `/api/events/${EVENT}/sessions/${s.id}`)).status, 204);
    assert.deepEqual(nonDbFiles().filter((f) => f.includes(s.id)), []);
    assert.equal((await upload(s, 'late.pdf', randomBytes(10))).status, 404);
  });
});
