/**
 * Test helper: the events/sessions REST API in memory, behind a stubbed `window.fetch`
 * and `window.XMLHttpRequest`. It answers like `server/sessions/api.ts`: the same
 * shared schemas and words for 422s, versions and 409 conflicts with `current`,
 * visibility by role, uploads with progress events (held until the test releases
 * them when `autoUpload` is off), downloads, and Start Meeting. Not part of the library.
 */
import * as v from 'valibot';
import {
  attachmentNameProblem,
  checkSessionFields,
  defaultAttachmentTitle,
  fileExtension,
  fileFamily,
  formatFileSize,
  headerNameProblem,
  SESSION_FIELDS,
  SESSION_WORDING,
  summarizeFieldErrors,
  TagInputSchema,
  formFieldErrors,
  AttachmentEditSchema,
  type Attachment,
  type EventRole,
  type Person,
  type PersonRef,
  type Session,
  type Tag,
} from '../protocol/sessions.ts';

export const EVENT = 'demo-summit';
export const SERVER = 'http://api.test';

/** An (unsigned) event token: the fake reads the claims, as the real server would after verifying. */
export function eventToken(sub: string, name: string, eventRole: EventRole, event = EVENT): string {
  const b64 = (o: unknown) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub, name, event, eventRole, exp: 4102444800 })}.sig`;
}

export const TOKENS = {
  organizer: eventToken('olivia-grant', 'Olivia Grant', 'organizer'),
  moderator: eventToken('morgan-lee', 'Morgan Lee', 'moderator'),
  speaker: eventToken('samira-haddad', 'Dr. Samira Haddad', 'speaker'),
  attendee: eventToken('alex-kim', 'Alex Kim', 'attendee'),
};

interface Reply {
  status: number;
  body?: unknown;
  blob?: Blob;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface FakeXhrLike {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: Blob;
  aborted: boolean;
  /** Report `loaded` bytes sent. */
  progress(loaded: number): void;
  /** Deliver the server's reply. */
  finish(): void;
}

const ERR = (status: number, error: string, extra: Record<string, unknown> = {}): Reply => ({ status, body: { error, ...extra } });

export class FakeApi {
  people: Person[] = [
    { id: 'olivia-grant', name: 'Olivia Grant', roles: ['organizer', 'moderator'] },
    { id: 'morgan-lee', name: 'Morgan Lee', roles: ['moderator'] },
    { id: 'priya-natarajan', name: 'Priya Natarajan', roles: ['moderator'] },
    { id: 'samira-haddad', name: 'Dr. Samira Haddad', roles: ['speaker'] },
    { id: 'kenji-watanabe', name: 'Kenji Watanabe', roles: ['speaker'] },
    { id: 'ana-souza', name: 'Ana Souza', roles: ['speaker'] },
    { id: 'alex-kim', name: 'Alex Kim', roles: ['attendee'] },
  ];
  tags: Tag[] = [
    { id: 't-keynote', name: 'Keynote' },
    { id: 't-workshop', name: 'Workshop' },
    { id: 't-biology', name: 'Biology' },
    { id: 't-qa', name: 'Q&A' },
  ];
  sessions: Session[] = [];
  attachments = new Map<string, Attachment[]>();
  files = new Map<string, Blob>();
  requests: RecordedRequest[] = [];
  xhrs: FakeXhrLike[] = [];
  /** Rooms with a host or moderator in them (Start Meeting lets attendees in). */
  live = new Set<string>();
  maxUploadBytes = 5 * 1024 * 1024;
  /** When false, uploads wait for `xhr.progress()` / `xhr.finish()`. */
  autoUpload = true;
  /**
   * How long the file links it hands out work, in seconds from the reply (as the server's
   * 5 to 10 minutes); null: links that never expire. Links are signed anew in every reply.
   */
  linkLifetimeS: number | null = null;
  /** Answer the next matching request with this instead. */
  override: { method: string; path: RegExp; reply: Reply } | null = null;
  private seq = 0;

  constructor(opts: { withSessions?: boolean } = {}) {
    if (opts.withSessions !== false) {
      const add = (over: Partial<Session>) => this.sessions.push(this.makeSession(over));
      add({ title: 'Hands-on microscopy workshop', time: '11:00', duration: 90, tags: [this.tags[1]!], speakers: [this.ref('kenji-watanabe')], moderators: [this.ref('priya-natarajan')], visibility: 'published' });
      add({ title: 'Opening keynote: the living cell', time: '09:00', duration: 60, tags: [this.tags[0]!, this.tags[2]!], speakers: [this.ref('samira-haddad')], moderators: [this.ref('morgan-lee')], visibility: 'published', aiAssistant: true });
      add({ title: 'Speaker rehearsal', time: '08:00', duration: 30, speakers: [this.ref('samira-haddad')], moderators: [this.ref('olivia-grant')], visibility: 'private' });
      add({ title: 'Closing panel', date: '2031-05-13', time: '16:00', duration: 45, tags: [this.tags[3]!], moderators: [this.ref('morgan-lee')], visibility: 'unlisted' });
    }
  }

  ref(id: string): PersonRef {
    const p = this.people.find((x) => x.id === id)!;
    return { id: p.id, name: p.name };
  }

  makeSession(over: Partial<Session>): Session {
    const id = over.id ?? `s${++this.seq}`;
    return {
      id,
      event: EVENT,
      room: `${EVENT}.${id}`,
      type: 'interactive',
      title: 'Session',
      description: '',
      tags: [],
      date: '2031-05-12',
      time: '09:00',
      duration: 60,
      speakers: [],
      moderators: [],
      aiAssistant: false,
      visibility: 'published',
      header: null,
      attachmentCount: 0,
      version: 1,
      createdBy: { id: 'olivia-grant', name: 'Olivia Grant' },
      createdAt: '2030-10-10T12:00:00.000Z',
      updatedAt: '2030-10-10T12:00:00.000Z',
      ...over,
    };
  }

  /** Add an attachment directly (as if uploaded earlier). */
  attach(sessionId: string, name: string, bytes: BlobPart = 'x'.repeat(870 * 1024), over: Partial<Attachment> = {}): Attachment {
    const blob = new Blob([bytes]);
    const id = `a${++this.seq}`;
    const a: Attachment = {
      id,
      session: sessionId,
      name,
      title: defaultAttachmentTitle(name),
      description: '',
      extension: fileExtension(name),
      family: fileFamily(name)!,
      contentType: 'application/octet-stream',
      size: blob.size,
      createdAt: '2024-10-10T09:00:00.000Z',
      createdBy: { id: 'olivia-grant', name: 'Olivia Grant' },
      updatedAt: '2024-10-10T09:00:00.000Z',
      downloadUrl: `/api/events/${EVENT}/sessions/${sessionId}/attachments/${id}/download?expires=4102444800&signature=${fakeSignature(id)}`,
      ...over,
    };
    this.files.set(id, blob);
    this.attachments.set(sessionId, [...(this.attachments.get(sessionId) ?? []), a]);
    return a;
  }

  /** Someone else saves the session: its version moves on. */
  bump(id: string, over: Partial<Session>): Session {
    const i = this.sessions.findIndex((s) => s.id === id);
    this.sessions[i] = { ...this.sessions[i]!, ...over, version: this.sessions[i]!.version + 1 };
    return this.sessions[i]!;
  }

  calls(method: string, path: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  /** Stub window.fetch and window.XMLHttpRequest; returns the undo. */
  install(): () => void {
    const savedFetch = window.fetch;
    const savedXhr = window.XMLHttpRequest;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const api = this;
    window.fetch = async (input: RequestInfo | URL, init: RequestInit = {}) => {
      const url = new URL(String(input instanceof Request ? input.url : input), location.href);
      // Only the fake server's origin: the test runner talks to its own server with fetch too.
      if (url.origin !== SERVER) return savedFetch(input, init);
      if (init.signal?.aborted) throw new DOMException('aborted', 'AbortError');
      const headers = Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>).map(([k, val]) => [k.toLowerCase(), val]));
      await new Promise((r) => setTimeout(r, 1));
      const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
      const r = api.handle(init.method ?? 'GET', url, headers, body);
      if (r.blob) return new Response(r.blob, { status: r.status });
      return new Response(r.body === undefined ? null : JSON.stringify(r.body), { status: r.status, headers: { 'content-type': 'application/json' } });
    };

    class FakeXhr implements FakeXhrLike {
      url = '';
      method = '';
      headers: Record<string, string> = {};
      body: Blob = new Blob();
      aborted = false;
      status = 0;
      responseText = '';
      upload: { onprogress: ((e: ProgressEvent) => void) | null } = { onprogress: null };
      onload: (() => void) | null = null;
      onerror: (() => void) | null = null;
      onabort: (() => void) | null = null;
      open(method: string, url: string) {
        this.method = method;
        this.url = url;
      }
      setRequestHeader(k: string, val: string) {
        this.headers[k.toLowerCase()] = val;
      }
      send(body: Blob) {
        this.body = body;
        api.xhrs.push(this);
        if (!api.autoUpload) return;
        setTimeout(() => this.progress(Math.floor(body.size / 2)), 1);
        setTimeout(() => this.progress(body.size), 2);
        setTimeout(() => this.finish(), 3);
      }
      progress(loaded: number) {
        if (this.aborted) return;
        this.upload.onprogress?.({ loaded, total: this.body.size, lengthComputable: true } as ProgressEvent);
      }
      finish() {
        if (this.aborted) return;
        const r = api.handle(this.method, new URL(this.url), this.headers, this.body);
        this.status = r.status;
        this.responseText = r.body === undefined ? '' : JSON.stringify(r.body);
        this.onload?.();
      }
      abort() {
        this.aborted = true;
        this.onabort?.();
      }
    }
    window.XMLHttpRequest = FakeXhr as unknown as typeof XMLHttpRequest;
    return () => {
      window.fetch = savedFetch;
      window.XMLHttpRequest = savedXhr;
    };
  }

  private claims(headers: Record<string, string>) {
    const token = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
    try {
      return JSON.parse(atob(token!.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { sub: string; name: string; eventRole: EventRole };
    } catch {
      return null;
    }
  }

  /** Answer a request, its file links signed for `linkLifetimeS` from now. */
  handle(method: string, url: URL, headers: Record<string, string>, body: unknown): Reply {
    const r = this.answer(method, url, headers, body);
    if (this.linkLifetimeS === null || r.body === undefined || r.body === null) return r;
    const expires = `expires=${Math.floor(Date.now() / 1000) + this.linkLifetimeS}`;
    return { ...r, body: JSON.parse(JSON.stringify(r.body).replace(/expires=\d+/g, expires)) };
  }

  private answer(method: string, url: URL, headers: Record<string, string>, body: unknown): Reply {
    const path = url.pathname;
    this.requests.push({ method, path: path + url.search, headers, body });
    const o = this.override;
    if (o && o.method === method && o.path.test(path)) {
      this.override = null;
      return o.reply;
    }
    // As the server does: no token in a URL, ever; files open through their signed links.
    if (url.searchParams.has('access_token') || url.searchParams.has('token')) return ERR(400, 'Tokens are not accepted in URLs.');
    const file = /\/(?:attachments\/([^/]+)\/download|sessions\/([^/]+)\/header)$/.exec(path);
    const signature = url.searchParams.get('signature');
    if (file && signature !== null) {
      if (signature !== fakeSignature(file[1] ?? file[2])) return ERR(403, 'This link is not valid: open the file from its session.');
      if (Number(url.searchParams.get('expires')) * 1000 <= Date.now()) {
        return ERR(403, 'This link has expired (file links last a few minutes): reload the page to get a fresh one.');
      }
      if (file[1]) {
        const blob = this.files.get(file[1]);
        return blob ? { status: 200, blob } : ERR(404, `There is no attachment "${file[1]}" in this session.`);
      }
      return { status: 200, blob: new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' }) };
    }
    const who = this.claims(headers);
    if (!who) return ERR(401, 'Sign in through the event portal: send its event token as "Authorization: Bearer <token>".');
    const team = who.eventRole !== 'attendee';
    const editor = who.eventRole === 'organizer' || who.eventRole === 'moderator';
    const m = /^\/api\/events\/([^/]+)(?:\/(people|tags|sessions)(?:\/([^/]+)(?:\/(header|attachments|meeting)(?:\/([^/]+)(\/download)?)?)?)?)?$/.exec(path);
    if (!m || m[1] !== EVENT) return ERR(404, `Nothing at ${path}.`);
    const [, , kind, sid, sub, aid, download] = m;
    const forbidden = () => ERR(403, "Only the event's organizers and moderators can change sessions.");

    if (!kind && method === 'GET') {
      return { status: 200, body: { id: EVENT, name: 'Life Sciences Summit', timeZone: 'UTC', createdBy: this.ref('olivia-grant'), createdAt: '2030-10-01T00:00:00Z', counts: { organizer: 1, moderator: 3, speaker: 3, attendee: 1 }, sessionCount: this.sessions.length, sessionDefaults: { moderators: this.sessions.length ? [] : [this.ref('olivia-grant')] } } };
    }
    if (kind === 'people') {
      if (!editor) return ERR(403, "Only the event's organizers and moderators can look people up.");
      const role = url.searchParams.get('role') as EventRole | null;
      const q = (url.searchParams.get('q') ?? '').toLowerCase();
      return { status: 200, body: { people: this.people.filter((p) => (!role || p.roles.includes(role)) && p.name.toLowerCase().includes(q)) } };
    }
    if (kind === 'tags') {
      if (method === 'GET') return { status: 200, body: { tags: [...this.tags].sort((a, b) => a.name.localeCompare(b.name)) } };
      if (!editor) return ERR(403, "Only the event's organizers and moderators can create tags.");
      const parsed = v.safeParse(TagInputSchema, body);
      if (!parsed.success) {
        const fields = formFieldErrors(parsed.issues);
        return ERR(422, summarizeFieldErrors(fields), { fields });
      }
      const existing = this.tags.find((t) => t.name.toLowerCase() === parsed.output.name.toLowerCase());
      if (existing) return { status: 200, body: { tag: existing, created: false } };
      const tag = { id: `t${++this.seq}`, name: parsed.output.name };
      this.tags.push(tag);
      return { status: 201, body: { tag, created: true } };
    }
    // sessions
    const visible = (s: Session) => team || s.visibility !== 'private';
    if (!sid) {
      if (method === 'GET') {
        const want = url.searchParams.getAll('tag');
        const list = this.sessions
          .filter((s) => (team ? true : s.visibility === 'published'))
          .filter((s) => !want.length || s.tags.some((t) => want.includes(t.id)))
          .sort((a, b) => `${a.date} ${a.time}`.localeCompare(`${b.date} ${b.time}`));
        return { status: 200, body: { sessions: list } };
      }
      if (!editor) return forbidden();
      const checked = this.check(body, null);
      if ('status' in checked) return checked;
      const s = this.makeSession({ ...checked, createdBy: { id: who.sub, name: who.name } });
      this.sessions.push(s);
      return { status: 201, body: s };
    }
    const i = this.sessions.findIndex((s) => s.id === sid);
    const session = this.sessions[i];
    if (!session || !visible(session)) return ERR(404, `There is no session "${sid}" in this event.`);
    if (!sub) {
      if (method === 'GET') return { status: 200, body: session };
      if (!editor) return forbidden();
      const version = Number(/\d+/.exec(headers['if-match'] ?? '')?.[0] ?? NaN);
      if (version !== session.version) return ERR(409, SESSION_WORDING.conflict, { current: session });
      const merged: Record<string, unknown> = {
        ...session,
        tags: session.tags.map((t) => t.id),
        speakers: session.speakers.map((p) => p.id),
        moderators: session.moderators.map((p) => p.id),
      };
      for (const k of SESSION_FIELDS) if (k in (body as object)) merged[k] = (body as Record<string, unknown>)[k];
      const checked = this.check(merged, session);
      if ('status' in checked) return checked;
      this.sessions[i] = { ...session, ...checked, version: session.version + 1, updatedAt: new Date().toISOString() };
      return { status: 200, body: this.sessions[i] };
    }
    if (sub === 'meeting') {
      if (who.eventRole === 'attendee' && !this.live.has(session.room)) return ERR(409, 'The meeting has not started yet.');
      const host = who.eventRole === 'organizer' || session.moderators.some((p) => p.id === who.sub);
      const role = host ? 'host' : 'participant';
      return { status: 200, body: { room: session.room, token: `room-token.${role}.${who.sub}`, role } };
    }
    if (sub === 'header') {
      if (!editor) return forbidden();
      const name = decodeURIComponent(headers['x-file-name'] ?? '');
      const problem = headerNameProblem(name);
      if (problem) return ERR(415, problem, { fields: { header: [problem] } });
      const size = (body as Blob).size;
      this.sessions[i] = { ...session, header: { name, contentType: 'image/png', size, updatedAt: new Date().toISOString(), url: `/api/events/${EVENT}/sessions/${sid}/header?v=${++this.seq}&expires=4102444800&signature=${fakeSignature(sid)}` } };
      return { status: 200, body: this.sessions[i] };
    }
    // attachments
    const list = this.attachments.get(sid) ?? [];
    if (!aid) {
      if (method === 'GET') return { status: 200, body: { attachments: list } };
      if (!editor) return forbidden();
      const name = decodeURIComponent(headers['x-file-name'] ?? '');
      const problem = attachmentNameProblem(name);
      if (problem) return ERR(415, problem, { fields: { file: [problem] } });
      const blob = body as Blob;
      if (blob.size > this.maxUploadBytes) {
        const reason = `"${name}" is larger than the ${formatFileSize(this.maxUploadBytes)} upload limit.`;
        return ERR(413, reason, { fields: { file: [reason] } });
      }
      const a = this.attach(sid, name, blob, { contentType: headers['content-type'] ?? 'application/octet-stream', createdAt: new Date().toISOString() });
      return { status: 201, body: a };
    }
    const a = list.find((x) => x.id === aid);
    if (!a) return ERR(404, `There is no attachment "${aid}" in this session.`);
    if (download) return { status: 200, blob: this.files.get(aid)! };
    if (method === 'GET') return { status: 200, body: a };
    if (!editor) return forbidden();
    if (method === 'DELETE') {
      this.attachments.set(sid, list.filter((x) => x.id !== aid));
      this.files.delete(aid);
      return { status: 204 };
    }
    const parsed = v.safeParse(AttachmentEditSchema, body);
    if (!parsed.success) {
      const fields = formFieldErrors(parsed.issues);
      return ERR(422, summarizeFieldErrors(fields), { fields });
    }
    const saved = { ...a, ...parsed.output, updatedAt: new Date().toISOString() };
    this.attachments.set(sid, list.map((x) => (x.id === aid ? saved : x)));
    return { status: 200, body: saved };
  }

  /** The shared schema, then what only the server knows (tags exist, people hold the role). */
  private check(input: unknown, current: Session | null): Reply | Partial<Session> {
    const r = checkSessionFields(input);
    if (!r.ok) return ERR(422, summarizeFieldErrors(r.fields), { fields: r.fields });
    const f = r.value;
    const fields: Record<string, string[]> = {};
    const tags = f.tags.map((id) => this.tags.find((t) => t.id === id));
    if (tags.some((t) => !t)) fields.tags = ['There is no tag in this event with that id; create it first.'];
    const people = (ids: string[], role: EventRole, field: 'speakers' | 'moderators', label: string) =>
      ids.map((id) => {
        const p = this.people.find((x) => x.id === id);
        if (!p) (fields[field] ??= []).push(`There is no one with id "${id}" in this event.`);
        else if (!p.roles.includes(role) && !current?.[field].some((x) => x.id === id)) (fields[field] ??= []).push(`${p.name} has not been assigned the ${label} role.`);
        return p ? { id: p.id, name: p.name } : { id, name: id };
      });
    const speakers = people(f.speakers, 'speaker', 'speakers', 'Speaker');
    const moderators = people(f.moderators, 'moderator', 'moderators', 'Moderator');
    if (Object.keys(fields).length) return ERR(422, summarizeFieldErrors(fields), { fields });
    return { ...f, tags: tags as Tag[], speakers, moderators };
  }
}

/** What stands in for the server's HMAC in the fake: a link opens only the file it was made for. */
export function fakeSignature(file: string): string {
  return `sig-${file}`;
}
