/**
 * Time from the element joining (the Join click) to the first remote video frame,
 * in headless Chromium with a fake camera, over loopback, through our server.
 */
import { issueToken } from '../server/auth.ts';
import { startServer, TEST_SECRET } from '../server/testing/spawn.ts';
import { clickButton, launch, openPage, startCoursePage, waitForRemoteVideos } from '../test/e2e/browser.ts';

export interface FirstFrameResult {
  runs: number[];
  median: number;
  p95: number;
}

export async function run(opts: { runs?: number } = {}): Promise<FirstFrameResult> {
  const runs = opts.runs ?? 7;
  const server = await startServer();
  const course = await startCoursePage();
  const browser = await launch();
  const room = 'bench-first-frame';
  const url = async (sub: string, role: 'host' | 'participant') => {
    const token = await issueToken(TEST_SECRET, { sub, name: sub, role, room });
    return `${course.url}?${new URLSearchParams({ server: server.url.replace('127.0.0.1', 'localhost'), room, token })}`;
  };
  const times: number[] = [];
  try {
    const host = await openPage(browser, await url('host', 'host'));
    await clickButton(host, 'Join');
    for (let i = 0; i < runs; i++) {
      const page = await openPage(browser, await url(`p${i}`, 'participant'));
      // Wait for the camera preview so device start-up is not counted as joining.
      await page.waitForFunction(() => (window as any).__deepAll('video').some((v: HTMLVideoElement) => v.videoWidth > 0), { timeout: 15_000 });
      const ms = await page.evaluate(
        () =>
          new Promise<number>((resolve, reject) => {
            const join = (window as any).__deepAll('button[part~="join-button"]')[0] as HTMLButtonElement;
            const t0 = performance.now();
            join.click();
            const deadline = t0 + 15_000;
            const poll = () => {
              const v = ((window as any).__deepAll('video') as HTMLVideoElement[]).find((x) => !x.muted && x.srcObject);
              if (v && 'requestVideoFrameCallback' in v) {
                v.requestVideoFrameCallback(() => resolve(performance.now() - t0));
                return;
              }
              if (performance.now() > deadline) return reject(new Error('no remote video'));
              requestAnimationFrame(poll);
            };
            poll();
          }),
      );
      times.push(ms);
      await waitForRemoteVideos(page, 1);
      await page.browserContext().close();
    }
  } finally {
    await browser.close();
    await course.close();
    await server.stop();
  }
  const sorted = [...times].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { runs: times, median: q(0.5), p95: q(0.95) };
}

if (import.meta.main) {
  const r = await run();
  console.log(`first remote frame: median ${r.median.toFixed(0)} ms, p95 ${r.p95.toFixed(0)} ms (runs: ${r.runs.map((x) => x.toFixed(0)).join(', ')})`);
}
