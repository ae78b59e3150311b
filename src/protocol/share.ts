/**
 * Share content: a host or moderator (or a participant, when a host allows it) shares a screen,
 * window or tab with the room they are in: the main room, or their breakout room only. One share
 * per room at a time; a second sharer may take over. A share ends when its sharer stops it, is
 * stopped by a host or moderator, leaves (or their page is replaced), moves to another room, or
 * when the meeting ends, and participants' shares end when a host stops allowing them.
 *
 * The media itself goes peer to peer (see `media.ts`: `receives`, `screenAudience`); this module
 * keeps who shares where.
 */
import * as v from 'valibot';
import { locationOf } from './breakout-state.ts';
import { NOT_JOINED, ok, refuse, type RoomFeature, type Viewer, type ApplyTable } from './feature.ts';
import { UserIdSchema } from './fields.ts';
import { participantOf } from './presence.ts';
import { isStaff, type ActiveShare, type RoomEvent, type RoomState, type ShareState, type ShareStopReason } from './types.ts';

export type { ActiveShare, MediaRef, MediaSource, ShareState, ShareStopReason } from './types.ts';

const NO_SHARES: ShareState = { allowParticipants: false, active: [] };

/** The room's share state (snapshots written before sharing existed have none: nobody shares, participants may not). */
export function shareState(state: RoomState): ShareState {
  return state.share ?? NO_SHARES;
}

/** The share in a room (a breakout room id, or null for the main room), if any. */
export function shareIn(state: RoomState, room: string | null): ActiveShare | null {
  return shareState(state).active.find((s) => s.room === room) ?? null;
}

/** What `userId` shares now, if anything. */
export function shareBy(state: RoomState, userId: string): ActiveShare | null {
  return shareState(state).active.find((s) => s.userId === userId) ?? null;
}

/** May this person share content? Hosts and moderators always; participants when a host allows it. */
export function mayShare(state: RoomState, viewer: Viewer): boolean {
  return isStaff(viewer.role) || shareState(state).allowParticipants;
}

export const NOT_ALLOWED_MESSAGE = 'The host has not allowed participants to share content.';

function stopped(share: ActiveShare, reason: ShareStopReason, by?: string): RoomEvent {
  return { type: 'share-stopped', userId: share.userId, room: share.room, reason, ...(by !== undefined ? { by } : {}) };
}

function withShares(state: RoomState, change: Partial<ShareState>): RoomState {
  return { ...state, share: { ...shareState(state), ...change } };
}

/** Why a share can no longer go on in `after`, or null while it may. */
function endOf(share: ActiveShare, before: RoomState, after: RoomState): ShareStopReason | null {
  if (after.status !== 'open') return 'ended';
  const p = participantOf(after, share.userId);
  if (!p?.present) return 'left';
  // Another page of theirs took over the connection: the page that captured the screen is gone.
  const was = participantOf(before, share.userId);
  if (was?.present && was.peerId !== p.peerId) return 'left';
  if (locationOf(after, share.userId) !== share.room) return 'moved';
  if (!mayShare(after, p)) return 'not-allowed';
  return null;
}

/** How each event of this feature changes the state (browsers need only this part; see room-apply.ts). */
export const shareApply: ApplyTable<'share-started' | 'share-stopped' | 'share-allowed'> = {
  'share-started': (state, event) => {
    const s = event.share;
    // One share per room, one per person.
    const others = shareState(state).active.filter((a) => a.room !== s.room && a.userId !== s.userId);
    return withShares(state, { active: [...others, s] });
  },
  'share-stopped': (state, event) => {
    const active = shareState(state).active;
    const rest = active.filter((a) => !(a.userId === event.userId && a.room === event.room));
    return rest.length === active.length ? state : withShares(state, { active: rest });
  },
  'share-allowed': (state, event) => withShares(state, { allowParticipants: event.allowed }),
};

export const share: RoomFeature<'share/start' | 'share/stop' | 'share/allow', 'share-started' | 'share-stopped' | 'share-allowed'> = {
  name: 'share',
  commands: {
    'share/start': v.object({
      type: v.literal('share/start'),
      audio: v.boolean('audio must be true or false'),
      takeOver: v.optional(v.boolean('takeOver must be true or false')),
    }),
    'share/stop': v.object({ type: v.literal('share/stop'), userId: v.optional(UserIdSchema) }),
    'share/allow': v.object({ type: v.literal('share/allow'), allowed: v.boolean('allowed must be true or false') }),
  },
  decide: {
    'share/start': (state, command, { actor, now }) => {
      if (!actor) return refuse('not-joined', NOT_JOINED);
      if (state.status !== 'open') return refuse('meeting-ended', 'The session has ended.');
      if (!participantOf(state, actor.id)?.present) return refuse('not-joined', 'Join the room to share content.');
      if (!mayShare(state, actor)) return refuse('forbidden', NOT_ALLOWED_MESSAGE);
      const room = locationOf(state, actor.id);
      const current = shareIn(state, room);
      if (current?.userId === actor.id) return ok();
      const events: RoomEvent[] = [];
      if (current) {
        if (command.takeOver !== true) {
          const name = participantOf(state, current.userId)?.name ?? 'Someone';
          return refuse('share-busy', `${name} is sharing content in this room.`);
        }
        events.push(stopped(current, 'taken-over', actor.id));
      }
      const elsewhere = shareBy(state, actor.id);
      if (elsewhere) events.push(stopped(elsewhere, 'moved'));
      events.push({ type: 'share-started', share: { userId: actor.id, room, startedAt: now, audio: command.audio } });
      return ok(...events);
    },
    'share/stop': (state, command, { actor }) => {
      if (!actor) return refuse('not-joined', NOT_JOINED);
      const userId = command.userId ?? actor.id;
      if (userId !== actor.id && !isStaff(actor.role)) return refuse('forbidden', "Only hosts and moderators can stop someone else's share.");
      const current = shareBy(state, userId);
      if (!current) return ok();
      return ok(stopped(current, 'stopped', userId === actor.id ? undefined : actor.id));
    },
    'share/allow': (state, command, { actor }) => {
      if (!actor) return refuse('not-joined', NOT_JOINED);
      if (!isStaff(actor.role)) return refuse('forbidden', 'Only hosts and moderators can let participants share content.');
      if (state.status !== 'open') return refuse('meeting-ended', 'The session has ended.');
      if (shareState(state).allowParticipants === command.allowed) return ok();
      // Participants sharing now stop (`react` below), when this turns sharing off.
      return ok({ type: 'share-allowed', allowed: command.allowed, by: actor.id });
    },
  },
  apply: shareApply,
  audience: {
    'share-started': { to: 'everyone', snapshot: true },
    // The sharer hears their share ended even once out of the room; everyone hears the meeting's end.
    'share-stopped': { to: 'everyone', outsiders: (e, userId) => e.userId === userId || e.reason === 'ended', snapshot: true },
    'share-allowed': { to: 'everyone', snapshot: true },
  },
  /** A share ends when its sharer is gone, moved, no longer allowed, or the meeting ended. */
  react: (before, after, { actor }) => {
    const events: RoomEvent[] = [];
    for (const s of shareState(after).active) {
      const reason = endOf(s, before, after);
      if (reason === null) continue;
      const by = reason === 'not-allowed' && actor && actor.id !== s.userId ? actor.id : undefined;
      events.push(stopped(s, reason, by));
    }
    return events;
  },
};
