/**
 * The one way elements emit events: kebab-case `kaltura-…` names, `bubbles`
 * and `composed` so they cross shadow roots, and a typed `detail`.
 */
import type { KalturaEventDetailMap, KalturaEventName } from './events.ts';

export interface EmitOptions {
  /** For `kaltura-request-…` events the host page may veto with `preventDefault()`. */
  cancelable?: boolean;
}

/**
 * Dispatch a typed custom event from `target`. Returns the event, so callers of
 * cancelable events can check `defaultPrevented`.
 */
export function emit<K extends KalturaEventName>(
  target: EventTarget,
  name: K,
  detail: KalturaEventDetailMap[K],
  options: EmitOptions = {},
): CustomEvent<KalturaEventDetailMap[K]> {
  const event = new CustomEvent(name, {
    bubbles: true,
    composed: true,
    cancelable: options.cancelable ?? false,
    detail,
  });
  target.dispatchEvent(event);
  return event;
}
