/**
 * The moderators' Assistant / Live stage tab: figures about the event session behind the
 * room, all derived from the room state and the server clock (nothing is kept here).
 *
 * With the AI assistant on, the tab is "Assistant": attendee numbers, chat mood (results
 * of sentiment analysis), engagement rate and time to end. With it off, "Live stage":
 * attendee numbers, turnout, engagement rate and time to end.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import type { RoomState, SessionInfo } from '../../../protocol/types.ts';
import { formatDuration } from '../../shared/format.ts';

/** Chat mood looks at this many of the latest scored main-room messages. */
const MOOD_WINDOW = 20;
const MOOD_THRESHOLD = 0.15;

const pct = (part: number, whole: number) => `${Math.round((part / whole) * 100)}%`;

/** Time to the session's scheduled end: the time left, "Ended" at the end, then "Overtime by …". */
export function timeToEnd(session: SessionInfo, now: number): string {
  const ms = session.endsAt - now;
  if (ms > 0) return formatDuration(ms, 'up');
  return ms > -1000 ? 'Ended' : `Overtime by ${formatDuration(-ms, 'down')}`;
}

export interface Mood {
  label: 'Positive' | 'Neutral' | 'Negative';
  score: number;
}

/** The average mood of the latest scored main-room messages (broadcasts aside); null: none yet. */
export function chatMood(state: RoomState): Mood | null {
  const moods = state.chat
    .filter((m) => !m.room && !m.broadcast && typeof m.mood === 'number')
    .slice(-MOOD_WINDOW)
    .map((m) => m.mood!);
  if (!moods.length) return null;
  const score = moods.reduce((a, b) => a + b, 0) / moods.length;
  const label = score > MOOD_THRESHOLD ? 'Positive' : score < -MOOD_THRESHOLD ? 'Negative' : 'Neutral';
  return { label, score };
}

export interface SessionStats {
  assistant: boolean;
  attendees: number;
  engaged: number;
  registered: number;
  mood: Mood | null;
  timeToEnd: string;
}

/** Attendees: present users who are not hosts or moderators. */
export function sessionStats(state: RoomState, session: SessionInfo, now: number): SessionStats {
  const attendees = Object.values(state.participants).filter((p) => p.present && p.role === 'participant');
  return {
    assistant: session.aiAssistant,
    attendees: attendees.length,
    engaged: attendees.filter((p) => p.engaged).length,
    registered: session.registered,
    mood: session.aiAssistant ? chatMood(state) : null,
    timeToEnd: timeToEnd(session, now),
  };
}

export function renderStats(s: SessionStats, title: string): TemplateResult {
  const stat = (label: string, value: unknown, note: string, cls = '') =>
    html`<div class="stat ${cls}" part="stat"><dt>${label}</dt><dd class="stat-value">${value}</dd><dd class="stat-note">${note}</dd></div>`;
  const mood = s.mood;
  const score = mood ? (mood.score > 0 ? '+' : '') + mood.score.toFixed(2) : '';
  return html`<section class="stats-wrap" aria-labelledby="stats-title">
<h3 id="stats-title" class="stats-title">${title}</h3>
<dl class="stats" part="stats">
${stat('Attendees', s.attendees, 'In the session now')}
${s.assistant
  ? stat(
      'Chat mood',
      mood ? html`${mood.label} <span class="stat-score">(${score})</span>` : 'No chat yet',
      'Results of sentiment analysis',
      mood ? `mood-${mood.label.toLowerCase()}` : '',
    )
  : stat(
      'Turnout',
      html`${s.attendees} of ${s.registered}${s.registered ? html` <span class="stat-score">(${pct(s.attendees, s.registered)})</span>` : nothing}`,
      'Percentage of those registered who are actually logged into the session',
    )}
${stat(
  'Engagement rate',
  s.attendees ? pct(s.engaged, s.attendees) : html`<span aria-hidden="true">—</span><span class="visually-hidden">No attendees</span>`, 'Viewers who watch in full screen or with the focus on the tab and sound on')}
${stat('Time to end', s.timeToEnd, 'Until the scheduled end of the session')}
</dl>
</section>`;
}

export const statsStyles = css`
  .stats-title { margin: 0 0 0.65rem; font-size: 0.9375rem; }
  .stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(8.5rem, 1fr)); gap: 0.6rem; margin: 0; }
  .stat { display: grid; align-content: start; gap: 0.15rem; padding: 0.6rem 0.65rem; border-radius: calc(var(--kaltura-radius) - 4px); background: var(--kaltura-surface); }
  .stat dt { font-size: 0.8125rem; font-weight: 600; color: var(--kaltura-text-muted); }
  .stat dd { margin: 0; }
  .stat-value { font-size: 1.375rem; line-height: 1.2; font-weight: 700; font-variant-numeric: tabular-nums; }
  .stat-score { display: block; font-size: 0.875rem; font-weight: 600; color: var(--kaltura-text-muted); }
  .stat-note { font-size: 0.75rem; color: var(--kaltura-text-muted); }
  .mood-positive .stat-value { color: var(--kaltura-success); }
  .mood-negative .stat-value { color: var(--kaltura-danger); }
`;
