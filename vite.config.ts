/**
 * Two builds from `client/`:
 *
 * - `vite build` → `dist/client/`: the agent page (`index.html` + hashed assets) that the
 *   dialer server serves at `/`.
 * - `vite build --mode lib` → `dist/lib/telnyx-dialer.js`: `<telnyx-dialer>` as one ES
 *   module, with Lit and `@telnyx/webrtc` bundled in, for a plain
 *   `<script type="module" src=…>` on any page.
 *
 * `vite` (dev) serves the agent page with `/api` (HTTP and the `/api/events` socket)
 * proxied to the dialer server at `DIALER_SERVER_URL` (default http://localhost:3000).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const clientDir = fileURLToPath(new URL('./client/', import.meta.url));
const distDir = fileURLToPath(new URL('./dist/', import.meta.url));

export default defineConfig(({ mode }) => {
  const shared = {
    root: clientDir,
    // `module` (lib/bundle.mjs) first: the SDK's browser ESM build, not its CJS `main`.
    resolve: { mainFields: ['browser', 'module', 'jsnext:main', 'jsnext'] },
  };

  if (mode === 'lib') {
    return {
      ...shared,
      publicDir: false as const,
      build: {
        outDir: `${distDir}lib`,
        emptyOutDir: true,
        target: 'es2022',
        sourcemap: true,
        lib: {
          entry: `${clientDir}telnyx-dialer/telnyx-dialer.ts`,
          formats: ['es' as const],
          fileName: () => 'telnyx-dialer.js',
        },
      },
    };
  }

  return {
    ...shared,
    base: '/',
    build: {
      outDir: `${distDir}client`,
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: true,
    },
    server: {
      proxy: {
        '/api': { target: process.env.DIALER_SERVER_URL ?? 'http://localhost:3000', changeOrigin: true, ws: true },
      },
    },
  };
});
