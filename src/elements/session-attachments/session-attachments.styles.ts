import { css } from 'lit';
import { baseStyles } from '../session-editor/base.styles.ts';

export const styles = [
  ...baseStyles,
  css`
    .root {
      display: grid;
      gap: var(--kaltura-gap);
    }
    .small {
      font-size: 0.8125rem;
    }
    .notice {
      margin-bottom: 0;
    }
    .att-head {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: var(--kaltura-gap);
    }
    .uploads,
    .attachments {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: 0.5rem;
    }
    .upload,
    .attachment {
      display: flex;
      align-items: center;
      gap: 0.75rem;
      padding: 0.6rem 0.75rem;
      border: 1px solid var(--kaltura-border);
      border-radius: 8px;
      min-width: 0;
    }
    .upload {
      flex-wrap: wrap;
    }
    .upload .name {
      flex: 0 1 14rem;
      min-width: 0;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .upload .error {
      order: 3;
      flex-basis: 100%;
      margin: 0;
    }
    .upload .name:has(+ .error) {
      flex: 1;
    }
    progress {
      flex: 1;
      min-width: 4rem;
      height: 0.5rem;
      accent-color: var(--kaltura-accent);
    }
    .ext {
      display: grid;
      place-items: center;
      width: 2.6rem;
      height: 2.6rem;
      flex: none;
      border-radius: 6px;
      background: var(--kaltura-surface-2);
      font-size: 0.7rem;
      font-weight: 700;
      text-transform: uppercase;
    }
    .att-text {
      flex: 1;
      min-width: 0;
      display: grid;
    }
    .att-text > * {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .field {
      min-width: 0;
    }
    .info {
      display: grid;
      grid-template-columns: auto 1fr;
      gap: 0.4rem 1rem;
      margin: 0;
    }
    .info dt {
      font-weight: 600;
    }
    .info dd {
      margin: 0;
      overflow-wrap: anywhere;
    }
    dialog .field + .field {
      margin-top: 0.9rem;
    }
    dialog .muted {
      margin-bottom: 0.9rem;
    }
    @container (max-width: 560px) {
      .att-head {
        flex-direction: column;
        align-items: stretch;
      }
    }
  `,
];

/**
 * For an element that shows `<session-attachments>` in its shadow root: the attachments take
 * that element's theme. (Their own `:host` sets every `--kaltura-*` token to its default; a rule
 * from the surrounding tree wins over `:host`, and `inherit` passes the surrounding values on.)
 */
export const nestedAttachmentsStyles = css`
  session-attachments {
    --kaltura-font: inherit;
    --kaltura-font-size: inherit;
    --kaltura-bg: inherit;
    --kaltura-surface: inherit;
    --kaltura-surface-2: inherit;
    --kaltura-text: inherit;
    --kaltura-text-muted: inherit;
    --kaltura-border: inherit;
    --kaltura-accent: inherit;
    --kaltura-accent-text: inherit;
    --kaltura-danger: inherit;
    --kaltura-success: inherit;
    --kaltura-radius: inherit;
    --kaltura-gap: inherit;
    --kaltura-focus-color: inherit;
  }
`;
