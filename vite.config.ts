/**
 * Library builds of the browser code.
 *
 *   vite build               → dist/kaltura-room.js: the drop-in script. One minified ES module
 *                              from src/embed.ts with Lit, @lit/context and PeerJS inside.
 *   vite build --mode esm    → dist/esm/: ES modules for npm consumers from src/index.ts and
 *                              src/embed.ts, one file per source module, with lit, @lit/context
 *                              and peerjs left as imports.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const external = [/^lit($|\/)/, /^@lit\//, /^peerjs($|\/)/, /^valibot($|\/)/];

export default defineConfig(({ mode }) => {
  if (mode === 'esm') {
    return {
      publicDir: false,
      build: {
        outDir: 'dist/esm',
        emptyOutDir: true,
        target: 'es2022',
        minify: false,
        sourcemap: true,
        lib: {
          entry: { index: 'src/index.ts', embed: 'src/embed.ts' },
          formats: ['es'],
        },
        rollupOptions: {
          external,
          output: {
            preserveModules: true,
            preserveModulesRoot: 'src',
            entryFileNames: '[name].js',
          },
        },
      },
    };
  }
  // Not lib mode: Vite keeps whitespace in lib-mode ES output, and the drop-in should be small.
  return {
    publicDir: false,
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    // PeerJS only asks webrtc-adapter which browser this is; answer that without the shims.
    resolve: { alias: { 'webrtc-adapter': fileURLToPath(new URL('src/client/webrtc-adapter-lite.ts', import.meta.url)) } },
    build: {
      outDir: 'dist',
      // dist/esm is another build's output; leave it alone.
      emptyOutDir: false,
      target: 'es2022',
      minify: 'esbuild',
      sourcemap: true,
      modulePreload: false,
      copyPublicDir: false,
      rollupOptions: {
        input: 'src/embed.ts',
        preserveEntrySignatures: 'allow-extension',
        output: {
          format: 'es',
          entryFileNames: 'kaltura-room.js',
          // Code loaded on demand (PeerJS when joining, the event elements when they appear)
          // sits beside the drop-in and is fetched relative to it, so the page still needs
          // only the one script tag.
          chunkFileNames: 'kaltura-room-[name]-[hash].js',
        },
      },
    },
  };
});
