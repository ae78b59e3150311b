/**
 * A small typed client for the events/sessions REST API (`server/sessions/api.ts`):
 * JSON over `fetch`, uploads over XMLHttpRequest so the page sees upload progress.
 *
 * `SessionsApiController` is the Lit reactive controller elements use: it builds
 * the client from the host's `server`/`event`/`token` when they change and aborts
 * whatever is in flight when the host leaves the page.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type {
  Attachment,
  AttachmentEdit,
  EventInfo,
  EventRole,
  FieldErrors,
  Person,
  Session,
  SessionInput,
  Tag,
} from '../protocol/sessions.ts';
import type { Role } from '../protocol/types.ts';

/** A refused or failed request: the server's sentence, its field errors, and on a 409 the current session. */
export class SessionsApiError extends Error {
  /** HTTP status; 0 when the server could not be reached, -1 when the request was aborted. */
  readonly status: number;
  readonly fields: FieldErrors;
  /** On a conflict (409): the session as someone else saved it. */
  readonly current: Session | null;
  constructor(status: number, message: string, fields: FieldErrors = {}, current: Session | null = null) {
    super(message);
    this.name = 'SessionsApiError';
    this.status = status;
    this.fields = fields;
    this.current = current;
  }
}

export interface UploadProgress {
  loaded: number;
  total: number;
}

/** An upload in flight: its result, and a way to stop it. */
export interface Upload<T> {
  readonly done: Promise<T>;
  abort(): void;
}

/** What Start Meeting returns: the room and a join token for `<kaltura-room>`. */
export interface MeetingTicket {
  room: string;
  token: string;
  role: Role;
}

export interface SessionsApiOptions {
  /** The server's base URL; '' for the page's own origin. */
  server: string;
  event: string;
  /** The event token (a JWT the portal signs). */
  token: string;
  /** Aborts every request made through this client. */
  signal?: AbortSignal;
  /** Defaults to the global `fetch` and `XMLHttpRequest` at call time (tests stub them). */
  fetch?: typeof fetch;
  XMLHttpRequest?: typeof XMLHttpRequest;
}

const UNREACHABLE = 'Could not reach the server. Check your connection and try again.';

/** The claims of an event token, read without verifying it (for the UI only; the server decides). */
export function eventTokenClaims(token: string): { sub: string; name: string; event: string; eventRole: EventRole } | null {
  try {
    const part = token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(part), (c) => c.charCodeAt(0)));
    const c = JSON.parse(json);
    return typeof c?.sub === 'string' && typeof c.eventRole === 'string' ? c : null;
  } catch {
    return null;
  }
}

export class SessionsApi {
  readonly server: string;
  readonly event: string;
  readonly token: string;
  private readonly o: SessionsApiOptions;

  constructor(options: SessionsApiOptions) {
    this.o = options;
    this.server = (options.server || globalThis.location?.origin || '').replace(/\/+$/, '');
    this.event = options.event;
    this.token = options.token;
  }

  /** An absolute URL for a path under the server (API replies give paths like `/api/…`). */
  url(path: string): string {
    return /^https?:/.test(path) ? path : `${this.server}${path}`;
  }

  /**
   * The absolute URL of a file link the API handed out (`downloadUrl`, `header.url`).
   * Those are short-lived signed links that work without headers; the token itself
   * never goes into a URL.
   */
  fileUrl(path: string): string {
    return new URL(this.url(path), globalThis.location?.href).href;
  }

  private path(rest = ''): string {
    return `/api/events/${encodeURIComponent(this.event)}${rest}`;
  }

  private sessionPath(id: string, rest = ''): string {
    return this.path(`/sessions/${encodeURIComponent(id)}${rest}`);
  }

