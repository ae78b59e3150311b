// Browser tests: every src/**/*.test.ts in the machine's Chromium (never a downloaded one),
// with fake camera and microphone so getUserMedia returns real test streams.
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';

const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

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
        executablePath,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
          '--use-fake-ui-for-media-stream',
          '--use-fake-device-for-media-stream',
        ],
      },
    }),
  ],
  testFramework: { config: { timeout: 10000 } },
};
