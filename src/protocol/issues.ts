/**
 * Valibot issues in words: one sentence naming each field (socket refusals), or messages by field
 * (forms and REST replies). Its own module so that forms can use it without the room's schemas.
 */
import * as v from 'valibot';

/** Describe valibot issues as one readable sentence, naming the field. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .map((i) => {
      const path = v.getDotPath(i);
      return path ? `${path}: ${i.message}` : i.message;
    })
    .join('; ');
}

/** Field-level errors for forms and REST replies: `{ field: [messages] }`. */
export function fieldErrors(issues: readonly v.BaseIssue<unknown>[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const i of issues) {
    const key = v.getDotPath(i) ?? '';
    (out[key] ??= []).push(i.message);
  }
  return out;
}
