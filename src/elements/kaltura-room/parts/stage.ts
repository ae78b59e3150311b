/**
 * The stage: the people in the user's room and the content someone shares.
 *
 * - Grid: every tile 16:9 and as large as the stage's box allows (see `fitGrid`); rows may hold
 *   tiles of two sizes, so five people fill the stage instead of leaving half of it black.
 * - Speaker: the pinned person, else whoever speaks, else the first other person, large; the
 *   others in a strip beside it (below on narrow screens).
 * - Share: the shared content fills the stage, the cameras in the strip.
 *
 * A render module: `renderStage(view, on)` returns the `<section part="stage">` and `stageStyles`
 * (./stage.styles.ts) is its css. The element keeps the state (layout, pin, who speaks, from
 * `ActiveSpeaker`) and passes it in; the stage never owns I/O. Video elements take their streams
 * through `live()`: re-setting `srcObject` on every render restarts a video.
 *
 * Parts (for the element's JSDoc):
 *   stage          the stage region (overlay, videos, bar)
 *   grid           grid view's box of tiles
 *   tile           one person's tile; also tile-self (the user), tile-speaking (the ring),
 *                  tile-pinned, tile-featured (speaker view's large tile)
 *   video          the `<video>` in a tile
 *   avatar         the initials shown when a camera is off
 *   name           a tile's name label (full name in its title)
 *   role-badge     Host / Moderator beside the name (in the corner, shortened, on small tiles)
 *   pin-button     Pin <name> (aria-pressed) in each tile
 *   content        the shared content (figure); content-video its `<video>`; content-label "<Name> is sharing"
 *   stop-share-button  hosts and moderators: "Stop <Name>'s share" beside the content's label
 *   strip          the scrollable row or column of cameras in speaker view and while content is shared
 *   layout-switch  the Layout group; layout-option each of Grid and Speaker (aria-pressed)
 * Custom properties: --kaltura-stage-background, --kaltura-speaking-ring-color, --kaltura-tile-radius
 * (defaults in ./stage.styles.ts), and the room's --kaltura-tile-bg, --kaltura-gap, --kaltura-accent.
 */
import { html, nothing, svg, type ElementPart, type SVGTemplateResult, type TemplateResult } from 'lit';
import { AsyncDirective, directive, type PartInfo, PartType } from 'lit/async-directive.js';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import { noChange } from 'lit';
import type { Role } from '../../../protocol/types.ts';
import { icon, lineIcon } from '../../shared/icons.ts';
import { initials, ROLE_TEXT } from './person.ts';

/** One person on the stage. */
export interface StageTile {
  /** Their user id: the tile's identity across renders. */
  userId: string;
  /** Their display name (the stage adds "(You)" to the user's own). */
  name: string;
  /** Their role: hosts and moderators get a badge. */
  role: Role;
  /** This is the user's own tile (mirrored video, never played aloud). */
  isSelf: boolean;
  /** Their camera and microphone stream, or null while it connects or when there is none. */
  stream: MediaStream | null;
  /** Their microphone is on (off: the tile shows a "microphone off" badge). */
  audio: boolean;
  /** Their camera is on and its video can be shown (off: the tile shows their initials). */
  video: boolean;
  /** Their media is on but has not arrived yet ("Connecting media…"). */
  connecting: boolean;
  /** Their camera is on but its video is paused to save bandwidth (last-N): initials, their sound only. */
  paused?: boolean;
}

/** The content someone shares in the user's room. */
export interface StageShare {
  /** Who shares. */
  userId: string;
  /** Their display name, for "<Name> is sharing". */
  name: string;
  /** The user shares ("You are sharing"; the preview is never played aloud). */
  isSelf: boolean;
  /** The shared screen (with its audio when shared), or null while it connects. */
  stream: MediaStream | null;
  /** The user may stop it (a host or moderator, someone else's share): the caption has "Stop <Name>'s share". */
  stoppable?: boolean;
}

