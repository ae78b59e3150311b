/**
 * Tags, Speakers and Moderators of `<session-editor>`: three comboboxes (the shared controller)
 * and what they suggest. Tags: the event's tags containing what is typed, with "+ Create tag" when
 * none is called that. People: those with the speaker (moderator) role matching what is typed,
 * looked up as the user types, with "Invite speaker" ("Invite moderator") when no one matches.
 */
import type { ReactiveControllerHost, TemplateResult } from 'lit';
import * as v from 'valibot';
import type { SessionsApi, SessionsApiError } from '../../client/sessions-api.ts';
import { Combobox, type ComboboxOption, type ComboboxView } from '../../controllers/combobox.ts';
import { SESSION_WORDING as W, TagNameSchema, type Person, type Tag } from '../../protocol/sessions.ts';
import type { PeopleKey, PickerKey } from './form-values.ts';

type Chosen = { id: string; name: string }[];

export interface PickersOptions {
  api(): SessionsApi;
  /** What the field has chosen now. */
  chosen(key: PickerKey): Chosen;
  /** Change what the field has chosen. */
  choose(key: PickerKey, list: Chosen): void;
  /** Show a problem under the field. */
  problem(key: PickerKey, message: string): void;
  /** No one matched and the user chose Invite speaker (Invite moderator). */
  invite(key: PeopleKey, query: string): void;
}

type Host = ReactiveControllerHost & { renderRoot: ParentNode };

const KEYS: PickerKey[] = ['tags', 'speakers', 'moderators'];

export class SessionPickers {
  /** The event's tags, once looked up. */
  private allTags: Tag[] | null = null;
  private people: Record<PeopleKey, Person[] | null> = { speakers: null, moderators: null };
  private readonly combos: Record<PickerKey, Combobox>;
  private readonly host: Host;
  private readonly o: PickersOptions;
  private peopleSeq = 0;

  constructor(host: Host, options: PickersOptions) {
    this.host = host;
    this.o = options;
    const combo = (key: PickerKey) =>
      new Combobox(host, {
        ids: { input: `${key}-input`, list: `${key}-list`, option: (i) => `${key}-opt-${i}` },
        parts: { list: 'listbox', option: 'option' },
        options: (q) => this.options(key, q),
        lookUp: (q) => void this.lookUp(key, q),
        status: () => ((key === 'tags' ? !this.allTags : !this.people[key]) ? 'Searching…' : ''),
        clearOnPick: true,
      });
    this.combos = { tags: combo('tags'), speakers: combo('speakers'), moderators: combo('moderators') };
  }

  /** The field and its suggestions. */
  render(key: PickerKey, view: ComboboxView): TemplateResult {
    return this.combos[key].render(view);
  }

  /** Close every list (the form was submitted). */
  closeAll(): void {
    for (const key of KEYS) this.combos[key].close();
  }

  /** Take a chosen tag or person off, and put focus back in the field. */
  unpick(key: PickerKey, id: string): void {
    this.o.choose(key, this.o.chosen(key).filter((x) => x.id !== id));
    this.combos[key].focus();
  }

  private options(key: PickerKey, query: string): ComboboxOption[] {
    const q = query.trim();
    const lower = q.toLowerCase();
    const chosen = new Set(this.o.chosen(key).map((x) => x.id));
    if (key === 'tags') {
      const all = this.allTags ?? [];
      const out: ComboboxOption[] = all
        .filter((t) => t.name.toLowerCase().includes(lower))
        .slice(0, 50)
        .map((t) => ({ label: t.name, selected: chosen.has(t.id), run: () => this.toggle('tags', t) }));
      if (q && this.allTags && !all.some((t) => t.name.toLowerCase() === lower)) {
        out.push({ label: W.createTag(q), run: () => void this.createTag(q) });
      }
      return out;
    }
    const found = this.people[key];
    if (!found) return [];
    const out: ComboboxOption[] = found.map((p) => ({ label: p.name, selected: chosen.has(p.id), run: () => this.toggle(key, p) }));
    if (!out.length) {
      out.push({
        label: key === 'speakers' ? W.inviteSpeaker : W.inviteModerator,
        run: () => {
          this.combos[key].close();
          this.o.invite(key, q);
        },
      });
    }
    return out;
  }

  private toggle(key: PickerKey, item: { id: string; name: string }): void {
    const list = this.o.chosen(key);
    this.o.choose(key, list.some((x) => x.id === item.id) ? list.filter((x) => x.id !== item.id) : [...list, { id: item.id, name: item.name }]);
  }

  private async createTag(name: string): Promise<void> {
    const checked = v.safeParse(TagNameSchema, name);
    if (!checked.success) return this.o.problem('tags', checked.issues[0].message);
    try {
      const tag = await this.o.api().createTag(checked.output);
      if (!this.allTags?.some((t) => t.id === tag.id)) this.allTags = [...(this.allTags ?? []), tag];
      this.combos.tags.clear();
      if (!this.o.chosen('tags').some((t) => t.id === tag.id)) this.toggle('tags', tag);
    } catch (err) {
      this.o.problem('tags', (err as SessionsApiError).fields?.name?.[0] ?? (err as Error).message);
    }
  }

  private async lookUp(key: PickerKey, query: string): Promise<void> {
    if (key === 'tags') {
      if (!this.allTags) {
        this.allTags = await this.o.api().tags().catch(() => []);
        this.host.requestUpdate();
      }
      return;
    }
    const seq = ++this.peopleSeq;
    try {
      const found = await this.o.api().people(key === 'speakers' ? 'speaker' : 'moderator', query.trim());
      if (seq !== this.peopleSeq) return;
      this.people = { ...this.people, [key]: found };
      this.host.requestUpdate();
    } catch (err) {
      if (seq === this.peopleSeq) this.o.problem(key, (err as Error).message);
    }
  }
}
