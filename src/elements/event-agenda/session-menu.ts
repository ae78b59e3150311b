/**
 * The three blue dots to the right of an agenda session: the shared menu button controller
 * (ARIA menu button pattern, one menu open at a time), with the agenda's markup and parts.
 */
import { css, html, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { icon } from '../shared/icons.ts';
import { MenuButton } from '../../controllers/menu-button.ts';

export interface SessionMenuHost extends ReactiveControllerHost, HTMLElement {
  readonly renderRoot: HTMLElement | DocumentFragment;
  readonly updateComplete: Promise<boolean>;
}

export interface MenuItem {
  label: string;
  run(): void;
}

export class SessionMenu {
  private readonly menu: MenuButton;

  constructor(host: SessionMenuHost) {
    this.menu = new MenuButton(host, (id) => `#mb-${CSS.escape(id)}`);
  }

  /** The dots and their menu for one session. */
  render(id: string, label: string, items: MenuItem[]): TemplateResult {
    const menu = this.menu;
    const open = menu.isOpen(id);
    const on = menu.buttonHandlers(id);
    return html`<div class="menu-wrap" @focusout=${menu.onFocusOut}>
      <button id="mb-${id}" class="icon-btn dots" part="menu-button" aria-label=${label} aria-haspopup="menu"
        aria-expanded=${open ? 'true' : 'false'} aria-controls="m-${id}" @click=${on.click} @keydown=${on.keydown}
      >${icon('more')}</button>
      <div id="m-${id}" class="menu" part="menu" role="menu" aria-labelledby="mb-${id}" ?hidden=${!open} @keydown=${menu.onMenuKeydown}>
        ${items.map(
          (it) => html`<button role="menuitem" tabindex="-1" class="menu-item" part="menu-item" @click=${() => {
            // Focus the dots first: whatever the item opens returns focus there.
            menu.close(true);
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
