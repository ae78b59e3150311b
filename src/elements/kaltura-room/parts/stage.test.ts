import { expect, fixture, html as testHtml } from '@open-wc/testing';
import { css, LitElement } from 'lit';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import { waitUntil } from '../../../testing/shadow-dom.ts';
import { fitGrid, renderStage, type StageCallbacks, type StageLayout, type StageTile, type StageView } from './stage.ts';
import { stageStyles } from './stage.styles.ts';
import { ActiveSpeaker, type SpeakerClock } from '../active-speaker.ts';

/** A tiny element that renders the stage the way the room does, filling its own box. */
class StageHost extends LitElement {
  static override styles = [stageStyles, css`:host { display: grid; } :host([auto]) { display: flex; flex-direction: column; }`];
  static override properties = { view: { attribute: false } };
  view: StageView = { tiles: [], share: null, layout: 'grid', pinned: null, speaking: null, soundOn: true };
  calls: string[] = [];
  on: StageCallbacks = {
    pin: (id) => {
      this.calls.push(`pin:${id}`);
      this.view = { ...this.view, pinned: id };
    },
    setLayout: (layout: StageLayout) => {
      this.calls.push(`layout:${layout}`);
      this.view = { ...this.view, layout };
    },
  };
  override render() {
    return renderStage(this.view, this.on);
  }
}
customElements.define('stage-host', StageHost);

const NAMES = ['Ada Lovelace', 'Ben Okafor', 'Chen Wei', 'Dana Petrova', 'Eli Cohen', 'Fatima Zahra', 'Goran Ilic', 'Hana Sato', 'Ivo Marques', 'Jana Novak', 'Kofi Mensah', 'Lena Berg'];

function people(n: number, stream: (i: number) => MediaStream | null = () => null): StageTile[] {
  return Array.from({ length: n }, (_, i) => ({
    userId: `u${i}`,
    name: NAMES[i % NAMES.length]!,
    role: i === 0 ? 'host' : i === 1 ? 'moderator' : 'participant',
    isSelf: i === 0,
    stream: stream(i),
    audio: i % 3 !== 2,
    video: false,
    connecting: false,
  }));
}

function view(tiles: StageTile[], extra: Partial<StageView> = {}): StageView {
  return { tiles, share: null, layout: 'grid', pinned: null, speaking: null, soundOn: true, ...extra };
}

async function stage(v: StageView, size: { width: number; height?: number }, dir = 'ltr'): Promise<StageHost> {
  const auto = size.height === undefined;
  const el = await fixture<StageHost>(testHtml`<stage-host dir=${dir} ?auto=${auto}
    style="width:${size.width}px;${auto ? '' : `height:${size.height}px`}" .view=${v}></stage-host>`);
  await settle(el);
  return el;
}

/** Wait for the render and the tile layout (a microtask and a resize observation after it). */
async function settle(el: StageHost): Promise<void> {
  await el.updateComplete;
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
}

const q = <T extends Element = HTMLElement>(el: StageHost, sel: string) => el.shadowRoot!.querySelector<T>(sel);
const qa = <T extends Element = HTMLElement>(el: StageHost, sel: string) => [...el.shadowRoot!.querySelectorAll<T>(sel)];
const rect = (e: Element) => e.getBoundingClientRect();
const tileOf = (el: StageHost, id: string) => q(el, `.tile[data-user="${id}"]`)!;
const overlaps = (a: DOMRect, b: DOMRect) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
const inside = (a: DOMRect, b: DOMRect) => a.left >= b.left - 0.5 && a.right <= b.right + 0.5 && a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;

/** Check the grid's tiles (16:9, inside the box, apart) and describe their sizes. */
function checkGrid(el: StageHost, n: number): { sizes: string; share: number; shareOfStage: number } {
  const box = rect(q(el, '.stage-view')!);
  const section = rect(q(el, '.stage')!);
  const tiles = qa(el, '.grid > .tile').map(rect);
  expect(tiles.length).to.equal(n);
  let area = 0;
  tiles.forEach((t, i) => {
    expect(t.width, `tile ${i} of ${n} laid out`).to.be.greaterThan(20);
    expect(Math.abs(t.width / t.height - 16 / 9), `tile ${i} of ${n} is 16:9 (${t.width}x${t.height})`).to.be.below(0.03);
    expect(inside(t, box), `tile ${i} of ${n} inside the stage`).to.equal(true);
    tiles.slice(i + 1).forEach((u, j) => expect(overlaps(t, u), `tiles ${i} and ${i + j + 1} of ${n} apart`).to.equal(false));
    area += t.width * t.height;
  });
  const sizes = [...new Set(tiles.map((t) => `${Math.round(t.width)}x${Math.round(t.height)}`))].join(' + ');
  return { sizes, share: area / (box.width * box.height), shareOfStage: area / (section.width * section.height) };
}

