import { css } from 'lit';
import { baseStyles } from '../session-editor/base.styles.ts';
import { sessionMenuStyles } from './session-menu.ts';
import { tagFilterStyles } from './tag-filter.ts';

export const styles = [
  ...baseStyles,
  tagFilterStyles,
  sessionMenuStyles,
  css`
    .base {
      display: grid;
      gap: calc(var(--kaltura-gap) * 1.25);
    }
    .top {
      display: flex;
      flex-wrap: wrap;
      align-items: flex-start;
      justify-content: space-between;
      gap: var(--kaltura-gap);
    }
    .label {
      font-weight: 600;
      padding: 0;
      margin-bottom: 0.4rem;
    }
    .day {
      display: grid;
      gap: 0.5rem;
    }
    .day h3 {
      padding: 0.4rem 0.75rem;
      border-radius: 8px;
      background: var(--kaltura-surface);
      font-size: 0.9375rem;
    }
    .items {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
    }
    .item {
      display: grid;
      grid-template-columns: 7.5rem 1fr auto;
      gap: 0.5rem var(--kaltura-gap);
      align-items: start;
      padding: 0.75rem;
      border-bottom: 1px solid var(--kaltura-border);
    }
    .item:last-child {
      border-bottom: 0;
    }
    .when {
      display: grid;
      font-variant-numeric: tabular-nums;
    }
    .when .muted {
      font-size: 0.8125rem;
    }
    .what {
      display: grid;
      gap: 0.3rem;
      min-width: 0;
    }
    h4 {
      margin: 0;
      font-size: 1rem;
    }
    .title {
      padding: 0;
      border: 0;
      background: none;
      font-weight: 600;
      text-align: start;
      color: var(--kaltura-text);
      cursor: pointer;
    }
    .title:hover {
      color: var(--kaltura-accent);
      text-decoration: underline;
    }
    .what .chip {
      font-size: 0.8125rem;
    }
    .badge {
      background: #fff4de;
      color: #7a4a00;
    }
    .item-actions {
      display: flex;
      align-items: center;
    }
    .waiting {
      display: grid;
      grid-template-columns: auto 1fr auto;
      align-items: center;
      gap: var(--kaltura-gap);
      justify-self: stretch;
      padding: var(--kaltura-gap);
      border: 1px solid var(--kaltura-border);
      border-radius: 8px;
      background: var(--kaltura-surface);
    }
    .waiting > div {
      display: grid;
      gap: 0.25rem;
    }
    .waiting h3:focus {
      outline: none;
    }
    .pulse {
      width: 0.9rem;
      height: 0.9rem;
      border-radius: 50%;
      background: var(--kaltura-accent);
      animation: pulse 1.6s ease-in-out infinite;
    }
    @keyframes pulse {
      50% {
        opacity: 0.3;
        transform: scale(0.7);
      }
    }
    @media (prefers-reduced-motion: reduce) {
      .pulse {
        animation: none;
      }
    }
    .empty {
      padding: 1.5rem 0;
      text-align: center;
    }
    .session-page {
      display: grid;
      gap: var(--kaltura-gap);
    }
    .back {
      justify-self: start;
      margin-left: -0.5rem;
    }
    .banner {
      width: 100%;
      aspect-ratio: 16 / 9;
      max-height: 18rem;
      object-fit: cover;
      border-radius: 8px;
    }
    h2:focus {
      outline: none;
    }
    .description {
      white-space: pre-line;
    }
    .people {
      display: grid;
      grid-template-columns: auto 1fr;
      gap: 0.3rem 1rem;
      margin: 0;
    }
    .people dt {
      font-weight: 600;
    }
    .people dd {
      margin: 0;
    }
    .files {
      margin: 0;
      padding-left: 1.2rem;
    }
    .files a {
      color: var(--kaltura-accent);
      margin-right: 0.5rem;
    }
    .meeting {
      display: grid;
      gap: var(--kaltura-gap);
      justify-items: start;
      padding-top: 0.5rem;
    }
    .meeting .notice {
      margin: 0;
      justify-self: stretch;
    }
    kaltura-room {
      justify-self: stretch;
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
    @container (max-width: 560px) {
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
      .waiting {
        grid-template-columns: auto 1fr;
      }
      .waiting > .btn {
        grid-column: 1 / -1;
        justify-self: start;
      }
    }
  `,
];
