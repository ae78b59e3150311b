/**
 * Wall-clock times in a named time zone, with the platform's Intl data only.
 * Pure: no clock reads.
 */

/** Offset of `timeZone` from UTC at instant `t`, in ms (local − UTC). */
function offsetAt(t: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(t));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - t;
}

/** The instant (ms since the epoch) of a date (`YYYY-MM-DD`) and time (`HH:MM`) in a time zone. */
export function zonedTimeToEpoch(date: string, time: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  let t = wall - offsetAt(wall, timeZone);
  const again = offsetAt(t, timeZone); // across a DST change the first guess can be an hour off
  if (wall - again !== t) t = wall - again;
  return t;
}
