/** The pre-join screen: the camera preview with its toggles, device choices, and Join. */
import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { describeMediaIssue, type MediaKind } from '../../../client/media/index.ts';
import { icon } from '../../shared/icons.ts';
import { deviceSelect, mediaMessages, mediaToggle, type LocalMediaView } from './media-controls.ts';

export interface PrejoinView {
  media: LocalMediaView;
  /** The room's title. */
  title: string;
  joining: boolean;
  /** Joining has not reached the server after a few tries: say so, with Cancel. */
  slow: boolean;
  notice: TemplateResult | typeof nothing;
}

export interface PrejoinActions {
  join: () => void;
  cancel: () => void;
  retryMedia: () => void;
  toggle: (kind: MediaKind) => void;
  chooseDevice: (kind: MediaKind, deviceId: string) => void;
}

export function prejoin(v: PrejoinView, on: PrejoinActions): TemplateResult {
  const media = v.media;
  const { lines, mode, retry } = mediaMessages(media);
  const videoOn = media.videoOn;
  const cameraText = media.acquiring
    ? 'Starting camera…'
    : media.issues.video
      ? describeMediaIssue('video', media.issues.video)
      : media.hasVideo
        ? 'Your camera is off'
        : 'Camera off';
  return html`<section class="prejoin" part="prejoin" aria-labelledby="prejoin-title">
    <div class="preview" part="preview">
      <video
        part="video"
        class="mirror"
        .srcObject=${live(media.localStream)}
        .muted=${true}
        muted
        autoplay
        playsinline
        ?hidden=${!videoOn}
      ></video>
      ${videoOn ? nothing : html`<div class="preview-off">${icon('camOff', 'icon big')}<span>${cameraText}</span></div>`}
      <div class="preview-controls" role="group" aria-label="Camera and microphone">
        ${mediaToggle(media, 'audio', 'round', on.toggle)} ${mediaToggle(media, 'video', 'round', on.toggle)}
      </div>
    </div>
    <div class="prejoin-side">
      <h2 id="prejoin-title" class="prejoin-title" data-focus-on-show tabindex="-1">Ready to join?</h2>
      <p class="prejoin-room">${v.title}</p>
      ${deviceSelect(media, 'audio', on.chooseDevice)} ${deviceSelect(media, 'video', on.chooseDevice)}
      <div class="media-status" role="status">
        ${lines.map((l) => html`<p class="issue">${icon('alert')}<span>${l}</span></p>`)}
        ${mode ? html`<p class="mode">${mode}</p>` : nothing}
      </div>
      ${retry ? html`<button class="btn" @click=${on.retryMedia}>Try again</button>` : nothing}
      ${v.notice}
      <button
        class="btn primary join"
        part="join-button"
        ?disabled=${v.joining}
        aria-busy=${v.joining ? 'true' : 'false'}
        @click=${on.join}
      >
        ${v.joining ? 'Joining…' : 'Join'}
      </button>
      ${v.joining && v.slow
        ? html`<p class="slow" role="status">
            Can't reach the session yet. Still trying…
            <button class="link-btn" @click=${on.cancel}>Cancel</button>
          </p>`
        : nothing}
    </div>
  </section>`;
}
