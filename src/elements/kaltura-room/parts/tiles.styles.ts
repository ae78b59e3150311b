import { css } from 'lit';

export const tileStyles = css`
  .grid {
    --tile-gap: calc(var(--kaltura-gap) * 0.66);
    display: flex;
    flex-wrap: wrap;
    justify-content: center;
    align-content: center;
    gap: var(--tile-gap);
  }
  .tile {
    flex: 0 0 calc((100% - (var(--cols-narrow, 1) - 1) * var(--tile-gap)) / var(--cols-narrow, 1));
    position: relative;
    margin: 0;
    aspect-ratio: 16 / 9;
    border-radius: calc(var(--kaltura-radius) - 2px);
    overflow: hidden;
    background: var(--kaltura-tile-bg);
    min-height: 0;
    container-type: inline-size;
  }
  .tile video {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    object-fit: cover;
  }
  .tile.self video {
    transform: scaleX(-1);
  }
  .tile.no-video video {
    visibility: hidden;
  }
  .tile-state {
    position: absolute;
    top: 0.5rem;
    right: 0.5rem;
    padding: 0.1rem 0.5rem;
    border-radius: 999px;
    background: rgb(10 12 18 / 0.65);
    color: #e7eaf0;
    font-size: 0.75rem;
  }
  .name {
    position: absolute;
    left: 0.5rem;
    bottom: 0.5rem;
    max-width: calc(100% - 1rem);
    display: inline-flex;
    align-items: center;
    gap: 0.35rem;
    padding: 0.2rem 0.55rem;
    border-radius: 999px;
    background: rgb(10 12 18 / 0.65);
    color: #fff;
    font-size: 0.8125rem;
    font-weight: 500;
    backdrop-filter: blur(4px);
  }
  .name-text {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .muted-badge {
    display: inline-flex;
    color: #ff8a80;
  }
  .muted-badge .icon {
    width: 1rem;
    height: 1rem;
  }
  .role-badge {
    flex: none;
    padding: 0 0.4rem;
    border-radius: 999px;
    background: rgb(255 255 255 / 0.18);
    font-size: 0.6875rem;
    font-weight: 600;
    text-transform: uppercase;
    letter-spacing: 0.04em;
  }
  @container (max-width: 240px) {
    .role-badge,
    .tile-state {
      display: none;
    }
    .name {
      left: 0.3rem;
      bottom: 0.3rem;
      max-width: calc(100% - 0.6rem);
      padding: 0.1rem 0.45rem;
      font-size: 0.75rem;
    }
  }
  /* Wide: the grid takes the stage's height, tiles in the computed number of columns. */
  @container room (min-width: 760px) {
    .grid {
      flex: 1;
      min-height: 0;
      overflow: auto;
    }
    .tile {
      flex-basis: calc((100% - (var(--cols, 1) - 1) * var(--tile-gap)) / var(--cols, 1));
    }
  }
`;
