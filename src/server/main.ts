/** `npm start`: serves the whole product locally and prints where. */
import { resolve } from 'node:path';
import { createApp, preloadApi } from './app.js';
import { signingContext } from '../runtime/context.js';
import { appUrl } from '../runtime/settings.js';
import { runMaintenance } from '../runtime/maintenance.js';
import { nextDueInSeconds } from '../lib/jobs/index.js';
import { startPdfWorkers } from '../runtime/pdf-workers.js';

const port = Number(process.env.PORT ?? 4321);
const host = process.env.HOST ?? '127.0.0.1';
const server = createApp({ distDir: resolve(process.env.DIST_DIR ?? 'dist') });

const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
// Links in mail point at the address this server listens on unless APP_URL says otherwise
// (behind a proxy or another host name): never at whatever Host a request claims.
process.env.APP_URL ||= `http://${shown}:${port}`;

// PDF work (rendering, stamping, sealing) on worker threads: answers never wait behind it.
startPdfWorkers();

server.listen(port, host, () => {
  console.log(`工作交接已启动：http://${shown}:${port}/  （Ctrl+C 停止）；邮件中的链接指向 ${appUrl()}`);
  // Open the store now rather than on the first request, and keep mail and reminders moving.
  signingContext()
    .then((ctx) => {
      console.log(`数据：${process.env.DATABASE_URL ? 'PostgreSQL（DATABASE_URL）' : `PGlite ${ctx.dataDir}`}；邮件：${ctx.mailer.describe}`);
      const tick = () => void runMaintenance(ctx, appUrl()).catch((e) => console.error('[worker]', (e as Error).message));
      setInterval(tick, Number(process.env.WORKER_INTERVAL_MS ?? 15_000)).unref();
      // The job worker: requests start their jobs themselves; this picks up the rest soon
      // (retries once their back-off has passed, jobs left by a killed process once their
      // lease has run out, jobs queued before this start) with one cheap query a second.
      const poll = () =>
        void nextDueInSeconds(ctx.deps.sql)
          .then((due) => (due === 0 ? ctx.runDueJobs() : undefined))
          .catch((e) => console.error('[jobs]', (e as Error).message));
      setInterval(poll, Number(process.env.JOB_POLL_MS ?? 1_000)).unref();
      poll();
      void preloadApi();
    })
    .catch((e) => console.error(`签署服务未能启动：${(e as Error).message}`));
});
server.on('error', (err: NodeJS.ErrnoException) => {
  console.error(err.code === 'EADDRINUSE' ? `端口 ${port} 已被占用：请关闭占用它的程序，或用 PORT=其他端口 npm start` : err.message);
  process.exit(1);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