afterEach(async () => {
  await setViewport({ width: 800, height: 600 });
});

describe('stage: fitGrid', () => {
  it('fills a 16:9 box with one tile and puts five in rows of three and two', () => {
    const one = fitGrid(1, 1280, 720, 8);
    expect(one.rows).to.deep.equal([{ count: 1, width: 1280, height: 720 }]);
    const five = fitGrid(5, 1256, 644, 8);
    expect(five.rows.map((r) => r.count)).to.deep.equal([3, 2]);
    expect(five.area / (1256 * 644)).to.be.greaterThan(0.8);
  });

  it('never features one person by accident: three people get three equal tiles', () => {
    const three = fitGrid(3, 1256, 644, 8);
    expect(new Set(three.rows.map((r) => r.width)).size).to.equal(1);
  });

  it('stays inside the box and gives nothing for an empty box', () => {
    for (let n = 1; n <= 16; n++) {
      for (const [w, h] of [[1256, 644], [336, 560], [200, 900], [900, 120]] as const) {
        const fit = fitGrid(n, w, h, 8);
        expect(fit.rows.reduce((a, r) => a + r.count, 0)).to.equal(n);
        expect(fit.height).to.be.at.most(h);
        for (const r of fit.rows) expect(r.count * r.width + (r.count - 1) * 8).to.be.at.most(w);
      }
    }
    expect(fitGrid(3, 0, 500).rows).to.deep.equal([]);
  });
});

describe('stage: grid view', () => {
  it('uses the stage for 1 to 12 people at 1280x720 (five people: at least 80% of it)', async () => {
    await setViewport({ width: 1280, height: 720 });
    const report: string[] = [];
    const el = await stage(view(people(1)), { width: 1280, height: 720 });
    for (let n = 1; n <= 12; n++) {
      el.view = view(people(n));
      await settle(el);
      await waitUntil(() => qa(el, '.grid > .tile').every((t) => rect(t).width > 0), `tiles laid out for ${n}`);
      const { sizes, share, shareOfStage } = checkGrid(el, n);
      report.push(`${n}: ${sizes} (${Math.round(share * 100)}% of the video area, ${Math.round(shareOfStage * 100)}% of the stage)`);
      if (n === 5) expect(share, 'five people use the stage').to.be.at.least(0.8);
      if (n <= 4) expect(share, `${n} people`).to.be.at.least(0.5);
    }
    console.log(`Grid at 1280x720 (video area ${rect(q(el, '.stage-view')!).width}x${rect(q(el, '.stage-view')!).height}):\n  ${report.join('\n  ')}`);
    await expect(el).to.be.accessible();
  });

  it('uses a 360x640 phone screen for 1 to 12 people', async () => {
    await setViewport({ width: 360, height: 640 });
    const report: string[] = [];
    const el = await stage(view(people(1)), { width: 360, height: 640 });
    for (let n = 1; n <= 12; n++) {
      el.view = view(people(n));
      await settle(el);
      await waitUntil(() => qa(el, '.grid > .tile').every((t) => rect(t).width > 0), `tiles laid out for ${n}`);
      const { sizes, share } = checkGrid(el, n);
      report.push(`${n}: ${sizes} (${Math.round(share * 100)}% of the video area)`);
    }
    console.log(`Grid at 360x640 (video area ${rect(q(el, '.stage-view')!).width}x${rect(q(el, '.stage-view')!).height}):\n  ${report.join('\n  ')}`);
  });

  it('follows the stage when it resizes', async () => {
    const el = await stage(view(people(4)), { width: 1000, height: 600 });
    const before = rect(qa(el, '.grid > .tile')[0]!).width;
    el.style.width = '500px';
    el.style.height = '300px';
    await waitUntil(() => rect(qa(el, '.grid > .tile')[0]!).width < before * 0.6, 'tiles shrank with the stage');
    checkGrid(el, 4);
  });

  it('gives itself a height where the page gives none (narrow room)', async () => {
    await setViewport({ width: 360, height: 640 });
    const el = await stage(view(people(6)), { width: 360 });
    const box = rect(q(el, '.stage-view')!);
    expect(box.height).to.be.greaterThan(200);
    expect(box.height).to.be.below(500);
    checkGrid(el, 6);
  });

  it('starts at the inline start in right-to-left pages', async () => {
    const el = await stage(view(people(3)), { width: 1280, height: 720 }, 'rtl');
    const [first, second] = qa(el, '.grid > .tile').map(rect);
    expect(first!.left, 'the first tile is at the right').to.be.greaterThan(second!.left);
    checkGrid(el, 3);
  });
});

