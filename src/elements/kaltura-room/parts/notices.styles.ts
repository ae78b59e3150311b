import { css } from 'lit';

/** The notice (errors and refusals). */
export const noticeStyles = css`
  .notice {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    margin: 0.75rem;
    padding: 0.4rem 0.4rem 0.4rem 0.85rem;
    border-radius: calc(var(--kaltura-radius) - 4px);
    background: color-mix(in srgb, var(--kaltura-danger) 10%, var(--kaltura-bg));
    color: color-mix(in srgb, var(--kaltura-danger) 75%, var(--kaltura-text));
    border: 1px solid color-mix(in srgb, var(--kaltura-danger) 30%, transparent);
    font-size: 0.875rem;
  }
  .notice > span {
    flex: 1;
  }
`;

/** The banners on the stage (reconnecting, the host has left, breakout closing). */
export const bannerStyles = css`
  .banner {
    padding: 0.5rem 0.85rem;
    border-radius: calc(var(--kaltura-radius) - 4px);
    font-size: 0.875rem;
    text-align: center;
  }
  .banner.floating {
    position: absolute;
    top: var(--kaltura-gap);
    left: 50%;
    transform: translateX(-50%);
    z-index: 2;
    max-width: calc(100% - 2 * var(--kaltura-gap));
    border-radius: 999px;
    padding: 0.45rem 1rem;
    box-shadow: 0 6px 20px rgb(0 0 0 / 0.35);
  }
  .banner.warn {
    background: color-mix(in srgb, var(--kaltura-warning) 85%, #000);
    color: #fff;
    font-weight: 600;
  }
  .banner.info {
    background: rgb(255 255 255 / 0.1);
    color: #e7eaf0;
  }
`;
