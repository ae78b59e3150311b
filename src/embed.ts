/**
 * The drop-in entry: defines every element. One script tag on any page:
 *
 * ```html
 * <script type="module" src="https://rooms.example.edu/kaltura-room.js"></script>
 * <kaltura-room server="https://rooms.example.edu" room="bio-101-week-3" token="…"></kaltura-room>
 * ```
 *
 * The room is in this file. The breakout console and the event elements load their code
 * (from beside this script) the first time they appear on a page or are opened.
 */
import './elements/kaltura-room/kaltura-room.ts';
import { defineOnUse } from './elements/shared/define-on-use.ts';

// Staff tools: a standalone console loads when it appears on a page; the room loads the one it
// shows over itself when a host or moderator first opens it.
defineOnUse('breakout-dashboard', () => import('./elements/breakout-dashboard/breakout-dashboard.ts'));
defineOnUse('event-agenda', () => import('./elements/event-agenda/event-agenda.ts'));
defineOnUse('session-editor', () => import('./elements/session-editor/session-editor.ts'));
defineOnUse('session-attachments', () => import('./elements/session-attachments/session-attachments.ts'));
defineOnUse('agenda-glance', () => import('./elements/agenda-glance/agenda-glance.ts'));

export { KalturaRoom } from './elements/kaltura-room/kaltura-room.component.ts';
