import { css } from 'lit';

export const headerStyles = css`
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
  @container room (max-width: 420px) {
    .header {
      padding-left: 0.75rem;
    }
    .heading {
      gap: 0.1rem 0.5rem;
    }
  }
  /* A phone: the title wraps to two lines beside End Session (an icon) and the menu. */
  @container room (max-width: 520px) {
    .header { align-items: flex-start; }
    .heading { flex: 1 1 auto; }
    .title { white-space: normal; overflow-wrap: anywhere; display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; line-height: 1.3; }
    .actions { padding-top: 0.1rem; }
    [part~='end-button'] { width: 2.5rem; padding: 0; }
    .end-label { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  }
`;

/** The "three dots" menus (the header's, and the toolbar's opening upwards). */
export const menuStyles = css`
  .menu-wrap {
    position: relative;
  }
  .menu {
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
  .menu.up { top: auto; bottom: calc(100% + 0.35rem); }
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
`;