describe('stage: speaker view and pinning', () => {
  it('shows the pinned person, else who speaks, else the first other person, large, and the others in the strip', async () => {
    const el = await stage(view(people(4), { layout: 'speaker' }), { width: 1280, height: 720 });
    const featured = () => q(el, '.main > .tile')!.dataset.user;
    expect(featured(), 'first other person').to.equal('u1');
    expect(qa(el, '[part="strip"] .tile').map((t) => t.dataset.user)).to.deep.equal(['u0', 'u2', 'u3']);
    el.view = { ...el.view, recentSpeaker: 'u3' };
    await settle(el);
    expect(featured(), 'who spoke last').to.equal('u3');
    el.view = { ...el.view, speaking: 'u2' };
    await settle(el);
    expect(featured(), 'who speaks').to.equal('u2');
    el.view = { ...el.view, speaking: 'u0', recentSpeaker: 'u0' };
    await settle(el);
    expect(featured(), 'never the user themself for speaking').to.equal('u1');
    el.view = { ...el.view, pinned: 'u0' };
    await settle(el);
    expect(featured(), 'the pinned person, even the user').to.equal('u0');
    expect(q(el, '.main > .tile')!.getAttribute('part')).to.equal('tile tile-self tile-speaking tile-pinned tile-featured');

    const main = rect(q(el, '.main > .tile')!);
    const strip = rect(q(el, '[part="strip"]')!);
    expect(Math.abs(main.width / main.height - 16 / 9)).to.be.below(0.03);
    expect(main.width, 'large').to.be.greaterThan(800);
    expect(strip.left, 'strip at the inline end').to.be.at.least(main.right);
    await expect(el).to.be.accessible();
  });

  it('pins and unpins from the keyboard, and the layout switch says which layout shows', async () => {
    const el = await fixture<HTMLDivElement>(testHtml`<div><button id="before">Before</button>
      <stage-host style="width:1000px;height:560px" .view=${view(people(3))}></stage-host></div>`);
    const host = el.querySelector('stage-host') as StageHost;
    await settle(host);
    const options = qa<HTMLButtonElement>(host, '[part="layout-switch"] button');
    expect(q(host, '[part="layout-switch"]')!.getAttribute('role')).to.equal('group');
    expect(q(host, '[part="layout-switch"]')!.getAttribute('aria-label')).to.equal('Layout');
    expect(options.map((b) => `${b.textContent!.trim()}:${b.getAttribute('aria-pressed')}`)).to.deep.equal(['Grid:true', 'Speaker:false']);

    // Tab from the page to Ben's pin button.
    (el.querySelector('#before') as HTMLButtonElement).focus();
    let focused: Element | null = null;
    for (let i = 0; i < 10 && focused?.getAttribute('aria-label') !== 'Pin Ben Okafor'; i++) {
      await sendKeys({ press: 'Tab' });
      focused = host.shadowRoot!.activeElement;
    }
    expect(focused?.getAttribute('aria-label'), 'pin button reached with Tab').to.equal('Pin Ben Okafor');
    expect(focused!.getAttribute('aria-pressed')).to.equal('false');
    await sendKeys({ press: 'Enter' });
    await settle(host);
    expect(host.calls).to.deep.equal(['pin:u1']);
    expect(q(host, '.stage-view')!.dataset.mode, 'a pin shows speaker view').to.equal('speaker');
    expect(q(host, '.main > .tile')!.dataset.user).to.equal('u1');
    const pin = q<HTMLButtonElement>(host, '.main > .tile [part="pin-button"]')!;
    expect(pin.getAttribute('aria-pressed')).to.equal('true');
    expect(qa(host, '[part="layout-switch"] button').map((b) => b.getAttribute('aria-pressed'))).to.deep.equal(['false', 'true']);
    await expect(host).to.be.accessible();

    pin.focus();
    await sendKeys({ press: 'Space' });
    await settle(host);
    expect(host.calls).to.deep.equal(['pin:u1', 'pin:null']);
    expect(q(host, '.stage-view')!.dataset.mode, 'unpinned: the chosen layout again').to.equal('grid');

    // The layout switch: Speaker, then Grid (which also drops a pin).
    qa<HTMLButtonElement>(host, '[part="layout-switch"] button')[1]!.click();
    await settle(host);
    expect(q(host, '.stage-view')!.dataset.mode).to.equal('speaker');
    qa<HTMLButtonElement>(host, '.strip [part="pin-button"]')[0]!.click();
    await settle(host);
    qa<HTMLButtonElement>(host, '[part="layout-switch"] button')[0]!.click();
    await settle(host);
    expect(host.calls.slice(2)).to.deep.equal(['layout:speaker', 'pin:u0', 'pin:null', 'layout:grid']);
    expect(q(host, '.stage-view')!.dataset.mode).to.equal('grid');
  });

  it('ignores a pin on someone who left, and has no layout switch for one person', async () => {
    const el = await stage(view(people(2), { pinned: 'gone' }), { width: 800, height: 450 });
    expect(q(el, '.stage-view')!.dataset.mode).to.equal('grid');
    el.view = view(people(1));
    await settle(el);
    expect(q(el, '[part="layout-switch"]')).to.equal(null);
  });
});