export type StageLayout = 'grid' | 'speaker';

export interface StageView {
  /** The people in the user's room, in the order the grid and the strip show them. */
  tiles: readonly StageTile[];
  /** Someone shares content in the user's room: it fills the stage, the cameras go to the strip. */
  share: StageShare | null;
  /** The layout the user chose. A pinned person always shows speaker view. */
  layout: StageLayout;
  /** The user id the user pinned (shown large), or null. Someone no longer on the stage is ignored. */
  pinned: string | null;
  /** Who speaks now: their tile gets the speaking ring (`ActiveSpeaker.speaking`). */
  speaking: string | null;
  /** Who spoke last, kept through silence (`ActiveSpeaker.recent`): speaker view's choice when nobody is pinned. */
  recentSpeaker?: string | null;
  /** The Sound toggle: off mutes every remote tile and the shared content. */
  soundOn: boolean;
  /** Accessible name of the stage region. Default "Video". */
  label?: string;
  /** Notices floating over the stage (countdown, connection banners), rendered first in the stage. */
  overlay?: unknown;
  /** The bar under the videos (the media toggles and their notes); the layout switch sits at its end. */
  controls?: unknown;
  /** What the tiles of others carry to report their width (the media server's video layers, last-n.ts). */
  observe?: (userId: string) => unknown;
}

export interface StageCallbacks {
  /** Pin a person (shown large in speaker view), or unpin with null. */
  pin(userId: string | null): void;
  /** The user chose a layout in the layout switch. */
  setLayout(layout: StageLayout): void;
  /** "Stop <Name>'s share" in the content's caption (shown when the share is `stoppable`). */
  stopShare?(userId: string): void;
}

/** What the stage shows: the grid, one person large, or shared content. */
export type StageMode = 'grid' | 'speaker' | 'share';

/** What a role badge shows on small tiles (the full word stays for assistive technology). */
const ROLE_SHORT: Record<Role, string> = { host: 'Host', moderator: 'Mod', participant: '' };

const ICONS = {
  grid: svg`<rect x="3.5" y="4.5" width="7.5" height="6.5" rx="1.2"/><rect x="13" y="4.5" width="7.5" height="6.5" rx="1.2"/><rect x="3.5" y="13" width="7.5" height="6.5" rx="1.2"/><rect x="13" y="13" width="7.5" height="6.5" rx="1.2"/>`,
  speaker: svg`<rect x="3.5" y="4" width="17" height="10.5" rx="1.5"/><rect x="3.5" y="17" width="4.6" height="3.2" rx="0.8"/><rect x="9.7" y="17" width="4.6" height="3.2" rx="0.8"/><rect x="15.9" y="17" width="4.6" height="3.2" rx="0.8"/>`,
  pin: svg`<path d="M9.5 3.5h5l-.8 5.2 3.3 3.3v2H7v-2l3.3-3.3z"/><path d="M12 14v6.5"/>`,
  pinned: svg`<path d="M9.5 3.5h5l-.8 5.2 3.3 3.3v2H7v-2l3.3-3.3z" fill="currentColor"/><path d="M12 14v6.5"/>`,
} as const;

// ---------------------------------------------------------------------------------------------
// Grid geometry

/** One row of the grid: how many tiles, and each tile's size in px. */
export interface FitRow {
  count: number;
  width: number;
  height: number;
}

export interface GridFit {
  rows: FitRow[];
  /** Height of all rows with the gaps between them. */
  height: number;
  /** Total tile area, px². */
  area: number;
}

/**
 * The largest tiles of the given aspect for `n` people in a `width` × `height` box.
 *
 * Tries every number of rows; fuller rows come first; each row's tiles fill the width, the tiles
 * of a less full row at most `maxRatio` times as wide as the fullest row's (so nobody is featured
 * by accident), or all rows at the fullest row's size; everything shrinks together when the rows
 * are taller than the box. Picks the arrangement with the most tile area (on a tie, fewer rows).
 */
