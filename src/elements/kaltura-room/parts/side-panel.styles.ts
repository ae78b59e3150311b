import { css } from 'lit';

export const sidePanelStyles = css`
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
  /* Wide: beside the stage, as high as the room. */
  @container room (min-width: 760px) {
    .sidebar {
      height: auto;
      border-top: none;
      border-left: 1px solid var(--kaltura-border);
    }
  }
  /* With the stage tabs, four tabs scroll rather than wrap. */
  .tabs.has-stage { overflow-x: auto; scrollbar-width: none; }
  .tabs.has-stage .tab { flex: none; padding-inline: 0.5rem; font-size: 0.875rem; white-space: nowrap; }
  .stage-panel { overflow-y: auto; padding: 0.85rem; }
  .stage-panel:focus-visible { outline-offset: -2px; }
`;
