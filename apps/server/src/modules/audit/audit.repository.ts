import { and, count, desc, eq, isNull, like, or, type SQL } from 'drizzle-orm';
import type { ScopeFilter } from '@huizhi/domain';
import type { DbOrTx } from '../../context.ts';
import { auditLog, users } from '../../db/schema.ts';

export interface NewAuditEntry {
  at: Date;
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  scopePath: string | null;
  ip: string | null;
  requestId: string | null;
  details: Record<string, unknown> | null;
}

/** Appends one entry; call it inside the transaction of the change it records. */
export async function insertAuditEntry(tx: DbOrTx, entry: NewAuditEntry): Promise<void> {
  await tx.insert(auditLog).values(entry);
}

export interface AuditListFilter {
  scope: ScopeFilter;
  /** Whether the reader may see entries that concern no territory (admins of the whole tree). */
  includeUnscoped: boolean;
  action?: string | undefined;
  entityType?: string | undefined;
  actorId?: string | undefined;
  limit: number;
  offset: number;
}

/** Lists entries newest first, limited to the reader's scope. */
export async function listAuditEntries(db: DbOrTx, filter: AuditListFilter) {
  const scopeConditions: SQL[] = filter.scope.territoryPaths.map((path) =>
    like(auditLog.scopePath, `${path}%`),
  );
  if (filter.includeUnscoped) scopeConditions.push(isNull(auditLog.scopePath));
  if (scopeConditions.length === 0) return { rows: [], total: 0 };
  const where = and(
    or(...scopeConditions),
    filter.action ? eq(auditLog.action, filter.action) : undefined,
    filter.entityType ? eq(auditLog.entityType, filter.entityType) : undefined,
    filter.actorId ? eq(auditLog.actorId, filter.actorId) : undefined,
  );
  const [rows, totals] = await Promise.all([
    db
      .select({
        id: auditLog.id,
        at: auditLog.at,
        actorId: auditLog.actorId,
        actorName: users.displayName,
        action: auditLog.action,
        entityType: auditLog.entityType,
        entityId: auditLog.entityId,
        ip: auditLog.ip,
        details: auditLog.details,
      })
      .from(auditLog)
      .leftJoin(users, eq(users.id, auditLog.actorId))
      .where(where)
      .orderBy(desc(auditLog.id))
      .limit(filter.limit)
      .offset(filter.offset),
    db.select({ total: count() }).from(auditLog).where(where),
  ]);
  return { rows, total: totals[0]?.total ?? 0 };
}
