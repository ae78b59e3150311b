/**
 * The room's media mode: a full mesh (every browser sends its camera to every other) while few
 * cameras are on, the media server (SFU) past that. The room moves to the media server as soon as
 * more than the mesh limit of cameras are on, and stays there for the rest of the run: every move
 * costs everyone a renegotiation, so it never moves back on its own. A new run starts on the mesh
 * again, unless a host pinned the room to the media server.
 *
 * Without a media server the room stays a mesh and tells hosts and moderators once per run that
 * it outgrew it (`media-crowded`).
 *
 * What the server has comes in the decide context (`ctx.media`): absent, there is no media server
 * and the limit is `DEFAULT_MESH_LIMIT`. Who sends what to whom is `media.ts`; this module only
 * says how it travels.
 */
import * as v from 'valibot';
import { NOT_JOINED, ok, refuse, type DecideContext, type RoomFeature, type ApplyTable } from './feature.ts';
import { DEFAULT_MESH_LIMIT, isStaff, type MediaMode, type MediaModeState, type RoomEvent, type RoomState } from './types.ts';

export type { MediaConfig, MediaMode, MediaModeState } from './types.ts';

const MESH: MediaModeState = { mode: 'mesh', pinned: false, crowdedAt: null };

/** The room's media mode state (snapshots written before the media server existed have none: a mesh). */
export function mediaModeState(state: RoomState): MediaModeState {
  return state.media ?? MESH;
}

/** How the room's media travels now: `mesh` or `sfu`. */
export function mediaMode(state: RoomState): MediaMode {
  return mediaModeState(state).mode;
}

/** Cameras on now: present people with their camera on, in every room of the meeting (breakout rooms too). */
export function camerasOn(state: RoomState): number {
  if (state.status !== 'open') return 0;
  let n = 0;
  for (const p of Object.values(state.participants)) if (p.present && p.video) n++;
  return n;
}

/** The mesh limit this server uses. */
export function meshLimit(ctx: Pick<DecideContext, 'media'>): number {
  return ctx.media?.meshLimit ?? DEFAULT_MESH_LIMIT;
}

/** The media mode for a new run of the meeting: the mesh unless pinned, and hosts may be told again. */
export function restartedMedia(state: RoomState): RoomState {
  if (!state.media) return state;
  const { pinned } = state.media;
  return { ...state, media: { mode: pinned ? 'sfu' : 'mesh', pinned, crowdedAt: null } };
}

function withMedia(state: RoomState, change: Partial<MediaModeState>): RoomState {
  return { ...state, media: { ...mediaModeState(state), ...change } };
}

export const UNAVAILABLE_MESSAGE = 'This room has no media server to move to. Ask your administrator to set one up.';

/** How each event of this feature changes the state (browsers need only this part; see room-apply.ts). */
export const mediaModeApply: ApplyTable<'media-mode-changed' | 'media-crowded'> = {
  'media-mode-changed': (state, event) => withMedia(state, { mode: event.mode, pinned: event.pinned }),
  'media-crowded': (state, event) => withMedia(state, { crowdedAt: event.at }),
};

export const mediaModeFeature: RoomFeature<'media/pin-sfu', 'media-mode-changed' | 'media-crowded'> = {
  name: 'media-mode',
  commands: {
    'media/pin-sfu': v.object({ type: v.literal('media/pin-sfu'), pinned: v.boolean('pinned must be true or false') }),
  },
  decide: {
    'media/pin-sfu': (state, command, ctx) => {
      const { actor } = ctx;
      if (!actor) return refuse('not-joined', NOT_JOINED);
      if (actor.role !== 'host') return refuse('forbidden', 'Only hosts can choose to use the media server.');
      if (state.status !== 'open') return refuse('meeting-ended', 'The session has ended.');
      if (!ctx.media?.sfu) return refuse('sfu-unavailable', UNAVAILABLE_MESSAGE);
      const m = mediaModeState(state);
      if (m.pinned === command.pinned) return ok();
      if (command.pinned) return ok({ type: 'media-mode-changed', mode: 'sfu', pinned: true, reason: 'pinned', by: actor.id });
      const mode: MediaMode = camerasOn(state) > meshLimit(ctx) ? 'sfu' : 'mesh';
      return ok({ type: 'media-mode-changed', mode, pinned: false, reason: 'unpinned', by: actor.id });
    },
  },
  apply: mediaModeApply,
  audience: {
    'media-mode-changed': { to: 'everyone', snapshot: true },
    'media-crowded': { to: (_event, _before, viewer) => isStaff(viewer.role) },
  },
  /** When hosts were told the room is crowded is theirs (and moderators') to know. */
  view: (state, viewer) => {
    if (isStaff(viewer.role) || !state.media || state.media.crowdedAt === null) return state;
    return withMedia(state, { crowdedAt: null });
  },
  react: (_before, after, ctx) => {
    if (after.status !== 'open') return [];
    const m = mediaModeState(after);
    const sfu = ctx.media?.sfu === true;
    const events: RoomEvent[] = [];
    // The room moved while this server had a media server, and now it has none: the mesh is all there is.
    if (m.mode === 'sfu' && !sfu) events.push({ type: 'media-mode-changed', mode: 'mesh', pinned: false, reason: 'unavailable' });
    const cameras = camerasOn(after);
    const limit = meshLimit(ctx);
    if (cameras <= limit) return events;
    if (sfu) {
      if (m.mode === 'mesh') events.push({ type: 'media-mode-changed', mode: 'sfu', pinned: false, reason: 'cameras' });
    } else if (m.crowdedAt === null) {
      events.push({ type: 'media-crowded', cameras, limit, at: ctx.now });
    }
    return events;
  },
};
