import { createHash, randomUUID } from 'node:crypto';
import {
  AppError,
  chooseSlaTier,
  DEFAULT_SLA_TIER,
  pathIds,
  scopeFilter,
  type SlaRule,
} from '@huizhi/domain';
import { ZAppealImportReport, type TAppealImportReport } from '@huizhi/contracts';
import type { ActorContext, Deps, RequestInfo } from '../../context.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { sanitizeFileName } from '../attachments/attachment-types.ts';
import { readImportFile } from './appeal-import.parser.ts';
import {
  findAppealImportRow,
  findAppliedImportOfFile,
  insertAppealImport,
  insertImportedAppeals,
  listAppealImportRows,
  loadImportReference,
  loadTierSettings,
  lockAppealImports,
  type ImportedAppealRow,
  type ImportedEventRow,
} from './appeal-import.repository.ts';
import { checkImportRows, type ImportedAppeal, type ImportIssue } from './appeal-import.rows.ts';
import { localDateKey } from './import-time.ts';

/** The largest import file (CSV or XLSX). */
export const APPEAL_IMPORT_MAX_BYTES = 20 * 1024 * 1024;
/** The most rows one import takes; split larger exports by month. */
export const APPEAL_IMPORT_MAX_ROWS = 50_000;
/** The report lists at most this many errors (and warnings); a last line counts the rest. */
const MAX_REPORTED_ISSUES = 1000;

/**
 * The event types of an imported history: the same as live appeals write (intake, then the action
 * names of the transition table), so timelines and scores read imported and live appeals alike.
 */
export const IMPORT_EVENT_TYPES = {
  received: 'received',
  dispatched: 'dispatch',
  replied: 'reply',
  reviewed: 'review',
} as const;

export interface AppealImportInput {
  fileName: string;
  bytes: Buffer;
  dryRun: boolean;
}

/**
 * The city roots the actor may import into (admins of a whole city with appeal.import), or null for
 * the command line (every city). Throws FORBIDDEN for anyone else.
 */
function importRootsOf(actor: ActorContext | null): string[] | null {
  if (actor === null) return null;
  const roots = scopeFilter(actor, 'appeal.import').territoryPaths.filter((p) => pathIds(p).length === 1);
  if (roots.length === 0) throw new AppError('FORBIDDEN');
  return roots;
}

/** Throws FORBIDDEN unless the actor may import appeals (checked before reading an upload). */
export function assertMayImportAppeals(actor: ActorContext): void {
  importRootsOf(actor);
}

/** Caps a list of issues, ending it with a line that counts the ones left out. */
function capIssues(issues: readonly ImportIssue[]): ImportIssue[] {
  if (issues.length <= MAX_REPORTED_ISSUES) return [...issues];
  const kept = issues.slice(0, MAX_REPORTED_ISSUES);
  const next = issues[MAX_REPORTED_ISSUES]!;
  kept.push({
    row: next.row,
    column: null,
    message: `${issues.length - MAX_REPORTED_ISSUES} more from this row on are not listed.`,
  });
  return kept;
}

/** The tier a live appeal of the same category, unit type and normal urgency would have. */
type ImportReferenceData = Awaited<ReturnType<typeof loadImportReference>>;

function tierChooser(reference: ImportReferenceData, settings: Awaited<ReturnType<typeof loadTierSettings>>) {
  const categories = new Map(reference.categories.map((c) => [c.code, c]));
  const categoryTiers = new Map(reference.categories.map((c) => [c.code, c.slaTier]));
  const rules: SlaRule[] = settings.rules.map((r) => ({
    id: r.id,
    categoryCode: r.categoryCode,
    urgency: r.urgency as SlaRule['urgency'],
    unitType: r.unitType,
    tier: r.tier,
  }));
  const cache = new Map<string, string>();
  return (categoryCode: string | null, unitType: string): string => {
    const key = `${categoryCode ?? ''}|${unitType}`;
    const known = cache.get(key);
    if (known) return known;
    const ancestry: string[] = [];
    for (let code = categoryCode; code !== null; code = categories.get(code)?.parentCode ?? null)
      ancestry.push(code);
    const choice = chooseSlaTier({
      categoryAncestry: ancestry,
      categoryTiers,
      urgency: 'normal',
      unitType,
      rules,
      defaultTier: DEFAULT_SLA_TIER,
    });
    const tier = settings.tierCodes.has(choice.tier) ? choice.tier : DEFAULT_SLA_TIER;
    cache.set(key, tier);
    return tier;
  };
}

