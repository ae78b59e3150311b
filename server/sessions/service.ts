/**
 * The rules of events, sessions, tags and attachments, apart from HTTP: who may
 * see and change what, field validation (the shared schemas plus the checks only
 * the server can make: tags exist, people hold the right role), the creator as
 * moderator, and version checks. Every method takes the verified actor and
 * resolves to a value or a failure with a status and a sentence (the store is
 * asynchronous; its faults reject, and the API answers them with 503).
 */
import * as v from 'valibot';
import {
  AttachmentEditSchema,
  checkSessionFields,
  EventInputSchema,
  formFieldErrors,
  PersonInputSchema,
  SESSION_FIELDS,
  SESSION_WORDING,
  summarizeFieldErrors,
  TagInputSchema,
  type Attachment,
  type EventInfo,
  type EventRole,
  type FieldErrors,
  type Person,
  type PersonRef,
  type Session,
  type SessionFields,
  type Tag,
  type Visibility,
} from '../../src/protocol/sessions.ts';
import { StorageUnavailableError, type AttachmentRecord, type EventRecord, type SessionRecord, type SessionsStore, type TagRecord } from '../store/sessions-store.ts';
import { isEditor, isTeam, type EventActor } from './auth.ts';
import type { FileLinks } from './links.ts';

export type Failure = {
  ok: false;
  status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 428 | 503;
  error: string;
  fields?: FieldErrors;
  /** On a conflict: the session as it now is. */
  current?: Session;
};
export type Result<T> = { ok: true; value: T } | Failure;

const fail = (status: Failure['status'], error: string, extra: Partial<Failure> = {}): Failure => ({ ok: false, status, error, ...extra });
const invalid = (fields: FieldErrors): Failure => fail(422, summarizeFieldErrors(fields), { fields });

export const EDIT_FORBIDDEN = 'Only the event\'s organizers and moderators can change sessions.';

export interface ServiceDeps {
  store: SessionsStore;
  clock: { now(): number };
  /** Where the API is mounted, for the URLs in replies (default "/api"). */
  basePath?: string;
  /** New ids (random by default). */
  newId?: (kind: 'session' | 'tag' | 'attachment') => string;
  /** Signs the file links in replies (header image, downloads); without it they need the Authorization header. */
  links?: FileLinks;
}

const randomId = (kind: 'session' | 'tag' | 'attachment') =>
  `${kind[0]}${crypto.randomUUID().replaceAll('-', '').slice(0, 15)}`;

/** The visibilities someone in this role finds in the agenda listing. */
export function listedVisibilities(actor: EventActor): Visibility[] {
  return isTeam(actor) ? ['private', 'unlisted', 'published'] : ['published'];
}

/** May this actor open this session (by direct link)? */
export function canSee(actor: EventActor, s: Pick<SessionRecord, 'visibility'>): boolean {
  return isTeam(actor) || s.visibility !== 'private';
}

export class SessionsService {
  readonly store: SessionsStore;
  private clock: { now(): number };
  private newId: (kind: 'session' | 'tag' | 'attachment') => string;
  private basePath: string;
  private links: FileLinks | null;

  constructor(deps: ServiceDeps) {
    this.store = deps.store;
    this.links = deps.links ?? null;
    this.basePath = deps.basePath ?? '/api';
    this.clock = deps.clock;
    this.newId = deps.newId ?? randomId;
  }

  // ---- events and people ----

  async createEvent(actor: EventActor, input: unknown): Promise<Result<EventInfo>> {
    if (actor.role !== 'organizer') return fail(403, 'Only an organizer can create an event.');
    const parsed = v.safeParse(EventInputSchema, input);
    if (!parsed.success) return invalid(formFieldErrors(parsed.issues));
    const record: EventRecord = {
      id: actor.event,
      name: parsed.output.name,
      timeZone: parsed.output.timeZone,
      createdBy: actor.id,
      createdAt: this.clock.now(),
    };
    // The organizer who creates an event is also its moderator.
    if (!(await this.store.createEvent(record, { id: actor.id, name: actor.name, roles: ['organizer', 'moderator'] }))) {
      return fail(409, `The event "${actor.event}" already exists.`);
    }
    return { ok: true, value: await this.eventInfo(actor, record) };
  }

