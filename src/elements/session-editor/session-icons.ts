/** The line icons of `<session-editor>` and `<event-agenda>` (24×24, decorative, stroke = currentColor). */
import { svg, type SVGTemplateResult, type TemplateResult } from 'lit';
import { lineIcon } from '../shared/icons.ts';

const paths = {
  pencil: svg`<path d="M4 20h4L19 9l-4-4L4 16z"/><path d="m13.5 6.5 4 4"/>`,
  goto: svg`<path d="M13 4h7v7M20 4l-9 9"/><path d="M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5"/>`,
  upload: svg`<path d="M12 16V4M7 9l5-5 5 5M4 15v4a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-4"/>`,
  back: svg`<path d="M15 5l-7 7 7 7"/>`,
  plus: svg`<path d="M12 5v14M5 12h14"/>`,
  link: svg`<path d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1"/><path d="M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1"/>`,
  image: svg`<rect x="3" y="5" width="18" height="14" rx="2"/><path d="m3 16 5-5 5 5 3-3 5 5"/>`,
} as const;

/** These icons live with the event elements, so the drop-in's room code does not carry them. */
export function sicon(name: keyof typeof paths): TemplateResult {
  return lineIcon(paths[name] as SVGTemplateResult);
}