/** The rows to write for one checked appeal: the appeal and its reconstructed history (round 1). */
function historyOf(
  appeal: ImportedAppeal,
  context: { importId: string; actorId: string | null; now: Date; timeZone: string; tier: string },
): { row: ImportedAppealRow; events: ImportedEventRow[] } {
  const id = randomUUID();
  const closed = appeal.review !== null;
  const imported = { imported: true, importId: context.importId };
  const events: ImportedEventRow[] = [
    {
      orderId: id,
      seq: 1,
      type: IMPORT_EVENT_TYPES.received,
      at: appeal.receivedAt,
      actorUnitId: null,
      fromState: null,
      toState: 'received',
      data: {
        ...imported,
        row: appeal.row,
        channel: 'import',
        type: appeal.type,
        categoryCode: appeal.categoryCode,
        urgency: 'normal',
        tier: context.tier,
        territoryId: appeal.territoryId,
      },
    },
    {
      orderId: id,
      seq: 2,
      type: IMPORT_EVENT_TYPES.dispatched,
      at: appeal.receivedAt,
      actorUnitId: null,
      fromState: 'received',
      toState: 'dispatched',
      data: { ...imported, handlingUnitId: appeal.unitId, assistingUnitIds: [], copyToUnitIds: [] },
    },
    {
      orderId: id,
      seq: 3,
      type: IMPORT_EVENT_TYPES.replied,
      at: appeal.repliedAt,
      actorUnitId: appeal.unitId,
      fromState: 'dispatched',
      toState: 'replied',
      data: { ...imported, reply: appeal.reply },
    },
  ];
  if (appeal.review) {
    events.push({
      orderId: id,
      seq: 4,
      type: IMPORT_EVENT_TYPES.reviewed,
      at: appeal.repliedAt,
      actorUnitId: null,
      fromState: 'replied',
      toState: 'closed',
      data: { ...imported, ...appeal.review, round: 1, closeKind: 'imported' },
    });
  }
  return {
    row: {
      id,
      dateKey: localDateKey(appeal.receivedAt, context.timeZone),
      importId: context.importId,
      type: appeal.type,
      categoryCode: appeal.categoryCode,
      content: appeal.content,
      address: appeal.address,
      territoryId: appeal.territoryId,
      territoryPath: appeal.territoryPath,
      tier: context.tier,
      state: closed ? 'closed' : 'replied',
      contacted: appeal.review?.contacted ?? appeal.contacted ?? false,
      handlingUnitId: appeal.unitId,
      reply: appeal.reply,
      repliedAt: appeal.repliedAt,
      closeKind: closed ? 'imported' : null,
      closedAt: closed ? appeal.repliedAt : null,
      receivedAt: appeal.receivedAt,
      createdBy: context.actorId,
      updatedAt: context.now,
    },
    events,
  };
}

/**
 * Imports historical work orders from a 12345 export (CSV or XLSX). Every row is checked first; if
 * any has an error nothing is imported, the report is recorded (applied = false) and
 * APPEAL_IMPORT_REFUSED carries it. Otherwise every appeal, its lead assignment and its history
 * (received, dispatch, reply, review, at the historical times, data.imported = true) are written in
 * one transaction, as source 'import' with no SLA clocks. A dry run checks and records the report only.
 */
