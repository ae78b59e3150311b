// The agenda defines <session-editor> and <kaltura-room> itself when it first needs them.
import { EventAgenda } from './event-agenda.component.ts';

export { EventAgenda };
export default EventAgenda;

if (!customElements.get('event-agenda')) customElements.define('event-agenda', EventAgenda);

declare global {
  interface HTMLElementTagNameMap {
    'event-agenda': EventAgenda;
  }
}
