/**
 * Names the server gives things at the media server (Janus): one Janus room per place of a
 * meeting room (its main room, or one breakout room), one feed per person and source. Janus runs
 * with string ids, so these read well in its logs and admin API.
 */
import type { MediaSource } from '../../src/protocol/types.ts';

/** The Janus room of a place: `<room>/main`, or `<room>/<breakout room id>`. Room ids never hold '/'. */
export function janusRoomId(room: string, location: string | null): string {
  return `${room}/${location ?? 'main'}`;
}

/** The meeting room a Janus room belongs to, or null for a name this server did not make. */
export function meetingRoomOf(janusRoom: string): string | null {
  const slash = janusRoom.indexOf('/');
  return slash > 0 ? janusRoom.slice(0, slash) : null;
}

/** The feed id of one person's source: `camera:<user id>` or `screen:<user id>`. */
export function feedId(userId: string, source: MediaSource): string {
  return `${source}:${userId}`;
}

/** Whose what a feed id names, or null for one this server did not make. */
export function parseFeedId(feed: string): { userId: string; source: MediaSource } | null {
  const colon = feed.indexOf(':');
  const source = feed.slice(0, colon);
  const userId = feed.slice(colon + 1);
  if (colon < 0 || !userId || (source !== 'camera' && source !== 'screen')) return null;
  return { userId, source };
}
