/** Test helpers: look into an element's shadow root the way the element tests do. */
import { waitUntil as openWcWaitUntil } from '@open-wc/testing';
export const squash = (s: string | null | undefined): string => (s ?? '').replace(/\s+/g, ' ').trim();

/** The first match in `el`'s shadow root, or null. */
export function $<T extends Element = HTMLElement>(el: Element, selector: string): T | null {
  return el.shadowRoot!.querySelector<T>(selector);
}

/** The first match in `el`'s shadow root; throws when there is none. */
export function get<T extends Element = HTMLElement>(el: Element, selector: string): T {
  const found = $<T>(el, selector);
  if (!found) throw new Error(`no ${selector}`);
  return found;
}

export function $$<T extends Element = HTMLElement>(el: Element, selector: string): T[] {
  return [...el.shadowRoot!.querySelectorAll<T>(selector)];
}

/** Text of the shadow root (or of one element in it), white space folded. */
export function text(el: Element, selector?: string): string {
  return squash(selector ? $(el, selector)?.textContent : el.shadowRoot!.textContent);
}

/** The button (or other control matched by `controls`) whose accessible label or text is `label`. */
export function button(el: Element, label: string | RegExp, controls = 'button'): HTMLButtonElement | undefined {
  return $$<HTMLButtonElement>(el, controls).find((b) => {
    const name = squash(b.getAttribute('aria-label') ?? b.textContent);
    return typeof label === 'string' ? name === label : label.test(name);
  });
}

/** Like `button`, but throws when there is none. */
export function mustButton(el: Element, label: string | RegExp, controls = 'button'): HTMLButtonElement {
  const b = button(el, label, controls);
  if (!b) throw new Error(`no button ${label}`);
  return b;
}

/** How long a test waits for a condition by default: far above its worst case on a loaded 2-core machine. */
export const WAIT_MS = 15_000;

/**
 * `waitUntil` from @open-wc/testing with a generous default limit (its own is 1 s, which a
 * busy machine can miss). Tests wait for conditions, never for fixed times.
 */
export function waitUntil(
  predicate: () => unknown,
  message?: string,
  options: { interval?: number; timeout?: number } = {},
): Promise<void> {
  return openWcWaitUntil(predicate, message, { ...options, timeout: Math.max(options.timeout ?? 0, WAIT_MS) });
}
