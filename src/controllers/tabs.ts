/**
 * The tabs pattern as a reactive controller, for every tab list (the room's side panel, the
 * session editor): a roving tabindex (only the selected tab is in the Tab order), selection
 * follows focus, Left and Right arrows move to the previous and next tab (mirrored right to
 * left), Up and Down do the same in a vertical list, Home and End go to the first and last.
 *
 * The host keeps which tab is selected; the controller asks it to select another one and then
 * moves focus to that tab once the host rendered it.
 *
 * Use: `tabindex=${tabs.tabIndex(key)}` on each `role="tab"` (id `tab-<key>` by default) and
 * `@keydown=${tabs.onKeydown}` on the `role="tablist"`.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

type Host = ReactiveControllerHost & HTMLElement & { renderRoot: ParentNode; updateComplete: Promise<unknown> };

export interface TabsOptions<K extends string> {
  /** The tabs in their visual order (read at every key press: tabs may come and go). */
  keys: () => readonly K[];
  /** The selected tab. */
  selected: () => K;
  /** Select a tab (the host re-renders). */
  select: (key: K) => void;
  /** The CSS selector of a tab in the host's shadow root. Default `#tab-<key>`. */
  tabSelector?: (key: K) => string;
  /** `vertical`: Up and Down move instead of Left and Right. Default `horizontal`. */
  orientation?: 'horizontal' | 'vertical';
}

export class TabsController<K extends string> implements ReactiveController {
  private readonly host: Host;
  private readonly options: TabsOptions<K>;

  constructor(host: Host, options: TabsOptions<K>) {
    this.host = host;
    this.options = options;
    host.addController(this);
  }

  hostConnected(): void {}

  /** 0 for the selected tab, -1 for the others. */
  tabIndex(key: K): 0 | -1 {
    return key === this.options.selected() ? 0 : -1;
  }

  /** Select `key` and, with `focus`, move focus to its tab once it is rendered. */
  async choose(key: K, focus = false): Promise<void> {
    this.options.select(key);
    if (!focus) return;
    await this.host.updateComplete;
    this.tabEl(key)?.focus();
  }

  /** The tab list's keydown. */
  readonly onKeydown = (e: KeyboardEvent): void => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const keys = this.options.keys();
    const n = keys.length;
    const i = keys.indexOf(this.options.selected());
    if (!n) return;
    const step = this.step(e);
    const next = e.key === 'Home' ? 0 : e.key === 'End' ? n - 1 : step ? (Math.max(i, 0) + step + n) % n : -1;
    if (next < 0) return;
    e.preventDefault();
    void this.choose(keys[next]!, true);
  };

  /** +1 (next), -1 (previous) or 0 for an arrow key, by orientation and writing direction. */
  private step(e: KeyboardEvent): number {
    if ((this.options.orientation ?? 'horizontal') === 'vertical') {
      return e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0;
    }
    const rtl = getComputedStyle((e.currentTarget as Element | null) ?? this.host).direction === 'rtl';
    const forward = rtl ? 'ArrowLeft' : 'ArrowRight';
    const back = rtl ? 'ArrowRight' : 'ArrowLeft';
    return e.key === forward ? 1 : e.key === back ? -1 : 0;
  }

  private tabEl(key: K): HTMLElement | null {
    const selector = this.options.tabSelector?.(key) ?? `#tab-${CSS.escape(key)}`;
    return this.host.renderRoot.querySelector<HTMLElement>(selector);
  }
}
