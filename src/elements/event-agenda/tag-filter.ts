/**
 * The agenda's tag filter, as the product text describes it: "start typing the first few
 * letters of a tag and a list of matching tags will populate for you. You may then click
 * the checkbox to filter by that tag."
 *
 * The shared combobox controller (ARIA combobox with a multi-select listbox): typing (or
 * ArrowDown, or a click) shows the matching tags, each with a checkbox; a click, Enter or Space
 * toggles the tag under the highlight; Escape closes the list (a second Escape clears what was
 * typed); focus stays in the field. The chosen tags show as chips with an "X" each, and Clear filter.
 */
import { css, html, nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { Combobox } from '../../controllers/combobox.ts';
import type { Tag } from '../../protocol/sessions.ts';
import { icon } from '../shared/icons.ts';

export interface TagFilterHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
}

/** Tags whose name starts with `q` first, then those with a word starting with it, then the rest that contain it. */
export function matchingTags(tags: readonly Tag[], q: string): Tag[] {
  const lower = q.trim().toLowerCase();
  if (!lower) return [...tags];
  const rank = (t: Tag) => {
    const n = t.name.toLowerCase();
    if (n.startsWith(lower)) return 0;
    if (n.split(/[\s\-_/&]+/).some((w) => w.startsWith(lower))) return 1;
    return n.includes(lower) ? 2 : -1;
  };
  return tags
    .map((t) => [t, rank(t)] as const)
    .filter(([, r]) => r >= 0)
    .sort((a, b) => a[1] - b[1])
    .map(([t]) => t);
}

export class TagFilter {
  private readonly combo: Combobox;
  private readonly toggle: (id: string, on: boolean) => void;
  /** What the last render showed: the options are built from it. */
  private tags: readonly Tag[] = [];
  private chosen: readonly string[] = [];

  /** @param toggle Turn a tag of the filter on or off. */
  constructor(host: TagFilterHost, toggle: (id: string, on: boolean) => void) {
    this.combo = new Combobox(host, {
      ids: { input: 'tag-filter-input', list: 'tag-filter-list', option: (i) => `tag-opt-${i}` },
      parts: { input: 'filter-input', list: 'filter-list', option: 'filter-tag' },
      options: (q) =>
        matchingTags(this.tags, q).map((t) => {
          const on = this.chosen.includes(t.id);
          return { label: t.name, selected: on, run: () => toggle(t.id, !on) };
        }),
      status: (q, opts) => (q.trim() && !opts.length ? `No tag matches "${q.trim()}".` : ''),
    });
    this.toggle = toggle;
  }

  render(tags: readonly Tag[], chosen: readonly string[], clear: () => void): TemplateResult {
    this.tags = tags;
    this.chosen = chosen;
    const byId = new Map(tags.map((t) => [t.id, t]));
    const picked = chosen.map((id) => byId.get(id)).filter((t): t is Tag => !!t);
    return html`<div class="filter" part="filter">
      <label class="label" for="tag-filter-input">Filter by tag</label>
      ${this.combo.render({ placeholder: 'Start typing a tag', listLabel: 'Tags' })}
      ${picked.length
        ? html`<div class="chosen">
            <ul class="chips" aria-label="Filtering by">
              ${picked.map(
                (t) => html`<li class="chip" part="filter-chip">${t.name}<button class="icon-btn small" aria-label="Remove ${t.name} from the filter"
                  @click=${() => this.toggle(t.id, false)}>${icon('close')}</button></li>`,
              )}
            </ul>
            <button class="btn link" @click=${clear}>Clear filter</button>
          </div>`
        : nothing}
    </div>`;
  }
}

export const tagFilterStyles = css`
  .filter {
    display: grid;
    gap: 0.4rem;
    max-width: 24rem;
  }
  .filter .label {
    margin: 0;
  }
  .combo {
    position: relative;
  }
  .listbox {
    position: absolute;
    z-index: 4;
    inset-inline: 0;
    top: calc(100% + 4px);
    margin: 0;
    padding: 0.3rem;
    list-style: none;
    max-height: 15rem;
    overflow: auto;
    background: var(--kaltura-bg);
    border: 1px solid var(--kaltura-border);
    border-radius: 8px;
    box-shadow: 0 8px 24px rgb(0 0 0 / 0.15);
  }
  p.listbox {
    padding: 0.5rem 0.7rem;
  }
  .option {
    display: flex;
    align-items: center;
    gap: 0.6rem;
    padding: 0.45rem 0.6rem;
    border-radius: 6px;
    cursor: pointer;
  }
  .option:hover,
  .option.active {
    background: var(--kaltura-surface-2);
  }
  .option.active {
    outline: 2px solid var(--kaltura-focus-color);
    outline-offset: -2px;
  }
  .check {
    display: inline-grid;
    place-items: center;
    width: 1.1rem;
    height: 1.1rem;
    border: 1.5px solid #8a93a3;
    border-radius: 4px;
    font-size: 0.8rem;
    flex: none;
  }
  [aria-selected='true'] > .check {
    background: var(--kaltura-accent);
    border-color: var(--kaltura-accent);
    color: var(--kaltura-accent-text);
  }
  .chosen {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.4rem;
  }
`;