  private async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const f = this.o.fetch ?? globalThis.fetch;
    let res: Response;
    try {
      res = await f(this.url(path), {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: this.o.signal,
      });
    } catch (err) {
      throw aborted(err) ? new SessionsApiError(-1, 'The request was cancelled.') : new SessionsApiError(0, UNREACHABLE);
    }
    const text = await res.text().catch(() => '');
    return reply<T>(res.status, text);
  }

  eventInfo(): Promise<EventInfo> {
    return this.request('GET', this.path());
  }

  /** People of the event who hold `role`, whose name matches `q`. */
  async people(role: EventRole, q = ''): Promise<Person[]> {
    const qs = new URLSearchParams({ role, q, limit: '20' });
    return (await this.request<{ people: Person[] }>('GET', this.path(`/people?${qs}`))).people;
  }

  async tags(): Promise<Tag[]> {
    return (await this.request<{ tags: Tag[] }>('GET', this.path('/tags'))).tags;
  }

  /** Create a tag (or get the existing one with that name). */
  async createTag(name: string): Promise<Tag> {
    return (await this.request<{ tag: Tag }>('POST', this.path('/tags'), { name })).tag;
  }

  /** Sessions the caller may see, in time order; with `tags`, those carrying any of them. */
  async sessions(tags: string[] = []): Promise<Session[]> {
    const qs = tags.map((t) => `tag=${encodeURIComponent(t)}`).join('&');
    return (await this.request<{ sessions: Session[] }>('GET', this.path(`/sessions${qs ? `?${qs}` : ''}`))).sessions;
  }

  session(id: string): Promise<Session> {
    return this.request('GET', this.sessionPath(id));
  }

  createSession(fields: SessionInput): Promise<Session> {
    return this.request('POST', this.path('/sessions'), fields);
  }

  /** Save changed fields over `version`; a 409 error carries the session as it now is. */
  updateSession(id: string, fields: Partial<SessionInput>, version: number): Promise<Session> {
    return this.request('PATCH', this.sessionPath(id), fields, { 'if-match': `"${version}"` });
  }

  async attachments(id: string): Promise<Attachment[]> {
    return (await this.request<{ attachments: Attachment[] }>('GET', this.sessionPath(id, '/attachments'))).attachments;
  }

  editAttachment(id: string, aid: string, edit: AttachmentEdit): Promise<Attachment> {
    return this.request('PATCH', this.sessionPath(id, `/attachments/${encodeURIComponent(aid)}`), edit);
  }

  async deleteAttachment(id: string, aid: string): Promise<void> {
    await this.request('DELETE', this.sessionPath(id, `/attachments/${encodeURIComponent(aid)}`));
  }

  /** Upload one attachment; `onProgress` follows the bytes sent. */
  uploadAttachment(id: string, file: File, onProgress?: (p: UploadProgress) => void): Upload<Attachment> {
    return this.upload('POST', this.sessionPath(id, '/attachments'), file, onProgress);
  }

  /** Replace the session's header image. */
  uploadHeader(id: string, file: File, onProgress?: (p: UploadProgress) => void): Upload<Session> {
    return this.upload('PUT', this.sessionPath(id, '/header'), file, onProgress);
  }

  /** A room join token for the session's meeting (409 until it is live, for attendees). */
  startMeeting(id: string): Promise<MeetingTicket> {
    return this.request('POST', this.sessionPath(id, '/meeting'));
  }

  private upload<T>(method: string, path: string, file: File, onProgress?: (p: UploadProgress) => void): Upload<T> {
    const XHR = this.o.XMLHttpRequest ?? globalThis.XMLHttpRequest;
    const xhr = new XHR();
    const signal = this.o.signal;
    const done = new Promise<T>((resolve, reject) => {
      const stop = () => xhr.abort();
      signal?.addEventListener('abort', stop, { once: true });
      const settle = (fn: () => void) => {
        signal?.removeEventListener('abort', stop);
        fn();
      };
      xhr.open(method, this.url(path));
      xhr.setRequestHeader('authorization', `Bearer ${this.token}`);
      xhr.setRequestHeader('x-file-name', encodeURIComponent(file.name));
      xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
      xhr.upload.onprogress = (e) => onProgress?.({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size });
      xhr.onload = () =>
        settle(() => {
          try {
            resolve(reply<T>(xhr.status, xhr.responseText));
          } catch (err) {
            reject(err);
          }
        });
      xhr.onerror = () => settle(() => reject(new SessionsApiError(0, UNREACHABLE)));
      xhr.onabort = () => settle(() => reject(new SessionsApiError(-1, 'The upload was cancelled.')));
      if (signal?.aborted) return xhr.abort();
      xhr.send(file);
    });
    return { done, abort: () => xhr.abort() };
  }
}

/**
 * When a signed file link (`downloadUrl`, `header.url`) stops working, in ms since 1970 by the
 * server's clock: its `expires` (unix seconds). Null for a link that carries none.
 */
export function fileLinkExpiry(link: string): number | null {
  const m = /[?&]expires=(\d{1,12})(?:&|#|$)/.exec(link);
  return m ? Number(m[1]) * 1000 : null;
}

function aborted(err: unknown): boolean {
  return (err as { name?: string } | null)?.name === 'AbortError';
}

/** A reply's body as T, or the error it carries. */
function reply<T>(status: number, text: string): T {
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  if (status >= 200 && status < 300) return body as T;
  const b = (body ?? {}) as { error?: string; fields?: FieldErrors; current?: Session };
  throw new SessionsApiError(status, b.error || `The server answered ${status}.`, b.fields ?? {}, b.current ?? null);
}

/** The host of a `SessionsApiController`: an element with the three attributes. */
export interface SessionsApiHost extends ReactiveControllerHost {
  server: string;
  event: string;
  token: string;
}

export class SessionsApiController implements ReactiveController {
  private readonly host: SessionsApiHost;
  private aborter = new AbortController();
  private client: SessionsApi | null = null;

  constructor(host: SessionsApiHost) {
    this.host = host;
    host.addController(this);
  }

  /** The client for the host's current server, event and token. */
  get api(): SessionsApi {
    const { server, event, token } = this.host;
    const c = this.client;
    if (!c || c.event !== event || c.token !== token || c.server !== (server || globalThis.location?.origin || '').replace(/\/+$/, '')) {
      this.client = new SessionsApi({ server, event, token, signal: this.aborter.signal });
    }
    return this.client!;
  }

  /** True when the host has what a request needs. */
  get ready(): boolean {
    return !!(this.host.event && this.host.token);
  }

  hostConnected(): void {
    if (this.aborter.signal.aborted) {
      this.aborter = new AbortController();
      this.client = null;
    }
  }

  hostDisconnected(): void {
    this.aborter.abort();
  }
}
