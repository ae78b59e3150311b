import { SessionAttachments } from './session-attachments.component.ts';

export { SessionAttachments };
export default SessionAttachments;

if (!customElements.get('session-attachments')) customElements.define('session-attachments', SessionAttachments);

declare global {
  interface HTMLElementTagNameMap {
    'session-attachments': SessionAttachments;
  }
}
