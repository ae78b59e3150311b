import { css } from 'lit';
import { confirmDialogStyles } from '../shared/confirm-dialog.ts';
import { themeTokens } from '../shared/theme.styles.ts';

const base = css`
  :host {
    --kaltura-warning: #a35f00;
    --kaltura-stage-bg: #10131a;
    --kaltura-tile-bg: #222834;
    --kaltura-height: 600px;
    --kaltura-sidebar-width: 320px;
    --kaltura-bar-bg: #1f2a44;
    --kaltura-bar-text: #ffffff;
    --kaltura-broadcast: #7a4cc2;
    --kaltura-call: #f2b01b;
    --kaltura-overlay-bg: rgb(10 14 22 / 0.72);
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  [hidden] {
    display: none !important;
  }
  .visually-hidden {
    position: absolute !important;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  :focus-visible {
    outline: 2px solid var(--kaltura-focus-color);
    outline-offset: 2px;
  }
  [tabindex='-1']:focus {
    outline: none;
  }
  .icon {
    width: 1.25em;
    height: 1.25em;
    flex: none;
  }
  .icon.big {
    width: 2.5rem;
    height: 2.5rem;
  }
  h2 {
    font-size: 1.0625rem;
    margin: 0;
  }

  .base {
    container: room / inline-size;
    position: relative;
    background: var(--kaltura-bg);
    border: 1px solid var(--kaltura-border);
    border-radius: var(--kaltura-radius);
    overflow: hidden;
    display: flex;
    flex-direction: column;
    min-height: 22rem;
  }

  /* Buttons -------------------------------------------------------------- */
  button {
    font: inherit;
    color: inherit;
  }
  .btn {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.4em;
    min-height: 2.5rem;
    padding: 0.5rem 1.1rem;
    border-radius: 999px;
    border: 1px solid var(--kaltura-border);
    background: var(--kaltura-bg);
    color: var(--kaltura-text);
    font-weight: 600;
    cursor: pointer;
    white-space: nowrap;
    transition: background-color 0.15s, border-color 0.15s, filter 0.15s;
  }
  .btn:hover:not(:disabled) {
    background: var(--kaltura-surface-2);
  }
  .btn.primary {
    background: var(--kaltura-accent);
    border-color: var(--kaltura-accent);
    color: var(--kaltura-accent-text);
  }
  .btn.danger {
    background: var(--kaltura-danger);
    border-color: var(--kaltura-danger);
    color: #fff;
  }
  .btn.primary:hover:not(:disabled),
  .btn.danger:hover:not(:disabled) {
    background: var(--kaltura-accent);
    filter: brightness(1.1);
  }
  .btn.danger:hover:not(:disabled) {
    background: var(--kaltura-danger);
  }
  .btn.compact {
    min-height: 2.25rem;
    padding: 0.35rem 0.9rem;
    font-size: 0.875rem;
  }
  .btn:disabled {
    opacity: 0.6;
    cursor: default;
  }
  .icon-btn {
    display: inline-grid;
    place-items: center;
    width: 2.5rem;
    height: 2.5rem;
    padding: 0;
    border: none;
    border-radius: 999px;
    background: transparent;
    cursor: pointer;
  }
  .icon-btn:hover {
    background: var(--kaltura-surface-2);
  }
  .icon-btn.small {
    width: 2rem;
    height: 2rem;
  }
  .icon-btn.accent {
    background: var(--kaltura-accent);
    color: var(--kaltura-accent-text);
  }
  .icon-btn.accent:hover {
    filter: brightness(1.1);
  }
  .link-btn {
    border: none;
    background: none;
    padding: 0.25rem 0.125rem;
    color: var(--kaltura-accent);
    font-weight: 600;
    text-decoration: underline;
    text-underline-offset: 3px;
    cursor: pointer;
  }

  /* Media toggles */
  .ctl {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.45rem;
    border: none;
    cursor: pointer;
    transition: background-color 0.15s;
  }
  .ctl.round {
    width: 3rem;
    height: 3rem;
    border-radius: 999px;
    background: rgb(255 255 255 / 0.92);
    color: #1a1f29;
    box-shadow: 0 2px 8px rgb(0 0 0 / 0.25);
  }
  .ctl.round.off {
    background: var(--kaltura-danger);
    color: #fff;
  }
  .ctl.bar {
    min-height: 2.75rem;
    padding: 0.5rem 1.1rem 0.5rem 0.9rem;
    border-radius: 999px;
    background: rgb(255 255 255 / 0.12);
    color: #fff;
    font-weight: 600;
  }
  .ctl.bar:hover:not(:disabled) {
    background: rgb(255 255 255 / 0.2);
  }
  .ctl.bar.off {
    background: var(--kaltura-danger);
  }
  .ctl:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  .ctl.round:disabled {
    background: rgb(255 255 255 / 0.35);
    color: #1a1f29;
  }
  .ctl .icon {
    width: 1.35rem;
    height: 1.35rem;
  }

  .notice {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    margin: 0.75rem;
    padding: 0.4rem 0.4rem 0.4rem 0.85rem;
    border-radius: calc(var(--kaltura-radius) - 4px);
    background: color-mix(in srgb, var(--kaltura-danger) 10%, var(--kaltura-bg));
    color: color-mix(in srgb, var(--kaltura-danger) 75%, var(--kaltura-text));
    border: 1px solid color-mix(in srgb, var(--kaltura-danger) 30%, transparent);
    font-size: 0.875rem;
  }
  .notice > span {
    flex: 1;
  }
`;

