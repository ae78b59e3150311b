/** Shared setup for the sessions API tests: a fresh database, data folder, app and tokens. */
import { Hono } from 'hono';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { EventRole } from '../../src/protocol/sessions.ts';
import { createVerifier } from '../auth.ts';
import { createSessionsApi } from './api.ts';
import { issueEventToken } from './auth.ts';
import { SqliteSessionsStore } from '../store/sessions-sqlite.ts';
import type { SessionsStore } from '../store/sessions-store.ts';

export const SECRET = 'sessions-test-secret-0123456789-abcdefgh';
export const EVENT = 'ev1';

export interface Person {
  id: string;
  name: string;
  role: EventRole;
}

/** One person per role; the organizer creates the event. */
export const PEOPLE = {
  organizer: { id: 'org', name: 'Olivia Organizer', role: 'organizer' },
  organizer2: { id: 'org2', name: 'Oscar Organizer', role: 'organizer' },
  moderator: { id: 'mod', name: 'Morgan Moderator', role: 'moderator' },
  speaker: { id: 'spk', name: 'Samira Speaker', role: 'speaker' },
  attendee: { id: 'att', name: 'Alex Attendee', role: 'attendee' },
} as const satisfies Record<string, Person>;

export type Who = keyof typeof PEOPLE;

export interface Harness {
  app: Hono;
  dataDir: string;
  db: DatabaseSync;
  clock: { time: number; now(): number };
  tokens: Record<Who, string>;
  token(p: Person, event?: string): Promise<string>;
  /** Call the API in-process; JSON bodies are encoded for you. */
  call(method: string, path: string, opts?: { as?: Who | null; token?: string; body?: unknown; headers?: Record<string, string> }): Promise<Response>;
  /** Every file under the data folder (relative paths). */
  files(): string[];
  close(): void;
}

export async function harness(
  opts: {
    maxUploadBytes?: number;
    createEvent?: boolean;
    eventStorageBytes?: number;
    /** Reuse a data folder (a restart); a fresh one by default. */
    dataDir?: string;
    /** Wrap the SQLite store (to inject faults). */
    wrapStore?: (store: SessionsStore) => SessionsStore;
  } = {},
): Promise<Harness> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'sessions-test-'));
  const db = new DatabaseSync(join(dataDir, 'rooms.db'));
  const verifier = await createVerifier({ secret: SECRET });
  const clock = {
    time: Date.UTC(2025, 9, 10, 12, 0, 0),
    now() {
      return this.time;
    },
  };
  const store = opts.wrapStore ? opts.wrapStore(new SqliteSessionsStore(db)) : undefined;
  const api = createSessionsApi({
    db,
    verifier,
    clock,
    dataDir,
    maxUploadBytes: opts.maxUploadBytes ?? 1024 * 1024,
    eventStorageBytes: opts.eventStorageBytes,
    store,
  });
  const app = new Hono().route('/api', api);
  const token = (p: Person, event = EVENT) => issueEventToken(SECRET, { sub: p.id, name: p.name, event, eventRole: p.role }, 600);
  const tokens = Object.fromEntries(
    await Promise.all(Object.entries(PEOPLE).map(async ([k, p]) => [k, await token(p)])),
  ) as Record<Who, string>;

  const call: Harness['call'] = async (method, path, o = {}) => {
    const headers = new Headers(o.headers);
    const tok = o.token ?? (o.as === null ? undefined : tokens[o.as ?? 'organizer']);
    if (tok) headers.set('authorization', `Bearer ${tok}`);
    let body: BodyInit | undefined;
    if (o.body !== undefined) {
      if (typeof o.body === 'string' || o.body instanceof Uint8Array) body = o.body as BodyInit;
      else {
        body = JSON.stringify(o.body);
        headers.set('content-type', 'application/json');
      }
    }
    return app.request(path, { method, headers, body });
  };

  const h: Harness = {
    app,
    dataDir,
    db,
    clock,
    tokens,
    token,
    call,
    files: () => listFiles(dataDir).filter((f) => f !== 'rooms.db' && !f.startsWith('rooms.db-')),
    close() {
      db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };

  if (opts.createEvent !== false) {
    const res = await call('POST', '/api/events', { body: { name: 'Life Sciences Summit', timeZone: 'Europe/Berlin' } });
    if (res.status !== 201) throw new Error(`event not created: ${res.status} ${await res.text()}`);
    // Everyone else is known to the event once they show up with a token.
    for (const who of ['organizer2', 'moderator', 'speaker', 'attendee'] as const) {
      const r = await call('GET', `/api/events/${EVENT}`, { as: who });
      if (r.status !== 200) throw new Error(`${who} could not enter: ${r.status} ${await r.text()}`);
    }
  }
  return h;
}

function listFiles(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, rel))) {
    const p = rel ? `${rel}/${name}` : name;
    if (statSync(join(root, p)).isDirectory()) out.push(...listFiles(root, p));
    else out.push(p);
  }
  return out;
}

/** A valid new-session body (interactive, published), overridable. */
export function sessionBody(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'interactive',
    title: 'Opening keynote',
    description: 'Welcome and overview.',
    tags: [],
    date: '2025-11-03',
    time: '09:30',
    duration: 60,
    speakers: [PEOPLE.speaker.id],
    moderators: [PEOPLE.moderator.id],
    aiAssistant: false,
    visibility: 'published',
    ...over,
  };
}
