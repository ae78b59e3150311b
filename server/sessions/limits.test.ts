/**
 * The sessions API's bounds and faults: the per-event storage quota, file names
 * without bidirectional controls, header images checked by their content, partial
 * uploads swept at start-up, a failing store answered with 503 while reads go on,
 * and user ids that happen to be Object.prototype names.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import type { Attachment, Session } from '../../src/protocol/sessions.ts';
import type { SessionsStore } from '../store/sessions-store.ts';
import { uploadName } from './uploads.ts';
import { EVENT, harness, PEOPLE, sessionBody, type Harness, type Person } from './test-helpers.ts';

const bytes = (n: number, fill = 7): Uint8Array<ArrayBuffer> => new Uint8Array(n).fill(fill);
/** A body without a Content-Length: the server only learns the size as it streams. */
const stream = (b: Uint8Array) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (let off = 0; off < b.byteLength; off += 1000) c.enqueue(b.slice(off, off + 1000));
      c.close();
    },
  });

let open: Harness[] = [];
afterEach(() => {
  for (const h of open) h.close();
  open = [];
});
async function make(opts: Parameters<typeof harness>[0] = {}): Promise<Harness> {
  const h = await harness(opts);
  open.push(h);
  return h;
}

async function newSession(h: Harness, over: Record<string, unknown> = {}): Promise<Session> {
  const res = await h.call('POST', `/api/events/${EVENT}/sessions`, { body: sessionBody(over) });
  assert.equal(res.status, 201, await res.clone().text());
  return res.json();
}