const prejoin = css`
  .prejoin {
    display: grid;
    grid-template-columns: 1fr;
    gap: calc(var(--kaltura-gap) * 1.5);
    padding: calc(var(--kaltura-gap) * 1.5);
    align-items: center;
  }
  @container room (min-width: 680px) {
    .prejoin {
      grid-template-columns: minmax(0, 1.5fr) minmax(16rem, 1fr);
      padding: calc(var(--kaltura-gap) * 2.5);
      gap: calc(var(--kaltura-gap) * 2.5);
    }
  }
  .preview {
    position: relative;
    aspect-ratio: 16 / 9;
    border-radius: var(--kaltura-radius);
    overflow: hidden;
    background: var(--kaltura-tile-bg);
  }
  .preview video {
    width: 100%;
    height: 100%;
    object-fit: cover;
    display: block;
  }
  .mirror {
    transform: scaleX(-1);
  }
  .preview-off {
    position: absolute;
    inset: 0;
    display: grid;
    place-content: center;
    justify-items: center;
    gap: 0.5rem;
    color: #c9ced8;
    text-align: center;
    padding: 1rem 1rem 4rem;
  }
  .preview-controls {
    position: absolute;
    left: 0;
    right: 0;
    bottom: 0.85rem;
    display: flex;
    justify-content: center;
    gap: 0.85rem;
  }
  .prejoin-side {
    display: flex;
    flex-direction: column;
    gap: 0.85rem;
  }
  .prejoin-title {
    font-size: 1.5rem;
    line-height: 1.2;
  }
  .prejoin-room {
    margin: -0.5rem 0 0.25rem;
    color: var(--kaltura-text-muted);
  }
  .field {
    display: grid;
    gap: 0.3rem;
  }
  .field label {
    font-size: 0.8125rem;
    font-weight: 600;
    color: var(--kaltura-text-muted);
  }
  select,
  .bar-panel :is(textarea, input) {
    font: inherit;
    color: inherit;
    min-height: 2.5rem;
    padding: 0.4rem 0.6rem;
    border-radius: calc(var(--kaltura-radius) - 4px);
    border: 1px solid var(--kaltura-border);
    background: var(--kaltura-bg);
    max-width: 100%;
  }
  .media-status:empty {
    display: none;
  }
  .media-status p {
    margin: 0;
  }
  .issue {
    display: flex;
    gap: 0.5rem;
    align-items: flex-start;
    color: var(--kaltura-text);
    font-size: 0.875rem;
  }
  .issue .icon {
    color: var(--kaltura-warning);
    margin-top: 0.05rem;
  }
  .mode {
    margin-top: 0.35rem !important;
    font-size: 0.875rem;
    color: var(--kaltura-text-muted);
  }
  .join {
    min-height: 3rem;
    font-size: 1rem;
    margin-top: 0.25rem;
  }
  .slow {
    margin: 0;
    font-size: 0.875rem;
    color: var(--kaltura-text-muted);
    text-align: center;
  }
  .prejoin .notice {
    margin: 0;
  }
`;

