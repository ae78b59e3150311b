/** How a person shows in the room's parts: initials for the avatar, the role's name, list order. */
import { css } from 'lit';
import type { Participant, Role } from '../../../protocol/types.ts';

export const ROLE_TEXT: Record<Role, string> = { host: 'Host', moderator: 'Moderator', participant: 'Participant' };
const ROLE_ORDER: Record<Role, number> = { host: 0, moderator: 1, participant: 2 };

/** "Ada Lovelace" → "AL"; "?" for an empty name. */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0]!, parts[parts.length - 1]!] : parts;
  return letters.map((p) => [...p][0]!.toUpperCase()).join('') || '?';
}

/** Present first, then the user, then by role (hosts first) and name. */
export function sortedParticipants(participants: Record<string, Participant>, selfId: string | undefined): Participant[] {
  return Object.values(participants).sort(
    (a, b) =>
      Number(b.present) - Number(a.present) ||
      Number(b.id === selfId) - Number(a.id === selfId) ||
      ROLE_ORDER[a.role] - ROLE_ORDER[b.role] ||
      a.name.localeCompare(b.name),
  );
}

/** The round initials (large in a video tile; `small` in the participants list). */
export const avatarStyles = css`
  .avatar {
    position: absolute;
    inset: 0 0 1.25rem;
    margin: auto;
    width: clamp(2rem, 24cqi, 5.5rem);
    aspect-ratio: 1;
    height: auto;
    border-radius: 50%;
    display: grid;
    place-items: center;
    background: color-mix(in srgb, var(--kaltura-accent) 70%, #000);
    color: #fff;
    font-weight: 700;
    font-size: clamp(0.8125rem, 8cqi, 1.75rem);
    letter-spacing: 0.02em;
    user-select: none;
  }
  .avatar.small {
    position: static;
    width: 2.25rem;
    font-size: 0.8125rem;
    flex: none;
  }
`;
