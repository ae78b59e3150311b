/**
 * Records keyed by user ids (participants, breakout plans, locations, moves).
 *
 * User ids come from join tokens and may be any string, including `__proto__`,
 * `constructor` or `valueOf`. Plain `record[id]` would find `Object.prototype`'s
 * members for such ids, and `record[id] = value` with `__proto__` would change the
 * record's prototype instead of storing a value. These helpers read and write own
 * properties only, so every id is a plain key, and records stay ordinary JSON
 * objects that round-trip through `JSON.stringify`/`JSON.parse` and `structuredClone`.
 */

/** The record's own value for `key`, or undefined. */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Does the record hold `key` itself (not through its prototype)? */
export function has(record: Readonly<Record<string, unknown>>, key: string): boolean {
  return Object.hasOwn(record, key);
}

/** Store `value` under `key` as an own property (mutates `record`; use on fresh copies). */
export function put<T>(record: Record<string, T>, key: string, value: T): Record<string, T> {
  // Only `__proto__` has a setter on Object.prototype; every other key assigns as usual (and fast).
  if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
  return record;
}

/** A copy of the record with `key` set to `value`. */
export function withKey<T>(record: Readonly<Record<string, T>>, key: string, value: NoInfer<T>): Record<string, T> {
  // A computed key in a literal defines an own property, even for `__proto__`.
  return { ...record, [key]: value };
}

/** A copy of the record without the given keys (the same object when none is there). */
export function without<T>(record: Readonly<Record<string, T>>, keys: Iterable<string>): Record<string, T> {
  const drop = new Set<string>();
  for (const k of keys) if (Object.hasOwn(record, k)) drop.add(k);
  if (!drop.size) return record as Record<string, T>;
  return Object.fromEntries(Object.entries(record).filter(([k]) => !drop.has(k)));
}