const room = css`
  .header {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 0.5rem;
    padding: 0.5rem 0.5rem 0.5rem 1rem;
    background: var(--kaltura-surface);
    border-bottom: 1px solid var(--kaltura-border);
    min-height: 3.5rem;
  }
  .heading {
    display: flex;
    align-items: center;
    gap: 0.75rem;
    min-width: 0;
    flex-wrap: wrap;
    row-gap: 0.1rem;
  }
  .title {
    font-size: 1rem;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    min-width: 0;
    max-width: 100%;
  }
  .status {
    display: inline-flex;
    align-items: center;
    gap: 0.35rem;
    font-size: 0.8125rem;
    color: var(--kaltura-text-muted);
    white-space: nowrap;
  }
  .dot {
    width: 0.5rem;
    height: 0.5rem;
    border-radius: 50%;
    background: var(--kaltura-text-muted);
  }
  .status-connected .dot {
    background: var(--kaltura-success);
  }
  .status-reconnecting,
  .status-connecting {
    color: var(--kaltura-warning);
    font-weight: 600;
  }
  .status-reconnecting .dot,
  .status-connecting .dot {
    background: var(--kaltura-warning);
    animation: pulse 1.2s ease-in-out infinite;
  }
  @keyframes pulse {
    50% {
      opacity: 0.3;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .dot {
      animation: none !important;
    }
  }
  .actions {
    display: flex;
    align-items: center;
    gap: 0.25rem;
    flex: none;
  }
  .menu-wrap {
    position: relative;
  }
  .menu,
  .bar-panel {
    position: absolute;
    right: 0;
    top: calc(100% + 0.35rem);
    z-index: 10;
    min-width: 12rem;
    padding: 0.35rem;
    background: var(--kaltura-bg);
    border: 1px solid var(--kaltura-border);
    border-radius: calc(var(--kaltura-radius) - 2px);
    box-shadow: 0 12px 32px rgb(16 19 26 / 0.18);
  }
  .menu-item {
    display: flex;
    align-items: center;
    gap: 0.6rem;
    width: 100%;
    padding: 0.6rem 0.75rem;
    border: none;
    border-radius: calc(var(--kaltura-radius) - 6px);
    background: none;
    text-align: left;
    cursor: pointer;
  }
  .menu-item:hover,
  .menu-item:focus-visible {
    background: var(--kaltura-surface-2);
  }
  .menu-item:focus-visible {
    outline-offset: -2px;
  }

  .room {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
  }
  .stage {
    position: relative;
    display: flex;
    flex-direction: column;
    gap: var(--kaltura-gap);
    padding: var(--kaltura-gap);
    background: var(--kaltura-stage-bg);
    color: #fff;
    min-height: 0;
  }
  .stage :focus-visible {
    outline-color: #fff;
  }
  .grid {
    --tile-gap: calc(var(--kaltura-gap) * 0.66);
    display: flex;
    flex-wrap: wrap;
    justify-content: center;
    align-content: center;
    gap: var(--tile-gap);
  }
  .tile {
    flex: 0 0 calc((100% - (var(--cols-narrow, 1) - 1) * var(--tile-gap)) / var(--cols-narrow, 1));
    position: relative;
    margin: 0;
    aspect-ratio: 16 / 9;
    border-radius: calc(var(--kaltura-radius) - 2px);
    overflow: hidden;
    background: var(--kaltura-tile-bg);
    min-height: 0;
    container-type: inline-size;
  }
  .tile video {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    object-fit: cover;
  }
  .tile.self video {
    transform: scaleX(-1);
  }
  .tile.no-video video {
    visibility: hidden;
  }
  .avatar {
    position: absolute;
    inset: 0 0 1.25rem;
    margin: auto;
    width: clamp(2rem, 24cqi, 5.5rem);
    aspect-ratio: 1;
    height: auto;
    border-radius: 50%;
    display: grid;
    place-items: center;
    background: color-mix(in srgb, var(--kaltura-accent) 70%, #000);
    color: #fff;
    font-weight: 700;
    font-size: clamp(0.8125rem, 8cqi, 1.75rem);
    letter-spacing: 0.02em;
    user-select: none;
  }
  .avatar.small {
    position: static;
    width: 2.25rem;
    font-size: 0.8125rem;
    flex: none;
  }
  .tile-state {
    position: absolute;
    top: 0.5rem;
    right: 0.5rem;
    padding: 0.1rem 0.5rem;
    border-radius: 999px;
    background: rgb(10 12 18 / 0.65);
    color: #e7eaf0;
    font-size: 0.75rem;
  }
  .name {
    position: absolute;
    left: 0.5rem;
    bottom: 0.5rem;
    max-width: calc(100% - 1rem);
    display: inline-flex;
    align-items: center;
    gap: 0.35rem;
    padding: 0.2rem 0.55rem;
    border-radius: 999px;
    background: rgb(10 12 18 / 0.65);
    color: #fff;
    font-size: 0.8125rem;
    font-weight: 500;
    backdrop-filter: blur(4px);
  }
  .name-text {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .muted-badge {
    display: inline-flex;
    color: #ff8a80;
  }
  .muted-badge .icon {
    width: 1rem;
    height: 1rem;
  }
  .role-badge {
    flex: none;
    padding: 0 0.4rem;
    border-radius: 999px;
    background: rgb(255 255 255 / 0.18);
    font-size: 0.6875rem;
    font-weight: 600;
    text-transform: uppercase;
    letter-spacing: 0.04em;
  }
  @container (max-width: 240px) {
    .role-badge,
    .tile-state {
      display: none;
    }
    .name {
      left: 0.3rem;
      bottom: 0.3rem;
      max-width: calc(100% - 0.6rem);
      padding: 0.1rem 0.45rem;
      font-size: 0.75rem;
    }
  }
  .controls {
    display: flex;
    justify-content: center;
    gap: 0.6rem;
    flex-wrap: wrap;
  }
  .stage-note {
    margin: -0.25rem 0 0;
    text-align: center;
    font-size: 0.8125rem;
    color: #c9ced8;
  }
  .banner {
    padding: 0.5rem 0.85rem;
    border-radius: calc(var(--kaltura-radius) - 4px);
    font-size: 0.875rem;
    text-align: center;
  }
  .banner.floating {
    position: absolute;
    top: var(--kaltura-gap);
    left: 50%;
    transform: translateX(-50%);
    z-index: 2;
    max-width: calc(100% - 2 * var(--kaltura-gap));
    border-radius: 999px;
    padding: 0.45rem 1rem;
    box-shadow: 0 6px 20px rgb(0 0 0 / 0.35);
  }
  .banner.warn {
    background: color-mix(in srgb, var(--kaltura-warning) 85%, #000);
    color: #fff;
    font-weight: 600;
  }
  .banner.info {
    background: rgb(255 255 255 / 0.1);
    color: #e7eaf0;
  }

  .sidebar {
    display: flex;
    flex-direction: column;
    min-height: 0;
    height: 24rem;
    background: var(--kaltura-bg);
    border-top: 1px solid var(--kaltura-border);
  }
  .tabs {
    display: flex;
    gap: 0.25rem;
    padding: 0.4rem 0.5rem 0;
    border-bottom: 1px solid var(--kaltura-border);
    flex: none;
  }
  .tab {
    position: relative;
    display: inline-flex;
    align-items: center;
    gap: 0.4rem;
    padding: 0.55rem 0.75rem 0.65rem;
    border: none;
    background: none;
    color: var(--kaltura-text-muted);
    font-weight: 600;
    cursor: pointer;
    border-radius: 6px 6px 0 0;
  }
  .tab[aria-selected='true'] {
    color: var(--kaltura-text);
  }
  .tab[aria-selected='true']::after {
    content: '';
    position: absolute;
    left: 0.5rem;
    right: 0.5rem;
    bottom: -1px;
    height: 3px;
    border-radius: 3px 3px 0 0;
    background: var(--kaltura-accent);
  }
  .tab:hover {
    color: var(--kaltura-text);
  }
  .tab:focus-visible {
    outline-offset: -2px;
  }
  .badge,
  .count {
    min-width: 1.35rem;
    padding: 0 0.35rem;
    border-radius: 999px;
    font-size: 0.75rem;
    line-height: 1.35rem;
    text-align: center;
  }
  .badge {
    background: var(--kaltura-accent);
    color: var(--kaltura-accent-text);
  }
  .count {
    background: var(--kaltura-surface-2);
    color: var(--kaltura-text-muted);
  }
  .panel {
    flex: 1;
    min-height: 0;
    display: flex;
    flex-direction: column;
  }

  .chat {
    flex: 1;
    min-height: 0;
    display: flex;
    flex-direction: column;
  }
  .log {
    flex: 1;
    min-height: 0;
    overflow-y: auto;
    padding: 0.75rem 0.85rem;
    display: flex;
    flex-direction: column;
    gap: 0.7rem;
  }
  .log:focus-visible {
    outline-offset: -2px;
  }
  .empty {
    margin: auto;
    color: var(--kaltura-text-muted);
    text-align: center;
    font-size: 0.875rem;
  }
  .msg {
    display: grid;
    gap: 0.1rem;
  }
  .msg-meta {
    display: flex;
    align-items: baseline;
    gap: 0.5rem;
    font-size: 0.8125rem;
  }
  .msg-name {
    font-weight: 600;
  }
  .msg.mine .msg-name {
    color: var(--kaltura-accent);
  }
  .msg-meta time {
    color: var(--kaltura-text-muted);
    font-size: 0.75rem;
  }
  .msg-text {
    margin: 0;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .composer {
    display: flex;
    gap: 0.5rem;
    padding: 0.6rem;
    border-top: 1px solid var(--kaltura-border);
    flex: none;
  }
  .composer input {
    flex: 1;
    min-width: 0;
    font: inherit;
    color: inherit;
    padding: 0.5rem 0.9rem;
    border-radius: 999px;
    border: 1px solid var(--kaltura-border);
    background: var(--kaltura-surface);
  }
  .composer input:focus-visible {
    outline-offset: 0;
  }

  .people {
    list-style: none;
    margin: 0;
    padding: 0.4rem;
    overflow-y: auto;
    flex: 1;
  }
  .person {
    display: flex;
    align-items: center;
    gap: 0.7rem;
    padding: 0.45rem 0.5rem;
    border-radius: calc(var(--kaltura-radius) - 6px);
  }
  .person.away .person-name {
    font-weight: 500;
    color: var(--kaltura-text-muted);
  }
  .person.away .avatar {
    background: var(--kaltura-text-muted);
  }
  .person-main {
    display: grid;
    min-width: 0;
    flex: 1;
  }
  .person-name {
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .person-meta {
    font-size: 0.8125rem;
    color: var(--kaltura-text-muted);
  }
  .person-media {
    display: flex;
    gap: 0.35rem;
    color: var(--kaltura-text-muted);
  }
  .person-media .m-off {
    color: var(--kaltura-danger);
  }
  .person-media .icon {
    width: 1.1rem;
    height: 1.1rem;
  }

  /* Wide: video beside the side panel, at a fixed height. */
  @container room (min-width: 760px) {
    .room {
      grid-template-columns: minmax(0, 1fr) var(--kaltura-sidebar-width);
      height: var(--kaltura-height);
    }
    .stage {
      min-height: 0;
    }
    .grid {
      flex: 1;
      min-height: 0;
      overflow: auto;
    }
    .tile {
      flex-basis: calc((100% - (var(--cols, 1) - 1) * var(--tile-gap)) / var(--cols, 1));
    }
    .sidebar {
      height: auto;
      border-top: none;
      border-left: 1px solid var(--kaltura-border);
    }
  }
  @container room (max-width: 420px) {
    .header {
      padding-left: 0.75rem;
    }
    .heading {
      gap: 0.1rem 0.5rem;
    }
    .btn.compact {
      padding: 0.35rem 0.7rem;
    }
    .ctl.bar {
      gap: 0.35rem;
      padding: 0.5rem 0.65rem 0.5rem 0.55rem;
      font-size: 0.8125rem;
    }
    .controls {
      gap: 0.3rem;
    }
  }

  .screen {
    display: grid;
    place-items: center;
    padding: 3rem 1.25rem;
    min-height: 22rem;
    text-align: center;
    background: var(--kaltura-bg);
  }
  .screen-icon {
    display: grid;
    place-items: center;
    width: 3.5rem;
    height: 3.5rem;
    margin-bottom: 0.25rem;
    border-radius: 50%;
    background: color-mix(in srgb, var(--kaltura-accent) 12%, var(--kaltura-bg));
    color: var(--kaltura-accent);
  }
  .screen-icon .icon {
    width: 1.75rem;
    height: 1.75rem;
  }
  .screen-card {
    display: grid;
    justify-items: center;
    gap: 0.85rem;
    max-width: 30rem;
  }
  .screen-title {
    font-size: 1.375rem;
    line-height: 1.25;
  }
  .screen-text {
    margin: 0;
    color: var(--kaltura-text-muted);
  }
  .screen-hint {
    margin: 0;
    font-size: 0.875rem;
    color: var(--kaltura-text-muted);
  }
  .screen .notice {
    margin: 0;
  }
`;

