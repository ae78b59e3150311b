/**
 * The session form of `<session-editor>` (New session and the Basics tab), as a render module:
 * header image, title, description, tags, date, time, duration, speakers, moderators, the AI
 * assistant switch, visibility and the Create / Save changes button. Problems show under their
 * fields (`aria-invalid`, `aria-describedby`); the element owns the values and the handlers.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { HEADER_ACCEPT, SESSION_WORDING as W, TITLE_MAX, VISIBILITIES, VISIBILITY_LABELS, type EventInfo, type FieldErrors } from '../../protocol/sessions.ts';
import { icon } from '../shared/icons.ts';
import type { FormValues, PickerKey } from './form-values.ts';
import { sicon } from './session-icons.ts';
import type { SessionPickers } from './session-pickers.ts';

export interface SessionFormView {
  form: FormValues;
  errors: FieldErrors;
  /** Create / Save changes is on once the form (or the header image) changed, and off while saving. */
  canSubmit: boolean;
  busy: boolean;
  submitLabel: string;
  info: EventInfo | null;
  /** The header image chosen and not saved yet. */
  headerFile: File | null;
  /** The header preview's `src` ('' for none). */
  thumb: string;
  pickers: SessionPickers;
  onInput(e: Event): void;
  onSubmit(e: Event): void;
  onHeaderFile(e: Event): void;
  /** The preview did not load. */
  onThumbError(): void;
  onToggleAssistant(): void;
}

function problems(errors: FieldErrors, field: string): TemplateResult | typeof nothing {
  const list = errors[field];
  return list?.length ? html`<p class="error" id="e-${field}" part="field-error">${list.join(' ')}</p>` : nothing;
}

/** aria-invalid and aria-describedby for a field's control. */
function a11y(errors: FieldErrors, field: string, hint = ''): { invalid: 'true' | 'false'; describedby: string | typeof nothing } {
  const bad = !!errors[field]?.length;
  return { invalid: bad ? 'true' : 'false', describedby: [hint, bad ? `e-${field}` : ''].filter(Boolean).join(' ') || nothing };
}

function text(v: SessionFormView, field: 'title' | 'date' | 'time' | 'duration', label: string, type: string, extra: TemplateResult | string = '') {
  const a = a11y(v.errors, field, field === 'title' ? 'h-title' : field === 'duration' ? 'h-duration' : '');
  return html`<div class="field f-${field}" part="field">
    <label class="label" for="f-${field}">${label}</label>
    <input
      id="f-${field}"
      name=${field}
      data-field=${field}
      type=${type}
      .value=${live(v.form[field])}
      aria-invalid=${a.invalid}
      aria-describedby=${a.describedby}
      ?required=${true}
      min=${type === 'number' ? 1 : nothing}
      max=${type === 'number' ? 1440 : nothing}
    />
    ${extra}${problems(v.errors, field)}
  </div>`;
}

function picker(v: SessionFormView, key: PickerKey, label: string, placeholder: string): TemplateResult {
  const chosen = v.form[key] as { id: string; name: string }[];
  const a = a11y(v.errors, key);
  return html`<div class="field" part="field">
    <label class="label" for="${key}-input">${label}</label>
    ${v.pickers.render(key, { placeholder, listLabel: label, invalid: a.invalid, describedby: a.describedby, dataField: key })}
    ${chosen.length
      ? html`<ul class="chips" aria-label="Chosen ${label.replace(' (required)', '').toLowerCase()}">
          ${chosen.map(
            (x) => html`<li class="chip" part="chip">${x.name}<button type="button" class="icon-btn small"
              aria-label="Remove ${x.name}" @click=${() => v.pickers.unpick(key, x.id)}>${icon('close')}</button></li>`,
          )}
        </ul>`
      : nothing}
    ${problems(v.errors, key)}
  </div>`;
}

