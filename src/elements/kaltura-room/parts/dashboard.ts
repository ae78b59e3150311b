/**
 * The breakout dashboard shown over the room (hosts and moderators): a modal region holding a
 * `<breakout-dashboard>` (which takes the room from context). While it shows, Tab stays in it
 * and Escape closes it (as its Close button does); focus goes back to what opened it.
 */
import { css, html, nothing, type ReactiveController, type TemplateResult } from 'lit';
import { FocusTrap } from '../../../controllers/focus-trap.ts';

type Host = HTMLElement & {
  renderRoot: ParentNode;
  updateComplete: Promise<unknown>;
  requestUpdate(): void;
  addController(c: ReactiveController): void;
};
/** The dashboard's code is a staff tool: it loads the first time someone opens it. */
function loadDashboard(): Promise<unknown> {
  if (customElements.get('breakout-dashboard')) return Promise.resolve();
  return import('../../breakout-dashboard/breakout-dashboard.ts');
}

type DashboardElement = HTMLElement & { close?: () => Promise<void>; setUp?: () => Promise<boolean>; updateComplete?: Promise<unknown> };

export class DashboardOverlay implements ReactiveController {
  /** The dashboard shows. */
  open = false;
  /** Its code could not be loaded (offline, or the server went away). */
  private failed = false;
  private opener: HTMLElement | null = null;
  private readonly host: Host;
  /** Whether breakout runs now (the dashboard asks about set-up only when it does not). */
  private readonly running: () => boolean;
  private readonly trap = new FocusTrap(() => {
    const dashboard = this.element();
    if (dashboard?.close) void dashboard.close();
    else this.close();
  });

  constructor(host: Host, running: () => boolean) {
    this.host = host;
    this.running = running;
    host.addController(this);
  }

  hostConnected(): void {}

  /**
   * Show the dashboard; focus goes into it. From the menu's Breakout item (`setUp`), an idle room
   * with rooms already created first asks whether to keep them or create new ones, as the product does.
   */
  show(opener: HTMLElement | null, setUp = false): void {
    this.opener = opener;
    this.open = true;
    this.failed = false;
    this.host.requestUpdate();
    void loadDashboard()
      .catch((err: unknown) => {
        console.error('Could not load <breakout-dashboard>:', err);
        this.failed = true;
      })
      .then(() => {
        this.host.requestUpdate();
        return this.host.updateComplete;
      })
      .then(async () => {
      this.host.renderRoot.querySelector<HTMLElement>('.dashboard')?.focus();
      const dashboard = this.element();
      // The dashboard asks about existing rooms (if any) and puts focus into its form.
      if (!setUp || !dashboard?.setUp || this.running()) return;
      await dashboard.updateComplete;
      await dashboard.setUp();
      });
  }

  /** Hide it; focus goes back to what opened it (or `fallback`). */
  close(fallback = '#tools-button'): void {
    if (!this.open) return;
    this.open = false;
    this.host.requestUpdate();
    const back = this.opener?.isConnected ? this.opener : null;
    void this.host.updateComplete.then(() => (back ?? this.host.renderRoot.querySelector<HTMLElement>(fallback))?.focus());
  }

  /** Hide it without moving focus (the room went away under it). */
  drop(): void {
    this.open = false;
  }

  render(): TemplateResult | typeof nothing {
    if (!this.open) return nothing;
    const close = () => this.close();
    return html`<div class="dashboard" part="dashboard" role="dialog" aria-modal="true" aria-label="Breakout rooms" tabindex="-1"
  @kaltura-dashboard-close=${close} @keydown=${this.trap.onKeydown}><breakout-dashboard></breakout-dashboard>
${customElements.get('breakout-dashboard')
  ? nothing
  : this.failed
    ? html`<p class="empty" role="alert">Breakout dashboard not available. <button class="btn compact" @click=${close}>Close</button></p>`
    : html`<p class="empty" role="status">Loading the breakout dashboard…</p>`}
</div>`;
  }

  private element(): DashboardElement | null {
    return this.host.renderRoot.querySelector('breakout-dashboard') as DashboardElement | null;
  }
}

export const dashboardStyles = css`
  .dashboard { position: absolute; inset: 0; z-index: 20; overflow: auto; background: var(--kaltura-bg); }
`;
