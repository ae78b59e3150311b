import { css } from 'lit';

/*
 * Styles of the room's newer parts: the bottom toolbar's menu, the narrow (phone) header and
 * control bar, the participant actions and the removed screen. One rule a line, like the
 * breakout styles: CSS in templates ships unminified in the drop-in.
 */
export const partStyles = css`
  .menu.up { top: auto; bottom: calc(100% + 0.35rem); }
  .controls .menu-wrap > .icon-btn { width: 2.75rem; height: 2.75rem; background: rgb(255 255 255 / 0.12); color: #fff; }
  .controls .menu-wrap > .icon-btn:hover { background: rgb(255 255 255 / 0.2); }
  .controls .menu { color: var(--kaltura-text); }
  .person-remove { flex: none; color: var(--kaltura-text-muted); }
  .person-remove:hover { color: var(--kaltura-danger); }
  .composer-note { margin: 0; padding: 0 0.9rem 0.6rem; font-size: 0.8125rem; color: var(--kaltura-text-muted); flex: none; }
  .composer-note:empty { padding: 0; }
  @container room (max-width: 520px) {
    .header { align-items: flex-start; }
    .heading { flex: 1 1 auto; }
    .title { white-space: normal; overflow-wrap: anywhere; display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; line-height: 1.3; }
    .actions { padding-top: 0.1rem; }
    [part~='end-button'] { width: 2.5rem; padding: 0; }
    .end-label, .control-bar .bar-label { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    .control-bar { gap: 0.35rem 0.4rem; padding: 0.35rem 0.5rem; }
    .control-bar .bar-start, .control-bar .bar-center, .control-bar .bar-end { display: contents; }
    .control-bar .bar-center .btn { max-width: 9rem; overflow: hidden; text-overflow: ellipsis; display: block; }
    .control-bar .btn.compact { padding: 0.3rem 0.6rem; }
  }
`;
