/**
 * The breakout set-up form of `<breakout-dashboard>`, as a render module: number of rooms, their
 * names, the time limit, the countdown and how participants are assigned. It is checked live
 * with the server's own schema; problems show under their fields.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { safeParse } from 'valibot';
import { BreakoutConfigSchema } from '../../../protocol/breakout-config.ts';
import { fieldErrors } from '../../../protocol/issues.ts';
import type { AssignMode, ClientCommand } from '../../../protocol/types.ts';

export interface SetupForm {
  count: string;
  /** Every name typed so far; the first `count` are the rooms. */
  names: string[];
  limit: string;
  noLimit: boolean;
  countdown: string;
  assign: AssignMode;
}

export type ConfigureCommand = Extract<ClientCommand, { type: 'breakout/configure' }>;

export const initialSetup = (): SetupForm => ({ count: '2', names: [], limit: '15', noLimit: false, countdown: '10', assign: 'auto' });

/** A number field's value; NaN when empty (the schema then names the field). */
const num = (v: string): number => (v.trim() ? Number(v) : NaN);

/** The form as a configure command (validated live with the server's own schema). */
export function setupCommand(f: SetupForm): ConfigureCommand {
  const n = Math.min(101, Math.max(0, Math.floor(num(f.count)) || 0));
  return {
    type: 'breakout/configure',
    rooms: Array.from({ length: n }, (_, i) => f.names[i] ?? `Room ${i + 1}`),
    timeLimitMinutes: f.noLimit ? null : num(f.limit),
    countdownSeconds: num(f.countdown),
    assignment: f.assign,
  };
}

/** The form after an input event in it. */
export function setupInput(form: SetupForm, e: Event): SetupForm {
  const t = e.target as HTMLInputElement;
  const f: SetupForm = { ...form, names: [...form.names] };
  const k = t.name as 'count' | 'limit' | 'countdown';
  if (t.dataset.i) f.names[+t.dataset.i] = t.value;
  else if (t.type === 'checkbox') f.noLimit = t.checked;
  else if (t.type === 'radio') f.assign = t.value as AssignMode;
  else f[k] = t.value;
  return f;
}

export interface SetupFormView {
  form: SetupForm;
  /** Rooms exist already: offer Keep existing rooms. */
  hasRooms: boolean;
  onInput(e: Event): void;
  onSubmit(e: Event): void;
  onKeep(): void;
}

export function renderSetupForm(v: SetupFormView): TemplateResult {
  const f = v.form;
  const d = setupCommand(f);
  const r = safeParse(BreakoutConfigSchema, d);
  const errs: Record<string, string[]> = r.success ? {} : fieldErrors(r.issues);
  const field = (key: string, id: string, label: string, value: string, attrs: { min: number; max: number; disabled?: boolean }) =>
    html`<label for=${id}>${label}</label>
      <input id=${id} name=${id} type="number" min=${attrs.min} max=${attrs.max} .value=${value} ?disabled=${attrs.disabled}
        aria-invalid=${!!errs[key]} aria-describedby="${id}-error" />
      <p class="err" id="${id}-error">${errs[key]?.join(' ')}</p>`;
  return html`<form class="configure" part="configure" novalidate @input=${v.onInput} @submit=${v.onSubmit}>
    ${field('rooms', 'count', 'Number of rooms', f.count, { min: 1, max: 100 })}
    <fieldset>
      <legend>Room names</legend>
      <ol>
        ${d.rooms.map((name, i) => html`<li>
          <input data-i=${i} .value=${name} maxlength="60" aria-label="Name of room ${i + 1}"
            aria-invalid=${!!errs[`rooms.${i}`]} aria-describedby="name-error-${i}" />
          <p class="err" id="name-error-${i}">${errs[`rooms.${i}`]?.join(' ')}</p>
        </li>`)}
      </ol>
    </fieldset>
    <fieldset>
      <legend>Time limit</legend>
      ${field('timeLimitMinutes', 'limit', 'Minutes', f.limit, { min: 1, max: 600, disabled: f.noLimit })}
      <label><input type="checkbox" .checked=${f.noLimit} /> No time limit</label>
    </fieldset>
    ${field('countdownSeconds', 'countdown', 'Countdown before people move (seconds)', f.countdown, { min: 0, max: 60 })}
    <fieldset>
      <legend>Assign participants</legend>
      ${(
        [
          ['auto', 'Automatically'],
          ['manual', 'Manually'],
          ['mixed', 'Both (automatic, then adjust by hand)'],
        ] as const
      ).map(([value, text]) => html`<label><input type="radio" name="assign" value=${value} .checked=${f.assign === value} /> ${text}</label>`)}
    </fieldset>
    <div class="actions">
      ${v.hasRooms ? html`<button type="button" class="btn" @click=${v.onKeep}>Keep existing rooms</button>` : nothing}
      <button class="btn primary">Create rooms</button>
    </div>
  </form>`;
}