// Breakout views: the control bar (staff) and breakout bar (participants in a breakout room),
// their panels and room list, the countdown, broadcasts in the chat, and the dashboard overlay. One rule a line: CSS in templates ships unminified.
const breakout = css`
  .bar { position: relative; display: flex; flex-wrap: wrap; align-items: center; gap: 0.35rem 0.75rem; padding: 0.4rem 0.75rem; background: var(--kaltura-bar-bg); color: var(--kaltura-bar-text); font-size: 0.875rem; }
  .bar :focus-visible { outline-color: var(--kaltura-bar-text); }
  .bar-start, .bar-end { display: flex; flex: 1 1 0; flex-wrap: wrap; align-items: center; gap: 0.35rem; }
  .bar-end { justify-content: flex-end; }
  .bar-btn { background: transparent; color: inherit; border-color: rgb(255 255 255 / 0.25); }
  .bar-btn:hover:not(:disabled), .bar-btn[aria-expanded='true'] { background: rgb(255 255 255 / 0.14); }
  .bar-time, .bar-room { display: inline-flex; align-items: center; gap: 0.4rem; white-space: nowrap; font-weight: 700; }
  .time { font-variant-numeric: tabular-nums; }
  .bell { border-color: var(--kaltura-call); color: var(--kaltura-call); }
  .bell .badge { background: var(--kaltura-call); color: #1a1f29; }
  .bar-panel { left: 0.75rem; right: auto; display: grid; gap: 0.5rem; width: min(22rem, calc(100% - 1.5rem)); max-height: 20rem; overflow-y: auto; padding: 0.85rem; color: var(--kaltura-text); }
  .bar-panel.rooms { left: calc(50% - min(11rem, 50% - 0.75rem)); }
  .bar-panel label, .room-list span:first-child { font-weight: 600; }
  .bar-panel .btn { justify-self: end; }
  .panel-note { margin: 0; color: var(--kaltura-danger); }
  .room-list li { display: grid; grid-template-columns: 1fr auto; align-items: center; padding: 0.4rem 0.25rem; border-bottom: 1px solid var(--kaltura-border); }
  .room-list span + span { grid-row: 2; }
  .room-list .room-here, .room-list .btn { grid-area: 1 / 2 / 3; }
  .room-list span:not(:first-child) { color: var(--kaltura-text-muted); font-size: 0.8125rem; }
  .countdown { position: absolute; inset: 0; z-index: 5; display: grid; place-items: center; background: var(--kaltura-overlay-bg); }
  .countdown > div { display: grid; justify-items: center; margin: 1rem; padding: 1.5rem 2rem; border-radius: var(--kaltura-radius); background: var(--kaltura-bg); color: var(--kaltura-text); text-align: center; font-weight: 600; }
  .countdown-n { font-size: 2.5rem; color: var(--kaltura-accent); }
  .countdown ~ .controls { position: relative; z-index: 6; }
  .msg.broadcast { padding: 0.45rem 0.65rem; border-left: 3px solid var(--kaltura-broadcast); border-radius: 4px; background: color-mix(in srgb, var(--kaltura-broadcast) 9%, var(--kaltura-bg)); }
  .msg.broadcast .msg-name { color: color-mix(in srgb, var(--kaltura-broadcast) 80%, var(--kaltura-text)); }
  .dashboard { position: absolute; inset: 0; z-index: 20; overflow: auto; background: var(--kaltura-bg); }
  @container room (max-width: 760px) { .bar-start, .bar-end { flex-basis: auto; } }
`;

