/**
 * The one way the elements show a span of time (remaining time, time to end, overtime), so the
 * breakout bar, the dashboard and the stage tab always agree on rounding and format; and a time
 * of day (chat messages, when the host-away wait ends).
 *
 * Under an hour: m:ss ("1:54"). Under a day: h:mm:ss ("2:05:09"). From a day on, a clock reads
 * as nonsense ("154:45:29"), so it says days and hours in words, through `Intl` ("6 days, 10 hours").
 */

const DAY = 86_400_000;

/** Seconds are rounded up for time left (a countdown shows 0:00 only at the end), down for time past. */
export type Rounding = 'up' | 'down';

function unit(n: number, unit: 'day' | 'hour', locale?: string): string {
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }).format(n);
}

/** A span of `ms` milliseconds (negative counts as 0), as a clock or, from a day on, in words. */
export function formatDuration(ms: number, rounding: Rounding = 'up', locale?: string): string {
  const total = Math.max(0, rounding === 'up' ? Math.ceil(ms / 1000) : Math.floor(ms / 1000));
  if (total * 1000 >= DAY) {
    const days = Math.floor((total * 1000) / DAY);
    const hours = Math.floor((total % 86_400) / 3600);
    const parts = [unit(days, 'day', locale)];
    if (hours) parts.push(unit(hours, 'hour', locale));
    return new Intl.ListFormat(locale, { style: 'long', type: 'unit' }).format(parts);
  }
  const h = Math.floor(total / 3600);
  const m = Math.floor(total / 60) % 60;
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** A time of day, hours and minutes, as the locale writes it ("2:05 PM", "14:05"). */
export function formatTimeOfDay(date: Date, locale?: string): string {
  return date.toLocaleTimeString(locale ? [locale] : [], { hour: 'numeric', minute: '2-digit' });
}
