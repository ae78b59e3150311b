/**
 * Events, their sessions, tags and attachments: entity types, the rules every
 * field follows, and the valibot schemas that check them. The server validates
 * every request with these schemas and the `<session-editor>` form applies the
 * SAME schemas live, so both say the same thing in the same words.
 *
 * Pure TypeScript: no DOM, no Node or Deno APIs, no clock reads.
 */
import * as v from 'valibot';

// ---------------------------------------------------------------------------
// Limits and wording (from the product document for event sessions)
// ---------------------------------------------------------------------------

/** A session title has at most this many characters. */
export const TITLE_MAX = 120;
/** A session lasts at most this many minutes (24 hours). */
export const DURATION_MAX = 1440;
/** Our own cap on a session description (the product sets none). */
export const DESCRIPTION_MAX = 5000;
/** Our own caps on tag names and on how many tags/people one session carries. */
export const TAG_NAME_MAX = 50;
export const SESSION_TAGS_MAX = 50;
export const SESSION_PEOPLE_MAX = 100;
/** Our own caps on an attachment's title and description. */
export const ATTACHMENT_TITLE_MAX = 200;
export const ATTACHMENT_DESCRIPTION_MAX = 2000;
/** Longest file name accepted for an upload. */
export const FILE_NAME_MAX = 255;
/** The header image size the product recommends. */
export const HEADER_IMAGE_HINT = { width: 1920, height: 1080 } as const;

/** Texts from the product document, for forms, dialogs and notifications. */
export const SESSION_WORDING = {
  headerHint: 'We recommend using an image size of 1920x1080 px.',
  replaceThumbnail: 'Replace thumbnail',
  titleUnsupported: 'Characters "<" and ">" are not supported.',
  durationMax: 'Max duration is 1440 minutes (24 hours).',
  createTag: (name: string) => `+ Create tag "${name}"`,
  inviteSpeaker: 'Invite speaker',
  inviteModerator: 'Invite moderator',
  activateAssistant: 'Activate assistant',
  create: 'Create',
  saveChanges: 'Save changes',
  deleteAttachmentHeading: 'Delete attachment',
  deleteSessionHeading: 'Delete session',
  /** The confirmation shown before deleting an attachment (or a session), named by its title. */
  deletePrompt: (title: string) => `You're about to permanently delete "${title}". You cannot undo this action.`,
  cancel: 'Cancel',
  delete: 'Delete',
  uploadDone: 'Upload complete.',
  deleteDone: 'Deleted.',
  conflict:
    'Someone else saved this session while you were editing it. Reload to see their changes, then make your edits again.',
} as const;

// ---------------------------------------------------------------------------
// Enumerations
// ---------------------------------------------------------------------------

export const EVENT_ROLES = ['organizer', 'moderator', 'speaker', 'attendee'] as const;
export type EventRole = (typeof EVENT_ROLES)[number];
/** Roles that make someone part of the event's team (they see private sessions). */
export const TEAM_ROLES: readonly EventRole[] = ['organizer', 'moderator', 'speaker'];
/** Roles that may create, edit and delete sessions, tags and attachments. */
export const EDITOR_ROLES: readonly EventRole[] = ['organizer', 'moderator'];

/** Session types from the "Add session" dialog; only 'interactive' has the full editor. */
export const SESSION_TYPES = ['interactive', 'live-webcast', 'pre-recorded', 'diy-live-webcast'] as const;
export type SessionType = (typeof SESSION_TYPES)[number];
export const SESSION_TYPE_LABELS: Record<SessionType, string> = {
  interactive: 'Interactive room',
  'live-webcast': 'Live webcast',
  'pre-recorded': 'Pre-recorded',
  'diy-live-webcast': 'DIY live webcast',
};

export const VISIBILITIES = ['private', 'unlisted', 'published'] as const;
export type Visibility = (typeof VISIBILITIES)[number];
export const VISIBILITY_LABELS: Record<Visibility, { label: string; help: string }> = {
  private: { label: 'Private', help: 'The session will be available only for team members, not for attendees.' },
  unlisted: { label: 'Unlisted', help: 'The session will be reachable via direct link only.' },
  published: { label: 'Published', help: 'The session will be available on the event agenda.' },
};

