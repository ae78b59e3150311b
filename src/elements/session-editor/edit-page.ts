/**
 * The Edit session page of `<session-editor>`, as a render module: the heading, the Basics and
 * Attachments tabs (the shared tabs controller), Visit session page and Copy link, the conflict
 * notice, the form, and the `<session-attachments>` of the session.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { TabsController } from '../../controllers/tabs.ts';
import { SESSION_WORDING as W, type Attachment, type Session } from '../../protocol/sessions.ts';
import type { SessionAttachments } from '../session-attachments/session-attachments.component.ts';
import type { KalturaAttachmentsLoadedDetail } from '../shared/events.ts';
import { sicon } from './session-icons.ts';

export type EditTab = 'basics' | 'attachments';

/** The parts of the nested `<session-attachments>` that are the editor's parts too. */
const ATTACHMENT_PARTS = [
  'upload-button', 'upload', 'progress', 'attachments', 'attachment', 'menu-button', 'menu', 'menu-item', 'notice',
  'dialog', 'dialog-title', 'dialog-confirm', 'dialog-cancel',
].join(', ');

export interface EditPageView {
  session: Session;
  tab: EditTab;
  tabs: TabsController<EditTab>;
  /** How many attachments the session has; null until the Attachments tab said. */
  attachmentCount: number | null;
  /** Visit session page and Copy link go here ('' to show neither). */
  pageUrl: string;
  /** Someone else saved meanwhile: their version. */
  conflict: Session | null;
  /** The Basics tab's form. */
  form: TemplateResult;
  /** What the attachments element needs to reach the API. */
  server: string;
  event: string;
  token: string;
  onTab(tab: EditTab): void;
  onCopyLink(): void;
  onReloadTheirs(): void;
  /** The attachments element's list now. */
  onAttachments(list: Attachment[]): void;
}

export function renderEditPage(v: EditPageView): TemplateResult {
  const count = v.attachmentCount;
  const tab = (id: EditTab, label: string) => html`<button
    role="tab"
    id="tab-${id}"
    class="tab"
    part="tab"
    aria-selected=${v.tab === id ? 'true' : 'false'}
    aria-controls="panel-${id}"
    tabindex=${v.tabs.tabIndex(id)}
    @click=${() => v.onTab(id)}
  >${label}</button>`;
  return html`<div class="head"><div><h2 part="heading">Edit session</h2><p class="muted">${v.session.title}</p></div></div>
    <div role="tablist" class="tabs" part="tabs" aria-label="Edit session" @keydown=${v.tabs.onKeydown}>
      ${tab('basics', 'Basics')}${tab('attachments', count === null ? 'Attachments' : `Attachments (${count})`)}
    </div>
    <div role="tabpanel" id="panel-basics" aria-labelledby="tab-basics" ?hidden=${v.tab !== 'basics'}>
      ${v.pageUrl
        ? html`<div class="links">
            <a class="btn link" href=${v.pageUrl} target="_blank" rel="noopener">${sicon('goto')}Visit session page</a>
            <button class="btn link" @click=${v.onCopyLink}>${sicon('link')}Copy link</button>
          </div>`
        : nothing}
      ${v.conflict
        ? html`<div class="notice bad" part="notice" role="alert">
            <span>${W.conflict}</span>
            <button class="btn" @click=${v.onReloadTheirs}>Reload their version</button>
          </div>`
        : nothing}
      ${v.form}
    </div>
    <div role="tabpanel" id="panel-attachments" aria-labelledby="tab-attachments" ?hidden=${v.tab !== 'attachments'}>
      <session-attachments
        exportparts=${ATTACHMENT_PARTS}
        server=${v.server}
        event=${v.event}
        .token=${v.token}
        session-id=${v.session.id}
        @kaltura-attachments-loaded=${(e: CustomEvent<KalturaAttachmentsLoadedDetail>) => v.onAttachments(e.detail.attachments)}
        @kaltura-attachments-changed=${(e: Event) => v.onAttachments((e.currentTarget as SessionAttachments).attachments)}
      ></session-attachments>
    </div>`;
}
