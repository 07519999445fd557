import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('config', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      seedDemo: 'auto',
      timeZone: 'Asia/Shanghai',
    });
    expect(config.dataDir.endsWith('/data')).toBe(true);
  });

  it('names every bad variable', () => {
    expect(() =>
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'not a url', HUIZHI_SEED_DEMO: 'sometimes' }),
    ).toThrow(/PORT[\s\S]*DATABASE_URL[\s\S]*HUIZHI_SEED_DEMO/);
  });
});
