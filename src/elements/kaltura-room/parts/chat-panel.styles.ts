import { css } from 'lit';

export const chatStyles = css`
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
  .composer-note { margin: 0; padding: 0 0.9rem 0.6rem; font-size: 0.8125rem; color: var(--kaltura-text-muted); flex: none; }
  .composer-note:empty { padding: 0; }
  /* Broadcasts from the breakout control bar. */
  .msg.broadcast { padding: 0.45rem 0.65rem; border-left: 3px solid var(--kaltura-broadcast); border-radius: 4px; background: color-mix(in srgb, var(--kaltura-broadcast) 9%, var(--kaltura-bg)); }
  .msg.broadcast .msg-name { color: color-mix(in srgb, var(--kaltura-broadcast) 80%, var(--kaltura-text)); }
`;
