import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { LitElement, html as litHtml } from 'lit';
import { MenuButton } from './menu-button.ts';

/** One menu per row, keyed by the row's name, as the attachments and the breakout names have them. */
class TestMenus extends LitElement {
  rows = ['alpha', 'beta'];
  picked: string[] = [];
  readonly menu = new MenuButton(this, (key) => `#mb-${CSS.escape(key)}`);

  override render() {
    return litHtml`<h2 tabindex="-1">Rows</h2>${this.rows.map((key) => {
      const on = this.menu.buttonHandlers(key);
      return litHtml`<div class="wrap" @focusout=${this.menu.onFocusOut}>
        <button id="mb-${key}" aria-haspopup="menu" aria-expanded=${this.menu.isOpen(key) ? 'true' : 'false'} aria-controls="m-${key}"
          @click=${on.click} @keydown=${on.keydown}>Actions for ${key}</button>
        <div id="m-${key}" role="menu" aria-labelledby="mb-${key}" ?hidden=${!this.menu.isOpen(key)} @keydown=${this.menu.onMenuKeydown}>
          ${['Edit', 'Disabled', 'Delete'].map(
            (label) => litHtml`<button role="menuitem" tabindex="-1" ?disabled=${label === 'Disabled'}
              @click=${() => {
                this.picked.push(`${key}:${label}`);
                this.menu.close(true);
              }}>${label}</button>`,
          )}
        </div>
      </div>`;
    })}`;
  }
}
customElements.define('test-menus', TestMenus);

const active = (el: Element) => el.shadowRoot!.activeElement;

describe('MenuButton: a family of menus', () => {
  it('opens one menu at a time from its button, skips disabled items, and gives focus back on Escape', async () => {
    const el = await fixture<TestMenus>(html`<test-menus></test-menus>`);
    const $ = (sel: string) => el.shadowRoot!.querySelector<HTMLElement>(sel)!;
    $('#mb-alpha').focus();
    await sendKeys({ press: 'ArrowDown' });
    await el.updateComplete;
    expect(el.menu.isOpen('alpha')).to.equal(true);
    expect(active(el)?.textContent).to.equal('Edit');
    await sendKeys({ press: 'ArrowDown' });
    expect(active(el)?.textContent, 'the disabled item is skipped').to.equal('Delete');
    await sendKeys({ press: 'ArrowDown' });
    expect(active(el)?.textContent).to.equal('Edit');
    await sendKeys({ press: 'End' });
    expect(active(el)?.textContent).to.equal('Delete');
    await expect(el).to.be.accessible();
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(el.menu.openKey).to.equal(null);
    expect(active(el)).to.equal($('#mb-alpha'));

    // Another row's menu closes the first.
    $('#mb-alpha').click();
    await el.updateComplete;
    $('#mb-beta').click();
    await el.updateComplete;
    expect(el.menu.isOpen('beta')).to.equal(true);
    expect($('#m-alpha').hidden).to.equal(true);
    expect(active(el)?.closest('[role="menu"]')?.id).to.equal('m-beta');
    // An item gives focus back to its own row's button.
    (active(el) as HTMLElement).click();
    await el.updateComplete;
    expect(el.picked).to.deep.equal(['beta:Edit']);
    expect(active(el)).to.equal($('#mb-beta'));
  });

  it('ArrowUp opens on the last item; Tab, focus leaving and a click outside close it', async () => {
    const el = await fixture<TestMenus>(html`<test-menus></test-menus>`);
    const $ = (sel: string) => el.shadowRoot!.querySelector<HTMLElement>(sel)!;
    $('#mb-beta').focus();
    await sendKeys({ press: 'ArrowUp' });
    await el.updateComplete;
    expect(active(el)?.textContent).to.equal('Delete');
    await sendKeys({ press: 'Tab' });
    await el.updateComplete;
    expect(el.menu.openKey).to.equal(null);

    $('#mb-beta').click();
    await el.updateComplete;
    $('h2').focus();
    await el.updateComplete;
    expect(el.menu.openKey, 'focus left the row').to.equal(null);

    $('#mb-alpha').click();
    await el.updateComplete;
    $('h2').dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, composed: true }));
    await el.updateComplete;
    expect(el.menu.openKey, 'a click elsewhere').to.equal(null);
  });
});
