import { css } from 'lit';

/*
 * The style base the elements share, beside the `--kaltura-*` tokens (theme.styles.ts): what
 * every shadow root repeats (hidden, box sizing, the focus ring, text only for assistive
 * technology, icons) and the buttons. An element composes what it uses into `static styles`,
 * after `themeTokens` and before its own rules, which may refine these.
 */

/** `[hidden]` hides, box sizing is inherited, one focus ring, `.visually-hidden`, `.icon`. */
export const baseStyles = css`
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
`;

/** Buttons: `.btn` (with `primary`, `danger`, `compact`), round `.icon-btn` (`small`, `accent`) and `.link-btn`. */
export const buttonStyles = css`
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
`;