export function renderSessionForm(v: SessionFormView): TemplateResult {
  const f = v.form;
  const ai = a11y(v.errors, 'aiAssistant');
  return html`<form class="form" part="form" novalidate @input=${v.onInput} @submit=${v.onSubmit}>
    <div class="field header" part="field">
      <span class="label" id="l-header">Header</span>
      <div class="thumb" part="thumbnail">
        ${v.thumb
          ? html`<img src=${v.thumb} alt="Header image preview" @error=${v.onThumbError} />`
          : html`${sicon('image')}<span class="muted">No header image</span>`}
      </div>
      <div class="header-side">
        <input id="f-header-file" type="file" accept=${HEADER_ACCEPT} hidden @change=${v.onHeaderFile} />
        <button
          type="button"
          class="btn"
          data-field="header"
          aria-describedby="l-header h-header${v.errors.header ? ' e-header' : ''}"
          @click=${(e: Event) => (e.currentTarget as HTMLElement).parentElement!.querySelector<HTMLInputElement>('#f-header-file')!.click()}
        >${W.replaceThumbnail}</button>
        <p class="muted small" id="h-header">${W.headerHint}${v.headerFile ? html` Chosen: ${v.headerFile.name}` : ''}</p>
        ${problems(v.errors, 'header')}
      </div>
    </div>
    ${text(v, 'title', 'Title (required)', 'text', html`<p class="muted small" id="h-title">
      ${f.title.length}/${TITLE_MAX} characters. ${W.titleUnsupported}</p>`)}
    <div class="field" part="field">
      <label class="label" for="f-description">Description</label>
      <textarea id="f-description" name="description" data-field="description" .value=${live(f.description)}
        aria-invalid=${a11y(v.errors, 'description').invalid} aria-describedby=${a11y(v.errors, 'description').describedby}></textarea>
      ${problems(v.errors, 'description')}
    </div>
    ${picker(v, 'tags', 'Tags', 'Add tags')}
    <div class="row">
      ${text(v, 'date', 'Date (required)', 'date')}${text(v, 'time', 'Time (required)', 'time')}
      ${text(v, 'duration', 'Duration (required)', 'number', html`<p class="muted small" id="h-duration">In minutes. ${W.durationMax}</p>`)}
    </div>
    ${v.info ? html`<p class="muted small">Date and time are in the event's time zone (${v.info.timeZone}).</p>` : nothing}
    ${picker(v, 'speakers', 'Speakers', 'Type a speaker’s name')}
    ${picker(v, 'moderators', 'Moderators (required)', 'Type a moderator’s name')}
    <div class="field switch-field" part="field">
      <button
        type="button"
        role="switch"
        class="switch"
        part="switch"
        id="f-aiAssistant"
        data-field="aiAssistant"
        aria-checked=${f.aiAssistant ? 'true' : 'false'}
        aria-describedby=${ai.describedby}
        @click=${v.onToggleAssistant}
      ><span class="track" aria-hidden="true"></span>AI assistant</button>
      <p class="muted small">Kaltura's AI assistant: an Assistant tab for moderators, with attendee numbers, chat mood, engagement rate and time to end.</p>
      ${problems(v.errors, 'aiAssistant')}
    </div>
    <fieldset class="field visibility" part="field">
      <legend class="label">Visibility</legend>
      ${VISIBILITIES.map(
        (vis) => html`<label class="radio">
          <input type="radio" name="visibility" value=${vis} data-field=${vis === f.visibility ? 'visibility' : nothing}
            .checked=${live(vis === f.visibility)} aria-describedby="h-${vis}" />
          <span><strong>${VISIBILITY_LABELS[vis].label}</strong>
            <span class="muted small" id="h-${vis}">${VISIBILITY_LABELS[vis].help}</span></span>
        </label>`,
      )}
      ${problems(v.errors, 'visibility')}
    </fieldset>
    <div class="actions">
      <button class="btn primary" part="submit" type="submit" ?disabled=${!v.canSubmit}>
        ${v.busy ? 'Saving…' : v.submitLabel}
      </button>
    </div>
  </form>`;
}

/** The confirmation the AI assistant switch asks for before it turns on (product text: "Activate assistant", "X" cancels). */
export function renderAssistantDialog(): TemplateResult {
  return html`<dialog id="ai-dialog" class="panel" part="dialog" aria-labelledby="ai-title" aria-describedby="ai-text">
    <form method="dialog">
      <div class="dialog-head">
        <h2 id="ai-title" part="dialog-title">Activate AI assistant</h2>
        <button class="icon-btn small" value="cancel" aria-label="Close">${icon('close')}</button>
      </div>
      <p id="ai-text">
        Kaltura's AI assistant gives this session's moderators an Assistant tab in the Chat and Collaboration widget, with
        attendee numbers, chat mood, engagement rate and time to end.
      </p>
      <div class="actions"><button class="btn primary" part="dialog-confirm" value="confirm" autofocus>${W.activateAssistant}</button></div>
    </form>
  </dialog>`;
}
