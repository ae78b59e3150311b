/** The success and failure notice of the event elements: one at a time, in a polite live region, with Dismiss. */
import { html, nothing, type TemplateResult } from 'lit';
import { icon } from '../shared/icons.ts';

export interface Notice {
  text: string;
  /** A failure: shown as an alert. */
  bad?: boolean;
}

/**
 * The live region and the notice in it. Nothing (not even white space) is inside the region
 * when there is no notice, so `.live:empty` takes no room in a grid.
 */
export function renderNotice(n: Notice | null, dismiss: () => void): TemplateResult {
  return html`<div class="live" aria-live="polite">${n
    ? html`<div class="notice ${n.bad ? 'bad' : ''}" part="notice" role=${n.bad ? 'alert' : nothing}>
        <span>${n.text}</span>
        <button class="icon-btn small" aria-label="Dismiss" @click=${dismiss}>${icon('close')}</button>
      </div>`
    : nothing}</div>`;
}
