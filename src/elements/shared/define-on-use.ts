/**
 * Load an element's code the first time its tag appears in the page (or at once if it
 * is already there). The drop-in stays small for pages that only need the room: an
 * event portal's agenda and editor arrive when the portal puts them on the page.
 */
export function defineOnUse(tag: string, load: () => Promise<unknown>): void {
  if (typeof document === 'undefined' || customElements.get(tag)) return;
  let loading = false;
  const start = () => {
    if (loading) return;
    loading = true;
    observer.disconnect();
    load().catch((err) => console.error(`Could not load <${tag}>:`, err));
  };
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      for (const node of r.addedNodes) {
        if (node instanceof Element && (node.localName === tag || node.querySelector(tag))) return start();
      }
    }
  });
  if (document.querySelector(tag)) return start();
  observer.observe(document.documentElement, { childList: true, subtree: true });
}
