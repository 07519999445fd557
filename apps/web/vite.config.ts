import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The API server runs on port 3000 in development; in production it serves this build itself.
export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    // changeOrigin stays false: the server refuses state changes whose Origin is not its own Host,
    // so the proxied request must keep the dev server's Host header (the one the browser's Origin names).
    proxy: { '/api': { target: 'http://localhost:3000', changeOrigin: false } },
  },
  build: {
    outDir: 'dist',
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // echarts is needed by the map page only: its own chunk, loaded with that page.
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender|tslib)[\\/]/, priority: 4 },
            {
              name: 'react',
              test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/,
              priority: 3,
            },
            {
              name: 'antd',
              test: /node_modules[\\/](antd|@ant-design|@rc-component|rc-[^\\/]+|dayjs)[\\/]/,
              priority: 2,
            },
            { name: 'vendor', test: /node_modules[\\/]/, priority: 1 },
          ],
        },
      },
    },
  },
});
