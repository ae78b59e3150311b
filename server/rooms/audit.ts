/**
 * The audit log of moderator actions: which command by whom becomes which entry.
 * The hub stores the entries in the same atomic write as the events they
 * describe, so an action is never carried out without its record.
 */
import type { Actor, Command, RoomEvent, RoomState } from '../../src/protocol/types.ts';
import { isStaff } from '../../src/protocol/types.ts';
import type { AuditEntry } from '../store/store.ts';

/** Commands that are moderator actions, by the name the log gives them. */
const ACTIONS: Partial<Record<Command['type'], string>> = {
  'meeting/end': 'end',
  'meeting/start': 'restart',
  'breakout/move': 'move',
  'breakout/start': 'breakout-start',
  'breakout/gather': 'gather',
  'breakout/end': 'breakout-end',
  'breakout/rotate': 'rotate',
  'breakout/add-time': 'add-time',
};

const nameOf = (state: RoomState, userId: string): string => (Object.hasOwn(state.participants, userId) ? state.participants[userId]!.name : userId);

/**
 * The audit entries for a command that produced `events`: none for commands of
 * the server itself (timers, presence) or of participants, or that changed nothing.
 */
export function auditEntries(command: Command, events: RoomEvent[], actor: Actor | null, state: RoomState, now: number): AuditEntry[] {
  if (!actor || !isStaff(actor.role) || events.length === 0) return [];
  const who = { id: actor.id, name: actor.name };
  const entry = (action: string, detail: Record<string, unknown> = {}): AuditEntry => ({ at: now, action, actor: who, detail });
  const out: AuditEntry[] = [];
  // Removal is keyed on its event, whichever command carried it out.
  for (const e of events) {
    if (e.type === 'participant-removed') out.push(entry('remove', { userId: e.userId, name: nameOf(state, e.userId) }));
  }
  if (command.type === 'breakout/deal') {
    if (command.reason === 'shuffle') out.push(entry('shuffle', { participants: command.order.length }));
    else if (command.configure) {
      const { rooms, timeLimitMinutes, countdownSeconds, assignment } = command.configure;
      out.push(entry('configure', { rooms: rooms.length, timeLimitMinutes, countdownSeconds, assignment }));
    }
    return out;
  }
  const action = ACTIONS[command.type];
  if (!action) return out;
  if (command.type === 'breakout/move') out.push(entry(action, { userId: command.userId, name: nameOf(state, command.userId), to: command.to }));
  else if (command.type === 'breakout/add-time') out.push(entry(action, { minutes: command.minutes }));
  else out.push(entry(action));
  return out;
}