export function fitGrid(n: number, width: number, height: number, gap = 8, aspect = 16 / 9, maxRatio = 1.5): GridFit {
  let best: GridFit = { rows: [], height: 0, area: 0 };
  if (n <= 0 || width <= 0 || height <= 0) return best;
  for (let r = 1; r <= n; r++) {
    const base = Math.floor(n / r);
    const extra = n % r;
    const counts = Array.from({ length: r }, (_, i) => base + (i < extra ? 1 : 0));
    const natural = counts.map((k) => (width - (k - 1) * gap) / k);
    const fullest = Math.min(...natural);
    for (const ratio of [1, maxRatio]) {
      const widths = natural.map((w) => Math.min(w, fullest * ratio));
      const heights = widths.map((w) => w / aspect);
      const gaps = (r - 1) * gap;
      const sum = heights.reduce((a, b) => a + b, 0);
      const scale = Math.min(1, (height - gaps) / sum);
      if (scale <= 0) continue;
      const rows = counts.map((count, i) => {
        const w = Math.floor(widths[i]! * scale);
        return { count, width: w, height: Math.floor(w / aspect) };
      });
      const area = rows.reduce((a, row) => a + row.count * row.width * row.height, 0);
      if (area > best.area * 1.0001) {
        best = { rows, height: rows.reduce((a, row) => a + row.height, 0) + gaps, area };
      }
    }
  }
  return best;
}

/**
 * Lays out the grid's tiles (absolutely positioned children with class `tile`) from the grid's
 * own box, on every render and whenever the box changes size. The grid's `column-gap` is the gap.
 */
class FitTiles extends AsyncDirective {
  private el: HTMLElement | null = null;
  private observer: ResizeObserver | null = null;
  private box: { width: number; height: number } | null = null;
  private queued = false;

  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT) throw new Error('fitTiles() goes on an element');
  }

  render(_count: number): unknown {
    return noChange;
  }

  override update(part: ElementPart, [count]: [number]): unknown {
    if (this.el !== part.element) {
      this.observer?.disconnect();
      this.observer = null;
      this.el = part.element as HTMLElement;
      this.box = null;
    }
    if (!this.observer) this.observe();
    // Lay out once the whole template is committed (the tiles come after this part).
    if (!this.queued) {
      this.queued = true;
      queueMicrotask(() => {
        this.queued = false;
        this.layout();
      });
    }
    return this.render(count);
  }

  protected override disconnected(): void {
    this.observer?.disconnect();
    this.observer = null;
  }

  protected override reconnected(): void {
    this.observe();
  }

  private observe(): void {
    if (!this.el || typeof ResizeObserver === 'undefined') return;
    this.observer = new ResizeObserver((entries) => {
      const rect = entries[entries.length - 1]!.contentRect;
      this.box = { width: rect.width, height: rect.height };
      this.layout();
    });
    this.observer.observe(this.el);
  }

  private layout(): void {
    const el = this.el;
    if (!el || !this.isConnected) return;
    const box = this.box ?? { width: el.clientWidth, height: el.clientHeight };
    const tiles = [...el.children].filter((c): c is HTMLElement => c.classList.contains('tile'));
    const gap = parseFloat(getComputedStyle(el).columnGap) || 0;
    const fit = fitGrid(tiles.length, box.width, box.height, gap);
    let i = 0;
    let top = Math.max(0, (box.height - fit.height) / 2);
    for (const row of fit.rows) {
      const rowWidth = row.count * row.width + (row.count - 1) * gap;
      let start = Math.max(0, (box.width - rowWidth) / 2);
      for (let k = 0; k < row.count; k++) {
        const s = tiles[i++]!.style;
        s.setProperty('inset-inline-start', `${Math.round(start)}px`);
        s.setProperty('top', `${Math.round(top)}px`);
        s.setProperty('width', `${row.width}px`);
        s.setProperty('height', `${row.height}px`);
        start += row.width + gap;
      }
      top += row.height + gap;
    }
  }
}
const fitTiles = directive(FitTiles);

