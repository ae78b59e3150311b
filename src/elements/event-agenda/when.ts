/** When a session is: the wording `<event-agenda>` and `<agenda-glance>` share. */
import type { Session } from '../../protocol/sessions.ts';

const pad = (n: number) => String(n).padStart(2, '0');

/** "09:00–10:30" (the end wraps past midnight). */
export function timeRange(s: Pick<Session, 'time' | 'duration'>): string {
  const [h, m] = s.time.split(':').map(Number) as [number, number];
  const end = (h * 60 + m + s.duration) % 1440;
  return `${s.time}–${pad(Math.floor(end / 60))}:${pad(end % 60)}`;
}

/** "Monday, May 12, 2031" for a calendar day (no time zone shift). */
export function dayLabel(date: string): string {
  return new Date(`${date}T00:00:00Z`).toLocaleDateString(undefined, {
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    timeZone: 'UTC',
  });
}

/** "Mon, May 12" for a calendar day (no time zone shift). */
export function shortDay(date: string): string {
  return new Date(`${date}T00:00:00Z`).toLocaleDateString(undefined, { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' });
}
