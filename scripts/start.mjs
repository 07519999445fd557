// `npm start`: builds the web app when it is not built yet, then runs the server (which migrates the
// database and seeds demo data on the first start).
import { spawnSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
if (!existsSync(new URL('../apps/web/dist/index.html', import.meta.url))) {
  process.stdout.write('Building the web app (first start only)…\n');
  const build = spawnSync(npm, ['run', 'build', '-w', '@huizhi/web'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const server = spawn(
  process.execPath,
  [new URL('../apps/server/bin/huizhi.js', import.meta.url).pathname, 'serve'],
  {
    stdio: 'inherit',
  },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
