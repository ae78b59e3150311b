/**
 * The drop-in entry: defines every element. One script tag on any page:
 *
 * ```html
 * <script type="module" src="https://rooms.example.edu/kaltura-room.js"></script>
 * <kaltura-room server="https://rooms.example.edu" room="bio-101-week-3" token="…"></kaltura-room>
 * ```
 */
import './elements/kaltura-room/kaltura-room.ts';
// After the room, so a dashboard nested in a room finds the room's context when it upgrades.
import './elements/breakout-dashboard/breakout-dashboard.ts';

export * from './index.ts';
