/**
 * How loud someone is right now (0..1), for the active-speaker ring. Read when the element asks
 * (it polls while it shows the ring); nothing here runs on a timer of its own.
 *
 * - Remote people: the level the browser already measures for received audio as it plays it out
 *   (`RTCRtpReceiver.getSynchronizationSources()`; the tile's media element playing the stream is
 *   what plays it out), so no audio graph per remote stream.
 * - Ourselves: one AnalyserNode on the microphone track, made on the first ask and rebuilt only
 *   when the track changes.
 */

/** A level older than this is silence (the browser keeps sources for 10 s after their last packet). */
const STALE_MS = 1500;

/** The loudest recent level among the audio receivers of `pc`. */
export function receivedLevel(pc: RTCPeerConnection | null | undefined): number {
  if (!pc || typeof pc.getReceivers !== 'function') return 0;
  return Math.max(0, ...pc.getReceivers().map(receiverLevel));
}

/** The recent level of one audio receiver (the media server's link has one per person). */
export function receiverLevel(receiver: RTCRtpReceiver | null): number {
  if (receiver?.track?.kind !== 'audio' || typeof receiver.getSynchronizationSources !== 'function') return 0;
  let level = 0;
  for (const source of receiver.getSynchronizationSources()) {
    // Chromium's timestamps have used both clocks over the years: compare with the matching one.
    const now = source.timestamp > 1e12 ? Date.now() : performance.now();
    if (now - source.timestamp > STALE_MS) continue;
    level = Math.max(level, source.audioLevel ?? 0);
  }
  return Math.min(1, level);
}

/** The level of our own microphone, through one analyser. */
export class LocalLevel {
  private context: AudioContext | null = null;
  private analyser: AnalyserNode | null = null;
  private sourceNode: MediaStreamAudioSourceNode | null = null;
  private track: MediaStreamTrack | null = null;
  private samples: Float32Array<ArrayBuffer> | null = null;

  /** The current level of `track` (null or ended: 0). */
  read(track: MediaStreamTrack | null): number {
    if (!track || track.readyState !== 'live' || !track.enabled) return 0;
    if (track !== this.track) this.attach(track);
    const analyser = this.analyser;
    if (!analyser || !this.sourceNode) return 0;
    this.samples ??= new Float32Array(analyser.fftSize);
    analyser.getFloatTimeDomainData(this.samples);
    let sum = 0;
    for (const v of this.samples) sum += v * v;
    // Linear, 1 = full scale: the scale the browser uses for received levels.
    return Math.min(1, Math.sqrt(sum / this.samples.length));
  }

  /** Let go of the analyser and its audio context. */
  close(): void {
    this.sourceNode?.disconnect();
    this.sourceNode = null;
    this.analyser = null;
    this.track = null;
    this.samples = null;
    void this.context?.close().catch(() => undefined);
    this.context = null;
  }

  private attach(track: MediaStreamTrack): void {
    this.sourceNode?.disconnect();
    this.sourceNode = null;
    this.track = track;
    const Context = globalThis.AudioContext;
    if (!Context) return;
    try {
      this.context ??= new Context();
      if (this.context.state === 'suspended') void this.context.resume().catch(() => undefined);
      this.analyser ??= Object.assign(this.context.createAnalyser(), { fftSize: 512 });
      this.sourceNode = this.context.createMediaStreamSource(new MediaStream([track]));
      this.sourceNode.connect(this.analyser);
    } catch {
      this.sourceNode = null;
    }
  }
}
