/**
 * The stage's bottom toolbar: Microphone, Camera and Sound for everyone; further buttons (Share
 * content) come from the view; hosts and moderators get the "three dots" with Breakout (and
 * further items from the view). Under it, what is wrong with the camera or microphone.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { MediaKind } from '../../../client/media/index.ts';
import { icon } from '../../shared/icons.ts';
import type { MenuButton } from '../../../controllers/menu-button.ts';
import { renderMenuButton } from '../../shared/menu-button.ts';
import { mediaMessages, mediaToggle, type LocalMediaView } from './media-controls.ts';

export interface ToolbarView {
  media: LocalMediaView;
  soundOn: boolean;
  /** Hosts and moderators: the tools menu. */
  staff: boolean;
  /** The tools menu's controller. */
  tools: MenuButton;
  /** More toolbar buttons, after Sound (for example Share content). */
  extra?: TemplateResult | typeof nothing;
  /** More items of the tools menu, after Breakout (`role="menuitem"` or `"menuitemcheckbox"`, `tabindex="-1"`). */
  menuItems?: TemplateResult | typeof nothing;
}

export interface ToolbarActions {
  toggle: (kind: MediaKind) => void;
  toggleSound: () => void;
  /** The tools menu's Breakout item. */
  breakout: () => void;
}

export function toolbar(v: ToolbarView, on: ToolbarActions): TemplateResult {
  const { lines } = mediaMessages(v.media, 'room');
  return html`<div class="controls" part="controls" role="group" aria-label="Your camera, microphone and sound">
      ${mediaToggle(v.media, 'audio', 'bar', on.toggle)} ${mediaToggle(v.media, 'video', 'bar', on.toggle)}
      <button class="ctl bar ${v.soundOn ? 'on' : 'off'}" part="control" aria-pressed=${v.soundOn ? 'true' : 'false'}
        title=${v.soundOn ? 'Turn off sound' : 'Turn on sound'} @click=${on.toggleSound}>
        ${icon(v.soundOn ? 'sound' : 'soundOff')}<span class="ctl-label">Sound</span>
      </button>
      ${v.extra ?? nothing}
      ${v.staff
        ? renderMenuButton(v.tools, {
            id: 'tools-button',
            label: 'More actions',
            part: 'tools-button',
            menuPart: 'tools-menu',
            up: true,
            items: html`<button role="menuitem" tabindex="-1" class="menu-item" part="menu-item" @click=${on.breakout}>
              ${icon('rooms')}<span>Breakout</span>
            </button>${v.menuItems ?? nothing}`,
          })
        : nothing}
    </div>
    ${lines.length ? html`<p class="stage-note">${lines.join(' ')}</p>` : nothing}`;
}
