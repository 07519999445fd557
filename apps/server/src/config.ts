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
  /** Rounds of handling before a not-satisfied review closes anyway (1 = no reopening). */
  HUIZHI_APPEAL_MAX_ROUNDS: z.coerce.number().int().min(1).max(5).default(2),
  /** How often the deadline sweeper runs, in seconds (0 = never; run `huizhi sweep` from cron instead). */
  HUIZHI_SWEEP_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  /** Where uploaded files go: the data folder ('local') or an S3-compatible store ('s3'). */
  HUIZHI_FILE_STORE: z.enum(['local', 's3']).default('local'),
  HUIZHI_FILES_DIR: z.string().optional(),
  S3_ENDPOINT: z.string().url().optional(),
  S3_BUCKET: z.string().optional(),
  S3_REGION: z.string().default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** Also check every response against its schema with zod (tests and browser tests; costs CPU). */
  HUIZHI_CHECK_RESPONSES: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
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
  /** Every response is also serialized by zod and compared (see plugins/response-serializer.ts). */
  checkResponses: boolean;
  appealMaxRounds: number;
  sweepSeconds: number;
  fileStore:
    | { kind: 'local'; dir: string }
    | {
        kind: 's3';
        endpoint: string;
        bucket: string;
        region: string;
        accessKeyId: string;
        secretAccessKey: string;
      };
}

/** The file store: local disk under the data folder by default, or S3 when every S3 variable is set. */
function fileStoreConfig(e: z.infer<typeof ZEnv>): Config['fileStore'] {
  if (e.HUIZHI_FILE_STORE === 'local') {
    return { kind: 'local', dir: resolve(e.HUIZHI_FILES_DIR ?? resolve(e.HUIZHI_DATA_DIR, 'files')) };
  }
  const missing = ['S3_ENDPOINT', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'].filter(
    (name) => !e[name as keyof typeof e],
  );
  if (missing.length > 0) {
    throw new Error(`Invalid configuration:\n  HUIZHI_FILE_STORE=s3 needs ${missing.join(', ')}`);
  }
  return {
    kind: 's3',
    endpoint: e.S3_ENDPOINT!,
    bucket: e.S3_BUCKET!,
    region: e.S3_REGION,
    accessKeyId: e.S3_ACCESS_KEY_ID!,
    secretAccessKey: e.S3_SECRET_ACCESS_KEY!,
  };
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
    checkResponses: e.HUIZHI_CHECK_RESPONSES,
    appealMaxRounds: e.HUIZHI_APPEAL_MAX_ROUNDS,
    sweepSeconds: e.HUIZHI_SWEEP_SECONDS,
    fileStore: fileStoreConfig(e),
  };
}
