/**
 * The breakout events `<kaltura-room>` fires for the host page, for every role,
 * from the room events it receives:
 *
 * - `kaltura-breakout-started`: breakout rooms opened (or resumed after a gather).
 * - `kaltura-breakout-ended`: breakout is over; everyone is back in the main room.
 * - `kaltura-breakout-gathered`: everyone was gathered to the main room (breakout still runs).
 * - `kaltura-participant-moved`: someone (the user too) is now in another room.
 * - `kaltura-help-requested`: a participant called a moderator (staff see every call,
 *   a participant only their own).
 *
 * Their `detail` types live in the one event map (`../shared/events.ts`), so `emit()`
 * is type-checked and `GlobalEventHandlersEventMap` gives host pages typed listeners:
 * `room.addEventListener('kaltura-participant-moved', (e) => e.detail.to)`.
 * This module names them for the room and checks that the map has them.
 */
import type {
  KalturaBreakoutEndedDetail,
  KalturaBreakoutGatheredDetail,
  KalturaBreakoutStartedDetail,
  KalturaEventDetailMap,
  KalturaHelpRequestedDetail,
  KalturaParticipantMovedDetail,
} from '../shared/events.ts';

export type {
  KalturaBreakoutEndedDetail,
  KalturaBreakoutGatheredDetail,
  KalturaBreakoutStartedDetail,
  KalturaHelpRequestedDetail,
  KalturaParticipantMovedDetail,
};

/** The room's breakout events and their details. */
export interface KalturaRoomBreakoutEventMap {
  'kaltura-breakout-started': KalturaBreakoutStartedDetail;
  'kaltura-breakout-ended': KalturaBreakoutEndedDetail;
  'kaltura-breakout-gathered': KalturaBreakoutGatheredDetail;
  'kaltura-participant-moved': KalturaParticipantMovedDetail;
  'kaltura-help-requested': KalturaHelpRequestedDetail;
}

export type KalturaRoomBreakoutEventName = keyof KalturaRoomBreakoutEventMap;

// Compile-time check: every room breakout event is in the shared map with the same detail.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
/** Type-level only: fails to compile if the shared event map lacks one of the room's breakout events. */
export type KalturaRoomBreakoutEventsChecked = Assert<
  {
    [K in KalturaRoomBreakoutEventName]: K extends keyof KalturaEventDetailMap
      ? Same<KalturaEventDetailMap[K], KalturaRoomBreakoutEventMap[K]>
      : false;
  }[KalturaRoomBreakoutEventName]
>;

declare global {
  // Typed listeners on any element (already implied by the shared map; stated here for the room).
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface GlobalEventHandlersEventMap extends RoomBreakoutEventMap {}
}

type RoomBreakoutEventMap = {
  [K in KalturaRoomBreakoutEventName]: CustomEvent<KalturaRoomBreakoutEventMap[K]>;
};
