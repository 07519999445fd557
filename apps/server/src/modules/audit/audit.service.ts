import { AppError, can, scopeFilter } from '@huizhi/domain';
import type { TAuditList } from '@huizhi/contracts';
import type { ActorContext, DbOrTx, Deps, RequestInfo } from '../../context.ts';
import { insertAuditEntry, listAuditEntries } from './audit.repository.ts';

export interface AuditRecord {
  action: string;
  entityType: string;
  entityId?: string | null;
  /** The territory path the record belongs to; null for records of no territory (logins). */
  scopePath?: string | null;
  details?: Record<string, unknown> | null;
}

/** Records who did what; call inside the transaction of the change so both commit or neither. */
export async function recordAudit(
  tx: DbOrTx,
  deps: Pick<Deps, 'clock'>,
  actorId: string | null,
  request: RequestInfo | null,
  record: AuditRecord,
): Promise<void> {
  await insertAuditEntry(tx, {
    at: deps.clock.now(),
    actorId,
    action: record.action,
    entityType: record.entityType,
    entityId: record.entityId ?? null,
    scopePath: record.scopePath ?? null,
    ip: request?.ip ?? null,
    requestId: request?.requestId ?? null,
    details: record.details ?? null,
  });
}

export interface AuditQuery {
  limit: number;
  offset: number;
  action?: string | undefined;
  entityType?: string | undefined;
  actorId?: string | undefined;
}

/** Lists the audit entries the actor may read (admins, within their territory). */
export async function listAudit(deps: Deps, actor: ActorContext, query: AuditQuery): Promise<TAuditList> {
  const scope = scopeFilter(actor, 'audit.read');
  if (scope.territoryPaths.length === 0) throw new AppError('FORBIDDEN');
  const includeUnscoped = can(actor, 'audit.read', { kind: 'auditEntry', scopePath: null });
  const { rows, total } = await listAuditEntries(deps.database.db, { ...query, scope, includeUnscoped });
  return {
    total,
    items: rows.map((row) => ({
      id: String(row.id),
      at: row.at.toISOString(),
      actorId: row.actorId,
      actorName: row.actorName,
      action: row.action,
      entityType: row.entityType,
      entityId: row.entityId,
      ip: row.ip,
      details: (row.details as Record<string, unknown> | null) ?? null,
    })),
  };
}
