import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { LitElement, html as litHtml } from 'lit';
import { TabsController } from './tabs.ts';
import { waitUntil } from '../testing/shadow-dom.ts';

type Key = 'one' | 'two' | 'three';

/** A minimal tab list driven by the controller. */
class TestTabs extends LitElement {
  static override properties = { selected: { state: true }, keys: { attribute: false }, vertical: { type: Boolean } };
  selected: Key = 'one';
  keys: Key[] = ['one', 'two', 'three'];
  vertical = false;
  selections: Key[] = [];
  readonly tabs = new TabsController<Key>(this, {
    keys: () => this.keys,
    selected: () => this.selected,
    select: (key) => {
      this.selections.push(key);
      this.selected = key;
    },
    orientation: undefined,
  });
  readonly verticalTabs = new TabsController<Key>(this, {
    keys: () => this.keys,
    selected: () => this.selected,
    select: (key) => (this.selected = key),
    orientation: 'vertical',
  });

  override render() {
    const tabs = this.vertical ? this.verticalTabs : this.tabs;
    return litHtml`<div role="tablist" aria-label="Test" @keydown=${tabs.onKeydown}>
      ${this.keys.map(
        (k) => litHtml`<button id="tab-${k}" role="tab" aria-selected=${k === this.selected ? 'true' : 'false'}
          tabindex=${tabs.tabIndex(k)} @click=${() => void tabs.choose(k)}>${k}</button>`,
      )}
    </div>`;
  }
}
customElements.define('test-tabs', TestTabs);

const focused = (el: TestTabs) => (el.shadowRoot!.activeElement as HTMLElement | null)?.id ?? '';
const tabIndexes = (el: TestTabs) => [...el.shadowRoot!.querySelectorAll('[role="tab"]')].map((t) => t.getAttribute('tabindex'));

async function press(el: TestTabs, key: string, expected: Key): Promise<void> {
  await sendKeys({ press: key });
  await waitUntil(() => el.selected === expected && focused(el) === `tab-${expected}`, `${key} → ${expected} (got ${el.selected}, focus ${focused(el)})`);
}

async function mount(dir: 'ltr' | 'rtl' = 'ltr', vertical = false): Promise<TestTabs> {
  const wrap = await fixture<HTMLDivElement>(html`<div dir=${dir}><test-tabs ?vertical=${vertical}></test-tabs></div>`);
  const el = wrap.querySelector('test-tabs') as TestTabs;
  await el.updateComplete;
  el.shadowRoot!.querySelector<HTMLElement>('#tab-one')!.focus();
  return el;
}

describe('TabsController', () => {
  it('keeps only the selected tab in the Tab order', async () => {
    const el = await mount();
    expect(tabIndexes(el)).to.deep.equal(['0', '-1', '-1']);
    el.shadowRoot!.querySelector<HTMLElement>('#tab-three')!.click();
    await el.updateComplete;
    expect(el.selected).to.equal('three');
    expect(tabIndexes(el)).to.deep.equal(['-1', '-1', '0']);
  });

  it('moves with the arrows (wrapping), Home and End, selecting and focusing', async () => {
    const el = await mount();
    await press(el, 'ArrowRight', 'two');
    await press(el, 'ArrowRight', 'three');
    await press(el, 'ArrowRight', 'one');
    await press(el, 'ArrowLeft', 'three');
    await press(el, 'Home', 'one');
    await press(el, 'End', 'three');
    expect(el.selections).to.deep.equal(['two', 'three', 'one', 'three', 'one', 'three']);
    expect(tabIndexes(el)).to.deep.equal(['-1', '-1', '0']);
  });

  it('mirrors the arrows right to left', async () => {
    const el = await mount('rtl');
    await press(el, 'ArrowLeft', 'two');
    await press(el, 'ArrowLeft', 'three');
    await press(el, 'ArrowRight', 'two');
    await press(el, 'Home', 'one');
  });

  it('ignores other keys and the arrows of the other orientation', async () => {
    const el = await mount();
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'a' });
    await el.updateComplete;
    expect(el.selected).to.equal('one');
    expect(el.selections).to.deep.equal([]);
  });

  it('uses Up and Down in a vertical tab list', async () => {
    const el = await mount('ltr', true);
    await sendKeys({ press: 'ArrowRight' });
    await el.updateComplete;
    expect(el.selected).to.equal('one');
    await press(el, 'ArrowDown', 'two');
    await press(el, 'ArrowUp', 'one');
    await press(el, 'ArrowUp', 'three');
  });

  it('follows tabs that come and go', async () => {
    const el = await mount();
    el.keys = ['one', 'two'];
    el.requestUpdate();
    await el.updateComplete;
    await press(el, 'End', 'two');
    await press(el, 'ArrowRight', 'one');
  });
});
