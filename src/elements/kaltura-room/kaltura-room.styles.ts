import { css } from 'lit';
import { baseStyles, buttonStyles } from '../shared/base.styles.ts';
import { confirmDialogStyles } from '../shared/confirm-dialog.ts';
import { themeTokens } from '../shared/theme.styles.ts';
import { barStyles } from './parts/breakout-bar.ts';
import { chatStyles } from './parts/chat-panel.styles.ts';
import { controlBarStyles } from './parts/control-bar.ts';
import { countdownStyles } from './parts/countdown.ts';
import { dashboardStyles } from './parts/dashboard.ts';
import { headerStyles, menuStyles } from './parts/header.styles.ts';
import { mediaControlStyles } from './parts/media-controls.styles.ts';
import { bannerStyles, noticeStyles } from './parts/notices.styles.ts';
import { peopleStyles } from './parts/people-panel.styles.ts';
import { avatarStyles } from './parts/person.ts';
import { prejoinStyles } from './parts/prejoin.styles.ts';
import { screenStyles } from './parts/screens.ts';
import { shareStyles } from './parts/share-button.ts';
import { sidePanelStyles } from './parts/side-panel.styles.ts';
import { stageStyles } from './parts/stage.styles.ts';
import { statsStyles } from './parts/stats.ts';
import { toolbarStyles } from './parts/toolbar.styles.ts';

/** The room's own tokens (beside the shared ones) and its frame: the outer box, headings. */
const frame = css`
  :host {
    --kaltura-warning: #a35f00;
    --kaltura-stage-bg: #10131a;
    --kaltura-tile-bg: #222834;
    --kaltura-height: 600px;
    --kaltura-sidebar-width: 320px;
    --kaltura-bar-bg: #1f2a44;
    --kaltura-bar-text: #ffffff;
    --kaltura-broadcast: #7a4cc2;
    --kaltura-call: #f2b01b;
    --kaltura-overlay-bg: rgb(10 14 22 / 0.72);
  }
  .icon.big {
    width: 2.5rem;
    height: 2.5rem;
  }
  h2 {
    font-size: 1.0625rem;
    margin: 0;
  }
  .base {
    container: room / inline-size;
    position: relative;
    background: var(--kaltura-bg);
    border: 1px solid var(--kaltura-border);
    border-radius: var(--kaltura-radius);
    overflow: hidden;
    display: flex;
    flex-direction: column;
    min-height: 22rem;
  }
`;

/** In the meeting: the stage (parts/stage.styles.ts) beside (wide) or above (narrow) the side panel. */
const layout = css`
  .room {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
  }
  .empty {
    margin: auto;
    color: var(--kaltura-text-muted);
    text-align: center;
    font-size: 0.875rem;
  }
  /* Wide: video beside the side panel, at a fixed height. */
  @container room (min-width: 760px) {
    .room {
      grid-template-columns: minmax(0, 1fr) var(--kaltura-sidebar-width);
      height: var(--kaltura-height);
    }
  }
  @container room (max-width: 420px) {
    .btn.compact {
      padding: 0.35rem 0.7rem;
    }
  }
`;

/**
 * The element's styles: the shared base, the room's frame, then each part's (in the order the
 * parts refine one another: buttons before the bars that restyle them).
 */
export const styles = [
  themeTokens,
  frame,
  baseStyles,
  buttonStyles,
  mediaControlStyles,
  noticeStyles,
  prejoinStyles,
  headerStyles,
  menuStyles,
  layout,
  stageStyles,
  avatarStyles,
  toolbarStyles,
  shareStyles,
  bannerStyles,
  sidePanelStyles,
  chatStyles,
  peopleStyles,
  screenStyles,
  barStyles,
  controlBarStyles,
  countdownStyles,
  dashboardStyles,
  statsStyles,
  confirmDialogStyles,
];