// Hosts and moderators of an event session: the Assistant / Live stage tab's figures. One rule a line.
const stats = css`
  .tabs.has-stage { overflow-x: auto; scrollbar-width: none; }
  .tabs.has-stage .tab { flex: none; padding-inline: 0.5rem; font-size: 0.875rem; white-space: nowrap; }
  .stage-panel { overflow-y: auto; padding: 0.85rem; }
  .stage-panel:focus-visible { outline-offset: -2px; }
  .stats-title { margin: 0 0 0.65rem; font-size: 0.9375rem; }
  .stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(8.5rem, 1fr)); gap: 0.6rem; margin: 0; }
  .stat { display: grid; align-content: start; gap: 0.15rem; padding: 0.6rem 0.65rem; border-radius: calc(var(--kaltura-radius) - 4px); background: var(--kaltura-surface); }
  .stat dt { font-size: 0.8125rem; font-weight: 600; color: var(--kaltura-text-muted); }
  .stat dd { margin: 0; }
  .stat-value { font-size: 1.375rem; line-height: 1.2; font-weight: 700; font-variant-numeric: tabular-nums; }
  .stat-score { display: block; font-size: 0.875rem; font-weight: 600; color: var(--kaltura-text-muted); }
  .stat-note { font-size: 0.75rem; color: var(--kaltura-text-muted); }
  .mood-positive .stat-value { color: var(--kaltura-success); }
  .mood-negative .stat-value { color: var(--kaltura-danger); }
`;

export const styles = [themeTokens, base, prejoin, room, breakout, stats, confirmDialogStyles];
