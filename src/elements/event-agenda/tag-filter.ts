/**
 * The agenda's tag filter, as the product text describes it: "start typing the first few
 * letters of a tag and a list of matching tags will populate for you. You may then click
 * the checkbox to filter by that tag."
 *
 * An ARIA combobox with a multi-select listbox: typing (or ArrowDown, or a click) shows the
 * matching tags, each with a checkbox; a click, Enter or Space toggles the tag under the
 * highlight; Escape closes the list (a second Escape clears what was typed); focus stays in
 * the field. The chosen tags show as chips with an "X" each, and Clear filter.
 */
import { css, html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
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

export class TagFilter implements ReactiveController {
  query = '';
  open = false;
  /** Index of the highlighted option, -1 for none. */
  active = -1;

  private readonly host: TagFilterHost;
  /** Toggle a tag of the filter on or off. */
  private readonly toggle: (id: string, on: boolean) => void;

  constructor(host: TagFilterHost, toggle: (id: string, on: boolean) => void) {
    this.host = host;
    this.toggle = toggle;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.open = false;
  }

  private set(p: Partial<Pick<TagFilter, 'query' | 'open' | 'active'>>): void {
    Object.assign(this, p);
    this.host.requestUpdate();
  }

  private pick(tag: Tag, chosen: readonly string[], i: number): void {
    this.active = i;
    this.toggle(tag.id, !chosen.includes(tag.id));
    this.host.requestUpdate();
  }

  private onKeydown(e: KeyboardEvent, opts: Tag[], chosen: readonly string[]): void {
    const n = opts.length;
    switch (e.key) {
      case 'ArrowDown':
      case 'ArrowUp':
        e.preventDefault();
        if (!this.open) return this.set({ open: true, active: n ? (e.key === 'ArrowDown' ? 0 : n - 1) : -1 });
        if (n) this.set({ active: e.key === 'ArrowDown' ? (this.active + 1) % n : (this.active - 1 + n) % n });
        break;
      case 'Home':
      case 'End':
        if (this.open && n && this.active >= 0) {
          e.preventDefault();
          this.set({ active: e.key === 'Home' ? 0 : n - 1 });
        }
        break;
      case 'Enter':
      case ' ':
        // Space types a space unless an option is highlighted.
        if (!this.open || !n || (e.key === ' ' && this.active < 0)) return;
        e.preventDefault();
        this.pick(opts[Math.max(this.active, 0)]!, chosen, Math.max(this.active, 0));
        break;
      case 'Escape':
        if (this.open) {
          e.preventDefault();
          this.set({ open: false, active: -1 });
        } else if (this.query) {
          e.preventDefault();
          this.set({ query: '' });
        }
        break;
    }
  }

  render(tags: readonly Tag[], chosen: readonly string[], clear: () => void): TemplateResult {
    const opts = this.open ? matchingTags(tags, this.query) : [];
    const byId = new Map(tags.map((t) => [t.id, t]));
    const picked = chosen.map((id) => byId.get(id)).filter((t): t is Tag => !!t);
    return html`<div class="filter" part="filter">
      <label class="label" for="tag-filter-input">Filter by tag</label>
      <div class="combo" @focusout=${(e: FocusEvent) => {
        if (!(e.currentTarget as HTMLElement).contains(e.relatedTarget as Node | null)) this.set({ open: false, active: -1 });
      }}>
        <input
          id="tag-filter-input"
          part="filter-input"
          role="combobox"
          autocomplete="off"
          placeholder="Start typing a tag"
          aria-autocomplete="list"
          aria-expanded=${opts.length ? 'true' : 'false'}
          aria-controls="tag-filter-list"
          aria-activedescendant=${this.open && this.active >= 0 && this.active < opts.length ? `tag-opt-${this.active}` : nothing}
          .value=${live(this.query)}
          @input=${(e: Event) => this.set({ query: (e.target as HTMLInputElement).value, open: true, active: -1 })}
          @click=${() => this.set({ open: true })}
          @keydown=${(e: KeyboardEvent) => this.onKeydown(e, opts, chosen)}
        />
        <ul
          id="tag-filter-list"
          role="listbox"
          part="filter-list"
          class="listbox"
          aria-label="Tags"
          aria-multiselectable="true"
          ?hidden=${!opts.length}
          @mousedown=${(e: Event) => e.preventDefault()}
        >
          ${opts.map((t, i) => {
            const on = chosen.includes(t.id);
            return html`<li
              id="tag-opt-${i}"
              role="option"
              part="filter-tag"
              class="option ${i === this.active ? 'active' : ''}"
              aria-selected=${on ? 'true' : 'false'}
              @click=${() => this.pick(t, chosen, i)}
            ><span class="check" aria-hidden="true">${on ? '✓' : ''}</span>${t.name}</li>`;
          })}
        </ul>
        ${this.open && this.query.trim() && !opts.length ? html`<p class="listbox muted" role="status">No tag matches "${this.query.trim()}".</p>` : nothing}
      </div>
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
