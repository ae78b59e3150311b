import { BreakoutDashboard } from './breakout-dashboard.component.ts';

export { BreakoutDashboard };
export default BreakoutDashboard;

if (!customElements.get('breakout-dashboard')) customElements.define('breakout-dashboard', BreakoutDashboard);

declare global {
  interface HTMLElementTagNameMap {
    'breakout-dashboard': BreakoutDashboard;
  }
}
