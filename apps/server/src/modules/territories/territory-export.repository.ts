import { and, asc, like, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../context.ts';
import { territories } from '../../db/schema.ts';
import { escapeLike } from '../scope-sql.ts';

/** Territories with their parent's code, parents before children (path length, then code). */
export async function listExportRows(
  db: DbOrTx,
  filter: { scope: SQL | undefined; rootPath: string | undefined; withGeometry: boolean },
) {
  return db
    .select({
      name: territories.name,
      code: territories.code,
      level: territories.level,
      parentCode: sql<
        string | null
      >`(select p.code from territories p where p.id = "territories"."parent_id")`,
      geometry: filter.withGeometry ? territories.geometry : sql<null>`null`,
    })
    .from(territories)
    .where(
      and(
        filter.scope,
        filter.rootPath ? like(territories.path, `${escapeLike(filter.rootPath)}%`) : undefined,
      ),
    )
    .orderBy(sql`length(${territories.path})`, asc(territories.code));
}
