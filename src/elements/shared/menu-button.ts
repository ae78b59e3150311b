/**
 * The "three dots" button and its menu as a template, driven by the shared menu button
 * controller (`src/controllers/menu-button.ts`, re-exported here).
 */
import { html, type TemplateResult } from 'lit';
import type { MenuButton } from '../../controllers/menu-button.ts';
import { icon } from './icons.ts';

export { MenuButton } from '../../controllers/menu-button.ts';

export interface MenuButtonView {
  /** The button's id (the controller's `buttonId`); the menu gets `${id}-menu`. */
  id: string;
  /** The button's accessible name ("More options"). */
  label: string;
  /** Parts of the button and the menu. */
  part: string;
  menuPart: string;
  /** Open upwards (a menu on a bottom toolbar). */
  up?: boolean;
  /** The items: buttons with `role="menuitem"` and `tabindex="-1"`. */
  items: unknown;
}

/** A "three dots" button and its menu, driven by `menu`. */
export function renderMenuButton(menu: MenuButton, v: MenuButtonView): TemplateResult {
  return html`<div class="menu-wrap" @focusout=${menu.onFocusOut}>
    <button id=${v.id} class="icon-btn" part=${v.part} aria-label=${v.label} aria-haspopup="menu"
      aria-expanded=${menu.open ? 'true' : 'false'} aria-controls="${v.id}-menu"
      @click=${menu.onButtonClick} @keydown=${menu.onButtonKeydown}>${icon('more')}</button>
    <div id="${v.id}-menu" class="menu ${v.up ? 'up' : ''}" part=${v.menuPart} role="menu" aria-labelledby=${v.id}
      ?hidden=${!menu.open} @keydown=${menu.onMenuKeydown}>${v.items}</div>
  </div>`;
}
