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

/**
 * The round initials in the participants list. (A video tile's large initials are the stage's,
 * parts/stage.styles.ts, whose `.avatar` rule this refines.)
 */
export const avatarStyles = css`
  .avatar.small {
    position: static;
    flex: none;
    display: grid;
    place-items: center;
    width: 2.25rem;
    height: auto;
    aspect-ratio: 1;
    margin: 0;
    border-radius: 50%;
    background: color-mix(in srgb, var(--kaltura-accent) 70%, #000);
    color: #fff;
    font-weight: 700;
    font-size: 0.8125rem;
    letter-spacing: 0.02em;
    user-select: none;
  }
`;
