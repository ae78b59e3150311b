// Set-up must never rewrite a tracked file: `npm ci` refuses a lock that misses an optional
// dependency, and `npm install` adds it. Every optional dependency named anywhere in the lock
// (the per-platform binaries of Rollup, Deno, esbuild, …) must have its own entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

interface LockEntry {
  optionalDependencies?: Record<string, string>;
}

test('package-lock.json lists every optional dependency of every package (npm ci works on any platform)', () => {
  const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const missing: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    for (const name of Object.keys(entry.optionalDependencies ?? {})) {
      // npm resolves a dependency next to its dependent first, then up the tree.
      const nested = `${path ? `${path}/` : ''}node_modules/${name}`;
      if (!(nested in lock.packages) && !(`node_modules/${name}` in lock.packages)) missing.push(`${name} (of ${path || 'the project'})`);
    }
  }
  assert.deepEqual(missing, [], `the lock is incomplete; regenerate it with a clean \`npm install\`: ${missing.join(', ')}`);
});