export * from './session-files.ts';
import type { FileFamily } from './session-files.ts';

// ---------------------------------------------------------------------------
// Entities (what the API returns)
// ---------------------------------------------------------------------------

export interface PersonRef {
  id: string;
  name: string;
}

export interface Person extends PersonRef {
  roles: EventRole[];
}

export interface Tag {
  id: string;
  name: string;
}

export interface EventInfo {
  id: string;
  name: string;
  /** IANA time zone the sessions' dates and times are in. */
  timeZone: string;
  createdBy: PersonRef;
  createdAt: string;
  /** How many people hold each role (attendees registered: the turnout's denominator). */
  counts: Record<EventRole, number>;
  /** How many sessions the caller may see. */
  sessionCount: number;
  /** Values a new session form starts with (the creator moderates the first session). */
  sessionDefaults: { moderators: PersonRef[] };
}

export interface HeaderImage {
  name: string;
  contentType: string;
  size: number;
  updatedAt: string;
  /** Path (under the API root) that serves the image. */
  url: string;
}

export interface Session {
  id: string;
  event: string;
  /** The `<kaltura-room>` room id of this session. */
  room: string;
  type: SessionType;
  title: string;
  description: string;
  tags: Tag[];
  date: string;
  time: string;
  duration: number;
  speakers: PersonRef[];
  moderators: PersonRef[];
  aiAssistant: boolean;
  visibility: Visibility;
  header: HeaderImage | null;
  attachmentCount: number;
  /** Increases with every save; send it back (If-Match or `version`) to save again. */
  version: number;
  createdBy: PersonRef;
  createdAt: string;
  updatedAt: string;
}

export interface Attachment {
  id: string;
  session: string;
  /** The original file name, as uploaded. */
  name: string;
  title: string;
  description: string;
  /** Lower-case extension, e.g. "doc". */
  extension: string;
  family: FileFamily;
  contentType: string;
  size: number;
  createdAt: string;
  createdBy: PersonRef;
  updatedAt: string;
  /** Path (under the API root) that downloads the file. */
  downloadUrl: string;
}

/** Every error reply of the REST API. */
export interface ApiError {
  error: string;
  fields?: Record<string, string[]>;
}

// ---------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------

/** Event ids: what the portal may put in the token's `event` claim. */
export const EVENT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
/** Ids of people, tags, sessions and attachments. */
// A leading "_" is allowed: some LMSs number users like "_140_1" (and "__proto__" is a plain id).
export const ENTITY_ID = /^[A-Za-z0-9_][A-Za-z0-9._:@-]{0,127}$/;

const IdSchema = v.pipe(v.string('Each entry must be an id (a string).'), v.regex(ENTITY_ID, 'That is not a valid id.'));

const noAngleBrackets = (s: string) => !/[<>]/.test(s);

export const SessionTypeSchema = v.picklist(SESSION_TYPES, 'Choose a session type: interactive, live-webcast, pre-recorded or diy-live-webcast.');
export const VisibilitySchema = v.picklist(VISIBILITIES, 'Choose the visibility: private, unlisted or published.');

export const TitleSchema = v.pipe(
  v.string('Enter a title for your session.'),
  v.trim(),
  v.minLength(1, 'Enter a title for your session.'),
  v.maxLength(TITLE_MAX, `A title can have at most ${TITLE_MAX} characters.`),
  v.check(noAngleBrackets, SESSION_WORDING.titleUnsupported),
);

export const DescriptionSchema = v.pipe(
  v.string('The description must be text.'),
  v.maxLength(DESCRIPTION_MAX, `A description can have at most ${DESCRIPTION_MAX} characters.`),
);

function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= days[mo - 1];
}

