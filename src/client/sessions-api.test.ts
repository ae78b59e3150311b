import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import { eventTokenClaims, fileLinkExpiry, SessionsApi, SessionsApiController, SessionsApiError } from './sessions-api.ts';
import { EVENT, FakeApi, SERVER, TOKENS, type FakeXhrLike } from '../testing/fake-sessions-api.ts';

interface Seen {
  url: string;
  init: RequestInit;
}

/** A fetch that records calls and answers with `reply`. */
function recordingFetch(reply: () => Response | Promise<Response>) {
  const seen: Seen[] = [];
  const f = (async (url: RequestInfo | URL, init: RequestInit = {}) => {
    seen.push({ url: String(url), init });
    return reply();
  }) as typeof fetch;
  return { f, seen };
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('SessionsApi', () => {
  it('sends the event token, JSON bodies and the version it edited', async () => {
    const { f, seen } = recordingFetch(() => json({ id: 's1', version: 3 }));
    const api = new SessionsApi({ server: 'https://rooms.example/base/', event: 'ev 1', token: 'tok', fetch: f });
    await api.updateSession('s/1', { title: 'New' }, 2);
    expect(seen[0]!.url).to.equal('https://rooms.example/base/api/events/ev%201/sessions/s%2F1');
    expect(seen[0]!.init.method).to.equal('PATCH');
    expect(seen[0]!.init.headers).to.deep.equal({ authorization: 'Bearer tok', 'content-type': 'application/json', 'if-match': '"2"' });
    expect(JSON.parse(String(seen[0]!.init.body))).to.deep.equal({ title: 'New' });
  });

  it('unwraps list replies and builds query strings', async () => {
    const { f, seen } = recordingFetch(() => json({ sessions: [{ id: 'a' }], people: [{ id: 'p' }], tags: [{ id: 't' }], tag: { id: 't2' } }));
    const api = new SessionsApi({ server: SERVER, event: EVENT, token: 'tok', fetch: f });
    expect(await api.sessions(['t-a', 't b'])).to.deep.equal([{ id: 'a' }]);
    expect(seen[0]!.url).to.equal(`${SERVER}/api/events/${EVENT}/sessions?tag=t-a&tag=t%20b`);
    expect(await api.people('speaker', 'Ken')).to.deep.equal([{ id: 'p' }]);
    expect(seen[1]!.url).to.equal(`${SERVER}/api/events/${EVENT}/people?role=speaker&q=Ken&limit=20`);
    expect(await api.tags()).to.deep.equal([{ id: 't' }]);
    expect(await api.createTag('Genetics')).to.deep.equal({ id: 't2' });
    expect(seen[3]!.init.method).to.equal('POST');
    expect(seen[0]!.init.body).to.equal(undefined);
  });

  it('turns error replies into SessionsApiError with the sentence, the fields and the current session', async () => {
    const current = { id: 's1', version: 5 };
    const { f } = recordingFetch(() => json({ error: 'Someone else saved this session…', current }, 409));
    const api = new SessionsApi({ server: SERVER, event: EVENT, token: 'tok', fetch: f });
    const err = await api.updateSession('s1', {}, 4).catch((e) => e);
    expect(err).to.be.instanceOf(SessionsApiError);
    expect(err.status).to.equal(409);
    expect(err.message).to.equal('Someone else saved this session…');
    expect(err.current).to.deep.equal(current);

    const invalid = new SessionsApi({ server: SERVER, event: EVENT, token: 'tok', fetch: recordingFetch(() => json({ error: 'Enter a title for your session.', fields: { title: ['Enter a title for your session.'] } }, 422)).f });
    const e2 = await invalid.createSession({ title: '', date: '', time: '', duration: 1, moderators: [] }).catch((e) => e);
    expect(e2.status).to.equal(422);
    expect(e2.fields).to.deep.equal({ title: ['Enter a title for your session.'] });

    const html502 = new SessionsApi({ server: SERVER, event: EVENT, token: 'tok', fetch: recordingFetch(() => new Response('<h1>Bad gateway</h1>', { status: 502 })).f });
    const e3 = await html502.tags().catch((e) => e);
    expect(e3.status).to.equal(502);
    expect(e3.message).to.equal('The server answered 502.');
  });

  it('says when the server cannot be reached, and when a request was cancelled', async () => {
    const down = new SessionsApi({ server: SERVER, event: EVENT, token: 't', fetch: (async () => { throw new TypeError('Failed to fetch'); }) as typeof fetch });
    const e1 = await down.tags().catch((e) => e);
    expect(e1.status).to.equal(0);
    expect(e1.message).to.equal('Could not reach the server. Check your connection and try again.');
    const aborter = new AbortController();
    aborter.abort();
    const cancelled = new SessionsApi({
      server: SERVER, event: EVENT, token: 't', signal: aborter.signal,
      fetch: (async (_u: unknown, init: RequestInit) => { if (init.signal?.aborted) throw new DOMException('aborted', 'AbortError'); return json({}); }) as typeof fetch,
    });
    expect((await cancelled.tags().catch((e) => e)).status).to.equal(-1);
  });

  it('resolves file links against the server, never adding the token to a URL', () => {
    const api = new SessionsApi({ server: 'https://rooms.example/base', event: EVENT, token: 'a.b.c' });
    expect(api.url('/api/x')).to.equal('https://rooms.example/base/api/x');
    const signed = '/api/events/e/sessions/s/header?v=2&expires=1900000000&signature=abc';
    expect(api.fileUrl(signed)).to.equal(`https://rooms.example/base${signed}`);
    expect(api.fileUrl(signed)).not.to.contain('a.b.c');
    expect(new SessionsApi({ server: '', event: EVENT, token: 't' }).url('/api/x')).to.equal(`${location.origin}/api/x`);
  });

  it('reads when a signed file link expires from the link itself', () => {
    expect(fileLinkExpiry('/api/events/e/sessions/s/header?v=2&expires=1900000000&signature=abc')).to.equal(1_900_000_000_000);
    expect(fileLinkExpiry('/api/events/e/sessions/s/attachments/a/download?expires=1900000300&signature=x')).to.equal(1_900_000_300_000);
    expect(fileLinkExpiry('https://files.example/a?x=1')).to.equal(null);
    expect(fileLinkExpiry('/a?notexpires=5&signature=x')).to.equal(null);
  });

  it('reads the claims of an event token (for the UI only)', () => {
    expect(eventTokenClaims(TOKENS.moderator)).to.include({ sub: 'morgan-lee', eventRole: 'moderator', event: EVENT });
    expect(eventTokenClaims('not-a-token')).to.equal(null);
    expect(eventTokenClaims('')).to.equal(null);
  });
});

describe('SessionsApi uploads (XMLHttpRequest)', () => {
  let fake: FakeApi;
  let restore: () => void;
  beforeEach(() => {
    fake = new FakeApi();
    fake.autoUpload = false;
    restore = fake.install();
  });
  afterEach(() => restore());

  it('sends the raw file with its encoded name and reports progress', async () => {
    const api = new SessionsApi({ server: SERVER, event: EVENT, token: TOKENS.organizer });
    const progress: number[] = [];
    const up = api.uploadAttachment('s1', new File(['0123456789'], 'Résumé été.PDF', { type: 'application/pdf' }), (p) => progress.push(p.loaded / p.total));
    const xhr = fake.xhrs[0] as FakeXhrLike;
    expect(xhr.method).to.equal('POST');
    expect(xhr.url).to.equal(`${SERVER}/api/events/${EVENT}/sessions/s1/attachments`);
    expect(xhr.headers['x-file-name']).to.equal(encodeURIComponent('Résumé été.PDF'));
    expect(xhr.headers['content-type']).to.equal('application/pdf');
    expect(xhr.headers.authorization).to.equal(`Bearer ${TOKENS.organizer}`);
    xhr.progress(3);
    xhr.progress(10);
    xhr.finish();
    const a = await up.done;
    expect(progress).to.deep.equal([0.3, 1]);
    expect(a.name).to.equal('Résumé été.PDF');
    expect(a.title).to.equal('Résumé été');
    expect(a.extension).to.equal('pdf');
    expect(a.size).to.equal(10);
  });

  it('rejects with the server\'s reason, and on abort', async () => {
    const api = new SessionsApi({ server: SERVER, event: EVENT, token: TOKENS.organizer });
    const bad = api.uploadAttachment('s1', new File(['x'], 'tool.exe'));
    fake.xhrs[0]!.finish();
    const err = await bad.done.catch((e) => e);
    expect(err.status).to.equal(415);
    expect(err.fields.file[0]).to.contain('.exe files are not supported');

    const up = api.uploadHeader('s1', new File(['x'], 'banner.png'));
    expect(fake.xhrs[1]!.method).to.equal('PUT');
    up.abort();
    expect((await up.done.catch((e) => e)).status).to.equal(-1);
  });
});

class ApiHost extends LitElement {
  server = SERVER;
  event = EVENT;
  token = 'one';
  ctl = new SessionsApiController(this);
}
customElements.define('sessions-api-host', ApiHost);

describe('SessionsApiController', () => {
  it('builds the client from the host and rebuilds it when the token changes', async () => {
    const host = await fixture<ApiHost>(html`<sessions-api-host></sessions-api-host>`);
    const first = host.ctl.api;
    expect(first.token).to.equal('one');
    expect(host.ctl.api).to.equal(first);
    host.token = 'two';
    expect(host.ctl.api.token).to.equal('two');
    expect(host.ctl.ready).to.equal(true);
  });

  it('aborts what is in flight when the host leaves the page', async () => {
    const host = await fixture<ApiHost>(html`<sessions-api-host></sessions-api-host>`);
    let signal: AbortSignal | undefined;
    const saved = window.fetch;
    window.fetch = ((_u: unknown, init: RequestInit) =>
      new Promise((_, reject) => {
        signal = init.signal ?? undefined;
        init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      })) as typeof fetch;
    try {
      const pending = host.ctl.api.tags().catch((e) => e);
      host.remove();
      const err = await pending;
      expect(signal?.aborted).to.equal(true);
      expect(err.status).to.equal(-1);
      document.body.append(host);
      expect(host.ctl.api.token).to.equal('one');
    } finally {
      window.fetch = saved;
      host.remove();
    }
  });
});
