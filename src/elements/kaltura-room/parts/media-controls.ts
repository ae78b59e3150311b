/**
 * The camera and microphone controls the pre-join screen and the room's toolbar share: the
 * toggles, the device choices, and what is wrong with either device, in words.
 */
import { html, type TemplateResult } from 'lit';
import { describeMediaIssue, type MediaIssue, type MediaKind } from '../../../client/media/index.ts';
import { icon } from '../../shared/icons.ts';

/** What these parts read of the local media (the room's media controller is one). */
export interface LocalMediaView {
  readonly localStream: MediaStream | null;
  readonly issues: Readonly<Record<MediaKind, MediaIssue | null>>;
  readonly acquiring: boolean;
  readonly hasAudio: boolean;
  readonly hasVideo: boolean;
  readonly audioOn: boolean;
  readonly videoOn: boolean;
  readonly audioInputs: readonly MediaDeviceInfo[];
  readonly videoInputs: readonly MediaDeviceInfo[];
  readonly audioDeviceId: string;
  readonly videoDeviceId: string;
}

export interface MediaMessages {
  /** One sentence per problem, with what to do about it. */
  lines: string[];
  /** What the user can still do ("You can join with audio only."). */
  mode: string;
  /** Trying again may help. */
  retry: boolean;
}

/** What is wrong with the camera or microphone. Only the pre-join screen has Try again; in the room, rejoining retries. */
export function mediaMessages(media: LocalMediaView, where: 'prejoin' | 'room' = 'prejoin'): MediaMessages {
  const a = media.issues.audio;
  const v = media.issues.video;
  const lines: string[] = [];
  const then = where === 'prejoin' ? 'then select Try again.' : 'then leave the session and rejoin it.';
  const hint = (issue: MediaIssue | null) =>
    issue === 'blocked'
      ? ` Allow access for this site in your browser settings, ${then}`
      : issue === 'in-use'
        ? ` Close the other app, ${then}`
        : issue === 'unsupported'
          ? ' This page must be opened over https.'
          : '';
  if (a && v && a === v) {
    const both =
      a === 'not-found'
        ? 'No camera or microphone found.'
        : a === 'blocked'
          ? 'Camera and microphone blocked.'
          : `${describeMediaIssue('video', v)}; ${describeMediaIssue('audio', a).toLowerCase()}.`;
    lines.push(both + hint(a));
  } else {
    if (v) lines.push(`${describeMediaIssue('video', v)}.${hint(v)}`);
    if (a) lines.push(`${describeMediaIssue('audio', a)}.${hint(a)}`);
  }
  let mode = '';
  if (!media.acquiring && (a || v)) {
    const hasA = media.hasAudio;
    const hasV = media.hasVideo;
    mode =
      hasA && !hasV
        ? 'You can join with audio only.'
        : hasV && !hasA
          ? 'You can join with video only.'
          : !hasA && !hasV
            ? 'You can still join to watch, listen and chat.'
            : '';
  }
  const retry = [a, v].some((i) => i === 'blocked' || i === 'in-use' || i === 'failed');
  return { lines, mode, retry };
}

/** The Microphone or Camera toggle: round on the preview, labelled on the toolbar. */
export function mediaToggle(media: LocalMediaView, kind: MediaKind, variant: 'round' | 'bar', onToggle: (kind: MediaKind) => void): TemplateResult {
  const isAudio = kind === 'audio';
  const available = isAudio ? media.hasAudio : media.hasVideo;
  const on = isAudio ? media.audioOn : media.videoOn;
  const name = isAudio ? 'Microphone' : 'Camera';
  const issue = media.issues[kind];
  const title = !available
    ? issue
      ? describeMediaIssue(kind, issue)
      : `${name} not available`
    : on
      ? `Turn off ${name.toLowerCase()}`
      : `Turn on ${name.toLowerCase()}`;
  return html`<button
    class="ctl ${variant} ${on ? 'on' : 'off'}"
    part="control"
    aria-pressed=${on ? 'true' : 'false'}
    ?disabled=${!available}
    title=${title}
    @click=${() => onToggle(kind)}
  >
    ${icon(isAudio ? (on ? 'mic' : 'micOff') : on ? 'cam' : 'camOff')}
    <span class=${variant === 'round' ? 'visually-hidden' : 'ctl-label'}>${name}</span>
  </button>`;
}

/** Choose microphone / Choose camera. */
export function deviceSelect(media: LocalMediaView, kind: MediaKind, onChoose: (kind: MediaKind, deviceId: string) => void): TemplateResult {
  const isAudio = kind === 'audio';
  const devices = isAudio ? media.audioInputs : media.videoInputs;
  const current = isAudio ? media.audioDeviceId : media.videoDeviceId;
  const id = isAudio ? 'mic-select' : 'cam-select';
  const usable = devices.filter((d) => d.deviceId);
  return html`<div class="field">
    <label for=${id}>${isAudio ? 'Choose microphone' : 'Choose camera'}</label>
    <select
      id=${id}
      ?disabled=${usable.length === 0 || media.acquiring}
      @change=${(e: Event) => onChoose(kind, (e.target as HTMLSelectElement).value)}
    >
      ${usable.length === 0
        ? html`<option value="">${isAudio ? 'No microphone' : 'No camera'}</option>`
        : usable.map(
            (d, i) =>
              html`<option value=${d.deviceId} ?selected=${d.deviceId === current}>
                ${d.label || `${isAudio ? 'Microphone' : 'Camera'} ${i + 1}`}
              </option>`,
          )}
    </select>
  </div>`;
}
