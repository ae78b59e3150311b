import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { LitElement, html as litHtml } from 'lit';
import { Combobox, type ComboboxOption } from './combobox.ts';
import { waitUntil } from '../testing/shadow-dom.ts';

/** One combobox over a fixed list, choices toggled, plus an action. */
class TestCombo extends LitElement {
  chosen: string[] = [];
  actions = 0;
  lookUps: string[] = [];
  readonly combo = new Combobox(this, {
    ids: { input: 'c-input', list: 'c-list', option: (i) => `c-opt-${i}` },
    parts: { list: 'listbox', option: 'option' },
    options: (q): ComboboxOption[] => [
      ...['Apple', 'Apricot', 'Banana']
        .filter((x) => x.toLowerCase().includes(q.trim().toLowerCase()))
        .map((x) => ({ label: x, selected: this.chosen.includes(x), run: () => this.toggle(x) })),
      { label: 'Add one', run: () => void this.actions++ },
    ],
    lookUp: (q) => void this.lookUps.push(q),
    clearOnPick: true,
  });

  toggle(x: string): void {
    this.chosen = this.chosen.includes(x) ? this.chosen.filter((y) => y !== x) : [...this.chosen, x];
    this.requestUpdate();
  }

  override render() {
    return litHtml`<label for="c-input">Fruit</label>${this.combo.render({ placeholder: 'Type a fruit', listLabel: 'Fruit' })}<button>After</button>`;
  }
}
customElements.define('test-combo', TestCombo);


describe('Combobox', () => {
  it('follows the ARIA 1.2 combobox pattern: typing opens, arrows highlight, Enter and Space choose, Escape closes then clears', async () => {
    const el = await fixture<TestCombo>(html`<test-combo></test-combo>`);
    const input = el.shadowRoot!.querySelector<HTMLInputElement>('#c-input')!;
    const list = el.shadowRoot!.querySelector<HTMLElement>('#c-list')!;
    expect(input.getAttribute('role')).to.equal('combobox');
    expect(input.getAttribute('aria-expanded')).to.equal('false');
    input.focus();
    await sendKeys({ type: 'ap' });
    await el.updateComplete;
    expect(el.lookUps.at(-1)).to.equal('ap');
    expect(input.getAttribute('aria-expanded')).to.equal('true');
    expect([...list.querySelectorAll('[role="option"]')].map((o) => o.textContent!.replace('✓', '').trim())).to.deep.equal(['Apple', 'Apricot', 'Add one']);
    expect(input.hasAttribute('aria-activedescendant')).to.equal(false);
    await expect(el).to.be.accessible();
    await sendKeys({ press: 'ArrowUp' });
    await el.updateComplete;
    expect(input.getAttribute('aria-activedescendant'), 'ArrowUp wraps to the last').to.equal('c-opt-2');
    await sendKeys({ press: 'Home' });
    await el.updateComplete;
    expect(input.getAttribute('aria-activedescendant')).to.equal('c-opt-0');
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(el.chosen).to.deep.equal(['Apple']);
    expect(input.value, 'a choice clears what was typed').to.equal('');
    expect(input.getAttribute('aria-expanded'), 'the list stays open').to.equal('true');
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Space' });
    await el.updateComplete;
    expect(el.chosen, 'Space toggles the highlighted option').to.deep.equal([]);
    // The action runs and is not a choice: nothing is cleared or ticked.
    await sendKeys({ press: 'End' });
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(el.actions).to.equal(1);
    await sendKeys({ type: 'ban' });
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(input.getAttribute('aria-expanded')).to.equal('false');
    expect(input.value).to.equal('ban');
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(input.value).to.equal('');
    await sendKeys({ press: 'ArrowDown' });
    await el.updateComplete;
    expect(input.getAttribute('aria-activedescendant'), 'ArrowDown opens on the first').to.equal('c-opt-0');
    await sendKeys({ press: 'Tab' });
    await waitUntil(() => input.getAttribute('aria-expanded') === 'false', 'focus left: closed');
  });
});
