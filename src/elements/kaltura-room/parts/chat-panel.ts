/**
 * The chat: the messages of the user's room (the main room or their breakout room) and
 * broadcasts, and the composer. A message refused as sent too quickly stays in the composer and
 * Send comes back after the wait the server named.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { RoomCommandError } from '../../../client/room-connection.ts';
import { locationOf, roomName } from '../../../protocol/breakout.ts';
import { hearsChat } from '../../../protocol/chat.ts';
import type { Viewer } from '../../../protocol/room.ts';
import type { ChatMessage, RoomState } from '../../../protocol/types.ts';
import { formatTimeOfDay } from '../../shared/format.ts';
import { icon } from '../../shared/icons.ts';
import { Cooldown, rateLimitedText } from '../rate-limit.ts';

/** May `viewer` see `message` where they are now? The room's own audience rule for chat. */
export function seesMessage(state: RoomState, message: ChatMessage, viewer: Viewer): boolean {
  return hearsChat(message, state, viewer.id);
}

type Host = ReactiveControllerHost & { renderRoot: ParentNode };

/**
 * The chat's behaviour: sending (waiting out a rate limit), and following new messages unless the
 * user scrolled up to read older ones.
 */
export class ChatPanel implements ReactiveController {
  /** Sending waits out a refusal (Send disabled, with the note). */
  readonly wait: Cooldown;
  private readonly host: Host;
  private readonly send: ChatSend['send'];
  private readonly notice: ChatSend['notice'];
  private stickToBottom = true;

  /** `send` resolves with the refusal, or null; `notice` shows any other refusal. */
  constructor(host: Host, send: ChatSend['send'], notice: ChatSend['notice']) {
    this.host = host;
    this.send = send;
    this.notice = notice;
    this.wait = new Cooldown(host);
    host.addController(this);
  }

  hostConnected(): void {}

  hostUpdate(): void {
    const log = this.host.renderRoot?.querySelector?.('.log');
    this.stickToBottom = !log || log.scrollHeight - log.scrollTop - log.clientHeight < 48;
  }

  hostUpdated(): void {
    const log = this.host.renderRoot.querySelector('.log');
    if (log && this.stickToBottom) log.scrollTop = log.scrollHeight;
  }

  readonly onSubmit = (e: SubmitEvent): void => void submitChat(e, { wait: this.wait, send: this.send, notice: this.notice });
}

export interface ChatView {
  state: RoomState;
  viewer: Viewer;
  /** Server time minus local time (message times are server times). */
  clockOffset: number;
}

export function chatPanel(chat: ChatPanel, v: ChatView): TemplateResult {
  const onSubmit = chat.onSubmit;
  const { state, viewer } = v;
  const here = locationOf(state, viewer.id);
  const where = here === null ? 'everyone' : roomName(state, here);
  const messages = state.chat.filter((m) => seesMessage(state, m, viewer));
  return html`<section class="chat" part="chat" aria-label="Chat">
    <div class="log" part="chat-log" role="log" aria-live="polite" aria-label="Chat messages" tabindex="0">
      ${messages.length === 0
        ? html`<p class="empty">No messages yet. Say hello to the class!</p>`
        : repeat(messages, (m) => m.id, (m) => message(m, v))}
    </div>
    <form class="composer" @submit=${onSubmit}>
      <label for="chat-input" class="visually-hidden">Message to ${where}</label>
      <input
        id="chat-input"
        part="chat-input"
        type="text"
        maxlength="2000"
        autocomplete="off"
        enterkeyhint="send"
        placeholder="Message ${where}"
      />
      <button class="icon-btn accent" aria-label="Send message" ?disabled=${chat.wait.active}>${icon('send')}</button>
    </form>
    <p class="composer-note" part="chat-note" role="status">${chat.wait.text}</p>
  </section>`;
}

function message(m: ChatMessage, v: ChatView): TemplateResult {
  const when = new Date(m.at - v.clockOffset);
  const mine = m.from === v.viewer.id;
  return html`<div class="msg ${mine ? 'mine' : ''} ${m.broadcast ? 'broadcast' : ''}" part=${m.broadcast ? 'broadcast' : nothing}>
    <div class="msg-meta">
      <span class="msg-name">${m.broadcast ? `Broadcast from ${mine ? 'you' : m.name}` : mine ? 'You' : m.name}</span>
      <time datetime=${when.toISOString()}>${formatTimeOfDay(when)}</time>
    </div>
    <p class="msg-text">${m.text}</p>
  </div>`;
}

/** What sending needs: the wait, a way to send (resolving with the refusal, or null), the notice. */
export interface ChatSend {
  wait: Cooldown;
  send: (text: string) => Promise<RoomCommandError | null>;
  notice: (text: string) => void;
}

/** The composer's submit: send the message; keep it when refused, waiting out a rate limit. */
export async function submitChat(e: SubmitEvent, ctx: ChatSend): Promise<void> {
  e.preventDefault();
  const input = (e.currentTarget as HTMLFormElement | null)?.querySelector<HTMLInputElement>('#chat-input');
  const text = input?.value.trim() ?? '';
  if (!input || !text || ctx.wait.active) return;
  const refusal = await ctx.send(text);
  if (!refusal && input.value.trim() === text) input.value = '';
  else if (refusal?.code === 'rate-limited') {
    // The message stays in the composer; Send comes back once the wait is over.
    ctx.wait.hold(refusal.retryAfterMs ?? 1000, rateLimitedText(refusal.retryAfterMs, true));
  } else if (refusal) ctx.notice(refusal.message);
}
