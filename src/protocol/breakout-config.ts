/**
 * The breakout set-up form's schema, in a module of its own: the server validates
 * `breakout/configure` with it (breakout.ts), and `<breakout-dashboard>` checks its form with it
 * while the host types, without loading the room's command handlers.
 */
import * as v from 'valibot';
import { MAX_BREAKOUT_ROOMS } from './types.ts';

/** The breakout set-up form, shared by `<breakout-dashboard>` (live) and the server. */
export const BreakoutConfigSchema = v.object({
  type: v.literal('breakout/configure'),
  rooms: v.pipe(
    v.array(
      v.pipe(v.string('Each room needs a name.'), v.trim(), v.minLength(1, 'Each room needs a name.'), v.maxLength(60, 'A room name can have at most 60 characters.')),
      'rooms must be a list of names',
    ),
    v.minLength(1, 'Create at least one room.'),
    v.maxLength(MAX_BREAKOUT_ROOMS, `You can create at most ${MAX_BREAKOUT_ROOMS} rooms.`),
    v.check((names) => new Set(names.map((n) => n.toLowerCase())).size === names.length, 'Give each room a different name.'),
  ),
  timeLimitMinutes: v.nullable(v.pipe(v.number('The time limit must be a number of minutes.'), v.minValue(1, 'The time limit must be at least 1 minute.'), v.maxValue(600, 'The time limit can be at most 600 minutes.'))),
  countdownSeconds: v.pipe(v.number('The countdown must be a number of seconds.'), v.integer('Use whole seconds for the countdown.'), v.minValue(0, 'The countdown cannot be negative.'), v.maxValue(60, 'The countdown can be at most 60 seconds.')),
  assignment: v.picklist(['auto', 'manual', 'mixed'], 'Choose how participants are assigned: automatically, manually, or both.'),
});
