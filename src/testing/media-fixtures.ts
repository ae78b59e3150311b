/**
 * Test helpers for the browser media controllers: a bare controller host, room states built from
 * a few people (in breakout rooms, sharing content), and a MediaDevices stand-in. Not part of the
 * library.
 */
import { initialBreakout } from '../protocol/breakout-state.ts';
import { initialState } from '../protocol/room.ts';
import type { Participant, RoomState } from '../protocol/types.ts';


export function person(id: string, peerId: string | null, present = true): Participant {
  return { id, name: id, role: 'participant', present, peerId, audio: true, video: true, joinedAt: 0 };
}

export function roomWith(...people: Participant[]): RoomState {
  const s = initialState('r');
  return { ...s, participants: Object.fromEntries(people.map((p) => [p.id, p])) };
}

/** The same people with breakout running: user id → breakout room id (absent: the main room). */
export function inRooms(state: RoomState, location: Record<string, string>): RoomState {
  return {
    ...state,
    breakout: {
      ...initialBreakout(),
      config: { rooms: [{ id: 'r1', name: 'Room 1' }, { id: 'r2', name: 'Room 2' }], timeLimitMs: null, countdownMs: 0, assignment: 'manual' },
      status: 'running',
      location,
    },
  };
}

/** The same state with these shares running: sharer's user id → room (null: the main room). */
export function sharing(state: RoomState, shares: Record<string, string | null>): RoomState {
  return {
    ...state,
    share: {
      allowParticipants: false,
      active: Object.entries(shares).map(([userId, room]) => ({ userId, room, startedAt: 0, audio: false })),
    },
  };
}

/** A canvas painting something, as a video stream (stands in for a captured screen). */
export function canvasStream(): MediaStream {
  const canvas = document.createElement('canvas');
  canvas.width = 64;
  canvas.height = 36;
  const g = canvas.getContext('2d')!;
  g.fillStyle = '#0a7';
  g.fillRect(0, 0, 64, 36);
  return canvas.captureStream(5);
}

export interface FakeDevicesOptions {
  audio?: boolean;
  video?: boolean;
  /** getUserMedia fails for a kind with this DOMException name. */
  fail?: Partial<Record<'audio' | 'video', string>>;
  /** ... only this many times (then works). */
  failTimes?: number;
  /** What getDisplayMedia does: the stream to return, or the DOMException name to throw. Absent: unsupported. */
  display?: (constraints: DisplayMediaStreamOptions) => MediaStream | string;
}

/** A MediaDevices stand-in: which kinds exist, how getUserMedia fails per kind, and a screen to share. */
export function fakeDevices(opts: FakeDevicesOptions) {
  let failures = 0;
  const real = navigator.mediaDevices;
  const devices = [
    ...(opts.audio === false ? [] : [{ kind: 'audioinput', deviceId: 'mic-1', label: 'Fake mic', groupId: 'g' }]),
    ...(opts.video === false ? [] : [{ kind: 'videoinput', deviceId: 'cam-1', label: 'Fake cam', groupId: 'g' }]),
  ] as MediaDeviceInfo[];
  const display = opts.display;
  return {
    enumerateDevices: async () => devices,
    getUserMedia: async (c: MediaStreamConstraints) => {
      for (const kind of ['audio', 'video'] as const) {
        if (c[kind] && opts.fail?.[kind] && (opts.failTimes === undefined || failures++ < opts.failTimes)) {
          throw new DOMException('nope', opts.fail[kind]);
        }
      }
      return real.getUserMedia({ audio: !!c.audio, video: !!c.video });
    },
    ...(display
      ? {
          getDisplayMedia: async (c: DisplayMediaStreamOptions) => {
            const out = display(c);
            if (typeof out === 'string') throw new DOMException('nope', out);
            return out;
          },
        }
      : {}),
    addEventListener() {},
    removeEventListener() {},
  } as unknown as MediaDevices;
}
