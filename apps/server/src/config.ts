import { resolve } from 'node:path';
import { z } from 'zod';

/** Typed, validated configuration from the environment; the only place the server reads env. */
const ZEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().url().optional(),
  HUIZHI_DATA_DIR: z.string().default('./data'),
  HUIZHI_SEED_DEMO: z.enum(['auto', 'never']).default('auto'),
  HUIZHI_TIME_ZONE: z.string().default('Asia/Shanghai'),
  HUIZHI_SESSION_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(12),
  HUIZHI_TRUST_PROXY: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  HUIZHI_SECURE_COOKIES: z.enum(['auto', 'always', 'never']).default('auto'),
  HUIZHI_WEB_DIST: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  seedDemo: 'auto' | 'never';
  timeZone: string;
  sessionHours: number;
  trustProxy: boolean;
  secureCookies: 'auto' | 'always' | 'never';
  webDist: string | undefined;
  logLevel: z.infer<typeof ZEnv>['LOG_LEVEL'];
}

/** Reads and validates the configuration; throws a readable message naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ZEnv.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: resolve(e.HUIZHI_DATA_DIR),
    seedDemo: e.HUIZHI_SEED_DEMO,
    timeZone: e.HUIZHI_TIME_ZONE,
    sessionHours: e.HUIZHI_SESSION_HOURS,
    trustProxy: e.HUIZHI_TRUST_PROXY,
    secureCookies: e.HUIZHI_SECURE_COOKIES,
    webDist: e.HUIZHI_WEB_DIST,
    logLevel: e.LOG_LEVEL,
  };
}
