/** `npm start`: serves the whole product locally and prints where. */
import { resolve } from 'node:path';
import { createApp } from './app';

const port = Number(process.env.PORT ?? 4321);
const host = process.env.HOST ?? '127.0.0.1';
const server = createApp({ distDir: resolve(process.env.DIST_DIR ?? 'dist') });

server.listen(port, host, () => {
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  console.log(`工作交接已启动：http://${shown}:${port}/  （Ctrl+C 停止）`);
});
server.on('error', (err: NodeJS.ErrnoException) => {
  console.error(err.code === 'EADDRINUSE' ? `端口 ${port} 已被占用：请关闭占用它的程序，或用 PORT=其他端口 npm start` : err.message);
  process.exit(1);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
