import { randomUUID } from 'node:crypto';
import { AppError } from '@huizhi/domain';
import type { TNotification } from '@huizhi/contracts';
import type { ActorContext, DbOrTx, Deps } from '../../context.ts';
import {
  countUnreadNotifications,
  insertNotifications,
  listNotificationRows,
  listUserIdsCoveringPath,
  listUserIdsOnUnits,
  markAllNotificationsRead,
  markNotificationRead,
  type NotificationRow,
} from './notifications.repository.ts';

/** What one notification says, for every recipient alike. */
export interface NotificationInput {
  /** Any kind the notification contract lists (appeals, the steward chain, …). */
  kind: TNotification['kind'];
  orderKind: string | null;
  orderId: string | null;
  /** Display data: the record's number and excerpt, who acted, the deadline. */
  data: Record<string, unknown>;
}

/** Who to tell about a work order. */
export type NotificationAudience =
  /** Handlers and unit leads of the units. */
  | { kind: 'units'; unitIds: readonly string[] }
  /** Unit leads of the units only. */
  | { kind: 'unitLeads'; unitIds: readonly string[] }
  /** Dispatchers whose territory contains the record. */
  | { kind: 'dispatchers'; territoryPath: string }
  /** People holding one of the roles on the units. */
  | { kind: 'unitRoles'; unitIds: readonly string[]; roles: readonly string[] }
  /** People holding one of the roles over a territory containing the path. */
  | { kind: 'coveringRoles'; territoryPath: string; roles: readonly string[] };

/** The enabled users an audience names. */
export async function audienceUserIds(tx: DbOrTx, audience: NotificationAudience): Promise<string[]> {
  switch (audience.kind) {
    case 'units':
      return listUserIdsOnUnits(tx, audience.unitIds, ['handler', 'unitLead']);
    case 'unitLeads':
      return listUserIdsOnUnits(tx, audience.unitIds, ['unitLead']);
    case 'dispatchers':
      return listUserIdsCoveringPath(tx, audience.territoryPath, ['dispatcher']);
    case 'unitRoles':
      return listUserIdsOnUnits(tx, audience.unitIds, audience.roles);
    case 'coveringRoles':
      return listUserIdsCoveringPath(tx, audience.territoryPath, audience.roles);
  }
}

/**
 * Notifies people in the caller's transaction: one row per distinct user, never the one who acted.
 * Returns the users notified.
 */
export async function notifyUsers(
  tx: DbOrTx,
  deps: Pick<Deps, 'clock'>,
  userIds: readonly string[],
  notification: NotificationInput,
  exceptUserId: string | null = null,
): Promise<string[]> {
  const recipients = [...new Set(userIds)].filter((id) => id !== exceptUserId).sort();
  const now = deps.clock.now();
  await insertNotifications(
    tx,
    recipients.map((userId) => ({
      id: randomUUID(),
      userId,
      kind: notification.kind,
      orderKind: notification.orderKind,
      orderId: notification.orderId,
      data: notification.data,
      createdAt: now,
      readAt: null,
    })),
  );
  return recipients;
}

function present(row: NotificationRow): TNotification {
  return {
    id: row.id,
    kind: row.kind as TNotification['kind'],
    orderKind: row.orderKind,
    orderId: row.orderId,
    data: (row.data as Record<string, unknown> | null) ?? {},
    createdAt: row.createdAt.toISOString(),
    readAt: row.readAt?.toISOString() ?? null,
  };
}

/** The signed-in person's own notifications, newest first, with the unread count. */
export async function listNotificationsFor(
  deps: Deps,
  actor: ActorContext,
  query: { unreadOnly: boolean; limit: number },
): Promise<{ items: TNotification[]; unreadCount: number }> {
  const { db } = deps.database;
  const rows = await listNotificationRows(db, actor.userId, query);
  const unreadCount = await countUnreadNotifications(db, actor.userId);
  return { items: rows.map(present), unreadCount };
}

/** Marks one of the person's own notifications read; someone else's is not found. */
export async function readNotificationFor(
  deps: Deps,
  actor: ActorContext,
  id: string,
): Promise<TNotification> {
  const row = await markNotificationRead(deps.database.db, id, actor.userId, deps.clock.now());
  if (!row) throw new AppError('NOT_FOUND');
  return present(row);
}

/** Marks all of the person's notifications read. */
export async function readAllNotificationsFor(deps: Deps, actor: ActorContext): Promise<{ ok: true }> {
  await markAllNotificationsRead(deps.database.db, actor.userId, deps.clock.now());
  return { ok: true };
}
