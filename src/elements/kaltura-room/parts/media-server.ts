/**
 * The media server in `<kaltura-room>`: hosts' "Use the media server" checkbox in More actions,
 * and what hosts and moderators are told when the room outgrew the mesh with no media server to
 * move to. What they do is the media mode controller's (../media-mode.ts).
 */
import { html, svg, type TemplateResult } from 'lit';
import { lineIcon } from '../../shared/icons.ts';

const SERVER_ICON = svg`<rect x="4" y="4" width="16" height="6.5" rx="1.5"/><rect x="4" y="13.5" width="16" height="6.5" rx="1.5"/><path d="M7.5 7.25h.01M7.5 16.75h.01M11 7.25h5.5M11 16.75h5.5"/>`;

/** The polite note to everyone when the room moves to the media server. */
export const MOVED_TO_MEDIA_SERVER = 'The room moved to the media server to keep video smooth.';

/** What hosts and moderators are told when more cameras are on than the mesh is comfortable with, and there is no media server. */
export function crowdedText(limit: number): string {
  return `More than ${limit} ${limit === 1 ? 'person has their' : 'people have their'} camera on. Video may slow down: this room has no media server to move to. Ask your administrator to set one up.`;
}

/** More actions' "Use the media server" (hosts only): checked while the room is pinned to it. */
export function mediaServerItem(pinned: boolean, onToggle: (pinned: boolean) => void): TemplateResult {
  return html`<button role="menuitemcheckbox" aria-checked=${pinned ? 'true' : 'false'} tabindex="-1" class="menu-item check"
    part="menu-item use-media-server" @click=${() => onToggle(!pinned)}>
    ${lineIcon(SERVER_ICON)}<span>Use the media server</span><span class="check-mark" aria-hidden="true">${pinned ? '✓' : ''}</span>
  </button>`;
}
