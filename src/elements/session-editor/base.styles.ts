import { css } from 'lit';
import { confirmDialogStyles } from '../shared/confirm-dialog.ts';
import { themeTokens } from '../shared/theme.styles.ts';

/**
 * What `<session-editor>` and `<event-agenda>` share: the `--kaltura-*` tokens
 * (same names and defaults as `<kaltura-room>`), buttons, fields, chips, notices,
 * menus and dialogs.
 */
export const baseStyles = [
  themeTokens,
  confirmDialogStyles,
  css`
    :host {
      container-type: inline-size;
    }
    :host([hidden]),
    [hidden] {
      display: none !important;
    }
    *,
    *::before,
    *::after {
      box-sizing: border-box;
    }
    :focus-visible {
      outline: 2px solid var(--kaltura-focus-color);
      outline-offset: 2px;
    }
    .base {
      background: var(--kaltura-bg);
      border: 1px solid var(--kaltura-border);
      border-radius: var(--kaltura-radius);
      padding: calc(var(--kaltura-gap) * 1.5);
    }
    h2,
    h3 {
      margin: 0;
      line-height: 1.3;
    }
    h2 {
      font-size: 1.25rem;
    }
    h3 {
      font-size: 1rem;
    }
    p {
      margin: 0;
    }
    .muted {
      color: var(--kaltura-text-muted);
    }
    .icon {
      width: 1.25em;
      height: 1.25em;
      flex: none;
    }
    button,
    input,
    select,
    textarea {
      font: inherit;
      color: inherit;
    }
    .btn {
      display: inline-flex;
      align-items: center;
      justify-content: center;
      gap: 0.4em;
      min-height: 2.5rem;
      padding: 0.45rem 1.1rem;
      border-radius: 999px;
      border: 1px solid var(--kaltura-border);
      background: var(--kaltura-bg);
      font-weight: 600;
      cursor: pointer;
      text-decoration: none;
      white-space: nowrap;
    }
    .btn:hover:not(:disabled) {
      background: var(--kaltura-surface-2);
    }
    .btn.primary {
      background: var(--kaltura-accent);
      border-color: var(--kaltura-accent);
      color: var(--kaltura-accent-text);
    }
    .btn.primary:hover:not(:disabled) {
      background: var(--kaltura-accent);
      filter: brightness(0.92);
    }
    .btn.danger {
      background: var(--kaltura-danger);
      border-color: var(--kaltura-danger);
      color: #fff;
    }
    .btn:disabled {
      opacity: 0.5;
      cursor: not-allowed;
    }
    .btn.link {
      border-color: transparent;
      color: var(--kaltura-accent);
      padding-inline: 0.5rem;
    }
    .icon-btn {
      display: inline-grid;
      place-items: center;
      width: 2.5rem;
      height: 2.5rem;
      border: none;
      border-radius: 50%;
      background: transparent;
      color: var(--kaltura-accent);
      cursor: pointer;
      flex: none;
    }
    .icon-btn:hover {
      background: var(--kaltura-surface-2);
    }
    .icon-btn.small {
      width: 1.75rem;
      height: 1.75rem;
      color: inherit;
    }
    input:not([type='checkbox'], [type='radio'], [type='file']),
    textarea {
      width: 100%;
      min-height: 2.5rem;
      padding: 0.45rem 0.7rem;
      border: 1px solid #8a93a3;
      border-radius: 8px;
      background: var(--kaltura-bg);
    }
    textarea {
      min-height: 5.5rem;
      resize: vertical;
    }
    [aria-invalid='true'] {
      border-color: var(--kaltura-danger) !important;
    }
    .label {
      display: block;
      font-weight: 600;
      margin-bottom: 0.3rem;
    }
    .error {
      color: var(--kaltura-danger);
      font-size: 0.875rem;
      margin-top: 0.3rem;
    }
    .chips {
      display: flex;
      flex-wrap: wrap;
      gap: 0.4rem;
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .chip {
      display: inline-flex;
      align-items: center;
      gap: 0.2rem;
      padding-block: 0.1rem;
      padding-inline: 0.7rem 0.3rem;
      border-radius: 999px;
      background: var(--kaltura-surface-2);
      font-size: 0.875rem;
    }
    .tag {
      padding: 0.05rem 0.6rem;
    }
    .notice {
      display: flex;
      align-items: center;
      gap: 0.6rem;
      padding-block: 0.55rem;
      padding-inline: 0.9rem 0.6rem;
      border-radius: 8px;
      margin-bottom: var(--kaltura-gap);
      background: #e7f6ed;
      border: 1px solid var(--kaltura-success);
    }
    .notice.bad {
      background: #fdeceb;
      border-color: var(--kaltura-danger);
    }
    .notice > span {
      flex: 1;
    }
    /* An empty notice region (see notice.ts) takes no room, nor a grid's gap. */
    .live:empty {
      margin-bottom: calc(-1 * var(--kaltura-gap));
    }
    .menu-wrap {
      position: relative;
    }
    .menu {
      position: absolute;
      inset-inline-end: 0;
      top: 100%;
      z-index: 5;
      min-width: 10rem;
      padding: 0.3rem;
      background: var(--kaltura-bg);
      border: 1px solid var(--kaltura-border);
      border-radius: 8px;
      box-shadow: 0 8px 24px rgb(0 0 0 / 0.15);
    }
    .menu-item {
      display: block;
      width: 100%;
      padding: 0.5rem 0.8rem;
      border: none;
      border-radius: 6px;
      background: none;
      text-align: start;
      text-decoration: none;
      color: inherit;
      cursor: pointer;
    }
    .menu-item:hover,
    .menu-item:focus {
      background: var(--kaltura-surface-2);
    }
    dialog.panel {
      border: none;
      border-radius: var(--kaltura-radius);
      padding: 1.5rem;
      width: min(32rem, calc(100vw - 1.5rem));
      background: var(--kaltura-bg);
      color: var(--kaltura-text);
      font-family: var(--kaltura-font);
      box-shadow: 0 24px 60px rgb(0 0 0 / 0.3);
    }
    dialog::backdrop {
      background: rgb(10 14 22 / 0.55);
    }
    .dialog-head {
      display: flex;
      align-items: flex-start;
      justify-content: space-between;
      gap: 1rem;
      margin-bottom: 1rem;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      justify-content: flex-end;
      margin-top: 1.25rem;
    }
  `,
];
