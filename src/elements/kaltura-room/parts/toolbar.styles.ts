import { css } from 'lit';

export const toolbarStyles = css`
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
  @container room (max-width: 420px) {
    .ctl.bar {
      gap: 0.35rem;
      padding: 0.5rem 0.65rem 0.5rem 0.55rem;
      font-size: 0.8125rem;
    }
    .controls {
      gap: 0.3rem;
    }
  }
  .controls .menu-wrap > .icon-btn { width: 2.75rem; height: 2.75rem; background: rgb(255 255 255 / 0.12); color: #fff; }
  .controls .menu-wrap > .icon-btn:hover { background: rgb(255 255 255 / 0.2); }
  .controls .menu { color: var(--kaltura-text); }
`;
