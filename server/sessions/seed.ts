/**
 * Demo data: one event with people in every role, a few tags and (optionally) a
 * couple of sessions, so the demo portal's agenda, editor and pickers have
 * something to show. Idempotent: seeding an existing event changes nothing.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { EventRole, PersonRef, Tag } from '../../src/protocol/sessions.ts';
import { DEMO_EVENT } from '../demo.ts';
import { SqliteSessionsStore } from '../store/sessions-sqlite.ts';
import type { SessionsStore } from '../store/sessions-store.ts';
import type { EventActor } from './auth.ts';
import { SessionsService } from './service.ts';

export interface DemoEvent {
  event: string;
  name: string;
  /** Who holds each role (the first organizer created the event; they are a moderator too). */
  people: Record<EventRole, PersonRef[]>;
  tags: Tag[];
  /** False when the event already existed and nothing was added. */
  created: boolean;
}

const PEOPLE: Record<EventRole, PersonRef[]> = {
  organizer: [{ id: 'olivia-grant', name: 'Olivia Grant' }],
  moderator: [
    { id: 'morgan-lee', name: 'Morgan Lee' },
    { id: 'priya-natarajan', name: 'Priya Natarajan' },
  ],
  speaker: [
    { id: 'samira-haddad', name: 'Dr. Samira Haddad' },
    { id: 'kenji-watanabe', name: 'Kenji Watanabe' },
    { id: 'ana-souza', name: 'Ana Souza' },
  ],
  attendee: [
    { id: 'alex-kim', name: 'Alex Kim' },
    { id: 'jordan-price', name: 'Jordan Price' },
    { id: 'chen-wei', name: 'Chen Wei' },
    { id: 'fatima-zahra', name: 'Fatima Zahra' },
  ],
};

const TAGS = ['Keynote', 'Workshop', 'Biology', 'Q&A'];

export async function seedDemoEvent(
  deps: { db?: DatabaseSync; store?: SessionsStore; clock: { now(): number } },
  opts: { event?: string; name?: string; timeZone?: string; withSessions?: boolean } = {},
): Promise<DemoEvent> {
  const store = deps.store ?? new SqliteSessionsStore(deps.db!);
  const event = opts.event ?? DEMO_EVENT;
  const name = opts.name ?? 'Life Sciences Summit';
  const service = new SessionsService({ store, clock: deps.clock });
  const [creator] = PEOPLE.organizer;
  const organizer: EventActor = { id: creator.id, name: creator.name, event, role: 'organizer' };

  const existed = (await store.getEvent(event)) !== null;
  if (!existed) {
    const made = await service.createEvent(organizer, { name, timeZone: opts.timeZone ?? 'UTC' });
    if (!made.ok) throw new Error(`Could not seed the demo event: ${made.error}`);
    for (const [role, people] of Object.entries(PEOPLE) as [EventRole, PersonRef[]][]) {
      for (const p of people) await store.upsertPerson(event, p, [role]);
    }
    for (const t of TAGS) await service.createTag(organizer, event, { name: t });
  }
  const tags = await store.listTags(event);
  const tagId = (n: string) => tags.find((t) => t.name === n)!.id;

  if (!existed && opts.withSessions !== false) {
    const record = (await store.getEvent(event))!;
    const day = new Date(deps.clock.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    const sessions = [
      {
        title: 'Opening keynote: the living cell',
        description: 'How cells sense, decide and adapt, and what that means for medicine.',
        tags: [tagId('Keynote'), tagId('Biology')],
        date: day,
        time: '09:00',
        duration: 60,
        speakers: ['samira-haddad'],
        moderators: ['morgan-lee'],
        aiAssistant: true,
        visibility: 'published',
      },
      {
        title: 'Hands-on microscopy workshop',
        description: 'Small groups, breakout rooms and live demos.',
        tags: [tagId('Workshop')],
        date: day,
        time: '11:00',
        duration: 90,
        speakers: ['kenji-watanabe', 'ana-souza'],
        moderators: ['priya-natarajan'],
        aiAssistant: false,
        visibility: 'published',
      },
      {
        title: 'Speaker rehearsal',
        description: 'Team only: sound check and run-through.',
        tags: [],
        date: day,
        time: '08:00',
        duration: 30,
        speakers: ['samira-haddad'],
        moderators: ['olivia-grant'],
        aiAssistant: false,
        visibility: 'private',
      },
    ];
    for (const s of sessions) {
      const made = await service.createSession(organizer, record, s);
      if (!made.ok) throw new Error(`Could not seed the demo session "${s.title}": ${made.error}`);
    }
  }

  return { event, name: (await store.getEvent(event))!.name, people: PEOPLE, tags, created: !existed };
}
