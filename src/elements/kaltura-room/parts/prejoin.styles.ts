import { css } from 'lit';

export const prejoinStyles = css`
  .prejoin {
    display: grid;
    grid-template-columns: 1fr;
    gap: calc(var(--kaltura-gap) * 1.5);
    padding: calc(var(--kaltura-gap) * 1.5);
    align-items: center;
  }
  @container room (min-width: 680px) {
    .prejoin {
      grid-template-columns: minmax(0, 1.5fr) minmax(16rem, 1fr);
      padding: calc(var(--kaltura-gap) * 2.5);
      gap: calc(var(--kaltura-gap) * 2.5);
    }
  }
  .preview {
    position: relative;
    aspect-ratio: 16 / 9;
    border-radius: var(--kaltura-radius);
    overflow: hidden;
    background: var(--kaltura-tile-bg);
  }
  .preview video {
    width: 100%;
    height: 100%;
    object-fit: cover;
    display: block;
  }
  .mirror {
    transform: scaleX(-1);
  }
  .preview-off {
    position: absolute;
    inset: 0;
    display: grid;
    place-content: center;
    justify-items: center;
    gap: 0.5rem;
    color: #c9ced8;
    text-align: center;
    padding: 1rem 1rem 4rem;
  }
  .preview-controls {
    position: absolute;
    left: 0;
    right: 0;
    bottom: 0.85rem;
    display: flex;
    justify-content: center;
    gap: 0.85rem;
  }
  .prejoin-side {
    display: flex;
    flex-direction: column;
    gap: 0.85rem;
  }
  .prejoin-title {
    font-size: 1.5rem;
    line-height: 1.2;
  }
  .prejoin-room {
    margin: -0.5rem 0 0.25rem;
    color: var(--kaltura-text-muted);
  }
  .field {
    display: grid;
    gap: 0.3rem;
  }
  .field label {
    font-size: 0.8125rem;
    font-weight: 600;
    color: var(--kaltura-text-muted);
  }
  select {
    font: inherit;
    color: inherit;
    min-height: 2.5rem;
    padding: 0.4rem 0.6rem;
    border-radius: calc(var(--kaltura-radius) - 4px);
    border: 1px solid var(--kaltura-border);
    background: var(--kaltura-bg);
    max-width: 100%;
  }
  .media-status:empty {
    display: none;
  }
  .media-status p {
    margin: 0;
  }
  .issue {
    display: flex;
    gap: 0.5rem;
    align-items: flex-start;
    color: var(--kaltura-text);
    font-size: 0.875rem;
  }
  .issue .icon {
    color: var(--kaltura-warning);
    margin-top: 0.05rem;
  }
  .mode {
    margin-top: 0.35rem !important;
    font-size: 0.875rem;
    color: var(--kaltura-text-muted);
  }
  .join {
    min-height: 3rem;
    font-size: 1rem;
    margin-top: 0.25rem;
  }
  .slow {
    margin: 0;
    font-size: 0.875rem;
    color: var(--kaltura-text-muted);
    text-align: center;
  }
  .prejoin .notice {
    margin: 0;
  }
`;
