/** The room's top bar: the title, the connection state, End Session (hosts and moderators) and the menu with Leave Session. */
import { html, nothing, type TemplateResult } from 'lit';
import type { ConnectionStatus } from '../../../client/room-connection.ts';
import { icon } from '../../shared/icons.ts';
import type { MenuButton } from '../../../controllers/menu-button.ts';
import { renderMenuButton } from '../../shared/menu-button.ts';

const STATUS_TEXT: Record<ConnectionStatus, string> = {
  idle: 'Not connected',
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  left: 'Left',
  failed: 'Disconnected',
};

export interface HeaderView {
  title: string;
  status: ConnectionStatus;
  /** Hosts and moderators: End Session. */
  staff: boolean;
  /** Something shows over the room (the breakout dashboard). */
  inert: boolean;
  /** The "three dots" menu's controller. */
  menu: MenuButton;
}

export interface HeaderActions {
  end: () => void;
  leave: () => void;
}

export function header(v: HeaderView, on: HeaderActions): TemplateResult {
  return html`<header class="header" part="header" ?inert=${v.inert}>
    <div class="heading">
      <h2 class="title" part="title" title=${v.title} data-focus-on-show tabindex="-1">${v.title}</h2>
      <span class="status status-${v.status}" part="status" role="status">
        <span class="dot" aria-hidden="true"></span>${STATUS_TEXT[v.status]}
      </span>
    </div>
    <div class="actions">
      ${v.staff
        ? html`<button class="btn danger compact" part="end-button" @click=${on.end}>
            ${icon('power')}<span class="end-label">End Session</span>
          </button>`
        : nothing}
      ${renderMenuButton(v.menu, {
        id: 'menu-button',
        label: 'More options',
        part: 'menu-button',
        menuPart: 'menu',
        items: html`<button role="menuitem" tabindex="-1" class="menu-item" part="menu-item" @click=${on.leave}>
          ${icon('leave')}<span>Leave Session</span>
        </button>`,
      })}
    </div>
  </header>`;
}
