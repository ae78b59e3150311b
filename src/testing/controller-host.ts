/** Test helper: a reactive controller host without an element (connect and disconnect by hand). */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** A controller host without an element: connect and disconnect by hand. */
export class Host implements ReactiveControllerHost {
  controllers: ReactiveController[] = [];
  updates = 0;
  addController(c: ReactiveController) {
    this.controllers.push(c);
  }
  removeController() {}
  requestUpdate() {
    this.updates++;
  }
  get updateComplete() {
    return Promise.resolve(true);
  }
  connect() {
    for (const c of this.controllers) c.hostConnected?.();
  }
  disconnect() {
    for (const c of this.controllers) c.hostDisconnected?.();
  }
}
