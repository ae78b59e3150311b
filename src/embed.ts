/**
 * The drop-in entry: defines every element. One script tag on any page:
 *
 * ```html
 * <script type="module" src="https://rooms.example.edu/kaltura-room.js"></script>
 * <kaltura-room server="https://rooms.example.edu" room="bio-101-week-3" token="…"></kaltura-room>
 * ```
 *
 * The room and the breakout console are in this file. The event elements load their
 * code (from beside this script) the first time they appear on a page.
 */
import './elements/kaltura-room/kaltura-room.ts';
// After the room, so a dashboard nested in a room finds the room's context when it upgrades.
import './elements/breakout-dashboard/breakout-dashboard.ts';
import { defineOnUse } from './elements/shared/define-on-use.ts';

defineOnUse('event-agenda', () => import('./elements/event-agenda/event-agenda.ts'));
defineOnUse('session-editor', () => import('./elements/session-editor/session-editor.ts'));
defineOnUse('session-attachments', () => import('./elements/session-attachments/session-attachments.ts'));
defineOnUse('agenda-glance', () => import('./elements/agenda-glance/agenda-glance.ts'));

export { KalturaRoom } from './elements/kaltura-room/kaltura-room.component.ts';
export { BreakoutDashboard } from './elements/breakout-dashboard/breakout-dashboard.component.ts';
