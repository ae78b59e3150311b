import { css } from 'lit';
import { confirmDialogStyles } from '../shared/confirm-dialog.ts';

/*
 * The theme is `<kaltura-room>`'s: the same `--kaltura-*` names, read with fallbacks into private
 * variables, so a theme set on the room (or the page) reaches a dashboard nested in it.
 * One rule a line, like the room's: CSS in templates ships unminified in the drop-in.
 */
export const styles = [
  css`
  :host { display: block; color: var(--_text); font: var(--kaltura-font-size, 15px) / 1.45 var(--_font); }
  :host { --_font: var(--kaltura-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif); --_bg: var(--kaltura-bg, #fff); --_text: var(--kaltura-text, #1a1f29); --_muted: var(--kaltura-text-muted, #5a6373); }
  :host { --_surface: var(--kaltura-surface, #f5f6f8); --_surface-2: var(--kaltura-surface-2, #e9ecf1); --_border: var(--kaltura-border, #dde1e8); }
  :host { --_accent: var(--kaltura-accent, #1b64f2); --_danger: var(--kaltura-danger, #d42a20); --_call: var(--kaltura-call-color, #0b57d0); --_radius: var(--kaltura-radius, 12px); --_gap: var(--kaltura-gap, 12px); }
  :host([hidden]) { display: none; }
  * { box-sizing: border-box; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  :focus-visible { outline: 2px solid var(--kaltura-focus-color, var(--_accent)); outline-offset: 2px; }
  .icon { width: 1.25em; height: 1.25em; flex: none; }
  button, input, textarea { font: inherit; color: inherit; }
  button { cursor: pointer; }
  .btn, .chip { display: inline-flex; align-items: center; gap: 0.4em; min-height: 2.25rem; padding: 0.25rem 0.85rem; border-radius: 999px; border: 1px solid var(--_border); background: var(--_bg); white-space: nowrap; }
  .btn { font-size: 0.875rem; font-weight: 600; }
  .btn:hover, .icon-btn:hover, .menu button:hover { background: var(--_surface-2); }
  .btn.primary, #setup-dialog [value='cancel'] { background: var(--_accent); border-color: var(--_accent); color: var(--kaltura-accent-text, #fff); }
  .btn.danger { background: var(--_danger); border-color: var(--_danger); color: #fff; }
  #setup-dialog [value='confirm'] { background: var(--_bg); border-color: var(--_border); color: var(--_text); }
  .icon-btn { display: inline-grid; place-items: center; width: 2.25rem; height: 2.25rem; padding: 0; border: 0; border-radius: 50%; background: none; }
  .link { border: 0; background: none; color: var(--_accent); font-weight: 600; text-decoration: underline; }
  input:not([type='checkbox'], [type='radio']), textarea { padding: 0.4rem 0.6rem; border: 1px solid var(--_border); border-radius: 8px; background: var(--_bg); }
  [type='number'] { width: 6.5rem; }
  [aria-invalid='true'] { border-color: var(--_danger) !important; }
  dialog { --kaltura-bg: var(--_bg); --kaltura-text: var(--_text); --kaltura-text-muted: var(--_muted); --kaltura-radius: var(--_radius); --kaltura-font: var(--_font); }
  .base { container: dash / inline-size; background: var(--_bg); border: 1px solid var(--_border); border-radius: var(--_radius); }
  .bar { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 0.75rem; padding: 0.5rem 0.5rem 0.5rem 1rem; background: var(--_surface); border-bottom: 1px solid var(--_border); border-radius: var(--_radius) var(--_radius) 0 0; }
  h2, h3 { margin: 0; font-size: 1.0625rem; }
  .tools { flex: 1; display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem; }
  .end { flex: none; }
  @container dash (max-width: 560px) { .bar { padding-left: 0.75rem; } .tools.end { flex: 1 1 100%; } .configure { padding: 0.75rem; } }
  .time { font-variant-numeric: tabular-nums; }
  .closing { color: var(--kaltura-warning, #a35f00); font-weight: 600; }
  .notice { margin: var(--_gap) var(--_gap) 0; padding: 0.5rem 0.85rem; border-radius: 8px; background: color-mix(in srgb, var(--_accent) 10%, var(--_bg)); }
  [role='alert'] { background: color-mix(in srgb, var(--_danger) 8%, var(--_bg)); color: color-mix(in srgb, var(--_danger) 85%, #000); }
  .notice:empty { margin: 0; padding: 0; }
  .panel { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 0.75rem; padding: 0.75rem 1rem; border-bottom: 1px solid var(--_border); }
  .panel textarea { flex: 1 1 100%; }
  .hint, .err, .empty, .tag { margin: 0; color: var(--_muted); font-size: 0.875rem; }
  .hint { flex: 1; padding: 0.6rem var(--_gap) 0; }
  .panel .hint { padding: 0; }
  .empty { padding: 2rem 1rem; text-align: center; }
  .err { color: var(--_danger); }
  .err:empty { display: none; }
  .rooms, .grid { display: grid; gap: var(--_gap); align-items: start; }
  .rooms { padding: var(--_gap); }
  .grid { grid-template-columns: repeat(auto-fill, minmax(min(100%, 14rem), 1fr)); }
  @container dash (min-width: 720px) { .rooms { grid-template-columns: 16rem 1fr; } [part='main-room'] { position: sticky; top: 0; } }
  .room { display: flex; flex-direction: column; gap: 0.6rem; min-height: 9rem; padding: 0.75rem; background: var(--_surface); border: 2px dashed transparent; border-radius: calc(var(--_radius) - 4px); }
  .over { border-color: var(--_accent); background: color-mix(in srgb, var(--_accent) 10%, var(--_surface)); }
  .room > .btn { align-self: flex-start; margin-top: auto; }
  h3 { display: flex; align-items: center; gap: 0.5rem; font-size: 1rem; overflow-wrap: anywhere; }
  .tag { padding: 0 0.45rem; border-radius: 999px; background: var(--_surface-2); font-size: 0.75rem; font-weight: 600; }
  ul, ol { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.35rem; }
  .acts { display: inline-flex; align-items: center; }
  li { position: relative; display: flex; flex-wrap: wrap; align-items: center; gap: 0.3rem; }
  .chip { max-width: 100%; white-space: normal; text-align: left; }
  button.chip { cursor: grab; }
  .calling { color: var(--_call); font-weight: 600; }
  .calling .chip { color: inherit; border: 2px solid; background: color-mix(in srgb, var(--_call) 12%, var(--_bg)); }
  .btn.call { background: var(--_call); border-color: var(--_call); color: #fff; }
  .menu { position: absolute; top: 100%; left: 0; z-index: 5; min-width: 12rem; max-height: 16rem; overflow-y: auto; padding: 0.3rem; background: var(--_bg); border: 1px solid var(--_border); border-radius: 10px; box-shadow: 0 12px 32px rgb(0 0 0 / 0.18); }
  .menu button { width: 100%; padding: 0.5rem 0.75rem; border: 0; border-radius: 6px; background: none; text-align: left; }
  .configure { display: grid; gap: 0.5rem; justify-items: start; padding: 1rem; }
  fieldset { display: grid; gap: 0.4rem; justify-items: start; margin: 0.5rem 0 0; padding: 0; border: 0; min-width: 0; width: 100%; }
  .configure > label, legend { margin-top: 0.5rem; padding: 0; font-weight: 600; }
  ol { width: 100%; padding: 3px; grid-template-columns: repeat(auto-fill, minmax(min(100%, 12rem), 1fr)); max-height: 20rem; overflow-y: auto; }
  ol input { width: 100%; }
  .actions { display: flex; gap: 0.5rem; justify-self: end; margin-top: 0.5rem; }
  `,
  confirmDialogStyles,
];
