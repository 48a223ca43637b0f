import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * Two pages from one build: the Client Portal at `/` and the installable
 * mobile app at `/m/`. Preact through esbuild/oxc's automatic JSX runtime, so no
 * Babel preset is needed. No inline scripts: the server's CSP is `script-src 'self'`.
 */
export default defineConfig({
  root: here('.'),
  base: '/',
  publicDir: here('public'),
  resolve: { alias: { react: 'preact/compat', 'react-dom': 'preact/compat' } },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 400,
    rollupOptions: { input: { portal: here('index.html'), mobile: here('m/index.html') } },
  },
});