// ---------------------------------------------------------------------------------------------
// Templates

/** Which layout shows, given the view: sharing wins, then a pin or the chosen layout. */
export function stageMode(view: StageView): StageMode {
  if (view.share) return 'share';
  const pinned = view.pinned !== null && view.tiles.some((t) => t.userId === view.pinned);
  return pinned || view.layout === 'speaker' ? 'speaker' : 'grid';
}

/** Speaker view's large tile: the pinned person, else who speaks (or spoke last), else the first other person. */
export function featuredTile(view: StageView): StageTile | null {
  const find = (id: string | null | undefined, others = false) =>
    id == null ? undefined : view.tiles.find((t) => t.userId === id && !(others && t.isSelf));
  return (
    find(view.pinned) ??
    find(view.speaking, true) ??
    find(view.recentSpeaker, true) ??
    view.tiles.find((t) => !t.isSelf) ??
    view.tiles[0] ??
    null
  );
}

type Place = 'grid' | 'main' | 'strip';

function renderTile(t: StageTile, view: StageView, on: StageCallbacks, place: Place): TemplateResult {
  const pinned = view.pinned === t.userId;
  const speaking = view.speaking === t.userId;
  const name = t.isSelf ? `${t.name} (You)` : t.name;
  const parts = ['tile', t.isSelf && 'tile-self', speaking && 'tile-speaking', pinned && 'tile-pinned', place === 'main' && 'tile-featured'];
  const classes = ['tile', t.isSelf && 'self', !t.video && 'no-video', speaking && 'speaking', pinned && 'pinned'];
  return html`<figure class=${classes.filter(Boolean).join(' ')} part=${parts.filter(Boolean).join(' ')} data-user=${t.userId}
    ${t.isSelf ? nothing : view.observe?.(t.userId)}>
    <video part="video" .srcObject=${live(t.stream)} .muted=${t.isSelf || !view.soundOn} ?muted=${t.isSelf} autoplay playsinline></video>
    ${t.video ? nothing : html`<div class="avatar" part="avatar" aria-hidden="true">${initials(t.name)}</div>`}
    ${t.connecting ? html`<span class="tile-state">Connecting media…</span>` : nothing}
    <figcaption class="name" part="name" title=${name}>
      ${t.audio
        ? nothing
        : html`<span class="muted-badge" title="Microphone off">${icon('micOff')}<span class="visually-hidden">(microphone off)</span></span>`}
      <span class="name-text" dir="auto">${name}</span>
      ${t.role === 'participant'
        ? nothing
        : html`<span class="role-badge" part="role-badge"><span class="role-full">${ROLE_TEXT[t.role]}</span>${ROLE_SHORT[t.role] !== ROLE_TEXT[t.role]
            ? html`<span class="role-short" aria-hidden="true">${ROLE_SHORT[t.role]}</span>`
            : nothing}</span>`}
      ${speaking ? html`<span class="visually-hidden">(speaking)</span>` : nothing}
      ${t.paused ? html`<span class="visually-hidden">(video paused to save bandwidth)</span>` : nothing}
    </figcaption>
    <button type="button" class="pin" part="pin-button" aria-label="Pin ${name}" aria-pressed=${pinned ? 'true' : 'false'}
      title=${pinned ? 'Unpin' : 'Pin'} @click=${() => on.pin(pinned ? null : t.userId)}>
      ${lineIcon(pinned ? ICONS.pinned : ICONS.pin)}
    </button>
  </figure>`;
}

function renderTiles(tiles: readonly StageTile[], view: StageView, on: StageCallbacks, place: Place) {
  return repeat(tiles, (t) => t.userId, (t) => renderTile(t, view, on, place));
}

function renderStrip(tiles: readonly StageTile[], view: StageView, on: StageCallbacks): TemplateResult | typeof nothing {
  if (!tiles.length) return nothing;
  return html`<div class="strip" part="strip" role="group" aria-label="Cameras">${renderTiles(tiles, view, on, 'strip')}</div>`;
}