/** A clock the test moves by hand. */
class FakeClock implements SpeakerClock {
  time = 0;
  private timers = new Set<{ ms: number; next: number; fn: () => void }>();
  now = () => this.time;
  every = (ms: number, fn: () => void) => {
    const t = { ms, next: this.time + ms, fn };
    this.timers.add(t);
    return () => void this.timers.delete(t);
  };
  advance(ms: number): void {
    const end = this.time + ms;
    for (let t = [...this.timers].find((x) => x.next <= end); t; t = [...this.timers].find((x) => x.next <= end)) {
      this.time = t.next;
      t.next += t.ms;
      t.fn();
    }
    this.time = end;
  }
}

class RingHost extends StageHost {
  levels: Record<string, number> = {};
  clock = new FakeClock();
  speaker = new ActiveSpeaker(this, {
    level: (id) => this.levels[id] ?? 0,
    candidates: () => this.view.tiles.filter((t) => t.audio).map((t) => t.userId),
    active: () => true,
    clock: this.clock,
  });
  override render() {
    return renderStage({ ...this.view, speaking: this.speaker.speaking, recentSpeaker: this.speaker.recent }, this.on);
  }
}
customElements.define('ring-host', RingHost);

describe('stage: speaking ring', () => {
  it('rings whoever speaks, with an outline and words, not colour alone', async () => {
    const el = await fixture<RingHost>(testHtml`<ring-host style="width:1000px;height:560px" .view=${view(people(4))}></ring-host>`);
    await settle(el);
    el.levels = { u1: 0.3 };
    el.clock.advance(200);
    await settle(el);
    expect(q(el, '.tile.speaking'), 'not after one loud sample').to.equal(null);
    el.clock.advance(400);
    await settle(el);
    const tile = tileOf(el, 'u1');
    expect(tile.getAttribute('part')).to.equal('tile tile-speaking');
    const style = getComputedStyle(tile);
    expect(style.outlineStyle).to.equal('solid');
    expect(parseFloat(style.outlineWidth)).to.be.at.least(2);
    expect(tile.querySelector('figcaption')!.textContent).to.contain('(speaking)');
    expect(qa(el, '.tile.speaking')).to.have.length(1);
    await expect(el).to.be.accessible();

    el.levels = {};
    el.clock.advance(1200);
    await settle(el);
    expect(q(el, '.tile.speaking'), 'the ring goes after the hold').to.equal(null);

    // Speaker view follows the last speaker.
    el.view = { ...el.view, layout: 'speaker' };
    el.levels = { u3: 0.3 };
    el.clock.advance(600);
    await settle(el);
    expect(q(el, '.main > .tile')!.dataset.user).to.equal('u3');
    el.levels = {};
    el.clock.advance(3000);
    await settle(el);
    expect(q(el, '.main > .tile')!.dataset.user, 'stays on the last speaker in silence').to.equal('u3');
  });
});

