/**
 * The side panel: tabs for Chat (with the number of unread messages), Participants and, for hosts
 * and moderators of an event session, Assistant and Live stage. Which tab is open and what is
 * unread live in `SidePanel`; the keyboard is the shared tabs controller's.
 */
import { html, nothing, type ReactiveController, type TemplateResult } from 'lit';
import { TabsController } from '../../../controllers/tabs.ts';
import type { Viewer } from '../../../protocol/room.ts';
import type { RoomEvent, RoomState, SessionInfo } from '../../../protocol/types.ts';
import { seesMessage } from './chat-panel.ts';

export type StageTab = 'assistant' | 'stage';
export type Panel = 'chat' | 'people' | StageTab;
const STAGE_TEXT: Record<StageTab, string> = { assistant: 'Assistant', stage: 'Live stage' };

/** Hosts and moderators of an event session: "Live stage"; with the AI assistant on, also "Assistant". */
export function stageTabsFor(session: SessionInfo | null | undefined, staff: boolean): StageTab[] {
  if (!staff || !session) return [];
  return session.aiAssistant ? ['assistant', 'stage'] : ['stage'];
}

type Host = ConstructorParameters<typeof TabsController>[0];

export class SidePanel implements ReactiveController {
  /** The open tab. */
  panel: Panel = 'chat';
  /** Chat messages that came while the Chat tab was not open. */
  unread = 0;
  private readonly host: Host;
  private readonly stageTabs: () => StageTab[];
  readonly tabs: TabsController<Panel>;

  /** `stageTabs`: the event session's tabs this user gets (none for participants). */
  constructor(host: Host, stageTabs: () => StageTab[]) {
    this.host = host;
    this.stageTabs = stageTabs;
    this.tabs = new TabsController<Panel>(host, {
      keys: () => ['chat', 'people', ...this.stageTabs()],
      selected: () => this.panel,
      select: (panel) => this.select(panel),
    });
    host.addController(this);
  }

  hostConnected(): void {}

  /** Call before each render: a stage tab that is no longer offered falls back to Chat. */
  fit(): void {
    if ((this.panel === 'stage' || this.panel === 'assistant') && !this.stageTabs().includes(this.panel)) this.panel = 'chat';
  }

  /** A stage tab is open (its figures tick). */
  get onStage(): boolean {
    return this.panel === 'stage' || this.panel === 'assistant';
  }

  select(panel: Panel): void {
    this.panel = panel;
    if (panel === 'chat') this.unread = 0;
    this.host.requestUpdate();
  }

  /**
   * A room event reached the user: a message from someone else they may see counts as unread
   * (unless Chat is open); when they move or the session starts again, their chat starts afresh.
   */
  heard(event: RoomEvent, state: RoomState, viewer: Viewer): void {
    if (event.type === 'chat') {
      if (this.panel === 'chat' || event.message.from === viewer.id || !seesMessage(state, event.message, viewer)) return;
      this.unread++;
    } else if ((event.type === 'breakout-moved' && Object.hasOwn(event.moved, viewer.id)) || event.type === 'meeting-started') {
      this.unread = 0;
    } else return;
    this.host.requestUpdate();
  }
}

export interface SidePanelContent {
  /** How many people are in the user's room. */
  peopleCount: number;
  chat: TemplateResult;
  people: TemplateResult;
  /** The figures of the open stage tab. */
  stats: () => TemplateResult | typeof nothing;
}

export function sidePanel(s: SidePanel, stageTabs: StageTab[], c: SidePanelContent): TemplateResult {
  const tab = (panel: Panel, label: TemplateResult | string) => {
    const on = s.panel === panel;
    return html`<button id="tab-${panel}" role="tab" class="tab" part=${panel === 'stage' || panel === 'assistant' ? 'stage-tab' : nothing}
      aria-selected=${on ? 'true' : 'false'} aria-controls="panel-${panel}" tabindex=${s.tabs.tabIndex(panel)}
      @click=${() => s.select(panel)}>${label}</button>`;
  };
  return html`<aside class="sidebar" part="sidebar" aria-label="Chat and participants">
    <div class="tabs ${stageTabs.length ? 'has-stage' : ''}" role="tablist" aria-label="Chat and participants" @keydown=${s.tabs.onKeydown}>
      ${tab('chat', html`Chat${s.unread
        ? html` <span class="badge"><span class="visually-hidden">(</span>${s.unread}<span class="visually-hidden"> new)</span></span>`
        : nothing}`)}
      ${tab('people', html`Participants <span class="count">${c.peopleCount}</span>`)}
      ${stageTabs.map((t) => tab(t, STAGE_TEXT[t]))}
    </div>
    <div id="panel-chat" role="tabpanel" class="panel" aria-labelledby="tab-chat" ?hidden=${s.panel !== 'chat'}>
      ${c.chat}
    </div>
    <div id="panel-people" role="tabpanel" class="panel" aria-labelledby="tab-people" ?hidden=${s.panel !== 'people'}>
      ${c.people}
    </div>
    ${stageTabs.map((t) => {
      // Both tabs show the same figures (seed 002); only the open one renders them.
      const on = s.panel === t;
      return html`<div id="panel-${t}" role="tabpanel" class="panel stage-panel" aria-labelledby="tab-${t}" tabindex="0" ?hidden=${!on}>
        ${on ? c.stats() : nothing}
      </div>`;
    })}
  </aside>`;
}
