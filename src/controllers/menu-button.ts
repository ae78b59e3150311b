/**
 * The menu button pattern as a reactive controller, for every "three dots" menu and every
 * "Move to" menu: Enter, Space or ArrowDown open it on the first item, ArrowUp on the last;
 * arrows, Home and End move; Escape closes it and gives focus back to its button; Tab, a click
 * outside or focus moving elsewhere closes it.
 *
 * One controller drives one menu (`new MenuButton(host, 'menu-button')`, the button's id) or a
 * family of menus of which one is open at a time, each with a key (`new MenuButton(host, (key) =>
 * selector of that key's button)`, e.g. one menu per attachment or per person).
 *
 * Render with `menu.isOpen(key)` (or `menu.open` for one menu); put `onFocusOut` on a wrapper
 * around the button and the menu, the button's handlers (`onButtonClick`/`onButtonKeydown`, or
 * `buttonHandlers(key)`) on the button and `onMenuKeydown` on the element with `role="menu"`,
 * which shares the button's parent element; items are its `[role="menuitem"]` and `[role="menuitemcheckbox"]`.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

type Host = ReactiveControllerHost & HTMLElement & { renderRoot: ParentNode; updateComplete: Promise<unknown> };

export class MenuButton implements ReactiveController {
  /** The key of the open menu ('' for a controller of one menu), or null when none is open. */
  openKey: string | null = null;
  private readonly host: Host;
  /** The CSS selector of a menu's button; the menu's wrapper is the button's parent element. */
  private readonly buttonSelector: (key: string) => string;

  private readonly onDocPointerDown = (e: PointerEvent): void => {
    if (this.openKey === null) return;
    const wrap = this.buttonEl(this.openKey)?.parentElement;
    if (wrap && !e.composedPath().includes(wrap)) this.close();
  };

  /**
   * @param button The id of the one menu's button, or, for a family of menus, a function giving
   *   the CSS selector of the button of the menu with that key.
   */
  constructor(host: Host, button: string | ((key: string) => string)) {
    this.host = host;
    this.buttonSelector = typeof button === 'string' ? () => `#${CSS.escape(button)}` : button;
    host.addController(this);
  }

  /** Whether the (one) menu shows. */
  get open(): boolean {
    return this.openKey !== null;
  }

  /** Whether the menu with this key shows. */
  isOpen(key = ''): boolean {
    return this.openKey === key;
  }

  hostConnected(): void {
    document.addEventListener('pointerdown', this.onDocPointerDown, true);
  }

  hostDisconnected(): void {
    document.removeEventListener('pointerdown', this.onDocPointerDown, true);
    this.openKey = null;
  }

  /** Close the open menu; with `focusButton`, focus goes back to its button. */
  close(focusButton = false): void {
    const key = this.openKey;
    if (key !== null) {
      this.openKey = null;
      this.host.requestUpdate();
    }
    // A menu already closed (by its item, say) still gives focus back to its button.
    if (focusButton) this.buttonEl(key ?? '')?.focus();
  }

  /** Open a menu (closing any other) with focus on its first or last item. */
  async show(focus: 'first' | 'last' = 'first', key = ''): Promise<void> {
    this.openKey = key;
    this.host.requestUpdate();
    await this.host.updateComplete;
    if (this.openKey !== key) return;
    const items = this.items(key);
    items[0]?.parentElement?.scrollIntoView?.({ block: 'nearest' });
    (focus === 'first' ? items[0] : items[items.length - 1])?.focus();
  }

  /** The one menu's button: its click toggles the menu. */
  readonly onButtonClick = (): void => this.toggle('');

  /** The one menu's button: ArrowDown and ArrowUp open it (Enter and Space click). */
  readonly onButtonKeydown = (e: KeyboardEvent): void => this.arrowOpen(e, '');

  /** The click and keydown listeners of the button of the menu with this key. */
  buttonHandlers(key: string): { click: () => void; keydown: (e: KeyboardEvent) => void } {
    return { click: () => this.toggle(key), keydown: (e) => this.arrowOpen(e, key) };
  }

  /** The keydown listener of every menu (`role="menu"`) of this controller. */
  readonly onMenuKeydown = (e: KeyboardEvent): void => {
    const items = this.openKey === null ? [] : this.items(this.openKey);
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

  /** The wrapper's focusout: focus went somewhere outside the open menu and its button. */
  readonly onFocusOut = (e: FocusEvent): void => {
    const wrap = e.currentTarget as HTMLElement;
    const next = e.relatedTarget as Node | null;
    if (this.openKey === null || !next || wrap.contains(next)) return;
    // Only the open menu's own wrapper closes it (focus leaving another row's menu does not).
    const button = this.buttonEl(this.openKey);
    if (button && wrap.contains(button)) this.close();
  };

  private toggle(key: string): void {
    if (this.openKey === key) this.close();
    else void this.show('first', key);
  }

  private arrowOpen(e: KeyboardEvent, key: string): void {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      void this.show(e.key === 'ArrowDown' ? 'first' : 'last', key);
    }
  }

  private buttonEl(key: string): HTMLElement | null {
    return this.host.renderRoot.querySelector<HTMLElement>(this.buttonSelector(key));
  }

  private items(key: string): HTMLElement[] {
    const menu = this.buttonEl(key)?.parentElement?.querySelector('[role="menu"]');
    return [...(menu?.querySelectorAll<HTMLElement>(':is([role="menuitem"], [role="menuitemcheckbox"]):not([disabled])') ?? [])];
  }
}
