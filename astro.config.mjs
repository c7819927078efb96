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
});
