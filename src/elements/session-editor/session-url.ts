/** A session page URL from a pattern such as `https://portal.example/sessions/{id}`: `{id}` and `{event}` are replaced. */
export function sessionPageUrl(pattern: string, event: string, id: string): string {
  return pattern ? pattern.replaceAll('{id}', encodeURIComponent(id)).replaceAll('{event}', encodeURIComponent(event)) : '';
}
