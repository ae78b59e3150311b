import { html, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { ConnectionStatus, RoomSelf } from '../../client/room-connection.ts';
import type { PeerFactory } from '../../client/media/index.ts';
import type { RoomState } from '../../protocol/types.ts';
import { KalturaElement } from '../shared/kaltura-element.ts';
import { MenuButton } from '../../controllers/menu-button.ts';
import { BreakoutNews } from './breakout-news.ts';
import { Engagement } from './engagement.ts';
import { styles } from './kaltura-room.styles.ts';
import type { Screen } from './phase.ts';
import { RoomSession } from './room-session.ts';
import { peopleOnStage, RoomStage } from './room-stage.ts';
import { ScreenFocus } from './screen-focus.ts';
import { ShareController } from './share.ts';
import { Ticker } from '../../controllers/ticker.ts';
import { breakoutBar } from './parts/breakout-bar.ts';
import { ChatPanel, chatPanel } from './parts/chat-panel.ts';
import { ControlBar, controlBar } from './parts/control-bar.ts';
import { DashboardOverlay } from './parts/dashboard.ts';
import { RoomDialogs } from './parts/dialogs.ts';
import { header } from './parts/header.ts';
import { notice, type Notice } from './parts/notices.ts';
import { peoplePanel } from './parts/people-panel.ts';
import { sortedParticipants } from './parts/person.ts';
import { prejoin, type PrejoinView } from './parts/prejoin.ts';
import { outsideScreen, type ScreenView } from './parts/screens.ts';
import { SidePanel, sidePanel, stageTabsFor } from './parts/side-panel.ts';
import { renderStats, sessionStats } from './parts/stats.ts';

/**
 * @summary A live virtual classroom: camera and microphone, the stage (grid or speaker view, shared
 * content), participants, chat, leaving or ending the session, and breakout rooms. Drop it into
 * any page with one script tag.
 *
 * Share content (toolbar) shares a screen, window or tab with the user's room, one share per room
 * (a second sharer is asked whether to share instead): hosts and moderators always, participants
 * when a host allows it (More actions). The content then fills the stage, the cameras in a strip.
 *
 * Breakout rooms: video, audio and chat follow the room the user is in (the main room or one
 * breakout room); participants see a countdown before they move, and in a breakout room a bar
 * with the room name, the remaining time and Call moderator. Hosts and moderators get Breakout
 * in the menu and, while breakout runs, a control bar (Broadcast, Remaining time, switch rooms,
 * calls, Open dashboard, End breakout). The dashboard is a `<breakout-dashboard>` shown over the
 * room; define that element (the drop-in script does) for it to appear.
 *
 * Event sessions (`session` in the room state): hosts and moderators get an Assistant tab (AI
 * assistant on: attendees, chat mood, engagement rate, time to end) or a Live stage tab (attendees,
 * turnout, engagement rate, time to end) beside Chat and Participants. Everyone's browser reports
 * whether they are engaged: the tab visible and focused (or full screen) with the Sound toggle on.
 *
 * @tag kaltura-room
 *
 * @slot - Extra room content, shown under the video and chat while the user is in the session
 * (for example a `<breakout-dashboard>` for moderators). Nested elements get the room from `roomContext`.
 *
 * @event kaltura-joined - The user joined (or rejoined) the room. `detail: { room, self }`.
 * @event kaltura-left - The user left the session. `detail: { room }`.
 * @event kaltura-session-ended - The session ended for everyone. `detail: { reason, by }`.
 * @event kaltura-session-started - An ended session was started again. `detail: { by }`.
 * @event kaltura-participant-joined - Someone else joined. `detail: { participant }`.
 * @event kaltura-participant-left - Someone else left. `detail: { userId, name }`.
 * @event kaltura-error - Something went wrong. `detail: { code, message, fatal }`.
 * @event kaltura-request-token - Cancelable. The join token expires in about a minute: answer with
 *   `event.detail.respond(newToken)` (or set `token`) to stay in the room. `detail: { expiresAt, respond }`.
 * @event kaltura-connection-change - The connection status changed. `detail: { status, previous }`.
 * @event kaltura-breakout-started - Breakout rooms opened (`resumed`: after a gather). `detail: { resumed, endsAt }`.
 * @event kaltura-breakout-ended - Breakout is over; everyone is in the main room. `detail: { at }`.
 * @event kaltura-breakout-gathered - Everyone was gathered to the main room (breakout goes on). `detail: { returnTo }`.
 * @event kaltura-participant-moved - Someone (the user too) is now in another room; `to` null: the main room. `detail: { userId, to, name }`.
 * @event kaltura-help-requested - A participant called a moderator (hosts and moderators hear of every call,
 * a participant of their own). `detail: { call, name, roomName }`.
 * @event kaltura-share-started - Someone started sharing content (`room`: a breakout room id, null: the main room). `detail: { userId, room }`.
 * @event kaltura-share-stopped - A share ended (stopped, taken over, its sharer left or moved). `detail: { userId, room }`.
 * @event kaltura-media-mode-changed - The room's media moved to the media server (`sfu`) or back to the mesh, or a host pinned it. `detail: { mode, pinned, reason }`.
 *
 * @csspart base - The outer wrapper of every screen.
 * @csspart header - The top bar with the title, connection state, End Session and the menu.
 * @csspart title - The room title in the top bar.
 * @csspart status - The connection state indicator.
 * @csspart end-button - The End Session button (hosts and moderators).
 * @csspart menu-button - The top bar's "three dots" menu button (Leave Session).
 * @csspart menu - The menu it opens.
 * @csspart tools-button - Hosts and moderators: the bottom toolbar's "three dots" menu button (Breakout).
 * @csspart tools-menu - The menu it opens.
 * @csspart remove-button - Hosts and moderators: "Remove from session" beside a person in the participants list.
 * @csspart menu-item - Each menu item (More actions' "Let participants share content" also has `allow-share`, hosts' "Use the media server" `use-media-server`).
 * @csspart stage - The area holding the videos (grid, speaker view or shared content) and the toolbar.
 * @csspart grid - Grid view's box of tiles.
 * @csspart tile - One person's tile; also `tile-self` (the user), `tile-speaking`, `tile-pinned`, `tile-featured` (speaker view's large one).
 * @csspart video - The `<video>` in a tile or in the preview.
 * @csspart avatar - The initials shown when a camera is off.
 * @csspart name - The name label of a tile.
 * @csspart role-badge - Host or Moderator beside a tile's name.
 * @csspart pin-button - Pin a person (shown large in speaker view).
 * @csspart strip - The row (or column) of cameras in speaker view and beside shared content.
 * @csspart content - The shared content; `content-video` its `<video>`, `content-label` "<Name> is sharing".
 * @csspart stop-share-button - Hosts and moderators: "Stop <Name>'s share" on someone else's content.
 * @csspart layout-switch - The Grid and Speaker choice; `layout-option` each of them.
 * @csspart controls - The toolbar (Microphone, Camera, Sound, Share content, More actions).
 * @csspart control - Each toolbar toggle; the Share content button also has `share-button`.
 * @csspart sidebar - The panel with the chat and participants tabs.
 * @csspart participants - The participant list.
 * @csspart chat - The chat panel.
 * @csspart chat-log - The list of chat messages.
 * @csspart chat-input - The chat text field.
 * @csspart chat-note - The note under the chat field (for example, when messages are sent too quickly).
 * @csspart prejoin - The pre-join screen.
 * @csspart preview - The camera preview on the pre-join screen.
 * @csspart join-button - The Join button.
 * @csspart screen - The left, ended and error screens.
 * @csspart notice - Error and information banners.
 * @csspart dialog - The confirmation dialogs.
 * @csspart dialog-title - A dialog's heading.
 * @csspart dialog-confirm - A dialog's confirming button.
 * @csspart dialog-cancel - A dialog's cancelling button.
 * @csspart control-bar - Hosts and moderators, while breakout runs: the breakout control bar.
 * @csspart broadcast-button - The control bar's Broadcast button.
 * @csspart remaining-time - The control bar's Remaining time button (with a time limit only).
 * @csspart room-switch - The control bar's current room name, which opens the room list.
 * @csspart calls - The bell with the number of help calls.
 * @csspart dashboard-button - The control bar's Open dashboard button.
 * @csspart end-breakout - The End breakout button.
 * @csspart bar-panel - The small panels the control bar opens (broadcast, add time, rooms).
 * @csspart room-list - The list of rooms, each with Join room.
 * @csspart breakout-bar - Participants in a breakout room: the bar with the room name, time and Call moderator.
 * @csspart call-button - The Call moderator button.
 * @csspart countdown - The countdown shown before the user moves to another room.
 * @csspart dashboard - The overlay holding the breakout dashboard.
 * @csspart broadcast - A broadcast message in the chat.
 * @csspart stage-tab - Hosts and moderators of an event session: the Live stage tab, and the Assistant tab (AI assistant on).
 * @csspart stats - The list of figures in that tab.
 * @csspart stat - Each figure (label, value, explanation).
 *
 * @cssproperty [--kaltura-font=system-ui, sans-serif] - Font family.
 * @cssproperty [--kaltura-font-size=15px] - Base font size.
 * @cssproperty [--kaltura-bg=#ffffff] - Background of the element and dialogs.
 * @cssproperty [--kaltura-surface=#f5f6f8] - Background of the top bar and panels.
 * @cssproperty [--kaltura-surface-2=#e9ecf1] - Background of inputs and hovered items.
 * @cssproperty [--kaltura-text=#1a1f29] - Text color.
 * @cssproperty [--kaltura-text-muted=#5a6373] - Secondary text color.
 * @cssproperty [--kaltura-border=#dde1e8] - Border color.
 * @cssproperty [--kaltura-accent=#1b64f2] - Accent color (primary buttons, focus, own chat).
 * @cssproperty [--kaltura-accent-text=#ffffff] - Text on the accent color.
 * @cssproperty [--kaltura-danger=#d42a20] - Destructive actions and muted toggles.
 * @cssproperty [--kaltura-success=#1f9d55] - The "connected" indicator.
 * @cssproperty [--kaltura-warning=#a35f00] - The "reconnecting" indicator.
 * @cssproperty [--kaltura-stage-bg=#10131a] - Background behind the video grid.
 * @cssproperty [--kaltura-tile-bg=#222834] - Background of a video tile.
 * @cssproperty [--kaltura-stage-background] - Behind the videos (defaults to `--kaltura-stage-bg`).
 * @cssproperty [--kaltura-speaking-ring-color=#3ddc84] - The ring around the tile of whoever speaks.
 * @cssproperty [--kaltura-tile-radius=10px] - Corner radius of tiles and the shared content.
 * @cssproperty [--kaltura-radius=12px] - Corner radius of tiles, panels and dialogs.
 * @cssproperty [--kaltura-gap=12px] - Spacing between tiles and regions.
 * @cssproperty [--kaltura-focus-color=#1b64f2] - The focus outline color.
 * @cssproperty [--kaltura-height=600px] - Height of the room in the wide layout.
 * @cssproperty [--kaltura-sidebar-width=320px] - Width of the chat/participants panel in the wide layout.
 * @cssproperty [--kaltura-bar-bg=#1f2a44] - Background of the breakout control bar and breakout bar.
 * @cssproperty [--kaltura-bar-text=#ffffff] - Text color on those bars.
 * @cssproperty [--kaltura-broadcast=#7a4cc2] - Accent of broadcast messages.
 * @cssproperty [--kaltura-call=#f2b01b] - The help-call bell.
 * @cssproperty [--kaltura-overlay-bg=rgb(10 14 22 / 0.72)] - Backdrop of the countdown.
 */
export class KalturaRoom extends KalturaElement {
  static override styles = styles;

  /** Base URL of the room server (http or https). Defaults to the page's origin. */
  @property({ reflect: true }) server = '';

  /** The room to join (letters, digits, `.`, `_`, `-`). */
  @property({ reflect: true }) room = '';

  /** The signed join token from the embedding site; it says who the user is and their role. */
  @property() token = '';

  /** A friendly title shown in the top bar and on the pre-join screen (defaults to the room name). */
  @property() label = '';

  /** ICE servers for the media connections (STUN/TURN). Empty by default: host candidates only. */
  @property({ attribute: false }) iceServers: RTCIceServer[] = [];

  /** Makes the PeerJS peer. Replace it to use another signaling transport, or a fake in tests. */
  @property({ attribute: false }) peerFactory: PeerFactory | null = null;

  /** On the media server, video is decoded for this many of the latest speakers (plus pinned people and shared content). */
  @property({ type: Number, attribute: 'last-n' }) lastN = 4;

  @state() private notice = '';
  /** The polite announcement of news (countdowns once, calls, removals). */
  @state() private liveText = '';

  /** The connection, the media and the lifecycle phase (room-session.ts, phase.ts). */
  private readonly session = new RoomSession(this, {
    target: () => ({ server: this.server || globalThis.location?.origin || '', room: this.room, token: this.token }),
    emit: (name, detail) => void this.emit(name, detail),
    notice: (text) => (this.notice = text),
    // What the room's news means on screen (the lifecycle is the session's).
    onEvent: (event, previous, state) => {
      const viewer = this.session.viewer;
      this.sidePanel.heard(event, state, viewer);
      this.controlBar.heard(event, viewer.id);
      this.news.heard(event, state, viewer.id, this.session.staff);
      this.share.heard(event, state);
      this.stage.mediaMode.heard(event, previous);
    },
  });
  /** Share content: the button, the take-over question, stopping (share.ts). */
  private readonly share = new ShareController(this, this.session, { notice: (t) => (this.notice = t), announce: (t) => (this.liveText = t) });
  /** The stage's layout, pin and active speaker, and its toolbar (room-stage.ts). */
  private readonly stage = new RoomStage(this, this.session, { share: this.share, tools: () => this.toolsMenu, notice: (t) => (this.notice = t), announce: (t) => (this.liveText = t) });
  /** Sending chat (a refusal as rate-limited waits, rate-limit.ts) and following new messages. */
  private readonly chat = new ChatPanel(this, (text) => this.session.attempt({ type: 'chat/send', text }, true), (text) => (this.notice = text));
  private readonly ticker = new Ticker(this, () => this.connection.serverNow());
  private readonly engagement = new Engagement(this, {
    active: () => this.session.screen === 'room' && this.connection.connected && !!this.session.me?.present,
    soundOn: () => this.stage.soundOn,
    // Best effort: a lost report is sent again after the next join or reconnect.
    report: (engaged) => void this.connection.send({ type: 'engagement/report', engaged }).catch(() => {}),
  });
  /** The top bar's "three dots" (Leave Session) and the bottom toolbar's (Breakout). */
  private readonly topMenu = new MenuButton(this, 'menu-button');
  private readonly toolsMenu = new MenuButton(this, 'tools-button');
  private readonly sidePanel = new SidePanel(this, () => this.stageTabs);
  private readonly controlBar = new ControlBar(this, (command) => this.session.command(command));
  private readonly dashboard = new DashboardOverlay(this, () => this.connection.state?.breakout.status === 'running');
  private readonly news = new BreakoutNews(this, { now: () => this.connection.serverNow(), announce: (text) => (this.liveText = text) });
  private readonly dialogs = new RoomDialogs(this, {
    leave: () => this.leave(),
    end: () => this.endSession(),
    remove: (p) => this.session.command({ type: 'participant/remove', userId: p.id }),
    announce: (text) => (this.liveText = text),
  });
  private readonly screenFocus = new ScreenFocus(this, () => this.session.screen);

  /** The connection status. */
  get status(): ConnectionStatus {
    return this.connection.status;
  }

  /** The mirrored room state (immutable; a new object on every change), or null before joining. */
  get roomState(): RoomState | null {
    return this.connection.state;
  }

  /** The current user as the server verified them, or null before joining. */
  get self(): RoomSelf | null {
    return this.connection.self;
  }

  private get connection() {
    return this.session.connection;
  }

  private get mesh() {
    return this.session.media;
  }

  private get displayTitle(): string {
    return this.label || this.room || 'Virtual classroom';
  }

  private get stageTabs() {
    return stageTabsFor(this.connection.state?.session, this.session.staff);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // The pre-join preview starts right away; after a move in the page, the room's media comes back.
    this.session.resume(this.session.screen);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('iceServers')) this.mesh.iceServers = this.iceServers;
    if (changed.has('token') && this.hasUpdated && this.connection.connected) this.session.tokenRefresh.supply(this.token);
    if (changed.has('peerFactory') && this.peerFactory) this.mesh.peerFactory = this.peerFactory;
    // Another room: start over in it.
    if ((changed.has('room') || changed.has('server')) && this.hasUpdated) this.session.restart();
    // Before joining, ask whether the session has ended (once per room; see room-status.ts).
    if (this.session.phase.phase === 'prejoin') this.session.statusCheck.want();
    const state = this.session.screen === 'room' ? this.connection.state : null;
    if (!state) {
      this.topMenu.close();
      this.toolsMenu.close();
      this.dashboard.drop();
    }
    if (state?.breakout.status !== 'running') this.controlBar.shut();
    this.sidePanel.fit();
    // Tick while a countdown, the breakout's time, a call note or the stage tab's time to end shows.
    const stageEnd = state && this.sidePanel.onStage ? (state.session?.endsAt ?? null) : null;
    this.ticker.follow(this.news.follow(state, this.connection.self?.id ?? '', this.session.staff) ?? stageEnd);
  }

  /** Join the room (what the Join button does). Also rejoins after leaving. */
  join(): Promise<void> {
    return this.session.join();
  }

  /** Stop trying to join (while the server cannot be reached). */
  cancelJoin(): void {
    this.session.cancelJoin();
  }

  /** Leave the session without asking (the menu's Leave Session asks first). */
  leave(): Promise<void> {
    this.topMenu.close();
    return this.session.leave();
  }

  /** End the session for everyone, without asking (hosts and moderators only). */
  async endSession(): Promise<void> {
    await this.session.command({ type: 'meeting/end' });
  }

  /**
   * While breakout runs, go to a breakout room (a room id; null: the main room), as the control
   * bar's room list does (hosts and moderators only). Resolves true when the server agreed.
   */
  joinBreakoutRoom(to: string | null): Promise<boolean> {
    return this.session.command({ type: 'breakout/join', to });
  }

  /** Share a screen, window or tab with the user's room, as Share content does; rejects with a `RoomCommandError` saying why not. */
  startScreenShare(): Promise<void> {
    return this.share.start();
  }

  /** Stop sharing content (the capture stops at once). */
  stopScreenShare(): Promise<void> {
    return this.share.stop();
  }

  /** Start an ended session again (hosts and moderators only). */
  startSession(): Promise<void> {
    return this.session.startSession();
  }

  /** Show the breakout dashboard (`setUp`: from the menu's Breakout item). */
  private openDashboard(opener: EventTarget | null, setUp = false): void {
    this.toolsMenu.close();
    this.controlBar.shut();
    this.dashboard.show((opener as HTMLElement | null) ?? this.renderRoot.querySelector<HTMLElement>('#tools-button'), setUp);
  }

  protected override render(): TemplateResult {
    const screen = this.session.screen;
    return html`<div part="base" class="base view-${screen}">${this.renderScreen(screen)}</div>`;
  }

  /** Each screen and region is a part (parts/), given what it shows and what its controls do. */
  private renderScreen(screen: Screen): TemplateResult {
    const { session, connection: c } = this;
    const note: Notice = notice(this.notice, () => (this.notice = ''));
    const join = () => void this.join();
    if (screen === 'room') return this.renderRoom(c.state!, note);
    if (screen === 'prejoin') {
      const v: PrejoinView = { media: this.mesh, title: this.displayTitle, joining: session.phase.phase === 'joining', slow: c.attempts >= 2, notice: note };
      return prejoin(v, { join, cancel: () => this.cancelJoin(), ...session.mediaActions });
    }
    const v: ScreenView = { ...session.outside, title: this.displayTitle, notice: note };
    return outsideScreen(screen, v, { join, rejoin: () => void session.reenter(), start: () => void this.startSession() });
  }

  /** In the meeting: header, breakout bar, the stage with its toolbar, the side panel, and what shows over them. */
  private renderRoom(state: RoomState, note: Notice): TemplateResult {
    const { connection: c, session } = this;
    const self = c.self;
    const viewer = session.viewer;
    const selfId = viewer.id;
    const onStage = peopleOnStage(state, selfId);
    const now = c.serverNow();
    const inert = this.dashboard.open;
    const staff = session.staff;
    const command = (type: 'breakout/end' | 'breakout/call' | 'breakout/cancel-call') => void session.command({ type });
    return html`${header({ title: this.displayTitle, status: c.status, staff, inert, menu: this.topMenu }, this.dialogs.headerActions(this.topMenu))}
      ${staff
        ? controlBar(this.controlBar, { state, selfId, now, inert }, {
            openDashboard: (opener) => this.openDashboard(opener),
            endBreakout: () => command('breakout/end'),
          })
        : breakoutBar({ state, selfId, now, callNote: this.news.callNote?.text }, (call) => command(call ? 'breakout/call' : 'breakout/cancel-call'))}
      <div class="room" ?inert=${inert}>
        ${this.stage.render({ state, people: onStage, staff, countdown: this.news.countdown, now }, {
          ...session.mediaActions,
          soundChanged: () => this.engagement.changed(),
          breakout: () => this.openDashboard(null, true),
        })}
        ${sidePanel(this.sidePanel, this.stageTabs, {
          peopleCount: onStage.filter((p) => p.present).length,
          chat: chatPanel(this.chat, { state, viewer, clockOffset: c.clockOffset }),
          people: peoplePanel({ people: sortedParticipants(state.participants, selfId), state, self }, (p) => void this.dialogs.confirmRemove(p)),
          stats: () => renderStats(sessionStats(state, state.session!, now), state.session!.title),
        })}
      </div>
      <slot></slot>
      ${note}
      <div class="visually-hidden" role="status">${this.liveText}</div>
      ${this.dashboard.render()} ${this.dialogs.render(staff)} ${this.share.renderDialog()}`;
  }
}
