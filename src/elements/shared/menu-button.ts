/**
 * The menu button pattern as a reactive controller, for every "three dots" menu:
 * Enter, Space or ArrowDown open it on the first item, ArrowUp on the last; arrows, Home and End
 * move; Escape closes it and gives focus back to the button; Tab, a click outside or focus moving
 * elsewhere closes it.
 *
 * Render with `menu.open`, put `menu.wrap` around the button and the menu, `menu.button` on the
 * button and `menu.list` on the element with `role="menu"`; items are its `[role="menuitem"]`.
 */
import { html, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { icon } from './icons.ts';

type Host = ReactiveControllerHost & HTMLElement & { renderRoot: ParentNode; updateComplete: Promise<unknown> };

export class MenuButton implements ReactiveController {
  /** Whether the menu shows. */
  open = false;
  private readonly host: Host;
  /** The id of the menu button; the menu's wrapper is its parent element. */
  private readonly buttonId: string;

  private readonly onDocPointerDown = (e: PointerEvent): void => {
    const wrap = this.buttonEl()?.parentElement;
    if (this.open && wrap && !e.composedPath().includes(wrap)) this.close();
  };

  constructor(host: Host, buttonId: string) {
    this.host = host;
    this.buttonId = buttonId;
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('pointerdown', this.onDocPointerDown, true);
  }

  hostDisconnected(): void {
    document.removeEventListener('pointerdown', this.onDocPointerDown, true);
    this.open = false;
  }

  /** Close the menu; with `focusButton`, focus goes back to its button. */
  close(focusButton = false): void {
    if (this.open) {
      this.open = false;
      this.host.requestUpdate();
    }
    if (focusButton) this.buttonEl()?.focus();
  }

  /** Open the menu with focus on its first or last item. */
  async show(focus: 'first' | 'last' = 'first'): Promise<void> {
    this.open = true;
    this.host.requestUpdate();
    await this.host.updateComplete;
    const items = this.items();
    (focus === 'first' ? items[0] : items[items.length - 1])?.focus();
  }

  /** The button's click: toggles. */
  readonly onButtonClick = (): void => {
    if (this.open) this.close();
    else void this.show('first');
  };

  /** The button's keydown: ArrowDown and ArrowUp open (Enter and Space click). */
  readonly onButtonKeydown = (e: KeyboardEvent): void => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      void this.show(e.key === 'ArrowDown' ? 'first' : 'last');
    }
  };

  /** The menu's keydown. */
  readonly onMenuKeydown = (e: KeyboardEvent): void => {
    const items = this.items();
    const n = items.length;
    const i = items.indexOf(e.composedPath()[0] as HTMLElement);
    const next = ({ ArrowDown: i + 1, ArrowUp: i - 1 + n, Home: 0, End: n - 1 } as Record<string, number>)[e.key];
    if (next !== undefined && n) {
      e.preventDefault();
      items[next % n]!.focus();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      this.close(true);
    } else if (e.key === 'Tab') {
      this.close();
    }
  };

  /** The wrapper's focusout: focus went somewhere outside the menu. */
  readonly onFocusOut = (e: FocusEvent): void => {
    const wrap = e.currentTarget as HTMLElement;
    const next = e.relatedTarget as Node | null;
    if (this.open && next && !wrap.contains(next)) this.close();
  };

  private buttonEl(): HTMLElement | null {
    return this.host.renderRoot.querySelector<HTMLElement>(`#${this.buttonId}`);
  }

  private items(): HTMLElement[] {
    const menu = this.buttonEl()?.parentElement?.querySelector('[role="menu"]');
    return [...(menu?.querySelectorAll<HTMLElement>('[role="menuitem"]:not([disabled])') ?? [])];
  }
}

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
