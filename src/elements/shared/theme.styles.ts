import { css } from 'lit';

/**
 * The `--kaltura-*` tokens every element shares, with their defaults, and the host
 * basics. Set any of them on an element (or its `::part`s) to theme it.
 */
export const themeTokens = css`
  :host {
    --kaltura-font: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
    --kaltura-font-size: 15px;
    --kaltura-bg: #ffffff;
    --kaltura-surface: #f5f6f8;
    --kaltura-surface-2: #e9ecf1;
    --kaltura-text: #1a1f29;
    --kaltura-text-muted: #5a6373;
    --kaltura-border: #dde1e8;
    --kaltura-accent: #1b64f2;
    --kaltura-accent-text: #ffffff;
    --kaltura-danger: #d42a20;
    --kaltura-success: #1f9d55;
    --kaltura-radius: 12px;
    --kaltura-gap: 12px;
    --kaltura-focus-color: #1b64f2;
    display: block;
    box-sizing: border-box;
    color: var(--kaltura-text);
    font-family: var(--kaltura-font);
    font-size: var(--kaltura-font-size);
    line-height: 1.45;
  }
`;
