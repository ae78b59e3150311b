/**
 * The few line icons the elements use (24×24, stroke = currentColor).
 * Decorative: always next to a visible or ARIA label.
 */
import { html, svg, type SVGTemplateResult, type TemplateResult } from 'lit';

const paths = {
  mic: svg`<rect x="9" y="3" width="6" height="11" rx="3"/><path d="M5.5 11a6.5 6.5 0 0 0 13 0M12 17.5V21"/>`,
  micOff: svg`<path d="M15 9.5V6a3 3 0 0 0-5.6-1.5M9 9v2a3 3 0 0 0 4.9 2.3M18.5 11a6.5 6.5 0 0 1-1 3.5M5.5 11a6.5 6.5 0 0 0 10.3 5.3M12 17.5V21M4 4l16 16"/>`,
  cam: svg`<rect x="3" y="6.5" width="12.5" height="11" rx="2.5"/><path d="M15.5 10.5 21 7.5v9l-5.5-3z"/>`,
  camOff: svg`<path d="M8 6.5h5a2.5 2.5 0 0 1 2.5 2.5v3M15.5 15v.5a2.5 2.5 0 0 1-2.5 2.5H5.5A2.5 2.5 0 0 1 3 15.5V9a2.5 2.5 0 0 1 2-2.45M15.5 10.5 21 7.5v9l-3.5-1.9M4 4l16 16"/>`,
  more: svg`<circle cx="12" cy="5" r="1.6" fill="currentColor" stroke="none"/><circle cx="12" cy="12" r="1.6" fill="currentColor" stroke="none"/><circle cx="12" cy="19" r="1.6" fill="currentColor" stroke="none"/>`,
  power: svg`<path d="M12 3v8"/><path d="M6.6 6.6a7.5 7.5 0 1 0 10.8 0"/>`,
  leave: svg`<path d="M14 4h4a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-4"/><path d="M9 16.5 4.5 12 9 7.5M4.5 12H15"/>`,
  send: svg`<path d="M4.5 12 20 4.5 15.5 20l-3.3-6.7z"/><path d="m12.2 13.3 7.8-8.8"/>`,
  alert: svg`<path d="M12 3.5 21.5 20h-19z"/><path d="M12 10v4.5M12 17.2v.1"/>`,
  close: svg`<path d="M6 6l12 12M18 6 6 18"/>`,
  bell: svg`<path d="M6 16.5V11a6 6 0 0 1 12 0v5.5l1.5 2h-15z"/><path d="M10 20.5a2.2 2.2 0 0 0 4 0"/>`,
  megaphone: svg`<path d="M4 10v4h3l8 4.5v-13L7 10z"/><path d="M7 14l1.2 5h2.3L9.6 14.8M18.5 9.5a3.5 3.5 0 0 1 0 5"/>`,
  clock: svg`<circle cx="12" cy="12" r="8.5"/><path d="M12 7.5V12l3 2"/>`,
  sound: svg`<path d="M4 9.5v5h3.5L12 18.5v-13L7.5 9.5z"/><path d="M15.5 9a4 4 0 0 1 0 6M18 6.5a7.5 7.5 0 0 1 0 11"/>`,
  soundOff: svg`<path d="M4 9.5v5h3.5L12 18.5v-13L7.5 9.5z"/><path d="m16 9.5 5 5M21 9.5l-5 5"/>`,
  rooms: svg`<path d="M4 4h6v6H4zM14 4h6v6h-6zM4 14h6v6H4zM14 14h6v6h-6z"/>`,
} as const;

export type IconName = keyof typeof paths;

/** Render any 24×24 line icon path the way every element draws its icons. */
export function lineIcon(path: SVGTemplateResult, cls = 'icon'): TemplateResult {
  return html`<svg class=${cls} viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8"
    stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">${path}</svg>`;
}

export function icon(name: IconName, cls = 'icon'): TemplateResult {
  return lineIcon(paths[name] as SVGTemplateResult, cls);
}
