/**
 * The events `<kaltura-room>` fires for the host page from the room events it receives: who
 * joined and left, breakout news, help calls, shared content, the media server, the session ending and starting again. The lifecycle
 * itself (what ending means for this user) is the session's (room-session.ts); this only tells.
 */
import { roomName } from '../../protocol/breakout.ts';
import type { RoomEvent, RoomState } from '../../protocol/types.ts';
import type { KalturaEventDetailMap, KalturaEventName } from '../shared/events.ts';
import type {} from './breakout-events.ts';

export type Emit = <K extends KalturaEventName>(name: K, detail: KalturaEventDetailMap[K]) => void;

/** Fire the page events `event` means for `selfId` (`previous`: the state before it). */
export function tellPage(emit: Emit, event: RoomEvent, previous: RoomState, state: RoomState, selfId: string | undefined): void {
  switch (event.type) {
    case 'participant-joined': {
      const p = event.participant;
      if (p.id !== selfId && !previous.participants[p.id]?.present) emit('kaltura-participant-joined', { participant: p });
      break;
    }
    case 'participant-left': {
      const p = previous.participants[event.userId];
      if (event.userId !== selfId && p?.present) emit('kaltura-participant-left', { userId: event.userId, name: p.name });
      break;
    }
    case 'breakout-started':
      emit('kaltura-breakout-started', { resumed: event.resumed, endsAt: event.endsAt });
      break;
    case 'breakout-gathered':
      emit('kaltura-breakout-gathered', { returnTo: event.returnTo });
      break;
    case 'breakout-ended':
      emit('kaltura-breakout-ended', { at: event.at });
      break;
    case 'breakout-moved':
      for (const [userId, to] of Object.entries(event.moved)) {
        emit('kaltura-participant-moved', { userId, to, name: state.participants[userId]?.name ?? '' });
      }
      break;
    case 'help-requested': {
      const call = event.call;
      emit('kaltura-help-requested', { call, name: state.participants[call.userId]?.name ?? '', roomName: roomName(state, call.room) });
      break;
    }
    case 'share-started':
      emit('kaltura-share-started', { userId: event.share.userId, room: event.share.room });
      break;
    case 'share-stopped':
      emit('kaltura-share-stopped', { userId: event.userId, room: event.room });
      break;
    case 'media-mode-changed':
      emit('kaltura-media-mode-changed', { mode: event.mode, pinned: event.pinned, reason: event.reason });
      break;
    case 'meeting-ended':
      emit('kaltura-session-ended', { reason: event.reason, by: event.by });
      break;
    case 'meeting-started':
      emit('kaltura-session-started', { by: event.by });
      break;
  }
}
