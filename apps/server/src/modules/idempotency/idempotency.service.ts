import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { AppError } from '@huizhi/domain';
import type { DbOrTx, Deps } from '../../context.ts';
import { idempotencyKeys } from '../../db/schema.ts';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const IDEMPOTENCY_KEY_MAX = 200;

export interface IdempotentResult<T> {
  statusCode: number;
  body: T;
  /** True when this answer is the stored one of an earlier request with the same key. */
  replayed: boolean;
}

function hashRequest(payload: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(payload ?? null))
    .digest('hex');
}

/**
 * Runs a creating action at most once per (actor, Idempotency-Key): the action and the remembered
 * answer commit in one transaction; a retry with the same key and request gets the first answer;
 * the same key with a different request is refused. Concurrent retries wait on an advisory lock.
 */
export async function runIdempotent<T>(
  deps: Deps,
  actorId: string,
  key: string | undefined,
  request: unknown,
  statusCode: number,
  action: (tx: DbOrTx) => Promise<T>,
): Promise<IdempotentResult<T>> {
  const { db } = deps.database;
  if (key === undefined) {
    return { statusCode, body: await db.transaction((tx) => action(tx)), replayed: false };
  }
  if (key.length === 0 || key.length > IDEMPOTENCY_KEY_MAX) {
    throw new AppError(
      'VALIDATION_FAILED',
      `Idempotency-Key must be 1 to ${IDEMPOTENCY_KEY_MAX} characters.`,
    );
  }
  const requestHash = hashRequest(request);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${actorId}:${key}`}, 0))`);
    const existing = await tx
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.actorId, actorId), eq(idempotencyKeys.key, key)))
      .limit(1);
    const found = existing[0];
    if (found) {
      if (found.requestHash !== requestHash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
      return { statusCode: found.statusCode, body: found.response as T, replayed: true };
    }
    const body = await action(tx);
    await tx.insert(idempotencyKeys).values({
      actorId,
      key,
      requestHash,
      statusCode,
      response: body as object,
      createdAt: deps.clock.now(),
    });
    return { statusCode, body, replayed: false };
  });
}
