// @ts-check
import { defineConfig } from 'astro/config';
import react from '@astrojs/react';
import { remarkTemplateVariables } from './src/markdown/remark-template-variables.ts';

export default defineConfig({
  output: 'static',
  site: 'http://localhost:4321',
  trailingSlash: 'always',
  integrations: [react()],
  markdown: {
    remarkPlugins: [remarkTemplateVariables],
  },
  build: {
    // One small stylesheet per page type: inlining saves a request and keeps pages script-free.
    inlineStylesheets: 'always',
  },
  // Never inline scripts into HTML: the CSP allows same-origin script files only.
  vite: { build: { assetsInlineLimit: 0 } },
  devToolbar: { enabled: false },
  experimental: {
    // Astro writes a CSP <meta> per page with hashes of the scripts and styles it emits
    // (including the island loader it inlines); the server adds what a <meta> cannot
    // express (frame-ancestors), see src/server/security-headers.ts.
    csp: {
      directives: [
        "default-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        // The signing page draws the PDF itself (PDF.js): no frames. Its worker is a same-origin
        // script file (/_astro/pdf.worker.*.mjs), which worker-src inherits from script-src 'self'.
        "frame-src 'none'",
      ],
    },
  },
});
