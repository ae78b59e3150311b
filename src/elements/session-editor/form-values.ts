/** The session form's values as `<session-editor>` keeps them, and their way to and from the API. */
import type { PersonRef, Session, SessionType, Tag, Visibility } from '../../protocol/sessions.ts';

/** The form's values: what the user sees (refs for chips, the duration as typed). */
export interface FormValues {
  title: string;
  description: string;
  tags: Tag[];
  date: string;
  time: string;
  duration: string;
  speakers: PersonRef[];
  moderators: PersonRef[];
  aiAssistant: boolean;
  visibility: Visibility;
}

/** The fields chosen from suggestions (a combobox each). */
export type PickerKey = 'tags' | 'speakers' | 'moderators';
export type PeopleKey = Exclude<PickerKey, 'tags'>;

/** Field order: the first one with a problem gets focus. */
export const FIELD_ORDER = ['header', 'title', 'description', 'tags', 'date', 'time', 'duration', 'speakers', 'moderators', 'aiAssistant', 'visibility'];

export const emptyForm = (): FormValues => ({
  title: '',
  description: '',
  tags: [],
  date: '',
  time: '',
  duration: '60',
  speakers: [],
  moderators: [],
  aiAssistant: false,
  visibility: 'private',
});

export const formOf = (s: Session): FormValues => ({
  title: s.title,
  description: s.description,
  tags: s.tags,
  date: s.date,
  time: s.time,
  duration: String(s.duration),
  speakers: s.speakers,
  moderators: s.moderators,
  aiAssistant: s.aiAssistant,
  visibility: s.visibility,
});

/** The form as the API takes it (ids for chips, the duration as a number). */
export function apiValues(f: FormValues, type: SessionType) {
  const ids = (list: { id: string }[]) => list.map((x) => x.id);
  return {
    type,
    title: f.title,
    description: f.description,
    tags: ids(f.tags),
    date: f.date,
    time: f.time,
    duration: f.duration.trim() === '' ? undefined : Number(f.duration),
    speakers: ids(f.speakers),
    moderators: ids(f.moderators),
    aiAssistant: f.aiAssistant,
    visibility: f.visibility,
  };
}
