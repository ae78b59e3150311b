/**
 * The three blue dots to the right of an agenda session: a menu button (ARIA menu button
 * pattern). Enter, Space or ArrowDown open it on the first item, ArrowUp on the last; arrows,
 * Home and End move; Escape closes it and returns focus to the dots; Tab or a click elsewhere
 * closes it. One menu is open at a time.
 */
import { css, html, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { icon } from '../shared/icons.ts';

export interface SessionMenuHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
  readonly updateComplete: Promise<boolean>;
}

export interface MenuItem {
  label: string;
  run(): void;
}

export class SessionMenu implements ReactiveController {
  /** The id of the session whose menu is open ('' for none). */
  openFor = '';
  private readonly host: SessionMenuHost;

  constructor(host: SessionMenuHost) {
    this.host = host;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.openFor = '';
  }

  close(focusButton = false): void {
    const id = this.openFor;
    this.openFor = '';
    this.host.requestUpdate();
    if (focusButton && id) this.host.renderRoot.querySelector<HTMLElement>(`#mb-${CSS.escape(id)}`)?.focus();
  }

  private async show(id: string, last = false): Promise<void> {
    this.openFor = id;
    this.host.requestUpdate();
    await this.host.updateComplete;
    const items = this.items();
    items[last ? items.length - 1 : 0]?.focus();
  }

  private items(): HTMLElement[] {
    return [...this.host.renderRoot.querySelectorAll<HTMLElement>('.menu:not([hidden]) [role="menuitem"]')];
  }

  // An arrow function: Lit calls listeners with the host element as `this`.
  private readonly onMenuKeydown = (e: KeyboardEvent): void => {
    const items = this.items();
    const i = items.indexOf(e.composedPath()[0] as HTMLElement);
    const n = items.length;
    const go = (j: number) => {
      e.preventDefault();
      items[(j + n) % n]?.focus();
    };
    if (e.key === 'ArrowDown') go(i + 1);
    else if (e.key === 'ArrowUp') go(i - 1);
    else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(n - 1);
    else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      this.close(true);
    } else if (e.key === 'Tab') this.close();
  };

  /** The dots and their menu for one session. */
  render(id: string, label: string, items: MenuItem[]): TemplateResult {
    const open = this.openFor === id;
    return html`<div class="menu-wrap" @focusout=${(e: FocusEvent) => {
      if (open && !(e.currentTarget as HTMLElement).contains(e.relatedTarget as Node | null)) this.close();
    }}>
      <button
        id="mb-${id}"
        class="icon-btn dots"
        part="menu-button"
        aria-label=${label}
        aria-haspopup="menu"
        aria-expanded=${open ? 'true' : 'false'}
        aria-controls="m-${id}"
        @click=${() => (open ? this.close() : void this.show(id))}
        @keydown=${(e: KeyboardEvent) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            void this.show(id, e.key === 'ArrowUp');
          }
        }}
      >${icon('more')}</button>
      <div id="m-${id}" class="menu" part="menu" role="menu" aria-labelledby="mb-${id}" ?hidden=${!open} @keydown=${this.onMenuKeydown}>
        ${items.map(
          (it) => html`<button role="menuitem" tabindex="-1" class="menu-item" part="menu-item" @click=${() => {
            // Focus the dots first: whatever the item opens returns focus there.
            this.close(true);
            it.run();
          }}>${it.label}</button>`,
        )}
      </div>
    </div>`;
  }
}

export const sessionMenuStyles = css`
  .menu-wrap {
    position: relative;
  }
  .menu {
    position: absolute;
    left: auto;
    right: auto;
    inset-inline-end: 0;
    top: 100%;
    z-index: 5;
    min-width: 10rem;
    padding: 0.3rem;
    background: var(--kaltura-bg);
    border: 1px solid var(--kaltura-border);
    border-radius: 8px;
    box-shadow: 0 8px 24px rgb(0 0 0 / 0.15);
  }
  .menu-item {
    text-align: start;
  }
  .dots {
    color: var(--kaltura-accent);
  }
`;
