import { resolve } from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * The browser app. `npm run build:web` writes web/dist, which `winnow serve` serves at `/`.
 * WINNOW_WEB_OUT builds elsewhere (the browser tests build into a temp folder); WINNOW_API proxies
 * `/v1` to a running server during `vite dev`.
 */
const root = import.meta.dirname;

export default defineConfig({
  root,
  plugins: [react()],
  logLevel: process.env.WINNOW_WEB_QUIET ? "warn" : "info",
  build: {
    outDir: process.env.WINNOW_WEB_OUT ?? resolve(root, "dist"),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { "/v1": process.env.WINNOW_API ?? "http://127.0.0.1:3000" },
  },
});
