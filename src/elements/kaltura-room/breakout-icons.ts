/**
 * Line icons of the room's own views (breakout, sound; 24×24, stroke = currentColor), drawn like
 * the shared ones. Decorative: always next to a visible or ARIA label.
 */
import { html, svg, type SVGTemplateResult, type TemplateResult } from 'lit';

const paths = {
  bell: svg`<path d="M6 16.5V11a6 6 0 0 1 12 0v5.5l1.5 2h-15z"/><path d="M10 20.5a2.2 2.2 0 0 0 4 0"/>`,
  megaphone: svg`<path d="M4 10v4h3l8 4.5v-13L7 10z"/><path d="M7 14l1.2 5h2.3L9.6 14.8M18.5 9.5a3.5 3.5 0 0 1 0 5"/>`,
  clock: svg`<circle cx="12" cy="12" r="8.5"/><path d="M12 7.5V12l3 2"/>`,
  sound: svg`<path d="M4 9.5v5h3.5L12 18.5v-13L7.5 9.5z"/><path d="M15.5 9a4 4 0 0 1 0 6M18 6.5a7.5 7.5 0 0 1 0 11"/>`,
  soundOff: svg`<path d="M4 9.5v5h3.5L12 18.5v-13L7.5 9.5z"/><path d="m16 9.5 5 5M21 9.5l-5 5"/>`,
  rooms: svg`<path d="M4 4h6v6H4zM14 4h6v6h-6zM4 14h6v6H4zM14 14h6v6h-6z"/>`,
} as const;

export type BreakoutIconName = keyof typeof paths;

export function bicon(name: BreakoutIconName, cls = 'icon'): TemplateResult {
  return html`<svg class=${cls} viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8"
    stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">${paths[name] as SVGTemplateResult}</svg>`;
}
