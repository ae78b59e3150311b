import { css } from 'lit';

/*
 * The stage's css (./stage.ts). Complete on its own: it replaces the room's older rules for
 * .stage, .grid, .tile, .avatar (not .avatar.small), .tile-state, .name, .name-text, .muted-badge
 * and .role-badge. Custom properties, with their defaults:
 *   --kaltura-stage-background   behind the videos (falls back to --kaltura-stage-bg, then #10131a)
 *   --kaltura-speaking-ring-color  the ring around the speaker's tile (#3ddc84)
 *   --kaltura-tile-radius        corner radius of tiles and the shared content (10px)
 */
export const stageStyles = css`
  .stage {
    container: kaltura-stage / inline-size;
    position: relative;
    display: flex;
    flex-direction: column;
    gap: var(--kaltura-gap, 12px);
    padding: var(--kaltura-gap, 12px);
    background: var(--kaltura-stage-background, var(--kaltura-stage-bg, #10131a));
    color: #fff;
    min-height: 0;
    --tile-gap: 8px;
    --tile-radius: var(--kaltura-tile-radius, 10px);
    --ring: var(--kaltura-speaking-ring-color, #3ddc84);
  }
  .stage, .stage *, .stage ::before, .stage ::after { box-sizing: border-box; }
  .stage :focus-visible { outline: 2px solid #fff; outline-offset: 2px; }
  .stage .visually-hidden { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }

  /* The videos' box: the page's height where it gives one, else a shape for the number of people. */
  .stage-view { position: relative; flex: 1 1 auto; min-height: 0; min-width: 0; aspect-ratio: var(--stage-aspect, 16 / 9); display: grid; grid-template: minmax(0, 1fr) / minmax(0, 1fr); gap: var(--tile-gap); }
  .grid { position: relative; min-width: 0; min-height: 0; overflow: hidden; column-gap: var(--tile-gap); }
  .grid > .tile { position: absolute; top: 0; inset-inline-start: 0; width: 0; height: 0; }

  /* Speaker and share: the large area and the strip, below the large area on narrow stages. */
  .stage-view.speaker, .stage-view.share { grid-template: minmax(0, 1fr) auto / minmax(0, 1fr); }
  .main { container-type: size; display: grid; place-items: center; min-width: 0; min-height: 0; }
  .main > .tile { width: min(100cqw, 100cqh * 16 / 9); aspect-ratio: 16 / 9; }
  .strip { display: flex; gap: var(--tile-gap); overflow: auto; overscroll-behavior: contain; height: 5.5rem; scrollbar-width: thin; scrollbar-color: rgb(255 255 255 / 0.35) transparent; }
  .strip > .tile { flex: none; height: 100%; aspect-ratio: 16 / 9; }
  @container kaltura-stage (min-width: 600px) {
    .stage-view.speaker, .stage-view.share { aspect-ratio: 16 / 9; grid-template: minmax(0, 1fr) / minmax(0, 1fr) clamp(8rem, 22%, 15rem); }
    .strip { flex-direction: column; height: auto; min-height: 0; }
    .strip > .tile { height: auto; width: 100%; }
  }

  /* Shared content: all of it visible (contain), labelled. */
  .content { position: relative; margin: 0; width: 100%; height: 100%; border-radius: var(--tile-radius); overflow: hidden; background: #000; }
  .content video { position: absolute; inset: 0; width: 100%; height: 100%; object-fit: contain; }
  .content-wait { position: absolute; inset: 0; margin: auto; height: fit-content; text-align: center; color: #c9ced8; font-size: 0.875rem; }
  .content-caption { position: absolute; top: 0.5rem; inset-inline: 0.5rem; display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem; pointer-events: none; }
  .content-label { min-width: 0; max-width: 100%; padding: 0.2rem 0.6rem; border-radius: 999px; background: rgb(10 12 18 / 0.72); font-size: 0.8125rem; font-weight: 500; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .content-stop { pointer-events: auto; min-height: 2rem; padding: 0.2rem 0.75rem; border: 1px solid rgb(255 255 255 / 0.45); border-radius: 999px; background: rgb(10 12 18 / 0.8); color: #fff; font: inherit; font-size: 0.8125rem; font-weight: 600; cursor: pointer; }
  .content-stop:hover { background: var(--kaltura-danger, #d42a20); border-color: transparent; }

  /* A tile: video (or initials), the name at the bottom, the pin at the top end. */
  .tile { position: relative; margin: 0; display: grid; grid-template: minmax(0, 1fr) / minmax(0, 1fr); min-width: 0; overflow: hidden; border-radius: var(--tile-radius); background: var(--kaltura-tile-bg, #222834); container-type: inline-size; }
  .tile.speaking { outline: 3px solid var(--ring); outline-offset: -3px; }
  .tile video { position: absolute; inset: 0; width: 100%; height: 100%; object-fit: cover; }
  .tile.self video { transform: scaleX(-1); }
  .tile.no-video video { visibility: hidden; }
  .main > .tile video { object-fit: contain; }
  .avatar { position: absolute; inset: 0 0 1.25rem; margin: auto; width: clamp(2rem, 24cqi, 5.5rem); aspect-ratio: 1; height: auto; border-radius: 50%; display: grid; place-items: center; background: color-mix(in srgb, var(--kaltura-accent, #1b64f2) 70%, #000); color: #fff; font-weight: 700; font-size: clamp(0.8125rem, 8cqi, 1.75rem); letter-spacing: 0.02em; user-select: none; }
  .tile-state { position: absolute; top: 0.5rem; inset-inline-start: 0.5rem; max-width: calc(100% - 3.5rem); padding: 0.1rem 0.5rem; border-radius: 999px; background: rgb(10 12 18 / 0.65); color: #e7eaf0; font-size: 0.75rem; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .name { grid-area: 1 / 1; align-self: end; justify-self: start; margin: 0.5rem; max-width: calc(100% - 1rem); min-width: 0; display: inline-flex; align-items: center; gap: 0.35rem; padding: 0.2rem 0.55rem; border-radius: 999px; background: rgb(10 12 18 / 0.72); color: #fff; font-size: 0.8125rem; font-weight: 500; line-height: 1.35; z-index: 1; }
  .name-text { flex: 0 1 auto; min-width: min(3.5em, 100%); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .muted-badge { display: inline-flex; flex: none; color: #ff8a80; }
  .muted-badge .icon { width: 1rem; height: 1rem; }
  .role-badge { flex: none; padding: 0 0.4rem; border-radius: 999px; background: rgb(255 255 255 / 0.2); color: #fff; font-size: 0.6875rem; font-weight: 600; text-transform: uppercase; letter-spacing: 0.04em; white-space: nowrap; }
  .role-short { display: none; }
  .pin { position: absolute; top: 0.35rem; inset-inline-end: 0.35rem; z-index: 1; display: grid; place-items: center; width: 2rem; height: 2rem; padding: 0; border: 0; border-radius: 50%; background: rgb(10 12 18 / 0.55); color: #fff; cursor: pointer; opacity: 0.75; }
  .pin .icon { width: 1.1rem; height: 1.1rem; }
  .pin:hover, .pin:focus-visible, .pin[aria-pressed='true'] { opacity: 1; background: rgb(10 12 18 / 0.8); }
  .pin[aria-pressed='true'] { color: var(--ring); }
  .pin:focus-visible { outline-offset: -2px; }

  /* Small tiles: the badge moves to the top corner and shortens, so the name keeps the caption. */
  @container (max-width: 199px) {
    .name { margin: 0.3rem; max-width: calc(100% - 0.6rem); padding: 0.1rem 0.45rem; font-size: 0.75rem; gap: 0.25rem; }
    .role-badge { position: absolute; top: 0.3rem; inset-inline-start: 0.3rem; padding: 0.05rem 0.35rem; background: rgb(10 12 18 / 0.72); font-size: 0.625rem; }
    .role-badge:has(.role-short) .role-full { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    .role-short { display: inline; }
    .tile-state { display: none; }
    .pin { top: 0.2rem; inset-inline-end: 0.2rem; width: 1.6rem; height: 1.6rem; }
    .pin .icon { width: 0.95rem; height: 0.95rem; }
  }

  /* The bar under the videos: the controls centred, the layout switch at the end. */
  .stage-bar { flex: none; display: grid; grid-template-columns: 1fr auto 1fr; align-items: center; gap: 0.5rem; }
  .stage-bar-main { grid-column: 2; display: flex; flex-direction: column; align-items: center; gap: 0.5rem; min-width: 0; }
  .stage-bar-main:empty { display: none; }
  .layout-switch { grid-column: 3; justify-self: end; display: inline-flex; padding: 0.15rem; gap: 0.15rem; border-radius: 999px; background: rgb(255 255 255 / 0.1); }
  .layout-option { display: inline-flex; align-items: center; gap: 0.35rem; min-height: 2.25rem; padding: 0.3rem 0.75rem; border: 0; border-radius: 999px; background: transparent; color: #e7eaf0; font: inherit; font-size: 0.8125rem; cursor: pointer; }
  .layout-option:hover { background: rgb(255 255 255 / 0.12); }
  .layout-option[aria-pressed='true'] { background: #fff; color: #10131a; font-weight: 600; }
  .layout-option .icon { width: 1.1rem; height: 1.1rem; }
  @container kaltura-stage (max-width: 759px) {
    .stage-bar { display: flex; flex-wrap: wrap; justify-content: center; }
    .layout-text { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    .layout-option { padding: 0.3rem 0.6rem; }
  }
`;