  /** The event the actor's token is for, after recording them in its people. */
  async enterEvent(actor: EventActor, eventId: string): Promise<Result<EventRecord>> {
    if (actor.event !== eventId) return fail(403, `Your event token is for event "${actor.event}", not "${eventId}".`);
    const event = await this.store.getEvent(eventId);
    if (!event) return fail(404, `There is no event "${eventId}".`);
    const known = await this.store.getPerson(eventId, actor.id);
    if (!known || known.name !== actor.name || !known.roles.includes(actor.role)) {
      try {
        await this.store.upsertPerson(eventId, { id: actor.id, name: actor.name }, [actor.role]);
      } catch (err) {
        // A full or read-only disk must not stop anyone reading: they are recorded next time.
        if (!(err instanceof StorageUnavailableError)) throw err;
        console.error(`[sessions] could not record ${actor.role} "${actor.id}" in event "${eventId}": ${err.message}`);
      }
    }
    return { ok: true, value: event };
  }

  async eventInfo(actor: EventActor, event: EventRecord): Promise<EventInfo> {
    const isFirst = (await this.store.countSessions(event.id)) === 0;
    const names = await this.store.peopleNames(event.id, [event.createdBy]);
    const creator = { id: event.createdBy, name: names.get(event.createdBy) ?? event.createdBy };
    return {
      id: event.id,
      name: event.name,
      timeZone: event.timeZone,
      createdBy: creator,
      createdAt: new Date(event.createdAt).toISOString(),
      counts: await this.store.roleCounts(event.id),
      sessionCount: (await this.store.listSessions(event.id, { visibilities: listedVisibilities(actor) })).length,
      sessionDefaults: { moderators: isFirst ? [creator] : [] },
    };
  }