export const DateSchema = v.pipe(
  v.string('Choose the day your session will start.'),
  v.trim(),
  v.minLength(1, 'Choose the day your session will start.'),
  v.check((s) => s === '' || isCalendarDate(s), 'Enter the date as YYYY-MM-DD (a real calendar day).'),
);

export const TimeSchema = v.pipe(
  v.string('Choose the time your session will start.'),
  v.trim(),
  v.minLength(1, 'Choose the time your session will start.'),
  v.check((s) => s === '' || /^([01]\d|2[0-3]):[0-5]\d$/.test(s), 'Enter the time as HH:MM (24-hour clock).'),
);

export const DurationSchema = v.pipe(
  v.number('Choose the duration of your session (in minutes).'),
  v.integer('The duration is a whole number of minutes.'),
  v.minValue(1, 'A session lasts at least 1 minute.'),
  v.maxValue(DURATION_MAX, SESSION_WORDING.durationMax),
);

const idList = (what: string, max: number) =>
  v.pipe(
    v.array(IdSchema, `${what} must be a list of ids.`),
    v.maxLength(max, `A session can have at most ${max} ${what.toLowerCase()}.`),
    v.transform((ids) => [...new Set(ids)]),
  );

/**
 * `v.object` whose missing keys get the same message the field gives for an
 * empty value ("Enter a title for your session."), not valibot's generic one.
 */
function formObject<const E extends v.ObjectEntries>(entries: E, notObject: string) {
  return v.object(entries, (issue) => {
    const key = issue.path?.[0]?.key;
    if (issue.expected !== 'Object' && typeof key === 'string' && key in entries) {
      const r = v.safeParse(entries[key] as v.GenericSchema, undefined);
      if (!r.success) return r.issues[0].message;
    }
    return notObject;
  });
}

export const SessionFieldsSchema = formObject({
  type: v.optional(SessionTypeSchema, 'interactive'),
  title: TitleSchema,
  description: v.optional(DescriptionSchema, ''),
  tags: v.optional(idList('Tags', SESSION_TAGS_MAX), []),
  date: DateSchema,
  time: TimeSchema,
  duration: DurationSchema,
  speakers: v.optional(idList('Speakers', SESSION_PEOPLE_MAX), []),
  moderators: v.pipe(
    v.array(IdSchema, 'Add at least one moderator.'),
    v.minLength(1, 'Add at least one moderator.'),
    v.maxLength(SESSION_PEOPLE_MAX, `A session can have at most ${SESSION_PEOPLE_MAX} moderators.`),
    v.transform((ids) => [...new Set(ids)]),
  ),
  aiAssistant: v.optional(v.boolean('The AI assistant is either on (true) or off (false).'), false),
  visibility: v.optional(VisibilitySchema, 'private'),
}, 'Send the session as an object of its fields.');

/** What a form sends to create a session (ids for tags and people). */
export type SessionInput = v.InferInput<typeof SessionFieldsSchema>;
/** A session's fields after validation, with every default filled in. */
export type SessionFields = v.InferOutput<typeof SessionFieldsSchema>;
/** The field names a form shows errors under. */
export type SessionField = keyof SessionFields;
export const SESSION_FIELDS = Object.keys(SessionFieldsSchema.entries) as SessionField[];

/** A session's current fields in the shape the form edits and sends back. */
export function toSessionFields(s: Session): SessionFields {
  return {
    type: s.type,
    title: s.title,
    description: s.description,
    tags: s.tags.map((t) => t.id),
    date: s.date,
    time: s.time,
    duration: s.duration,
    speakers: s.speakers.map((p) => p.id),
    moderators: s.moderators.map((p) => p.id),
    aiAssistant: s.aiAssistant,
    visibility: s.visibility,
  };
}

export const TagNameSchema = v.pipe(
  v.string('Enter a tag name.'),
  v.trim(),
  v.minLength(1, 'Enter a tag name.'),
  v.maxLength(TAG_NAME_MAX, `A tag can have at most ${TAG_NAME_MAX} characters.`),
  v.check(noAngleBrackets, 'Characters "<" and ">" are not supported in tags.'),
);
export const TagInputSchema = formObject({ name: TagNameSchema }, 'Send the tag as an object with a name.');

