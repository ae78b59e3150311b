import { css } from 'lit';
import { baseStyles } from '../session-editor/base.styles.ts';

export const styles = [
  ...baseStyles,
  css`
    .base {
      display: grid;
      gap: var(--kaltura-gap);
    }
    .top {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: space-between;
      gap: var(--kaltura-gap);
    }
    .items {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
    }
    .item {
      display: grid;
      grid-template-columns: 9.5rem 1fr auto;
      gap: 0.25rem var(--kaltura-gap);
      align-items: center;
      padding: 0.6rem 0.75rem;
      border-radius: 8px;
      border-bottom: 1px solid var(--kaltura-border);
    }
    .item:last-child {
      border-bottom: 0;
    }
    .item:hover,
    .item:focus-within {
      background: var(--kaltura-surface);
    }
    .when {
      display: grid;
      font-variant-numeric: tabular-nums;
      font-size: 0.875rem;
    }
    .what {
      display: grid;
      gap: 0.15rem;
      min-width: 0;
    }
    .what h3 {
      font-size: 1rem;
      overflow-wrap: anywhere;
    }
    .what .muted {
      font-size: 0.8125rem;
    }
    .badge {
      justify-self: start;
      font-size: 0.75rem;
      background: #fff4de;
      color: #7a4a00;
    }
    /* The pencil and go to session show on hover, and on focus for keyboard users. */
    .item-actions {
      display: flex;
      gap: 0.25rem;
      opacity: 0;
    }
    .item:hover .item-actions,
    .item:focus-within .item-actions {
      opacity: 1;
    }
    @media (hover: none) {
      .item-actions {
        opacity: 1;
      }
    }
    .goto {
      background: var(--kaltura-accent);
      color: var(--kaltura-accent-text);
      border-radius: 8px;
    }
    .goto:hover {
      background: var(--kaltura-accent);
      filter: brightness(0.92);
    }
    .empty {
      padding: 1rem 0;
      text-align: center;
    }
    dialog.editor {
      width: min(56rem, calc(100vw - 1rem));
      max-height: calc(100vh - 1rem);
      padding: 0.5rem;
    }
    dialog.editor .close {
      display: flex;
      justify-content: flex-end;
    }
    dialog.editor session-editor::part(base) {
      border: 0;
    }
    @container (max-width: 520px) {
      .base {
        padding: var(--kaltura-gap);
      }
      .item {
        grid-template-columns: 1fr auto;
      }
      .when {
        grid-column: 1 / -1;
        display: flex;
        gap: 0.5rem;
      }
    }
  `,
];
