import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../context.ts';
import { outboundMessages } from '../../db/schema.ts';

export type OutboundMessageRow = typeof outboundMessages.$inferSelect;

/** Queues (or records) one message to an appellant. */
export async function insertOutboundMessage(db: DbOrTx, row: OutboundMessageRow): Promise<void> {
  await db.insert(outboundMessages).values(row);
}

/** The messages sent about a work order, oldest first. */
export async function listOutboundMessagesFor(
  db: DbOrTx,
  orderKind: string,
  orderId: string,
): Promise<OutboundMessageRow[]> {
  return db
    .select()
    .from(outboundMessages)
    .where(and(eq(outboundMessages.orderKind, orderKind), eq(outboundMessages.orderId, orderId)))
    .orderBy(asc(outboundMessages.createdAt), asc(outboundMessages.id));
}
