/**
 * Last-N and video layers, for the stage while the room's media goes through the media server:
 * a browser decodes video only for the N people who spoke most recently (until N have spoken, the
 * first N on the stage), plus whoever is pinned or featured, and the shared content; everyone
 * else's tile shows their initials and the media server stops sending their video (`off`). Each
 * decoded video comes in the layer its tile's width needs. So a browser's cost stays flat however
 * many people join.
 *
 * Nothing here runs per frame: tiles report their width through one ResizeObserver, and the stage
 * recomputes when it renders (a resize that changes a layer, a new speaker, a pin, someone joining).
 * A part of the drop-in of its own: room-stage.ts loads it the first time the room's media goes
 * through the media server.
 */
import { noChange, type ElementPart } from 'lit';
import { AsyncDirective, directive } from 'lit/async-directive.js';
import type { LayerWish } from '../../client/media/room-media.ts';
import type { Participant, SfuLayer } from '../../protocol/types.ts';
import { featuredTile, stageMode, type StageView } from './parts/stage.ts';

/** The `last-n` the room uses when the page sets none. */
export const DEFAULT_LAST_N = 4;

/** The layer a tile `width` CSS px wide needs: at least 480 high, at least 240 medium, else low. */
export function layerFor(width: number): Exclude<SfuLayer, 'off'> {
  return width >= 480 ? 'high' : width >= 240 ? 'medium' : 'low';
}

/**
 * Whose video to decode among `others` (the people on the stage but the user, in stage order):
 * everyone `always` names who is there (pinned, featured), and the first `n` of those who spoke,
 * most recent first (`spoke`), topped up from the stage order while fewer than `n` have spoken.
 */
export function lastN(others: readonly string[], spoke: readonly string[], n: number, always: readonly (string | null | undefined)[]): Set<string> {
  const here = new Set(others);
  const decoded = new Set<string>();
  for (const id of always) if (id && here.has(id)) decoded.add(id);
  const ranked = new Set([...spoke.filter((id) => here.has(id)), ...others]);
  let left = Number.isFinite(n) ? Math.max(0, Math.floor(n)) : DEFAULT_LAST_N;
  for (const id of ranked) {
    if (left-- <= 0) break;
    decoded.add(id);
  }
  return decoded;
}

const audioOnly = new WeakMap<MediaStream, MediaStream>();

/**
 * The sound of `stream` without its video, for a paused tile (its media element keeps playing the
 * person's voice). The same stream on every render while the sound track stays the same.
 */
export function soundOf(stream: MediaStream | null): MediaStream | null {
  const track = stream?.getAudioTracks()[0];
  if (!stream || !track) return null;
  let sound = audioOnly.get(stream);
  if (sound?.getAudioTracks()[0] !== track) audioOnly.set(stream, (sound = new MediaStream([track])));
  return sound;
}

/**
 * Last-N for one stage: `apply` pauses the tiles past it and asks for each video's layer; tiles
 * report their width (CSS px) through one ResizeObserver, and `onChange` runs when a tile's layer
 * changes.
 */
export class LastN {
  private readonly widths = new Map<string, number>();
  private readonly users = new WeakMap<Element, string>();
  private readonly onChange: () => void;
  private observer: ResizeObserver | null = null;

  constructor(onChange: () => void) {
    this.onChange = onChange;
  }

  /**
   * On the media server: video only for the `n` latest speakers (`spoke`, most recent first) and
   * whoever is pinned or featured; the others' tiles show their initials and play their sound.
   * Each video's layer (or `off`) goes to `setLayers`.
   */
  apply(view: StageView, people: readonly Participant[], spoke: readonly string[], n: number, setLayers: (want: LayerWish[]) => void): void {
    const others = view.tiles.filter((t) => !t.isSelf).map((t) => t.userId);
    const featured = stageMode(view) === 'speaker' ? featuredTile(view)?.userId : null;
    const decoded = lastN(others, spoke, n, [view.pinned, featured]);
    const cameraOn = new Set(people.filter((p) => p.video).map((p) => p.id));
    const want: LayerWish[] = [];
    view.observe = (userId) => observeTile(this, userId);
    view.tiles = view.tiles.map((t) => {
      if (t.isSelf) return t;
      if (!decoded.has(t.userId)) {
        want.push({ userId: t.userId, source: 'camera', layer: 'off' });
        return { ...t, stream: soundOf(t.stream), video: false, connecting: false, paused: cameraOn.has(t.userId) };
      }
      const width = this.widths.get(t.userId);
      if (width !== undefined) want.push({ userId: t.userId, source: 'camera', layer: layerFor(width) });
      return t;
    });
    setLayers(want);
  }

  observe(el: Element, userId: string): void {
    this.users.set(el, userId);
    if (typeof ResizeObserver === 'undefined') return;
    (this.observer ??= new ResizeObserver((entries) => this.resized(entries))).observe(el);
  }

  unobserve(el: Element): void {
    this.observer?.unobserve(el);
  }

  private resized(entries: ResizeObserverEntry[]): void {
    let changed = false;
    for (const entry of entries) {
      const userId = this.users.get(entry.target);
      if (userId === undefined) continue;
      const before = this.widths.get(userId);
      const width = entry.contentRect.width;
      this.widths.set(userId, width);
      if (before === undefined || layerFor(before) !== layerFor(width)) changed = true;
    }
    if (changed) this.onChange();
  }
}

/** On a tile: report its width as `userId`'s to `sizes`. */
class ObserveTile extends AsyncDirective {
  private el: Element | null = null;
  private sizes: LastN | null = null;
  private userId = '';

  render(_sizes: LastN, _userId: string): unknown {
    return noChange;
  }

  override update(part: ElementPart, [sizes, userId]: [LastN, string]): unknown {
    if (part.element !== this.el || sizes !== this.sizes || userId !== this.userId) {
      if (this.el) this.sizes?.unobserve(this.el);
      this.el = part.element;
      this.sizes = sizes;
      this.userId = userId;
      sizes?.observe(part.element, userId);
    }
    return noChange;
  }

  protected override disconnected(): void {
    if (this.el) this.sizes?.unobserve(this.el);
  }

  protected override reconnected(): void {
    if (this.el) this.sizes?.observe(this.el, this.userId);
  }
}
const observeTile = directive(ObserveTile);