  async listPeople(actor: EventActor, event: string, query: { role?: string; q?: string; limit?: string }): Promise<Result<Person[]>> {
    if (!isEditor(actor)) return fail(403, 'Only the event\'s organizers and moderators can look people up.');
    const role = query.role || undefined;
    if (role !== undefined && !(['organizer', 'moderator', 'speaker', 'attendee'] as string[]).includes(role)) {
      return fail(400, 'role must be organizer, moderator, speaker or attendee.');
    }
    const limit = query.limit ? Number(query.limit) : 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) return fail(400, 'limit must be a whole number from 1 to 500.');
    const q = (query.q ?? '').slice(0, 80);
    return { ok: true, value: await this.store.listPeople(event, { role: role as EventRole | undefined, q, limit }) };
  }

  async addPerson(actor: EventActor, event: string, input: unknown): Promise<Result<Person>> {
    if (actor.role !== 'organizer') return fail(403, 'Only the event\'s organizers can add people.');
    const parsed = v.safeParse(PersonInputSchema, input);
    if (!parsed.success) return invalid(formFieldErrors(parsed.issues));
    const { id, name, roles } = parsed.output;
    await this.store.upsertPerson(event, { id, name }, roles);
    return { ok: true, value: (await this.store.getPerson(event, id))! };
  }

  // ---- tags ----

  listTags(event: string, q?: string): Promise<Tag[]> {
    return this.store.listTags(event, q?.slice(0, 80));
  }

  async createTag(actor: EventActor, event: string, input: unknown): Promise<Result<{ tag: Tag; created: boolean }>> {
    if (!isEditor(actor)) return fail(403, 'Only the event\'s organizers and moderators can create tags.');
    const parsed = v.safeParse(TagInputSchema, input);
    if (!parsed.success) return invalid(formFieldErrors(parsed.issues));
    return { ok: true, value: await this.store.ensureTag(event, { id: this.newId('tag'), name: parsed.output.name }) };
  }

  // ---- sessions ----

  async listSessions(actor: EventActor, event: string, tags: string[]): Promise<Session[]> {
    const records = await this.store.listSessions(event, { visibilities: listedVisibilities(actor), tags });
    return this.toSessions(event, records);
  }

  /** A session the actor may see; hidden ones are reported as missing. */
  async visibleSession(actor: EventActor, event: string, id: string): Promise<Result<SessionRecord>> {
    const s = await this.store.getSession(event, id);
    if (!s || !canSee(actor, s)) return fail(404, `There is no session "${id}" in this event.`);
    return { ok: true, value: s };
  }

  /** A session the actor may change. */
  async editableSession(actor: EventActor, event: string, id: string): Promise<Result<SessionRecord>> {
    const found = await this.visibleSession(actor, event, id);
    if (!found.ok) return found;
    if (!isEditor(actor)) return fail(403, EDIT_FORBIDDEN);
    return found;
  }

  async createSession(actor: EventActor, event: EventRecord, input: unknown): Promise<Result<Session>> {
    if (!isEditor(actor)) return fail(403, EDIT_FORBIDDEN);
    if (!isPlainObject(input)) return fail(400, 'Send the session as a JSON object of its fields.');
    let body = input;
    // The organizer who created the event moderates the first session created in it.
    if ((await this.store.countSessions(event.id)) === 0) {
      const given = Array.isArray(body.moderators) ? body.moderators : body.moderators === undefined ? [] : null;
      if (given && !given.includes(event.createdBy)) body = { ...body, moderators: [event.createdBy, ...given] };
    }
    const checked = await this.checkFields(event.id, body, null);
    if (!checked.ok) return checked;
    const now = this.clock.now();
    const record: SessionRecord = {
      event: event.id,
      id: this.newId('session'),
      ...checked.value,
      header: null,
      version: 1,
      createdBy: actor.id,
      createdAt: now,
      updatedAt: now,
    };
    await this.store.insertSession(record);
    return { ok: true, value: await this.toSession(record) };
  }

  async updateSession(actor: EventActor, event: string, id: string, input: unknown, version: number | null): Promise<Result<Session>> {
    const found = await this.editableSession(actor, event, id);
    if (!found.ok) return found;
    const current = found.value;
    if (!isPlainObject(input)) return fail(400, 'Send the changed fields as a JSON object.');
    if (version === null) {
      return fail(428, 'Say which version you edited (the If-Match header or a "version" field), so that edits made meanwhile are not lost.');
    }
    if (version !== current.version) return this.conflict(current);
    const merged: Record<string, unknown> = { ...fieldsOf(current) };
    for (const key of SESSION_FIELDS) if (key in input) merged[key] = input[key];
    const checked = await this.checkFields(event, merged, current);
    if (!checked.ok) return checked;
    const saved = await this.store.updateSession(event, id, version, checked.value, this.clock.now());
    if (saved === null) return fail(404, `There is no session "${id}" in this event.`);
    if (saved === 'conflict') return this.conflict((await this.store.getSession(event, id))!);
    return { ok: true, value: await this.toSession(saved) };
  }

  async deleteSession(actor: EventActor, event: string, id: string, version: number | null) {
    const found = await this.editableSession(actor, event, id);
    if (!found.ok) return found;
    const removed = await this.store.deleteSession(event, id, version);
    if (removed === null) return fail(404, `There is no session "${id}" in this event.`);
    if (removed === 'conflict') return this.conflict(found.value);
    return { ok: true as const, value: removed };
  }

  private async conflict(current: SessionRecord): Promise<Failure> {
    return fail(409, SESSION_WORDING.conflict, { current: await this.toSession(current) });
  }

  /** The shared schema, then what only the server knows: tags exist, people hold their roles. */
  private async checkFields(event: string, input: unknown, current: SessionRecord | null): Promise<Result<SessionFields>> {
    const checked = checkSessionFields(input);
    if (!checked.ok) return invalid(checked.fields);
    const f = checked.value;
    const fields: FieldErrors = {};
    // Only references newly added are checked, so a person losing a role later
    // does not block saving unrelated changes.
    const added = (ids: string[], before: string[] | undefined) => ids.filter((id) => !before?.includes(id));
    const newTags = added(f.tags, current?.tags);
    if (newTags.length) {
      const known = new Set((await this.store.getTags(event, newTags)).map((t) => t.id));
      const missing = newTags.filter((t) => !known.has(t));
      if (missing.length) fields.tags = missing.map((t) => `There is no tag "${t}" in this event; create it first.`);
    }
    const checkRole = async (field: 'speakers' | 'moderators', role: EventRole, label: string) => {
      const ids = added(f[field], current?.[field]);
      const problems: string[] = [];
      for (const id of ids) {
        const p = await this.store.getPerson(event, id);
        if (!p) problems.push(`There is no one with id "${id}" in this event.`);
        else if (!p.roles.includes(role)) problems.push(`${p.name} has not been assigned the ${label} role.`);
      }
      if (problems.length) fields[field] = problems;
    };
    await checkRole('speakers', 'speaker', 'Speaker');
    await checkRole('moderators', 'moderator', 'Moderator');
    if (Object.keys(fields).length) return invalid(fields);
    return { ok: true, value: f };
  }

  async toSession(s: SessionRecord): Promise<Session> {
    return (await this.toSessions(s.event, [s]))[0]!;
  }

  /**
   * Sessions of one event as the API gives them: people's names, tags and attachment counts are
   * each read once for the whole list (three queries however long it is, not three per session).
   */
  async toSessions(event: string, records: readonly SessionRecord[]): Promise<Session[]> {
    if (records.length === 0) return [];
    const [names, tagList, counts] = await Promise.all([
      this.store.peopleNames(event, [...new Set(records.flatMap((s) => [...s.speakers, ...s.moderators, s.createdBy]))]),
      this.store.getTags(event, [...new Set(records.flatMap((s) => s.tags))]),
      this.store.attachmentCounts(event, records.map((s) => s.id)),
    ]);
    const tags = new Map(tagList.map((t) => [t.id, t]));
    return records.map((s) => this.sessionOf(s, names, s.tags.flatMap((id) => tags.get(id) ?? []), counts.get(s.id) ?? 0));
  }

  private sessionOf(s: SessionRecord, names: Map<string, string>, tags: TagRecord[], attachmentCount: number): Session {
    const ref = (id: string): PersonRef => ({ id, name: names.get(id) ?? id });
    const base = `${this.basePath}/events/${encodeURIComponent(s.event)}/sessions/${encodeURIComponent(s.id)}`;
    return {
      id: s.id,
      event: s.event,
      room: `${s.event}.${s.id}`,
      type: s.type,
      title: s.title,
      description: s.description,
      tags,
      date: s.date,
      time: s.time,
      duration: s.duration,
      speakers: s.speakers.map(ref),
      moderators: s.moderators.map(ref),
      aiAssistant: s.aiAssistant,
      visibility: s.visibility,
      header: s.header
        ? {
            name: s.header.name,
            contentType: s.header.contentType,
            size: s.header.size,
            updatedAt: new Date(s.header.updatedAt).toISOString(),
            url: this.signed(`${base}/header?v=${s.header.updatedAt}`, { kind: 'header', event: s.event, session: s.id, file: String(s.header.updatedAt) }),
          }
        : null,
      attachmentCount,
      version: s.version,
      createdBy: ref(s.createdBy),
      createdAt: new Date(s.createdAt).toISOString(),
      updatedAt: new Date(s.updatedAt).toISOString(),
    };
  }

  // ---- attachments ----

  async editAttachment(actor: EventActor, event: string, session: string, id: string, input: unknown): Promise<Result<Attachment>> {
    const found = await this.editableSession(actor, event, session);
    if (!found.ok) return found;
    if (!isPlainObject(input)) return fail(400, 'Send the title and description as a JSON object.');
    const parsed = v.safeParse(AttachmentEditSchema, input);
    if (!parsed.success) return invalid(formFieldErrors(parsed.issues));
    const saved = await this.store.updateAttachment(event, session, id, parsed.output, this.clock.now());
    if (!saved) return fail(404, `There is no attachment "${id}" in this session.`);
    return { ok: true, value: await this.toAttachment(saved) };
  }

  async toAttachment(a: AttachmentRecord): Promise<Attachment> {
    const names = await this.store.peopleNames(a.event, [a.createdBy]);
    return {
      id: a.id,
      session: a.session,
      name: a.name,
      title: a.title,
      description: a.description,
      extension: a.extension,
      family: a.family,
      contentType: a.contentType,
      size: a.size,
      createdAt: new Date(a.createdAt).toISOString(),
      createdBy: { id: a.createdBy, name: names.get(a.createdBy) ?? a.createdBy },
      updatedAt: new Date(a.updatedAt).toISOString(),
      downloadUrl: this.signed(`${this.attachmentPath(a)}/download`, { kind: 'attachment', event: a.event, session: a.session, file: a.id }),
    };
  }

  /** Where an attachment's record lives in the API. */
  attachmentPath(a: Pick<AttachmentRecord, 'event' | 'session' | 'id'>): string {
    return `${this.basePath}/events/${encodeURIComponent(a.event)}/sessions/${encodeURIComponent(a.session)}/attachments/${encodeURIComponent(a.id)}`;
  }

  /** A file path with its short-lived signature, so it opens without any token. */
  private signed(path: string, target: Parameters<FileLinks['sign']>[0]): string {
    if (!this.links) return path;
    return `${path}${path.includes('?') ? '&' : '?'}${this.links.sign(target)}`;
  }
}

function fieldsOf(s: SessionRecord): SessionFields {
  return {
    type: s.type,
    title: s.title,
    description: s.description,
    tags: s.tags,
    date: s.date,
    time: s.time,
    duration: s.duration,
    speakers: s.speakers,
    moderators: s.moderators,
    aiAssistant: s.aiAssistant,
    visibility: s.visibility,
  };
}

export function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
