/**
 * The ARIA 1.2 combobox pattern with a multi-select listbox, as a reactive controller: the
 * session editor's Tags, Speakers and Moderators and the agenda's tag filter.
 *
 * Typing, ArrowDown or a click show the suggestions; ArrowDown and ArrowUp move the highlight
 * (`aria-activedescendant`: focus stays in the field), Home and End too once an option is
 * highlighted; Enter (or Space on a highlighted option) runs the highlighted option, or the first;
 * a click runs the one clicked; Escape closes the list, and a second Escape clears what was typed;
 * focus leaving the field closes it. Options either toggle a choice (they carry `selected`: a
 * checkbox shows) or are actions ("+ Create tag", "Invite speaker").
 *
 * Render with `combobox.render(view)` inside the field (the field's `<label for>` points at
 * `ids.input`); the element owns the chosen values and what the options do.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';

export interface ComboboxOption {
  label: string;
  /** Whether the option is chosen (a checkbox shows it); undefined for actions. */
  selected?: boolean;
  run(): void;
}

export interface ComboboxConfig {
  /** The ids of the field, the listbox and option `i`. */
  ids: { input: string; list: string; option: (i: number) => string };
  /** Parts of the field, the listbox and each option (none on the field when left out). */
  parts: { input?: string; list: string; option: string };
  /** The suggestions for what is typed; called while the list is open. */
  options(query: string): ComboboxOption[];
  /** Look suggestions up: on focus, when the list opens and as the user types. */
  lookUp?(query: string): void;
  /** A line under the field while the list is open ("Searching…", "No tag matches …"); '' for none. */
  status?(query: string, options: readonly ComboboxOption[]): string;
  /** Choosing an option clears what was typed (and looks up again); the list stays open. */
  clearOnPick?: boolean;
}

export interface ComboboxView {
  placeholder: string;
  /** The listbox's accessible name. */
  listLabel: string;
  /** `aria-invalid` and `aria-describedby` of the field. */
  invalid?: 'true' | 'false';
  describedby?: string | typeof nothing;
  /** A `data-field` on the field (the element focuses fields with problems by it). */
  dataField?: string;
}

type Host = ReactiveControllerHost & { renderRoot: ParentNode };

export class Combobox implements ReactiveController {
  /** What is typed in the field. */
  query = '';
  /** Whether the suggestions show. */
  expanded = false;
  /** The highlighted option, -1 for none. */
  active = -1;
  private readonly host: Host;
  private readonly config: ComboboxConfig;

  constructor(host: Host, config: ComboboxConfig) {
    this.host = host;
    this.config = config;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.expanded = false;
    this.active = -1;
  }

  /** The options shown now (none while closed). */
  options(): ComboboxOption[] {
    return this.expanded ? this.config.options(this.query) : [];
  }

  /** Close the list. */
  close(): void {
    this.set({ expanded: false, active: -1 });
  }

  /** Clear what was typed (and the highlight). */
  clear(): void {
    this.set({ query: '', active: -1 });
  }

  /** Put focus in the field. */
  focus(): void {
    this.host.renderRoot.querySelector<HTMLElement>(`#${CSS.escape(this.config.ids.input)}`)?.focus();
  }

  /** Change what shows; the host renders again only when something did change. */
  private set(p: Partial<Pick<Combobox, 'query' | 'expanded' | 'active'>>): void {
    const changed = (Object.keys(p) as (keyof typeof p)[]).some((k) => this[k] !== p[k]);
    Object.assign(this, p);
    if (changed) this.host.requestUpdate();
  }

  private openList(active = this.expanded ? this.active : -1): void {
    this.set({ expanded: true, active });
    this.config.lookUp?.(this.query);
  }

  /** Run an option; a chosen one keeps the list open (and, with `clearOnPick`, clears the field). */
  private pick(o: ComboboxOption, i: number): void {
    o.run();
    if (o.selected === undefined) return;
    this.set({ active: i });
    if (this.config.clearOnPick && this.query) {
      this.set({ query: '', active: -1 });
      this.config.lookUp?.('');
    }
  }