describe('stage: shared content', () => {
  const canvasStream = () => {
    const canvas = document.createElement('canvas');
    canvas.width = 320;
    canvas.height = 180;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#4a8';
    ctx.fillRect(0, 0, 320, 180);
    return canvas.captureStream(5);
  };

  it('fills the stage with the content, labelled, and puts the cameras in a strip beside it', async () => {
    const screen = canvasStream();
    const el = await stage(view(people(8), { share: { userId: 'u2', name: 'Chen Wei', isSelf: false, stream: screen } }), { width: 1280, height: 720 });
    expect(q(el, '.stage-view')!.dataset.mode).to.equal('share');
    const content = q(el, '[part="content"]')!;
    expect(content.querySelector('figcaption')!.textContent!.trim()).to.equal('Chen Wei is sharing');
    const video = content.querySelector('video')!;
    expect(video.srcObject).to.equal(screen);
    expect(getComputedStyle(video).objectFit).to.equal('contain');
    const box = rect(q(el, '.stage-view')!);
    const c = rect(content);
    const strip = rect(q(el, '[part="strip"]')!);
    expect(c.width * c.height, 'content fills most of the stage').to.be.greaterThan(0.6 * box.width * box.height);
    expect(strip.left, 'strip beside the content, at the inline end').to.be.at.least(c.right);
    expect(qa(el, '[part="strip"] .tile')).to.have.length(8);
    const s = q(el, '[part="strip"]')!;
    expect(getComputedStyle(s).overflowY).to.equal('auto');
    expect(s.scrollHeight, 'eight cameras scroll').to.be.greaterThan(s.clientHeight);
    expect(q(el, '[part="layout-switch"]'), 'no layout switch while content is shared').to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('puts the strip below the content on a phone and at the inline start in right-to-left pages', async () => {
    await setViewport({ width: 360, height: 640 });
    const share = { userId: 'u0', name: 'Ada Lovelace', isSelf: true, stream: null };
    const el = await stage(view(people(5), { share }), { width: 360, height: 640 });
    expect(q(el, '[part="content"] figcaption')!.textContent!.trim()).to.equal('You are sharing');
    const c = rect(q(el, '[part="content"]')!);
    const strip = rect(q(el, '[part="strip"]')!);
    expect(strip.top, 'strip below').to.be.at.least(c.bottom);
    const s = q(el, '[part="strip"]')!;
    expect(s.scrollWidth, 'cameras scroll sideways').to.be.greaterThan(s.clientWidth);
    await expect(el).to.be.accessible();

    await setViewport({ width: 1280, height: 720 });
    const rtl = await stage(view(people(3), { share: { ...share, isSelf: false, userId: 'u1', name: 'Ben Okafor' } }), { width: 1280, height: 720 }, 'rtl');
    expect(rect(q(rtl, '[part="strip"]')!).right, 'strip on the left').to.be.at.most(rect(q(rtl, '[part="content"]')!).left);
  });
});

describe('stage: names and role badges', () => {
  const long = (tiles: StageTile[]) =>
    tiles.map((t, i) => ({ ...t, name: i < 3 ? ['Maximiliana Wolfeschlegelsteinhausen', 'Bartholomew Featherstonehaugh-Smythe', 'Guinevere Montgomery-Castellanos'][i]! : t.name }));

  for (const n of [2, 3, 5, 8, 12]) {
    it(`keeps names and badges readable at 360 px (${n} people)`, async () => {
      await setViewport({ width: 360, height: 640 });
      const el = await stage(view(long(people(n))), { width: 360, height: 640 });
      for (const tile of qa(el, '.grid > .tile')) {
        const t = rect(tile);
        const caption = tile.querySelector('figcaption')!;
        const name = tile.querySelector('.name-text')!;
        const n = rect(name);
        expect(n.width, `name shows at a ${Math.round(t.width)} px tile`).to.be.at.least(Math.min(36, t.width / 3));
        expect(inside(rect(caption), t), `caption inside the tile ${JSON.stringify(rect(caption))} ${JSON.stringify(t)}`).to.equal(true);
        expect(caption.getAttribute('title'), 'the full name is available').to.contain(tile.dataset.user === 'u0' ? 'Maximiliana Wolfeschlegelsteinhausen' : '');
        const badge = tile.querySelector('[part="role-badge"]');
        if (badge) {
          const b = rect(badge);
          expect(b.width, 'badge visible').to.be.greaterThan(10);
          expect(inside(b, t), 'badge inside the tile').to.equal(true);
          expect(overlaps(b, n), 'badge beside the name, not over it').to.equal(false);
          expect(overlaps(b, rect(tile.querySelector('.pin')!)), 'badge clear of the pin').to.equal(false);
        }
      }
      expect(qa(el, '[part="role-badge"]').map((b) => b.textContent!.replace(/\s+/g, ''))).to.deep.equal(['Host', 'ModeratorMod']);
      await expect(el).to.be.accessible();
    });
  }

  it('cuts a long name with an ellipsis on a small tile', async () => {
    const el = await stage(view(long(people(12))), { width: 360, height: 640 });
    const name = tileOf(el, 'u1').querySelector<HTMLElement>('.name-text')!;
    expect(getComputedStyle(name).textOverflow).to.equal('ellipsis');
    expect(name.scrollWidth).to.be.greaterThan(name.clientWidth);
  });
});

describe('stage: video elements', () => {
  it('attaches each stream once: re-renders never re-set srcObject', async () => {
    const proto = HTMLMediaElement.prototype;
    const desc = Object.getOwnPropertyDescriptor(proto, 'srcObject')!;
    let sets = 0;
    Object.defineProperty(proto, 'srcObject', {
      configurable: true,
      get: desc.get,
      set(value) {
        sets++;
        desc.set!.call(this, value);
      },
    });
    try {
      const streams = Array.from({ length: 4 }, () => new MediaStream());
      const el = await stage(view(people(4, (i) => streams[i]!)), { width: 1000, height: 560 });
      const videos = qa<HTMLVideoElement>(el, '.tile video');
      expect(videos.map((v) => v.srcObject)).to.deep.equal(streams);
      const first = sets;
      for (const change of [{ speaking: 'u1' }, { soundOn: false }, { speaking: 'u2' }, { soundOn: true }, { speaking: null }]) {
        el.view = { ...el.view, ...change, tiles: el.view.tiles.map((t) => ({ ...t })) };
        await settle(el);
      }
      expect(sets - first, 'no srcObject set on re-render').to.equal(0);
      expect(qa<HTMLVideoElement>(el, '.tile video'), 'the same video elements').to.deep.equal(videos);
      expect(videos.map((v) => v.muted)).to.deep.equal([true, false, false, false]);
      // Someone's stream arrives: only that video changes.
      const late = new MediaStream();
      el.view = { ...el.view, tiles: el.view.tiles.map((t, i) => (i === 3 ? { ...t, stream: late } : t)) };
      await settle(el);
      expect(sets - first).to.equal(1);
      expect(videos[3]!.srcObject).to.equal(late);
    } finally {
      Object.defineProperty(proto, 'srcObject', desc);
    }
  });

  it('mutes remote tiles and the shared content when sound is off, and never plays the user aloud', async () => {
    const el = await stage(view(people(2), { soundOn: false, share: { userId: 'u1', name: 'Ben Okafor', isSelf: false, stream: new MediaStream() } }), {
      width: 1000,
      height: 560,
    });
    expect(qa<HTMLVideoElement>(el, 'video').map((v) => v.muted)).to.deep.equal([true, true, true]);
    el.view = { ...el.view, soundOn: true };
    await settle(el);
    expect(qa<HTMLVideoElement>(el, 'video').map((v) => v.muted)).to.deep.equal([false, true, false]);
  });
});
