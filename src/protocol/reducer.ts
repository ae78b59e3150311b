/** Was the room reducer; now composed from the feature modules in `room.ts`. Kept until every import moves there. */
export * from './room.ts';