function renderShare(share: StageShare, view: StageView, on: StageCallbacks): TemplateResult {
  const label = share.isSelf ? 'You are sharing' : html`<bdi>${share.name}</bdi> is sharing`;
  const stop =
    share.stoppable && on.stopShare
      ? html`<button type="button" class="content-stop" part="stop-share-button" @click=${() => on.stopShare!(share.userId)}>
          Stop <bdi>${share.name}</bdi>'s share
        </button>`
      : nothing;
  // The pinned person leads the strip.
  const strip = [...view.tiles].sort((a, b) => Number(b.userId === view.pinned) - Number(a.userId === view.pinned));
  return html`<div class="main">
      <figure class="content" part="content">
        <video part="content-video" .srcObject=${live(share.stream)} .muted=${share.isSelf || !view.soundOn} ?muted=${share.isSelf}
          autoplay playsinline></video>
        ${share.stream ? nothing : html`<p class="content-wait">${share.isSelf ? 'Your content is on its way.' : 'Connecting to the shared content…'}</p>`}
        <figcaption class="content-caption"><span class="content-label" part="content-label">${label}</span>${stop}</figcaption>
      </figure>
    </div>
    ${renderStrip(strip, view, on)}`;
}

function renderSpeaker(view: StageView, on: StageCallbacks): TemplateResult {
  const featured = featuredTile(view);
  const others = view.tiles.filter((t) => t !== featured);
  return html`<div class="main">${featured ? renderTile(featured, view, on, 'main') : nothing}</div>${renderStrip(others, view, on)}`;
}

function renderLayoutSwitch(mode: StageMode, on: StageCallbacks): TemplateResult {
  const choose = (layout: StageLayout) => () => {
    if (layout === 'grid') on.pin(null);
    on.setLayout(layout);
  };
  const option = (layout: StageLayout, text: string) =>
    html`<button type="button" class="layout-option" part="layout-option" aria-pressed=${mode === layout ? 'true' : 'false'}
      @click=${choose(layout)}>${lineIcon(ICONS[layout])}<span class="layout-text">${text}</span></button>`;
  return html`<div class="layout-switch" part="layout-switch" role="group" aria-label="Layout">
    ${option('grid', 'Grid')}${option('speaker', 'Speaker')}
  </div>`;
}

/** The box's preferred shape where the page does not give the stage a height (narrow layouts). */
function aspectFor(mode: StageMode, n: number): string {
  if (mode !== 'grid') return '1 / 1';
  return n <= 1 ? '16 / 9' : n <= 4 ? '4 / 3' : n <= 9 ? '1 / 1' : '3 / 4';
}

/**
 * The stage: `<section part="stage">` with the overlay, the videos in the current layout, and a
 * bar with the controls and the layout switch.
 */
export function renderStage(view: StageView, on: StageCallbacks): TemplateResult {
  const mode = stageMode(view);
  const n = view.tiles.length;
  const showSwitch = mode !== 'share' && n > 1;
  return html`<section class="stage" part="stage" aria-label=${view.label ?? 'Video'}>
    ${view.overlay ?? nothing}
    <div class="stage-view ${mode}" data-mode=${mode} style="--stage-aspect:${aspectFor(mode, n)}">
      ${mode === 'grid'
        ? html`<div class="grid" part="grid" ${fitTiles(n)}>${renderTiles(view.tiles, view, on, 'grid')}</div>`
        : mode === 'speaker'
          ? renderSpeaker(view, on)
          : renderShare(view.share!, view, on)}
    </div>
    ${view.controls != null || showSwitch
      ? html`<div class="stage-bar">
          <div class="stage-bar-main">${view.controls ?? nothing}</div>
          ${showSwitch ? renderLayoutSwitch(mode, on) : nothing}
        </div>`
      : nothing}
  </section>`;
}
