import { LitElement } from 'lit';
import { emit, type EmitOptions } from './emit.ts';
import type { KalturaEventDetailMap, KalturaEventName } from './events.ts';

/** Base class of the kaltura elements: LitElement plus the typed `emit` helper. */
export class KalturaElement extends LitElement {
  /** Emit a `kaltura-…` event from this element (bubbles, composed). */
  protected emit<K extends KalturaEventName>(
    name: K,
    detail: KalturaEventDetailMap[K],
    options?: EmitOptions,
  ): CustomEvent<KalturaEventDetailMap[K]> {
    return emit(this, name, detail, options);
  }
}
