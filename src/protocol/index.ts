export * from './types.ts';
export * from './reducer.ts';
export * from './schema.ts';
export * from './breakout.ts';
