// Browser tests: every src/**/*.test.ts in the machine's Chromium (never a downloaded one),
// with fake camera and microphone so getUserMedia returns real test streams.
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { CHROMIUM, CHROMIUM_ARGS } from './test/chromium.ts';

export default {
  // src/protocol is pure TypeScript tested with node:test (scripts/run.mjs), not in a browser.
  files: ['src/**/*.test.ts', '!src/protocol/**/*.test.ts'],
  nodeResolve: true,
  plugins: [
    esbuildPlugin({
      ts: true,
      target: 'auto',
      tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)),
    }),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
      },
    }),
  ],
  // Tests wait for conditions with limits of 15 s or more (a loaded 2-core machine is slow); a test
  // as a whole gets well above that, so a slow wait fails with its own message, not a bare timeout.
  testFramework: { config: { timeout: 60000 } },
};
