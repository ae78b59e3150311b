/**
 * Signed file links that stay usable on a page left open. The API hands out attachment
 * `downloadUrl`s and header-image `header.url`s that work for 5 to 10 minutes
 * (server/sessions/links.ts); an editor or agenda open longer holds dead links. Elements
 * that show such links keep one `FileLinks` and:
 *
 * - render every link through `href()`, which also notes when the element first had it;
 * - on a Download click call `download()`: a link that is expired or about to be (by its
 *   `expires`, or because the element has held it for more than four minutes, which needs
 *   no agreement between the two clocks) is replaced by a fresh one from the server first;
 * - on an `<img>` error call `imageFailed()`: the link is re-fetched once, and a link that
 *   came from such a re-fetch is never re-fetched again, so a file that is truly gone
 *   costs one request, not a loop.
 */
import { fileLinkExpiry, type SessionsApi } from '../../client/sessions-api.ts';

/** A link this close to its expiry counts as expired (a slow download must still start in time). */
export const LINK_MARGIN_MS = 60_000;
/** Links live at least five minutes from when they were handed out; after four, ask for a fresh one. */
export const LINK_HELD_MS = 4 * 60_000;
/** At most this many links remembered (a page that lists many sessions, for hours). */
const REMEMBERED = 2000;

export class FileLinks {
  private readonly api: () => SessionsApi;
  private readonly now: () => number;
  private readonly firstSeen = new Map<string, number>();
  /** Image links already re-fetched, or that came from a re-fetch: their failure is final. */
  private readonly spent = new Set<string>();

  constructor(api: () => SessionsApi, now: () => number = () => Date.now()) {
    this.api = api;
    this.now = now;
  }

  /** The absolute URL to put in `href` or `src`; remembers when the element first had it. */
  href(link: string): string {
    if (!this.firstSeen.has(link)) {
      if (this.firstSeen.size >= REMEMBERED) this.firstSeen.delete(this.firstSeen.keys().next().value!);
      this.firstSeen.set(link, this.now());
    }
    return this.api().fileUrl(link);
  }

  /** Is this link expired, or about to be? */
  stale(link: string): boolean {
    const now = this.now();
    const expires = fileLinkExpiry(link);
    if (expires !== null && expires - LINK_MARGIN_MS <= now) return true;
    const seen = this.firstSeen.get(link);
    return seen !== undefined && now - seen >= LINK_HELD_MS;
  }

  /**
   * The click handler of a Download link (`<a href download>`). A fresh link is left to the
   * browser. A stale one is held back: `refresh` asks the server again and gives the current
   * link (null when the file is gone, after saying so), which is then followed once, whatever
   * it is, so a wrong clock costs one request per click and never a loop.
   */
  async download(e: MouseEvent, link: string, name: string, refresh: () => Promise<string | null>): Promise<void> {
    if (!this.stale(link)) return;
    e.preventDefault();
    const anchor = e.currentTarget as HTMLAnchorElement;
    const fresh = await refresh();
    if (fresh === null) return;
    // Follow it from beside the original link (inside the element), then tidy up.
    const a = document.createElement('a');
    a.href = this.href(fresh);
    a.download = name;
    a.hidden = true;
    a.dataset.freshLink = '';
    (anchor.parentNode ?? anchor.getRootNode()).appendChild(a);
    a.click();
    a.remove();
  }

  /**
   * An `<img>` showing `link` failed to load. True when the element should re-fetch the link
   * (once); call `refetched()` with what the server then gave.
   */
  imageFailed(link: string): boolean {
    if (this.spent.has(link)) return false;
    this.remember(link);
    return true;
  }

  /** The link a re-fetch gave: if it fails too, that failure is final. */
  refetched(link: string | null | undefined): void {
    if (link) this.remember(link);
  }

  private remember(link: string): void {
    if (this.spent.size >= REMEMBERED) this.spent.delete(this.spent.values().next().value!);
    this.spent.add(link);
  }
}
