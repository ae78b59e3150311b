export * from './types.ts';
export * from './room.ts';
export * from './schema.ts';
export { MAIN_ROOM, assignable, deal, initialBreakout, locationOf, roomName } from './breakout-state.ts';
export { historyOf } from './chat.ts';
export { mayShare, shareBy, shareIn, shareState } from './share.ts';
export { exchangesMedia, mediaPeers, receives, screenAudience } from './media.ts';
