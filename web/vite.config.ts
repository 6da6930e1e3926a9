// The page's build: web/index.html and web/src into web/dist, with relative URLs so it works under any path.
// onnxruntime-web's wasm is imported with ?url in web/src/runtime.ts, so Vite copies it into the build.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export const WEB_ROOT = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: WEB_ROOT,
  base: './',
  logLevel: 'warn',
  // The fine-tune worker imports onnxruntime-web, which loads its wasm glue with import(): ES module workers only.
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // onnxruntime-web alone is ~400 kB minified; one chunk is what this page wants.
    chunkSizeWarningLimit: 2000,
  },
});
