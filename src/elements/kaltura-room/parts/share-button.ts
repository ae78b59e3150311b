/**
 * Share content on the toolbar: the Share content / Stop sharing button, and for hosts and
 * moderators the "Let participants share content" checkbox in More actions. What they do is the
 * share controller's (../share.ts).
 */
import { css, html, nothing, svg, type TemplateResult } from 'lit';
import { NOT_ALLOWED_MESSAGE } from '../../../protocol/share.ts';
import { lineIcon } from '../../shared/icons.ts';
import type { ShareButtonState } from '../share.ts';

const SHARE_ICON = svg`<rect x="3" y="4.5" width="18" height="12" rx="2"/><path d="M8.5 20h7M12 16.5V20M12 13.5V8M9.5 10.5 12 8l2.5 2.5"/>`;
const STOP_ICON = svg`<rect x="3" y="4.5" width="18" height="12" rx="2"/><path d="M8.5 20h7M12 16.5V20M9.5 8l5 5M14.5 8l-5 5"/>`;

/**
 * Share content (aria-pressed while the user shares, then named Stop sharing). Participants whom
 * the host has not allowed to share see it disabled, with the reason as its description.
 */
export function shareButton(v: ShareButtonState, onToggle: () => void): TemplateResult {
  const usable = v.allowed || v.sharing;
  return html`<button class="ctl bar share ${v.sharing ? 'sharing' : ''}" part="control share-button"
      aria-pressed=${v.sharing ? 'true' : 'false'} ?disabled=${!usable} aria-busy=${v.starting ? 'true' : 'false'}
      aria-describedby=${usable ? nothing : 'share-reason'} title=${usable ? (v.sharing ? 'Stop sharing your screen' : 'Share your screen, a window or a tab') : NOT_ALLOWED_MESSAGE}
      @click=${onToggle}>
      ${lineIcon(v.sharing ? STOP_ICON : SHARE_ICON)}<span class="ctl-label">${v.sharing ? 'Stop sharing' : 'Share content'}</span>
    </button>
    ${usable ? nothing : html`<span id="share-reason" class="visually-hidden">${NOT_ALLOWED_MESSAGE}</span>`}`;
}

/** More actions' "Let participants share content" (hosts and moderators). */
export function allowShareItem(allowed: boolean, onToggle: (allowed: boolean) => void): TemplateResult {
  return html`<button role="menuitemcheckbox" aria-checked=${allowed ? 'true' : 'false'} tabindex="-1" class="menu-item check"
    part="menu-item allow-share" @click=${() => onToggle(!allowed)}>
    ${lineIcon(SHARE_ICON)}<span>Let participants share content</span><span class="check-mark" aria-hidden="true">${allowed ? '✓' : ''}</span>
  </button>`;
}

export const shareStyles = css`
  .ctl.bar.sharing { background: var(--kaltura-accent); color: var(--kaltura-accent-text); }
  .ctl.bar.sharing:hover:not(:disabled) { background: color-mix(in srgb, var(--kaltura-accent) 85%, #000); }
  .ctl.bar.share[aria-busy='true'] { cursor: progress; }
  .menu-item.check .check-mark { margin-inline-start: auto; min-width: 1em; font-weight: 700; color: var(--kaltura-accent); }
`;