function upload(h: Harness, s: Session, name: string, body: Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array>, declare = false) {
  const headers: Record<string, string> = { 'x-file-name': encodeURIComponent(name) };
  if (declare && body instanceof Uint8Array) headers['content-length'] = String(body.byteLength);
  return h.app.request(`/api/events/${EVENT}/sessions/${s.id}/attachments`, {
    method: 'POST',
    headers: { ...headers, authorization: `Bearer ${h.tokens.organizer}` },
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
}

function putHeader(h: Harness, s: Session, name: string, body: Uint8Array<ArrayBuffer>) {
  return h.app.request(`/api/events/${EVENT}/sessions/${s.id}/header`, {
    method: 'PUT',
    headers: { 'x-file-name': encodeURIComponent(name), authorization: `Bearer ${h.tokens.organizer}` },
    body,
  });
}

describe('per-event storage quota', () => {
  it('refuses a file that does not fit with 413 naming the quota and what is used, keeping nothing', async () => {
    const h = await make({ eventStorageBytes: 10 * 1024 });
    const s = await newSession(h);
    assert.equal((await upload(h, s, 'one.pdf', bytes(6 * 1024))).status, 201);
    const filesBefore = h.files();

    for (const declare of [false, true]) {
      const res = await upload(h, s, 'two.pdf', declare ? bytes(6 * 1024) : stream(bytes(6 * 1024)), declare);
      assert.equal(res.status, 413, `declared: ${declare}`);
      const body = await res.json();
      assert.match(body.error, /"two\.pdf" \(\S+ KB(?: or more)?\) does not fit in this event's storage quota: its files use 6 KB of 10 KB\./);
      assert.match(body.error, /EVENT_STORAGE_MB/);
      assert.deepEqual(body.fields.file, [body.error]);
    }
    assert.deepEqual(h.files(), filesBefore, 'nothing of the refused uploads is kept');

    // Header images count too.
    const header = bytes(5 * 1024);
    header.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    let res = await putHeader(h, s, 'big.png', header);
    assert.equal(res.status, 413);
    assert.match((await res.json()).error, /storage quota/);

    // Room again once a file is deleted; a file that fits is taken.
    const [first] = (await (await h.call('GET', `/api/events/${EVENT}/sessions/${s.id}/attachments`)).json()).attachments as Attachment[];
    assert.equal((await h.call('DELETE', `/api/events/${EVENT}/sessions/${s.id}/attachments/${first.id}`)).status, 204);
    assert.equal((await upload(h, s, 'two.pdf', stream(bytes(6 * 1024)))).status, 201);
    res = await putHeader(h, s, 'small.png', header.slice(0, 3 * 1024));
    assert.equal(res.status, 200);
    // Replacing the header does not count the old one against the new.
    res = await putHeader(h, s, 'again.png', header.slice(0, 4 * 1024));
    assert.equal(res.status, 200, await res.clone().text());
  });

  it('counts uploads in flight, so two at once cannot both overrun it', async () => {
    const h = await make({ eventStorageBytes: 10 * 1024 });
    const s = await newSession(h);
    const results = await Promise.all([upload(h, s, 'a.pdf', stream(bytes(6 * 1024))), upload(h, s, 'b.pdf', stream(bytes(6 * 1024)))]);
    const statuses = results.map((r) => r.status);
    assert.ok(statuses.every((x) => x === 201 || x === 413), String(statuses));
    assert.ok(statuses.filter((x) => x === 201).length <= 1, `both were taken: ${statuses}`);
    const kept = (await (await h.call('GET', `/api/events/${EVENT}/sessions/${s.id}/attachments`)).json()).attachments as Attachment[];
    assert.ok(kept.reduce((n, a) => n + a.size, 0) <= 10 * 1024);
  });

  it('another server\'s upload that lands between our checks and our write: 413, and nothing of ours kept', async () => {
    // Another server shares the database: its upload to the same event is written just before ours.
    let otherServer: ((store: SessionsStore) => Promise<void>) | null = null;
    const h = await make({
      eventStorageBytes: 10 * 1024,
      wrapStore: (store) =>
        new Proxy(store, {
          get(target, key, receiver) {
            const value = Reflect.get(target, key, receiver);
            if (typeof value !== 'function') return value;
            if (key !== 'insertAttachment' && key !== 'setHeader') return value.bind(target);
            return async (...args: unknown[]) => {
              const before = otherServer;
              otherServer = null;
              await before?.(target);
              return (value as (...a: unknown[]) => unknown).apply(target, args);
            };
          },
        }),
    });
    const s = await newSession(h);
    const theirs = (id: string, size: number) => async (store: SessionsStore) => {
      await store.insertAttachment({
        event: EVENT, session: s.id, id, name: `${id}.pdf`, title: id, description: '', extension: 'pdf', family: 'document',
        contentType: 'application/pdf', size, path: `attachments/elsewhere/${id}`, createdBy: 'someone', createdAt: 1, updatedAt: 1,
      });
    };
    const filesBefore = h.files();
    otherServer = theirs('other1', 6 * 1024);
    let res = await upload(h, s, 'mine.pdf', bytes(6 * 1024));
    assert.equal(res.status, 413);
    assert.match((await res.json()).error, /"mine\.pdf" \(6 KB\) does not fit in this event's storage quota: its files use 6 KB of 10 KB\./);
    assert.deepEqual(h.files(), filesBefore, 'our file is not kept');
    const names = ((await (await h.call('GET', `/api/events/${EVENT}/sessions/${s.id}/attachments`)).json()).attachments as Attachment[]).map((a) => a.name);
    assert.deepEqual(names, ['other1.pdf']);
    // The same for a header image.
    otherServer = theirs('other2', 3 * 1024);
    const header = bytes(2 * 1024);
    header.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    res = await putHeader(h, s, 'wide.png', header);
    assert.equal(res.status, 413);
    assert.match((await res.json()).error, /"wide\.png" \(2 KB\) does not fit in this event's storage quota: its files use 9 KB of 10 KB\./);
    assert.deepEqual(h.files(), filesBefore);
    assert.equal((await (await h.call('GET', `/api/events/${EVENT}/sessions/${s.id}`)).json()).header ?? null, null);
  });

  it('keeps each event to its own quota', async () => {
    const h = await make({ eventStorageBytes: 10 * 1024 });
    const s = await newSession(h);
    assert.equal((await upload(h, s, 'full.pdf', bytes(9 * 1024))).status, 201);
    const other = await h.token(PEOPLE.organizer, 'ev2');
    assert.equal((await h.call('POST', '/api/events', { token: other, body: { name: 'Other', timeZone: 'UTC' } })).status, 201);
    const s2: Session = await (await h.call('POST', '/api/events/ev2/sessions', { token: other, body: sessionBody({ speakers: [], moderators: [] }) })).json();
    const res = await h.app.request(`/api/events/ev2/sessions/${s2.id}/attachments`, {
      method: 'POST',
      headers: { 'x-file-name': 'b.pdf', authorization: `Bearer ${other}` },
      body: bytes(9 * 1024),
    });
    assert.equal(res.status, 201);
  });
});

describe('upload names and header content', () => {
  it('strips bidirectional-control characters from file names', async () => {
    const tricky = 'invoice\u202Efdp\u202C\u2066\u2067\u2068\u2069\u200E\u200F\u061C\u202A\u202B\u202D.exe.pdf';
    assert.deepEqual(uploadName(encodeURIComponent(tricky), null), { ok: true, name: 'invoicefdp.exe.pdf' });
    const h = await make();
    const s = await newSession(h);
    const res = await upload(h, s, 'Week\u202E3 notes.pdf', bytes(100));
    assert.equal(res.status, 201);
    const a: Attachment = await res.json();
    assert.equal(a.name, 'Week3 notes.pdf');
    assert.equal(a.title, 'Week3 notes');
    const png = bytes(100);
    png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const head: Session = await (await putHeader(h, s, 'hero\u2067.png', png)).json();
    assert.equal(head.header!.name, 'hero.png');
  });

  it('takes a header image by its content: HTML, SVG or text named as an image is refused with 415', async () => {
    const h = await make();
    const s = await newSession(h);
    const text = (t: string) => new TextEncoder().encode(t);
    for (const [name, body] of [
      ['page.png', text('<!doctype html><html><script>alert(document.cookie)</script></html>')],
      ['logo.png', text('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>')],
      ['tiny.gif', text('GIF8<script>alert(1)</script>')],
      ['scan.bmp', text('BM, said the page: <script>alert(1)</script>')],
    ] as const) {
      const res = await putHeader(h, s, name, body);
      assert.equal(res.status, 415, name);
      assert.match((await res.json()).error, /is not a jpg, png, gif, bmp or tiff image/);
    }
    assert.deepEqual(h.files().filter((f) => f.startsWith('headers/') && !f.endsWith('/')), []);

    // Real signatures are taken, and served with the type their content shows.
    const bmp = bytes(200, 0);
    bmp.set([0x42, 0x4d, 200, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0]);
    const gif = bytes(200, 0);
    gif.set(text('GIF89a'));
    for (const [name, body, type] of [['scan.bmp', bmp, 'image/bmp'], ['anim.gif', gif, 'image/gif']] as const) {
      const res = await putHeader(h, s, name, body);
      assert.equal(res.status, 200, `${name}: ${await res.clone().text()}`);
      assert.equal(((await res.json()) as Session).header!.contentType, type);
    }
  });
});

describe('start-up and storage faults', () => {
  it('removes partial uploads a killed server left behind, and keeps completed attachments', async () => {
    const first = await harness();
    const s = await newSession(first);
    const done: Attachment = await (await upload(first, s, 'kept.pdf', bytes(3000, 1))).json();
    // What a server killed mid-upload leaves: temporary parts, never a renamed file.
    for (const dir of ['attachments', 'headers']) {
      mkdirSync(join(first.dataDir, dir, '.tmp'), { recursive: true });
      writeFileSync(join(first.dataDir, dir, '.tmp', `${crypto.randomUUID()}.part`), bytes(5000));
    }
    assert.equal(first.files().filter((f) => f.endsWith('.part')).length, 2);
    first.db.close();

    const again = await make({ dataDir: first.dataDir, createEvent: false });
    assert.deepEqual(again.files().filter((f) => f.includes('.tmp')), []);
    assert.ok(!existsSync(join(again.dataDir, 'attachments', '.tmp')) || readdirSync(join(again.dataDir, 'attachments', '.tmp')).length === 0);
    const list = (await (await again.call('GET', `/api/events/${EVENT}/sessions/${s.id}/attachments`)).json()).attachments as Attachment[];
    assert.deepEqual(list.map((a) => a.id), [done.id]);
    const res = await again.call('GET', list[0].downloadUrl, { as: null });
    assert.equal(res.status, 200);
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(bytes(3000, 1))));
  });

  // A store fails either way: by throwing (SQLite is synchronous underneath) or with a rejected
  // promise (a database over the network, such as PostgreSQL).
  for (const failing of ['throws', 'rejects'] as const) it(`answers a write the store cannot make (it ${failing}) with 503 storage-unavailable, keeps serving reads, and recovers`, async () => {
    const broken = { on: false };
    const full = () => Object.assign(new Error('database or disk is full'), { code: 'ERR_SQLITE_ERROR', errcode: 13 });
    const writes = /^(create|upsert|ensure|insert|update|set|delete)/;
    const wrapStore = (store: SessionsStore): SessionsStore =>
      new Proxy(store, {
        get(target, key) {
          const value = Reflect.get(target, key);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            if (broken.on && typeof key === 'string' && writes.test(key)) {
              if (failing === 'throws') throw full();
              return Promise.reject(full());
            }
            return value.apply(target, args);
          };
        },
      });
    const h = await make({ wrapStore });
    const s = await newSession(h);
    const logged: unknown[] = [];
    const realError = console.error;
    console.error = (...args: unknown[]) => void logged.push(args.join(' '));
    try {
      broken.on = true;
      const checks: [string, string, unknown?][] = [
        ['POST', `/api/events/${EVENT}/sessions`, sessionBody({ title: 'On a full disk' })],
        ['PATCH', `/api/events/${EVENT}/sessions/${s.id}`, { title: 'Renamed', version: s.version }],
        ['POST', `/api/events/${EVENT}/tags`, { name: 'Full' }],
      ];
      for (const [method, path, body] of checks) {
        const res = await h.call(method, path, { body });
        assert.equal(res.status, 503, `${method} ${path}: ${await res.clone().text()}`);
        const reply = await res.json();
        assert.equal(reply.code, 'storage-unavailable');
        assert.match(reply.error, /cannot store data right now.*try again/);
        assert.equal(res.headers.get('retry-after'), '60');
      }
      // An upload whose record cannot be saved leaves no file behind.
      const filesBefore = h.files();
      const up = await upload(h, s, 'notes.pdf', bytes(2000));
      assert.equal(up.status, 503);
      assert.equal((await up.json()).code, 'storage-unavailable');
      assert.deepEqual(h.files(), filesBefore);
      // Reads go on, even for someone the event has not seen before (recorded later).
      const newcomer: Person = { id: 'newcomer', name: 'Nia Newcomer', role: 'attendee' };
      const read = await h.call('GET', `/api/events/${EVENT}/sessions`, { token: await h.token(newcomer) });
      assert.equal(read.status, 200);
      assert.equal(((await read.json()).sessions as Session[]).length, 1);
      assert.ok(logged.some((l) => String(l).includes('free disk space or make DATA_DIR writable')), 'the log says what to fix');

      broken.on = false;
      const res = await h.call('POST', `/api/events/${EVENT}/sessions`, { body: sessionBody({ title: 'After the disk was freed' }) });
      assert.equal(res.status, 201);
      const titles = ((await (await h.call('GET', `/api/events/${EVENT}/sessions`)).json()).sessions as Session[]).map((x) => x.title);
      assert.deepEqual(titles.sort(), ['After the disk was freed', 'Opening keynote']);
    } finally {
      console.error = realError;
    }
  });
});

describe('user ids that are Object.prototype names', () => {
  it('treats __proto__, constructor, valueOf and friends as plain ids', async () => {
    const h = await make();
    const odd = ['__proto__', 'constructor', 'valueOf', 'toString', 'hasOwnProperty', 'prototype'];
    const people: Person[] = odd.map((id, i) => ({ id, name: `Person ${i}`, role: i % 2 ? 'moderator' : 'speaker' }));
    for (const p of people) {
      assert.equal((await h.call('GET', `/api/events/${EVENT}`, { token: await h.token(p) })).status, 200, p.id);
    }
    // The organizer adds them again with more roles; they are found by role and by name.
    for (const p of people) {
      const res = await h.call('POST', `/api/events/${EVENT}/people`, { body: { id: p.id, name: p.name, roles: ['speaker', 'moderator'] } });
      assert.equal(res.status, 201, `${p.id}: ${await res.clone().text()}`);
      assert.deepEqual((await res.json()).person, { id: p.id, name: p.name, roles: ['moderator', 'speaker'] });
    }
    const found = (await (await h.call('GET', `/api/events/${EVENT}/people?role=speaker&q=person`)).json()).people as { id: string }[];
    assert.deepEqual(found.map((p) => p.id).sort(), [...odd].sort());

    const s = await newSession(h, { speakers: odd.slice(0, 3), moderators: odd.slice(3) });
    assert.deepEqual(s.speakers, people.slice(0, 3).map((p) => ({ id: p.id, name: p.name })));
    // (The event's creator moderates its first session too.)
    assert.deepEqual(s.moderators, [{ id: PEOPLE.organizer.id, name: PEOPLE.organizer.name }, ...people.slice(3).map((p) => ({ id: p.id, name: p.name }))]);

    // One of them, as a moderator, edits and uploads; their name shows on what they made.
    const asProto = await h.token({ id: '__proto__', name: 'Person 0', role: 'moderator' });
    const res = await h.call('PATCH', `/api/events/${EVENT}/sessions/${s.id}`, { token: asProto, body: { title: 'Edited by __proto__', version: s.version } });
    assert.equal(res.status, 200, await res.clone().text());
    const up = await h.app.request(`/api/events/${EVENT}/sessions/${s.id}/attachments`, {
      method: 'POST',
      headers: { 'x-file-name': 'p.pdf', authorization: `Bearer ${asProto}` },
      body: bytes(10),
    });
    assert.equal(up.status, 201);
    assert.deepEqual(((await up.json()) as Attachment).createdBy, { id: '__proto__', name: 'Person 0' });
    // Unknown ids that are prototype names are reported as unknown, not as someone.
    const bad = await h.call('POST', `/api/events/${EVENT}/sessions`, { body: sessionBody({ speakers: ['isPrototypeOf'] }) });
    assert.equal(bad.status, 422);
    assert.deepEqual((await bad.json()).fields.speakers, ['There is no one with id "isPrototypeOf" in this event.']);
    const info = await (await h.call('GET', `/api/events/${EVENT}`)).json();
    assert.equal(typeof info.counts.speaker, 'number');
  });
});
