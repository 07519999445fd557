import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { onCleanup } from './cleanup.ts';

export interface StartOptions {
  repoRoot: string;
  /** HUIZHI_DATA_DIR: the PGlite folder (and the lock) when no databaseUrl is given. */
  dataDir: string;
  databaseUrl?: string | undefined;
  /** Give up when /readyz has not answered 200 by then. */
  timeoutMs?: number;
}

export interface RunningServer {
  /** http://127.0.0.1:<port> */
  url: string;
  pid: number;
  /** Wall time from spawning the process to the first 200 from GET /readyz. */
  readySeconds: number;
  /** The `startupMs` the server logged with its "ready" line (from its own start, so without Node's boot). */
  loggedStartupMs: number | undefined;
  /** The /readyz body. */
  ready: { status: string; database: string; migrations: number };
  /** Sends SIGTERM and waits for the process to exit. */
  stop(): Promise<{ seconds: number; code: number | null; signal: NodeJS.Signals | null; graceful: boolean }>;
}

/** Asks the kernel for a free port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Runs `node apps/server/bin/huizhi.js serve` as a production user would (default log level, stdout
 * drained) on 127.0.0.1 and a free port, and waits until GET /readyz answers 200.
 */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    HUIZHI_DATA_DIR: options.dataDir,
  };
  delete env.DATABASE_URL;
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;

  const tail: string[] = [];
  let loggedStartupMs: number | undefined;
  const started = performance.now();
  const child = spawn(process.execPath, [join(options.repoRoot, 'apps/server/bin/huizhi.js'), 'serve'], {
    cwd: options.repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const unregister = onCleanup(async () => {
    child.kill('SIGKILL');
    await waitForExit(child, 2000);
  });
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      if (loggedStartupMs === undefined && line.includes('"startupMs"')) {
        try {
          const parsed = JSON.parse(line) as { startupMs?: unknown };
          if (typeof parsed.startupMs === 'number') loggedStartupMs = parsed.startupMs;
        } catch {
          // not a JSON log line
        }
      }
      tail.push(line);
      if (tail.length > 40) tail.shift();
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);

  const timeoutMs = options.timeoutMs ?? 60_000;
  let ready: RunningServer['ready'] | undefined;
  while (!ready) {
    if (child.exitCode !== null || child.signalCode !== null) {
      unregister();
      throw new Error(
        `the server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${tail.join('\n')}`,
      );
    }
    if (performance.now() - started > timeoutMs) {
      child.kill('SIGKILL');
      await waitForExit(child, 2000);
      unregister();
      throw new Error(`the server was not ready after ${timeoutMs / 1000} s:\n${tail.join('\n')}`);
    }
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) ready = (await response.json()) as RunningServer['ready'];
      else await response.arrayBuffer();
    } catch {
      // not listening yet
    }
    if (!ready) await sleep(20);
  }
  const readySeconds = (performance.now() - started) / 1000;
  // The "ready" log line follows listen() and the banner by a few milliseconds.
  for (let i = 0; i < 50 && loggedStartupMs === undefined; i++) await sleep(10);

  return {
    url,
    pid: child.pid ?? 0,
    readySeconds,
    loggedStartupMs,
    ready,
    stop: async () => {
      const stopping = performance.now();
      child.kill('SIGTERM');
      // close-with-grace forces an exit after 10 s; wait a little longer before killing it ourselves.
      const exited = await waitForExit(child, 15_000);
      const seconds = (performance.now() - stopping) / 1000;
      if (!exited) {
        child.kill('SIGKILL');
        await waitForExit(child, 2000);
      }
      unregister();
      return {
        seconds,
        code: child.exitCode,
        signal: child.signalCode,
        graceful: exited && child.exitCode === 0,
      };
    },
  };
}

/** Signs in through the API; returns the Cookie header to send. */
export async function login(baseUrl: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`login as ${username} answered ${response.status}: ${body}`);
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('hz_session='));
  if (!cookie) throw new Error('login set no hz_session cookie');
  return cookie.split(';')[0] ?? cookie;
}
