import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const gateway = process.env.ONESTOP_GATEWAY_ORIGIN ?? 'http://127.0.0.1:4000';
const dashboardServer = process.env.ONESTOP_DASHBOARD_ORIGIN ?? 'http://127.0.0.1:5173';

/**
 * `vite build` writes dist/ for scripts/dist/serve-dashboard.js. `vite` (dev server, port 5174)
 * proxies the API to the gateway and the dev-token routes to a running `pnpm start`.
 */
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    chunkSizeWarningLimit: 800,
  },
  server: {
    port: 5174,
    strictPort: true,
    proxy: {
      '/graphql': { target: gateway, ws: true },
      '/dev/clock': { target: gateway },
      // Where staff sign in (the OpenID Connect provider and the dashboard's client id).
      '/auth/config': { target: dashboardServer },
    },
  },
});