  private readonly onKeydown = (e: KeyboardEvent): void => {
    const opts = this.options();
    const n = opts.length;
    switch (e.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        e.preventDefault();
        const down = e.key === 'ArrowDown';
        if (!this.expanded) {
          const now = this.config.options(this.query).length;
          return this.openList(now ? (down ? 0 : now - 1) : -1);
        }
        if (n) this.set({ active: down ? (this.active + 1) % n : this.active <= 0 ? n - 1 : this.active - 1 });
        break;
      }
      case 'Home':
      case 'End':
        // Without a highlight they move the caret in the text.
        if (this.expanded && n && this.active >= 0) {
          e.preventDefault();
          this.set({ active: e.key === 'Home' ? 0 : n - 1 });
        }
        break;
      case 'Enter':
      case ' ': {
        // Space types a space unless an option is highlighted.
        if (!n || (e.key === ' ' && this.active < 0)) return;
        e.preventDefault();
        const i = Math.min(Math.max(this.active, 0), n - 1);
        this.pick(opts[i]!, i);
        break;
      }
      case 'Escape':
        if (this.expanded) {
          e.preventDefault();
          this.close();
        } else if (this.query) {
          e.preventDefault();
          this.clear();
        }
        break;
    }
  };

  private readonly onInput = (e: Event): void => {
    // The field is not one of the form's own values.
    e.stopPropagation();
    this.set({ query: (e.target as HTMLInputElement).value });
    this.openList(-1);
  };

  private readonly onFocusOut = (e: FocusEvent): void => {
    if (!(e.currentTarget as HTMLElement).contains(e.relatedTarget as Node | null)) this.close();
  };

  /** The field, its listbox and the status line. */
  render(v: ComboboxView): TemplateResult {
    const { ids, parts } = this.config;
    const opts = this.options();
    const status = this.expanded ? (this.config.status?.(this.query, opts) ?? '') : '';
    const active = this.active >= 0 && this.active < opts.length ? this.active : -1;
    return html`<div class="combo" @focusout=${this.onFocusOut}>
      <input
        id=${ids.input}
        part=${parts.input ?? nothing}
        data-field=${v.dataField ?? nothing}
        role="combobox"
        autocomplete="off"
        placeholder=${v.placeholder}
        aria-autocomplete="list"
        aria-expanded=${opts.length ? 'true' : 'false'}
        aria-controls=${ids.list}
        aria-activedescendant=${active >= 0 ? ids.option(active) : nothing}
        aria-invalid=${v.invalid ?? nothing}
        aria-describedby=${v.describedby ?? nothing}
        .value=${live(this.query)}
        @input=${this.onInput}
        @focus=${() => this.config.lookUp?.(this.query)}
        @click=${() => this.openList()}
        @keydown=${this.onKeydown}
      />
      <ul
        id=${ids.list}
        role="listbox"
        part=${parts.list}
        class="listbox"
        aria-label=${v.listLabel}
        aria-multiselectable="true"
        ?hidden=${!opts.length}
        @mousedown=${(e: Event) => e.preventDefault()}
      >
        ${opts.map(
          (o, i) => html`<li
            id=${ids.option(i)}
            role="option"
            part=${parts.option}
            class="option ${i === active ? 'active' : ''} ${o.selected === undefined ? 'action' : ''}"
            aria-selected=${o.selected ? 'true' : 'false'}
            @click=${() => this.pick(o, i)}
          >${o.selected === undefined ? nothing : html`<span class="check" aria-hidden="true">${o.selected ? '✓' : ''}</span>`}${o.label}</li>`,
        )}
      </ul>
      ${status ? html`<p class="listbox muted small" role="status">${status}</p>` : nothing}
    </div>`;
  }
}
