import { SessionEditor } from './session-editor.component.ts';
// The Attachments tab.
import '../session-attachments/session-attachments.ts';

export { SessionEditor };
export default SessionEditor;

if (!customElements.get('session-editor')) customElements.define('session-editor', SessionEditor);

declare global {
  interface HTMLElementTagNameMap {
    'session-editor': SessionEditor;
  }
}
