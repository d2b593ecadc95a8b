import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The server serves dist/ at `/` under a CSP without inline scripts: Vite emits only external,
// hashed module scripts, so nothing here needs 'unsafe-inline'.
export default defineConfig(({ command }) => ({
  root: import.meta.dirname,
  // React's production build even when the caller's NODE_ENV says otherwise (vitest sets "test",
  // and its global setup runs the build): the development build is half as large again and slower.
  define: command === 'build' ? { 'process.env.NODE_ENV': JSON.stringify('production') } : {},
  plugins: [react()],
  build: {
    outDir: 'dist',
    // dist/.vite/manifest.json: which chunks a page loads first (read by scripts/size.mjs).
    manifest: true,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Print the sizes ourselves (scripts/size.mjs): Vite's report does not say which chunks load first.
    reportCompressedSize: false,
    chunkSizeWarningLimit: 400,
  },
  // `npm run dev -w @openfeedback/web` with a server on :8090 (npm start -- --port 8090).
  server: { proxy: { '/v1': 'http://localhost:8090', '/health': 'http://localhost:8090' } },
}));
