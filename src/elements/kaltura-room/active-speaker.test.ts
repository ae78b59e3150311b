import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import { ActiveSpeaker, type SpeakerClock } from './active-speaker.ts';

/** A clock that moves only when the test says so, firing the timers that fall due. */
class FakeClock implements SpeakerClock {
  time = 0;
  private timers = new Set<{ ms: number; next: number; fn: () => void }>();
  now = (): number => this.time;
  every = (ms: number, fn: () => void): (() => void) => {
    const timer = { ms, next: this.time + ms, fn };
    this.timers.add(timer);
    return () => this.timers.delete(timer);
  };
  get running(): number {
    return this.timers.size;
  }
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers].filter((t) => t.next <= end).sort((a, b) => a.next - b.next)[0];
      if (!due) break;
      this.time = due.next;
      due.next += due.ms;
      due.fn();
    }
    this.time = end;
  }
}

class SpeakerHost extends LitElement {
  levels: Record<string, number> = {};
  people = ['ada', 'ben', 'cy'];
  live = true;
  clock = new FakeClock();
  updates = 0;
  speaker = new ActiveSpeaker(this, {
    level: (id) => this.levels[id] ?? 0,
    candidates: () => this.people,
    active: () => this.live,
    clock: this.clock,
  });
  override updated(): void {
    this.updates++;
  }
}
customElements.define('speaker-host', SpeakerHost);

async function host(): Promise<SpeakerHost> {
  return fixture<SpeakerHost>(html`<speaker-host></speaker-host>`);
}

describe('ActiveSpeaker', () => {
  it('names a speaker only after the level stays above the threshold for about 300 ms', async () => {
    const el = await host();
    el.levels = { ada: 0.3 };
    el.clock.advance(200);
    expect(el.speaker.speaking, 'one loud sample is not speech').to.equal(null);
    el.clock.advance(200);
    expect(el.speaker.speaking).to.equal(null); // 200 ms above so far
    el.clock.advance(200);
    expect(el.speaker.speaking).to.equal('ada');
    expect(el.speaker.recent).to.equal('ada');
    await el.updateComplete;
    expect(el.updates, 'the host re-renders for the ring').to.be.greaterThan(1);
  });

  it('ignores a short noise', async () => {
    const el = await host();
    el.levels = { ben: 0.5 };
    el.clock.advance(200);
    el.levels = {};
    el.clock.advance(2000);
    expect(el.speaker.speaking).to.equal(null);
    expect(el.speaker.recent).to.equal(null);
  });

  it('keeps the speaker through short pauses and for about a second after they stop', async () => {
    const el = await host();
    el.levels = { ada: 0.2 };
    el.clock.advance(600);
    expect(el.speaker.speaking).to.equal('ada');
    // A pause between words, while someone else starts: Ada keeps the ring.
    el.levels = { ben: 0.4 };
    el.clock.advance(800);
    expect(el.speaker.speaking, 'held through the pause').to.equal('ada');
    el.clock.advance(400);
    expect(el.speaker.speaking, 'the hold is over, Ben has spoken long enough').to.equal('ben');
    expect(el.speaker.recent).to.equal('ben');
  });

  it('does not flip to someone talking over the speaker', async () => {
    const el = await host();
    el.levels = { ada: 0.1 };
    el.clock.advance(600);
    el.levels = { ada: 0.1, ben: 0.9 };
    el.clock.advance(3000);
    expect(el.speaker.speaking).to.equal('ada');
  });

  it('picks the loudest of several who start together', async () => {
    const el = await host();
    el.levels = { ada: 0.1, ben: 0.6, cy: 0.3 };
    el.clock.advance(600);
    expect(el.speaker.speaking).to.equal('ben');
  });

  it('clears the ring when everyone is silent but remembers who spoke last', async () => {
    const el = await host();
    el.levels = { cy: 0.2 };
    el.clock.advance(600);
    el.levels = {};
    el.clock.advance(1400);
    expect(el.speaker.speaking).to.equal(null);
    expect(el.speaker.recent).to.equal('cy');
  });

  it('forgets a speaker who is no longer a candidate', async () => {
    const el = await host();
    el.levels = { cy: 0.2 };
    el.clock.advance(600);
    expect(el.speaker.speaking).to.equal('cy');
    el.people = ['ada', 'ben'];
    el.clock.advance(200);
    expect(el.speaker.speaking).to.equal(null);
    expect(el.speaker.recent).to.equal(null);
  });

  it('lists who spoke, most recent first, including someone who talked over the speaker', async () => {
    const el = await host();
    expect(el.speaker.spoke).to.deep.equal([]);
    el.levels = { ada: 0.2 };
    el.clock.advance(600);
    el.levels = { ada: 0.2, ben: 0.3 };
    el.clock.advance(600);
    expect(el.speaker.speaking, 'Ada keeps the ring').to.equal('ada');
    expect(el.speaker.spoke).to.deep.equal(['ben', 'ada']);
    // Talking on does not reorder; starting again does, and a short noise does not count.
    el.levels = { ada: 0.2, ben: 0.3, cy: 0.5 };
    el.clock.advance(200);
    el.levels = { ada: 0.2, ben: 0.3 };
    el.clock.advance(2000);
    expect(el.speaker.spoke).to.deep.equal(['ben', 'ada']);
    el.levels = {};
    el.clock.advance(400);
    el.levels = { ada: 0.2 };
    el.clock.advance(600);
    expect(el.speaker.spoke).to.deep.equal(['ada', 'ben']);
    // Kept through silence, and after someone is no longer a candidate (they may unmute).
    el.levels = {};
    el.people = ['ben', 'cy'];
    el.clock.advance(2000);
    expect(el.speaker.spoke).to.deep.equal(['ada', 'ben']);
  });

  it('treats a level that throws as silence', async () => {
    const el = await host();
    el.levels = {};
    Object.defineProperty(el.levels, 'ada', {
      get() {
        throw new Error('no receiver');
      },
    });
    el.clock.advance(1000);
    expect(el.speaker.speaking).to.equal(null);
  });

  it('polls at about 5 Hz only while active and connected', async () => {
    const el = await host();
    expect(el.clock.running).to.equal(1);
    let reads = 0;
    const orig = el.people;
    el.people = new Proxy(orig, {
      get(target, key, receiver) {
        if (key === Symbol.iterator) reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    el.clock.advance(1000);
    expect(reads, 'polls in one second').to.be.within(4, 6);

    el.levels = { ada: 0.5 };
    el.clock.advance(600);
    expect(el.speaker.speaking).to.equal('ada');
    el.live = false;
    el.requestUpdate();
    await el.updateComplete;
    expect(el.clock.running, 'stopped while not connected').to.equal(0);
    expect(el.speaker.polling).to.equal(false);
    expect(el.speaker.speaking, 'no ring while not connected').to.equal(null);
    reads = 0;
    el.clock.advance(2000);
    expect(reads).to.equal(0);

    el.live = true;
    el.requestUpdate();
    await el.updateComplete;
    expect(el.clock.running).to.equal(1);
    el.remove();
    expect(el.clock.running, 'stopped when the element leaves the page').to.equal(0);
  });
});
