import type { Actor, Assignment } from '@huizhi/domain';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Database, Db } from './db/connect.ts';

/** What every service needs: the database, the clock and the configuration. */
export interface Deps {
  config: Config;
  database: Database;
  clock: Clock;
}

/** A signed-in person as services see them: the pure Actor plus names for display. */
export interface ActorContext extends Actor {
  username: string;
  displayName: string;
  locale: 'zh-CN' | 'en';
  assignments: (Assignment & { scopeName: string | null; scopeId: string | null })[];
}

/** Where a request comes from, for the audit log. */
export interface RequestInfo {
  ip: string;
  requestId: string;
  userAgent: string | undefined;
}

/** A transaction or the database itself: repositories take either. */
export type DbOrTx = Db | Parameters<Parameters<Db['transaction']>[0]>[0];
