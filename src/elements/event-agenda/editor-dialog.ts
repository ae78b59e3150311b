/**
 * The session editor in a modal dialog, shared by `<event-agenda>` and `<agenda-glance>`: opens it
 * for a session (or a new one, `null`), loads the editor on first use, and on close puts focus back
 * on what opened it and tells the host to refresh its list.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { icon } from '../shared/icons.ts';

export interface EditorDialogHost extends ReactiveControllerHost, HTMLElement {
  readonly renderRoot: HTMLElement | DocumentFragment;
  server: string;
  event: string;
  token: string;
  sessionUrl: string;
}

export class EditorDialog implements ReactiveController {
  /** The session being edited; null: a new one; undefined: the dialog is closed. */
  editing: string | null | undefined = undefined;
  private readonly host: EditorDialogHost;
  /** May the editor open for this session? False when the page took the request (`kaltura-request-edit`). */
  private readonly allow: (id: string | null) => boolean;
  /** The editor saved, or closed: the host reloads what it lists. */
  private readonly changed: () => void;
  private from: HTMLElement | null = null;

  constructor(host: EditorDialogHost, allow: (id: string | null) => boolean, changed: () => void) {
    this.host = host;
    this.allow = allow;
    this.changed = changed;
    host.addController(this);
  }

  hostConnected(): void {}

  async open(id: string | null): Promise<void> {
    if (!this.allow(id)) return;
    this.from = (this.host.renderRoot as ShadowRoot).activeElement as HTMLElement | null;
    // Loaded on first use: a build that splits chunks keeps the editor out of attendees' download.
    await import('../session-editor/session-editor.ts');
    this.editing = id;
    this.host.requestUpdate();
    await this.host.updateComplete;
    this.host.renderRoot.querySelector<HTMLDialogElement>('#editor-dialog')?.showModal();
  }

  private readonly onClose = (e: Event): void => {
    if (e.target !== e.currentTarget) return;
    this.editing = undefined;
    this.host.requestUpdate();
    this.changed();
    // Back to what opened the editor (the name, the dots, the pencil, + Add session).
    const from = this.from;
    this.from = null;
    void this.host.updateComplete.then(() => from?.isConnected && from.focus());
  };

  render(): TemplateResult {
    const h = this.host;
    return html`<dialog
      id="editor-dialog"
      class="panel editor"
      part="editor-dialog"
      aria-label=${this.editing ? 'Edit session' : 'Add session'}
      @close=${this.onClose}
      @kaltura-session-saved=${() => this.changed()}
    >
      <form method="dialog" class="close"><button class="icon-btn small" aria-label="Close">${icon('close')}</button></form>
      ${this.editing !== undefined
        ? html`<session-editor
            server=${h.server}
            event=${h.event}
            token=${h.token}
            session-id=${this.editing ?? nothing}
            session-url=${h.sessionUrl}
          ></session-editor>`
        : nothing}
    </dialog>`;
  }
}