export const AttachmentEditSchema = formObject({
  title: v.optional(
    v.pipe(
      v.string('The title must be text.'),
      v.trim(),
      v.minLength(1, 'Enter a title for this file.'),
      v.maxLength(ATTACHMENT_TITLE_MAX, `A title can have at most ${ATTACHMENT_TITLE_MAX} characters.`),
      v.check(noAngleBrackets, 'Characters "<" and ">" are not supported.'),
    ),
  ),
  description: v.optional(
    v.pipe(
      v.string('The description must be text.'),
      v.trim(),
      v.maxLength(ATTACHMENT_DESCRIPTION_MAX, `A description can have at most ${ATTACHMENT_DESCRIPTION_MAX} characters.`),
    ),
  ),
}, 'Send the title and description as an object.');
export type AttachmentEdit = v.InferOutput<typeof AttachmentEditSchema>;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const EventInputSchema = formObject({
  name: v.pipe(
    v.string('Enter a name for the event.'),
    v.trim(),
    v.minLength(1, 'Enter a name for the event.'),
    v.maxLength(TITLE_MAX, `An event name can have at most ${TITLE_MAX} characters.`),
    v.check(noAngleBrackets, 'Characters "<" and ">" are not supported.'),
  ),
  timeZone: v.optional(
    v.pipe(v.string('The time zone must be text.'), v.maxLength(64, 'Use an IANA time zone such as Europe/Berlin.'), v.check(isTimeZone, 'Use an IANA time zone such as Europe/Berlin.')),
    'UTC',
  ),
}, 'Send the event as an object with a name.');

export const PersonInputSchema = formObject({
  id: v.pipe(v.string('id (the user id) is required.'), v.regex(ENTITY_ID, 'id may hold letters, digits and . _ : @ - (at most 128).')),
  name: v.pipe(v.string('Enter a name.'), v.trim(), v.minLength(1, 'Enter a name.'), v.maxLength(80, 'A name can have at most 80 characters.')),
  roles: v.pipe(
    v.array(v.picklist(EVENT_ROLES, 'A role is organizer, moderator, speaker or attendee.'), 'roles must be a list.'),
    v.minLength(1, 'Give at least one role.'),
  ),
}, 'Send the person as an object with id, name and roles.');

// ---------------------------------------------------------------------------
// Validation helpers for forms and replies
// ---------------------------------------------------------------------------

export type FieldErrors = Record<string, string[]>;

/** Group issues by top-level field ("speakers.2" → "speakers"), without repeats. */
export function formFieldErrors(issues: readonly v.BaseIssue<unknown>[]): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) {
    const key = issue.path?.[0]?.key;
    const field = typeof key === 'string' ? key : '';
    const list = (out[field] ??= []);
    if (!list.includes(issue.message)) list.push(issue.message);
  }
  return out;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; fields: FieldErrors };

/** Check a session form's values: what the form shows live and the server enforces. */
export function checkSessionFields(input: unknown): Checked<SessionFields> {
  const r = v.safeParse(SessionFieldsSchema, input);
  return r.success ? { ok: true, value: r.output } : { ok: false, fields: formFieldErrors(r.issues) };
}

/** Check one field alone (for validation as the user types). Returns its messages, empty when fine. */
export function checkSessionField(field: SessionField, value: unknown): string[] {
  const schema = SessionFieldsSchema.entries[field] as v.GenericSchema;
  const r = v.safeParse(schema, value);
  return r.success ? [] : [...new Set(r.issues.map((i) => i.message))];
}

/** One sentence summing up field errors, for the `error` of a reply. */
export function summarizeFieldErrors(fields: FieldErrors): string {
  const n = Object.values(fields).reduce((a, m) => a + m.length, 0);
  const first = Object.values(fields)[0]?.[0] ?? 'Some fields are not valid.';
  return n > 1 ? `${first} (and ${n - 1} more problem${n > 2 ? 's' : ''})` : first;
}