export async function importAppeals(
  deps: Deps,
  actor: ActorContext | null,
  input: AppealImportInput,
  request: RequestInfo | null = null,
): Promise<TAppealImportReport> {
  const roots = importRootsOf(actor);
  if (input.bytes.length > APPEAL_IMPORT_MAX_BYTES)
    throw new AppError(
      'PAYLOAD_TOO_LARGE',
      `Import files may be at most ${APPEAL_IMPORT_MAX_BYTES / 1048576} MB.`,
    );
  const { db } = deps.database;
  const now = deps.clock.now();
  const id = randomUUID();
  const fileName = sanitizeFileName(input.fileName, 'csv');
  const fileSha256 = createHash('sha256').update(input.bytes).digest('hex');

  const errors: ImportIssue[] = [];
  let warnings: ImportIssue[] = [];
  let appealsToImport: ImportedAppeal[] = [];
  let reference: ImportReferenceData | null = null;
  let rowCount = 0;
  const read = await readImportFile(fileName, input.bytes);
  if ('problem' in read) {
    errors.push({ row: 1, column: null, message: read.problem });
  } else if (read.table.rows.length > APPEAL_IMPORT_MAX_ROWS) {
    rowCount = read.table.rows.length;
    errors.push({
      row: 1,
      column: null,
      message: `The file has ${rowCount} rows; one import takes at most ${APPEAL_IMPORT_MAX_ROWS}. Split it.`,
    });
  } else {
    reference = await loadImportReference(db, roots);
    const checked = checkImportRows(read.table, { ...reference, timeZone: deps.config.timeZone, now });
    errors.push(...checked.errors);
    warnings = checked.warnings;
    appealsToImport = checked.appeals;
    rowCount = checked.rowCount;
    if (rowCount === 0) errors.push({ row: 1, column: null, message: 'The file has no rows to import.' });
  }

  const report = await db.transaction(async (tx) => {
    // One import at a time, so the same export cannot slip in twice side by side.
    await lockAppealImports(tx);
    const earlier = await findAppliedImportOfFile(tx, fileSha256);
    if (earlier) {
      errors.unshift({
        row: 1,
        column: null,
        message: `This file was imported already on ${earlier.at.toISOString()} (import ${earlier.id}).`,
      });
    }
    const applied = errors.length === 0 && !input.dryRun;
    const result: TAppealImportReport = {
      id,
      fileName,
      applied,
      dryRun: input.dryRun,
      rowCount,
      imported: applied ? appealsToImport.length : 0,
      errors: capIssues(errors),
      warnings: capIssues(warnings),
    };
    await insertAppealImport(tx, {
      id,
      at: now,
      actorId: actor?.userId ?? null,
      fileName,
      applied,
      rowCount,
      report: { ...result, fileSha256 },
    });
    if (applied && reference) {
      const tierOf = tierChooser(reference, await loadTierSettings(tx));
      const rows: ImportedAppealRow[] = [];
      const events: ImportedEventRow[] = [];
      for (const appeal of appealsToImport) {
        const written = historyOf(appeal, {
          importId: id,
          actorId: actor?.userId ?? null,
          now,
          timeZone: deps.config.timeZone,
          tier: tierOf(appeal.categoryCode, appeal.unitType),
        });
        rows.push(written.row);
        events.push(...written.events);
      }
      await insertImportedAppeals(tx, rows, events);
    }
    const outcome = errors.length > 0 ? 'refused' : applied ? 'applied' : 'dryRun';
    await recordAudit(tx, deps, actor?.userId ?? null, request, {
      action: outcome === 'applied' ? 'appeal.import' : `appeal.import.${outcome}`,
      entityType: 'appealImport',
      entityId: id,
      scopePath: roots?.length === 1 ? roots[0] : null,
      details: {
        fileName,
        rowCount,
        imported: result.imported,
        errors: errors.length,
        warnings: warnings.length,
      },
    });
    return result;
  });
  if (report.errors.length > 0) throw new AppError('APPEAL_IMPORT_REFUSED', undefined, report);
  return report;
}

/** Lists the latest imports (admins of a whole city). */
export async function listAppealImports(deps: Deps, actor: ActorContext) {
  importRootsOf(actor);
  const rows = await listAppealImportRows(deps.database.db, 100);
  return { items: rows.map((r) => ({ ...r, at: r.at.toISOString() })) };
}

/** One import's report (admins of a whole city); NOT_FOUND when there is none. */
export async function getAppealImport(
  deps: Deps,
  actor: ActorContext,
  id: string,
): Promise<TAppealImportReport> {
  importRootsOf(actor);
  const row = await findAppealImportRow(deps.database.db, id);
  if (!row) throw new AppError('NOT_FOUND');
  return ZAppealImportReport.parse(row.report);
}
