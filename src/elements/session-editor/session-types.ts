/** "Add session" in `<session-editor>`: the four session types; only Interactive room is available here. */
import { html, type TemplateResult } from 'lit';
import { SESSION_TYPE_LABELS, SESSION_TYPES, type SessionType } from '../../protocol/sessions.ts';

const TYPE_HELP: Record<SessionType, string> = {
  interactive: 'Speak with your attendees, maximize the conversation. Perfect for a small to medium size audience',
  'live-webcast': 'Deliver a production-level presentation or session in real time to a very large audience.',
  'pre-recorded': 'Save time by pre-recording speaker presentations or simply present your session live to a very large audience.',
  'diy-live-webcast': 'Broadcast high quality live session directly from your browser, no production needed',
};
const NOT_YET = 'Not available in this product yet.';

export function renderSessionTypes(chooseInteractive: () => void): TemplateResult {
  return html`<h2 part="heading">Add session</h2>
    <ul class="types">
      ${SESSION_TYPES.map((t) => {
        const ok = t === 'interactive';
        return html`<li>
          <button
            class="type"
            part="type-option"
            aria-disabled=${ok ? 'false' : 'true'}
            aria-describedby="type-${t}"
            @click=${() => ok && chooseInteractive()}
          >
            <strong>${SESSION_TYPE_LABELS[t]}</strong>
            <span id="type-${t}" class="muted">${TYPE_HELP[t]}${ok ? '' : html`<em class="why">${NOT_YET}</em>`}</span>
          </button>
        </li>`;
      })}
    </ul>`;
}
