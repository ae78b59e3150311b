import { css } from 'lit';

/** The media toggles: round on the pre-join preview, labelled pills on the room's toolbar. */
export const mediaControlStyles = css`
  .ctl {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.45rem;
    border: none;
    cursor: pointer;
    transition: background-color 0.15s;
  }
  .ctl.round {
    width: 3rem;
    height: 3rem;
    border-radius: 999px;
    background: rgb(255 255 255 / 0.92);
    color: #1a1f29;
    box-shadow: 0 2px 8px rgb(0 0 0 / 0.25);
  }
  .ctl.round.off {
    background: var(--kaltura-danger);
    color: #fff;
  }
  .ctl.bar {
    min-height: 2.75rem;
    padding: 0.5rem 1.1rem 0.5rem 0.9rem;
    border-radius: 999px;
    background: rgb(255 255 255 / 0.12);
    color: #fff;
    font-weight: 600;
  }
  .ctl.bar:hover:not(:disabled) {
    background: rgb(255 255 255 / 0.2);
  }
  .ctl.bar.off {
    background: var(--kaltura-danger);
  }
  .ctl:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  .ctl.round:disabled {
    background: rgb(255 255 255 / 0.35);
    color: #1a1f29;
  }
  .ctl .icon {
    width: 1.35rem;
    height: 1.35rem;
  }
`;
