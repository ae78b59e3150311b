/**
 * What each browser reports about its person: camera and microphone on or off, and whether
 * they are engaged (the tab visible and focused, or full screen, with sound on), which feeds the
 * engagement rate moderators see.
 */
import * as v from 'valibot';
import { NOT_JOINED, ok, refuse, type RoomFeature, type ApplyTable } from './feature.ts';
import { participantOf } from './presence.ts';
import { withKey } from './records.ts';
import type { Participant, RoomState } from './types.ts';

function present(state: RoomState, userId: string): Participant | null {
  const p = participantOf(state, userId);
  return p?.present ? p : null;
}

function update(state: RoomState, userId: string, change: Partial<Participant>): RoomState {
  const p = participantOf(state, userId);
  if (!p) return state;
  return { ...state, participants: withKey(state.participants, p.id, { ...p, ...change }) };
}

/** A person's own media and engagement reach them even while they are not in the room. */
const aboutThem = { to: 'everyone', outsiders: (e: { userId: string }, userId: string) => e.userId === userId } as const;

/** How each event of this feature changes the state (browsers need only this part; see room-apply.ts). */
export const engagementApply: ApplyTable<'media-changed' | 'engagement-changed'> = {
  'media-changed': (state, event) => update(state, event.userId, { audio: event.audio, video: event.video }),
  'engagement-changed': (state, event) => update(state, event.userId, { engaged: event.engaged }),
};

export const engagement: RoomFeature<'media/state' | 'engagement/report', 'media-changed' | 'engagement-changed'> = {
  name: 'engagement',
  commands: {
    'media/state': v.object({
      type: v.literal('media/state'),
      audio: v.boolean('audio must be true or false'),
      video: v.boolean('video must be true or false'),
    }),
    'engagement/report': v.object({ type: v.literal('engagement/report'), engaged: v.boolean('engaged must be true or false') }),
  },
  decide: {
    'media/state': (state, command, { actor }) => {
      if (!actor) return refuse('not-joined', NOT_JOINED);
      const p = present(state, actor.id);
      if (!p) return refuse('not-joined', NOT_JOINED);
      if (p.audio === command.audio && p.video === command.video) return ok();
      return ok({ type: 'media-changed', userId: actor.id, audio: command.audio, video: command.video });
    },
    'engagement/report': (state, command, { actor }) => {
      if (!actor) return refuse('not-joined', NOT_JOINED);
      const p = present(state, actor.id);
      if (!p) return refuse('not-joined', NOT_JOINED);
      if ((p.engaged ?? false) === command.engaged) return ok();
      return ok({ type: 'engagement-changed', userId: actor.id, engaged: command.engaged });
    },
  },
  apply: engagementApply,
  audience: {
    'media-changed': aboutThem,
    'engagement-changed': aboutThem,
  },
};
