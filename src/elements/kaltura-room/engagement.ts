/**
 * A reactive controller that tells the server whether the user is engaged: the tab is
 * visible, focused or full screen, and the room's sound is on. Moderators see the share
 * of engaged attendees as the engagement rate.
 *
 * It reports once the user is in the session (again after every join or reconnect) and
 * then only when the value changes, a second after things settle, so quick focus flips
 * (a click into a devtools pane, an alt-tab and back) send nothing.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface EngagementOptions {
  /** True while a report may be sent (in the session, on a welcomed connection). */
  active: () => boolean;
  /** The user has not muted the room's sound. */
  soundOn: () => boolean;
  report: (engaged: boolean) => void;
  /** Debounce of changes, in ms. */
  delay?: number;
}

const DOC_EVENTS = ['visibilitychange', 'fullscreenchange'];
const WIN_EVENTS = ['focus', 'blur'];

export class Engagement implements ReactiveController {
  private readonly options: EngagementOptions;
  /** What was last reported in this stay in the session; undefined: nothing yet. */
  private sent: boolean | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onChange = () => this.changed();

  constructor(host: ReactiveControllerHost, options: EngagementOptions) {
    this.options = options;
    host.addController(this);
  }

  /** Visible, focused or full screen, with sound on. */
  get engaged(): boolean {
    return (
      document.visibilityState === 'visible' &&
      (document.hasFocus() || !!document.fullscreenElement) &&
      this.options.soundOn()
    );
  }

  /** Something it depends on changed: report after the debounce, if the value differs. */
  changed(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.options.delay ?? 1000);
  }

  hostConnected(): void {
    for (const t of DOC_EVENTS) document.addEventListener(t, this.onChange);
    for (const t of WIN_EVENTS) window.addEventListener(t, this.onChange);
  }

  hostDisconnected(): void {
    for (const t of DOC_EVENTS) document.removeEventListener(t, this.onChange);
    for (const t of WIN_EVENTS) window.removeEventListener(t, this.onChange);
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  hostUpdated(): void {
    // Out of the session (left, ended, reconnecting): the next stay starts with a report.
    if (!this.options.active()) this.sent = undefined;
    else if (this.sent === undefined && this.timer === undefined) this.flush();
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.options.active()) return;
    const engaged = this.engaged;
    if (engaged === this.sent) return;
    this.sent = engaged;
    this.options.report(engaged);
  }
}
