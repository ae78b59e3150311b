// <agenda-glance> defines <session-editor> itself when it first needs it.
import { AgendaGlance } from './agenda-glance.component.ts';

export { AgendaGlance };
export default AgendaGlance;

if (!customElements.get('agenda-glance')) customElements.define('agenda-glance', AgendaGlance);

declare global {
  interface HTMLElementTagNameMap {
    'agenda-glance': AgendaGlance;
  }
}
