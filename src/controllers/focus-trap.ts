/**
 * Keeps keyboard focus inside a modal region that is not a native `<dialog>` (the breakout
 * dashboard shown over the room): Tab from the last control goes to the first, Shift+Tab from the
 * first to the last, across the shadow roots of elements inside it; Escape asks to close it.
 *
 * Use: `@keydown=${trap.onKeydown}` on the region. Escape is left alone when something inside
 * already handled it (a menu, a native dialog).
 */

const FOCUSABLE = 'a[href], button, input, select, textarea, summary, [tabindex]';

/** The elements Tab reaches inside `root`, in order, looking into shadow roots and slots. */
export function tabbables(root: Element): HTMLElement[] {
  const out: HTMLElement[] = [];
  const walk = (children: Iterable<Element>): void => {
    for (const child of children) {
      const el = child as HTMLElement;
      if (el.inert || el.hidden || (el.localName === 'dialog' && !(el as HTMLDialogElement).open)) continue;
      if (
        el.matches(FOCUSABLE) &&
        el.tabIndex >= 0 &&
        !el.matches(':disabled') &&
        !(el instanceof HTMLInputElement && el.type === 'hidden') &&
        el.checkVisibility({ visibilityProperty: true })
      ) {
        out.push(el);
      }
      if (el.shadowRoot) walk(el.shadowRoot.children);
      else if (el instanceof HTMLSlotElement) walk(el.assignedElements({ flatten: true }));
      else walk(el.children);
    }
  };
  walk([root]);
  return out;
}

export class FocusTrap {
  private readonly onEscape: () => void;

  constructor(onEscape: () => void) {
    this.onEscape = onEscape;
  }

  readonly onKeydown = (e: KeyboardEvent): void => {
    const region = e.currentTarget as HTMLElement;
    if (e.key === 'Escape') {
      const inDialog = e.composedPath().some((n) => n instanceof HTMLDialogElement && n.open);
      if (e.defaultPrevented || inDialog) return;
      e.preventDefault();
      this.onEscape();
      return;
    }
    if (e.key !== 'Tab') return;
    // A native modal dialog inside traps focus by itself.
    if (e.composedPath().some((n) => n instanceof HTMLDialogElement && n.open)) return;
    const list = tabbables(region);
    if (!list.length) {
      e.preventDefault();
      region.focus();
      return;
    }
    const active = e.composedPath()[0];
    const first = list[0]!;
    const last = list[list.length - 1]!;
    if (e.shiftKey && (active === first || active === region)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && active === last) {
      e.preventDefault();
      first.focus();
    }
  };
}
