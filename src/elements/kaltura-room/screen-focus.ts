/**
 * When the element moves to another screen (joined, left, ended, removed…), dialogs of the old
 * screen close and, if focus was in the element or got lost, it moves to the new screen's
 * heading (`[data-focus-on-show]`), so a keyboard or screen reader user hears the news.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { closeDialogs } from '../shared/confirm-dialog.ts';
import type { Screen } from './phase.ts';

type Host = ReactiveControllerHost & HTMLElement & { renderRoot: ParentNode };

export class ScreenFocus implements ReactiveController {
  private readonly host: Host;
  private readonly screen: () => Screen;
  private last: Screen | null = null;

  constructor(host: Host, screen: () => Screen) {
    this.host = host;
    this.screen = screen;
    host.addController(this);
  }

  hostConnected(): void {}

  hostUpdated(): void {
    const screen = this.screen();
    if (screen === this.last) return;
    const previous = this.last;
    this.last = screen;
    if (screen !== 'room') closeDialogs(this.host.renderRoot);
    // Moving between screens: put focus where the news is, if it was in the room or got lost.
    const active = document.activeElement;
    if (previous && (!active || active === document.body || this.host.matches(':focus-within'))) {
      this.host.renderRoot.querySelector<HTMLElement>('[data-focus-on-show]')?.focus({ preventScroll: true });
    }
  }
}
