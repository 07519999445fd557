import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, count, eq, inArray, isNotNull } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { ZAppealImportList, ZAppealImportReport, type TAppealImportReport } from '@huizhi/contracts';
import {
  call,
  createTestApp,
  errorCode,
  loginAs,
  type Session,
  type TestContext,
} from '../../../test/harness.ts';
import { buildAppeal, buildUser, territoryByCode } from '../../../test/factories.ts';
import {
  appealAssignments,
  appealImports,
  appeals,
  auditLog,
  slaTimers,
  workOrderEvents,
} from '../../db/schema.ts';
import { stableId } from '../../seed/demo.ts';
import { multipartForm } from '../attachments/multipart-form.testing.ts';
import { importAppeals } from './appeal-import.service.ts';

const SAMPLE = readFileSync(
  new URL('../../../../../docs/operations/samples/appeals-12345-sample.csv', import.meta.url),
);
const HEADER = [
  '受理时间',
  '诉求类型',
  '一级分类',
  '二级分类',
  '三级分类',
  '诉求内容',
  '诉求地址',
  '所属街道',
  '所属社区',
  '承办单位',
  '答复内容',
  '答复时间',
  '是否联系',
  '是否解决',
  '满意度',
];
const CGZF = stableId('unit:dept:990101:cgzf'); // 明德区城市管理综合执法局
const WATER = stableId('unit:water'); // 示范市自来水集团

/** A row of the 15 columns, from a few overrides of a valid complaint. */
function row(overrides: Partial<Record<(typeof HEADER)[number], string>> = {}): string[] {
  const base: Record<string, string> = {
    受理时间: '2025-06-01 08:30',
    诉求类型: '投诉',
    一级分类: '市容环境',
    二级分类: '环境卫生',
    三级分类: '垃圾清运',
    诉求内容: '小区门口垃圾连续三天无人清运。',
    诉求地址: '东湖小区南门',
    所属街道: '和平街道',
    所属社区: '东湖社区',
    承办单位: '明德区城市管理综合执法局',
    答复内容: '已安排环卫车辆清运，并增加清运频次。',
    答复时间: '2025-06-02 17:00',
    是否联系: '是',
    是否解决: '是',
    满意度: '满意',
    ...overrides,
  };
  return HEADER.map((h) => base[h]!);
}

const quote = (cell: string) => (/[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
const csv = (rows: string[][], header: string[] = HEADER) =>
  Buffer.from([header, ...rows].map((r) => r.map(quote).join(',')).join('\r\n'));

let t: TestContext;
let admin: Session;

function importFile(session: Session, fileName: string, content: Buffer, query = '') {
  const form = multipartForm({}, { name: fileName, contentType: 'text/csv', content });
  return call(t.app, session, 'POST', `/api/v1/appeal-imports${query}`, form.payload, form.headers);
}

async function importedCount(): Promise<number> {
  const [result] = await t.deps.database.db
    .select({ n: count() })
    .from(appeals)
    .where(eq(appeals.source, 'import'));
  return result!.n;
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAs(t.app, 'admin');
});
afterAll(async () => t.close());

describe('appeal import', () => {
  it('imports the sample 12345 export as historical appeals with their history at the historical times', async () => {
    const response = await importFile(admin, 'appeals-12345-sample.csv', SAMPLE);
    expect(response.statusCode).toBe(200);
    const report = ZAppealImportReport.parse(response.json());
    expect(report).toMatchObject({
      fileName: 'appeals-12345-sample.csv',
      applied: true,
      dryRun: false,
      rowCount: 6,
      imported: 6,
      errors: [],
      warnings: [],
    });

    const { db } = t.deps.database;
    const rows = await db
      .select()
      .from(appeals)
      .where(eq(appeals.importId, report.id))
      .orderBy(asc(appeals.receivedAt));
    expect(rows).toHaveLength(6);
    for (const appeal of rows) {
      expect(appeal).toMatchObject({ source: 'import', channel: 'import', round: 1, urgency: 'normal' });
      expect(appeal.number).toMatch(/^I2025030\d{9}$/);
    }
    const [complaint, water, consultation, suggestion] = rows;
    const donghu = await territoryByCode(t.deps, '990101001001');
    expect(complaint).toMatchObject({
      type: 'complaint',
      categoryCode: '010201',
      state: 'closed',
      closeKind: 'imported',
      territoryId: donghu.id,
      territoryPath: donghu.path,
      handlingUnitId: CGZF,
      contacted: true,
      tier: '7d',
      address: '东湖小区3号楼',
      receivedAt: new Date('2025-03-01T08:30:00+08:00'),
      repliedAt: new Date('2025-03-03T17:00:00+08:00'),
      closedAt: new Date('2025-03-03T17:00:00+08:00'),
      replyDueAt: null,
    });
    expect(complaint!.number.startsWith('I20250301')).toBe(true);
    // Water supply: the category's own 24-hour tier, the content's line break kept, time as 2025/3/2 9:05.
    expect(water).toMatchObject({
      categoryCode: '050101',
      tier: '24h',
      handlingUnitId: WATER,
      receivedAt: new Date('2025-03-02T09:05:00+08:00'),
    });
    expect(water!.content).toContain('\n');
    // No review in the file: the appeal stays replied (reviewable), not closed.
    expect(consultation).toMatchObject({
      type: 'consultation',
      state: 'replied',
      closeKind: null,
      closedAt: null,
      address: null,
    });
    // No community: placed on the street.
    expect(suggestion!.territoryId).toBe((await territoryByCode(t.deps, '990101003000')).id);

    const events = await db
      .select()
      .from(workOrderEvents)
      .where(inArray(workOrderEvents.orderId, [complaint!.id, consultation!.id]))
      .orderBy(asc(workOrderEvents.orderId), asc(workOrderEvents.seq));
    const of = (id: string) =>
      events
        .filter((e) => e.orderId === id)
        .map((e) => ({ seq: e.seq, type: e.type, at: e.at, from: e.fromState, to: e.toState, data: e.data }));
    expect(of(complaint!.id)).toEqual([
      {
        seq: 1,
        type: 'received',
        at: new Date('2025-03-01T08:30:00+08:00'),
        from: null,
        to: 'received',
        data: {
          imported: true,
          importId: report.id,
          row: 2,
          channel: 'import',
          type: 'complaint',
          categoryCode: '010201',
          urgency: 'normal',
          tier: '7d',
          territoryId: donghu.id,
        },
      },
      {
        seq: 2,
        type: 'dispatch',
        at: new Date('2025-03-01T08:30:00+08:00'),
        from: 'received',
        to: 'dispatched',
        data: {
          imported: true,
          importId: report.id,
          handlingUnitId: CGZF,
          assistingUnitIds: [],
          copyToUnitIds: [],
        },
      },
      {
        seq: 3,
        type: 'reply',
        at: new Date('2025-03-03T17:00:00+08:00'),
        from: 'dispatched',
        to: 'replied',
        data: { imported: true, importId: report.id, reply: complaint!.reply },
      },
      {
        seq: 4,
        type: 'review',
        at: new Date('2025-03-03T17:00:00+08:00'),
        from: 'replied',
        to: 'closed',
        data: {
          imported: true,
          importId: report.id,
          contacted: true,
          resolved: true,
          satisfaction: 'satisfied',
          round: 1,
          closeKind: 'imported',
        },
      },
    ]);
    expect(of(consultation!.id).map((e) => e.type)).toEqual(['received', 'dispatch', 'reply']);
    expect(events.find((e) => e.orderId === complaint!.id && e.type === 'reply')!.actorUnitId).toBe(CGZF);

    const ids = rows.map((r) => r.id);
    expect(await db.select().from(slaTimers).where(inArray(slaTimers.orderId, ids))).toEqual([]);
    const leads = await db.select().from(appealAssignments).where(inArray(appealAssignments.appealId, ids));
    expect(leads).toHaveLength(6);
    expect(leads.every((a) => a.role === 'lead' && a.active && a.round === 1)).toBe(true);

    const [stored] = await db.select().from(appealImports).where(eq(appealImports.id, report.id));
    expect(stored).toMatchObject({ applied: true, rowCount: 6, fileName: 'appeals-12345-sample.csv' });
    const audit = await db.select().from(auditLog).where(eq(auditLog.entityId, report.id));
    expect(audit.map((a) => a.action)).toEqual(['appeal.import']);

    // The same export twice would double the history: refused.
    const again = await importFile(admin, 'copy.csv', SAMPLE);
    expect(again.statusCode).toBe(422);
    expect(again.json<{ error: { details: TAppealImportReport } }>().error.details.errors[0]).toMatchObject({
      row: 1,
      column: null,
      message: expect.stringContaining(`imported already`),
    });
  });

  it('imports an XLSX export with date cells, Excel serials, English headers and rich text', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('工单');
    sheet.addRow([...HEADER.slice(0, 14), 'satisfaction']);
    // A date cell: ExcelJS keeps the wall time in the UTC fields.
    sheet.addRow(
      row({ 所属社区: '西苑社区', 答复时间: '2025-07-05 10:00' }).map((cell, i) =>
        i === 0 ? new Date(Date.UTC(2025, 6, 1, 9, 15)) : cell,
      ),
    );
    // An Excel serial (2025-07-02 12:00) and a reply time as a date cell.
    sheet.addRow(
      row({ 诉求类型: '求助', 一级分类: '', 二级分类: '', 三级分类: '' }).map((cell, i) =>
        i === 0 ? 45840.5 : i === 11 ? new Date(Date.UTC(2025, 6, 3, 10, 0)) : cell,
      ),
    );
    const third = sheet.addRow(
      row({
        受理时间: '2025/7/3 7:05',
        答复时间: '2025-07-05 10:00',
        是否联系: '',
        是否解决: '',
        满意度: '',
      }),
    );
    third.getCell(6).value = {
      richText: [{ text: '楼道灯坏了，' }, { text: '晚上看不见。', font: { bold: true } }],
    };
    sheet.addRow([]); // an empty row is skipped
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());

    const form = multipartForm(
      {},
      {
        name: 'export.xlsx',
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        content: bytes,
      },
    );
    const response = await call(t.app, admin, 'POST', '/api/v1/appeal-imports', form.payload, form.headers);
    expect(response.json()).toMatchObject({ errors: [] });
    expect(response.statusCode).toBe(200);
    const report = ZAppealImportReport.parse(response.json());
    expect(report).toMatchObject({ applied: true, rowCount: 3, imported: 3, errors: [] });
    const rows = await t.deps.database.db
      .select()
      .from(appeals)
      .where(eq(appeals.importId, report.id))
      .orderBy(asc(appeals.receivedAt));
    expect(rows.map((r) => r.receivedAt)).toEqual([
      new Date('2025-07-01T09:15:00+08:00'),
      new Date('2025-07-02T12:00:00+08:00'),
      new Date('2025-07-03T07:05:00+08:00'),
    ]);
    expect(rows[0]!.territoryId).toBe((await territoryByCode(t.deps, '990101001002')).id);
    expect(rows[1]).toMatchObject({
      type: 'help',
      categoryCode: null,
      repliedAt: new Date('2025-07-03T10:00:00+08:00'),
    });
    expect(rows[2]).toMatchObject({ content: '楼道灯坏了，晚上看不见。', state: 'replied' });
  });

  it('imports nothing when one row is wrong, and reports every problem with its row and column', async () => {
    const before = await importedCount();
    const content = csv([
      row(),
      row({ 所属社区: '春晖社区' }), // a community of another street
      row({ 受理时间: '2025-02-30 10:00', 答复时间: '2025-06-02 17:00' }),
      row({ 诉求类型: '表扬', 满意度: '很好' }),
      row({ 二级分类: '停车管理' }), // not under 市容环境
      row({ 承办单位: '不存在的单位', 所属街道: '无名街道' }),
      row({ 答复时间: '2025-05-01 10:00' }), // before it was received
      row({ 是否解决: '', 满意度: '满意' }), // half a review
      row({ 诉求内容: '   ' }),
      row({ 受理时间: '2027-01-01 08:00', 答复时间: '2027-01-02 08:00' }), // the future
    ]);
    const response = await importFile(admin, 'bad.csv', content);
    expect(response.statusCode).toBe(422);
    expect(errorCode(response)).toBe('APPEAL_IMPORT_REFUSED');
    const report = ZAppealImportReport.parse(
      response.json<{ error: { details: TAppealImportReport } }>().error.details,
    );
    expect(report).toMatchObject({ applied: false, dryRun: false, rowCount: 10, imported: 0 });
    const problems = report.errors.map((e) => [e.row, e.column]);
    expect(problems).toEqual([
      [3, '所属社区'],
      [4, '受理时间'],
      [5, '诉求类型'],
      [5, '满意度'],
      [6, '二级分类'],
      [7, '所属街道'],
      [7, '承办单位'],
      [8, '答复时间'],
      [9, '是否解决'],
      [10, '诉求内容'],
      [11, '受理时间'],
      [11, '答复时间'],
    ]);
    expect(report.errors[0]!.message).toBe('"春晖社区" is not a community of 和平街道.');
    expect(await importedCount()).toBe(before);

    // The refused report is kept and can be read again.
    const [stored] = await t.deps.database.db
      .select()
      .from(appealImports)
      .where(eq(appealImports.id, report.id));
    expect(stored).toMatchObject({ applied: false, rowCount: 10 });
    const again = await call(t.app, admin, 'GET', `/api/v1/appeal-imports/${report.id}`);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(report);
  });

  it('refuses files without the needed columns, old .xls workbooks, and empty files', async () => {
    const missing = await importFile(admin, 'x.csv', csv([row().slice(0, 11)], HEADER.slice(0, 11)));
    expect(errorCode(missing)).toBe('APPEAL_IMPORT_REFUSED');
    expect(
      missing.json<{ error: { details: TAppealImportReport } }>().error.details.errors.map((e) => e.column),
    ).toEqual(['答复时间']);
    const xls = await importFile(admin, 'old.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1]));
    expect(xls.json<{ error: { details: TAppealImportReport } }>().error.details.errors[0]!.message).toMatch(
      /xlsx or \.csv/,
    );
    const empty = await importFile(admin, 'empty.csv', Buffer.from(''));
    expect(errorCode(empty)).toBe('APPEAL_IMPORT_REFUSED');
    const onlyHeader = await importFile(admin, 'header.csv', csv([]));
    expect(
      onlyHeader.json<{ error: { details: TAppealImportReport } }>().error.details.errors[0]!.message,
    ).toBe('The file has no rows to import.');
  });

  it('reads GB18030 CSV (Excel on Chinese Windows) and tab-separated text, and warns of ignored columns', async () => {
    const text = [
      [...HEADER, '备注'].join('\t'),
      [...row({ 受理时间: '2025年8月1日 9:30', 答复时间: '2025-08-02 10:00', 所属街道: '和平' }), '无'].join(
        '\t',
      ),
    ].join('\n');
    const gbk = encodeGbk(text);
    const response = await importFile(admin, 'gbk.txt', gbk);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      imported: 1,
      warnings: [
        { row: 1, column: '备注', message: 'This column is not imported.' },
        { row: 2, column: '所属街道', message: '"和平" was read as 和平街道.' },
      ],
    });
  });

  it('checks without writing on a dry run, and records the report', async () => {
    const before = await importedCount();
    const content = csv([row({ 受理时间: '2025-09-01 08:00', 答复时间: '2025-09-01 18:00' })]);
    const response = await importFile(admin, 'dry.csv', content, '?dryRun=true');
    expect(response.statusCode).toBe(200);
    const report = ZAppealImportReport.parse(response.json());
    expect(report).toMatchObject({ applied: false, dryRun: true, rowCount: 1, imported: 0, errors: [] });
    expect(await importedCount()).toBe(before);

    const list = ZAppealImportList.parse((await call(t.app, admin, 'GET', '/api/v1/appeal-imports')).json());
    expect(list.items.find((i) => i.id === report.id)).toMatchObject({
      fileName: 'dry.csv',
      applied: false,
      rowCount: 1,
    });
    // A dry run does not count as the file's import: the real one follows.
    const real = await importFile(admin, 'dry.csv', content, '?dryRun=false');
    expect(real.json()).toMatchObject({ applied: true, imported: 1 });
    expect(await importedCount()).toBe(before + 1);
  });

  it('is for administrators of the whole city only', async () => {
    const content = csv([row()]);
    for (const name of ['dispatcher', 'operator', 'resident', 'assessor']) {
      const session = await loginAs(t.app, name);
      const response = await importFile(session, 'x.csv', content);
      expect(response.statusCode).toBe(403);
      expect(errorCode(response)).toBe('FORBIDDEN');
      expect((await call(t.app, session, 'GET', '/api/v1/appeal-imports')).statusCode).toBe(403);
    }
    const streetAdmin = await buildUser(t.deps, {
      role: 'admin',
      territory: await territoryByCode(t.deps, '990101001000'),
    });
    const session = await loginAs(t.app, streetAdmin.username, streetAdmin.password);
    expect((await importFile(session, 'x.csv', content)).statusCode).toBe(403);
    expect(
      (await call(t.app, admin, 'GET', `/api/v1/appeal-imports/${stableId('nothing')}`)).statusCode,
    ).toBe(404);
  });

  it('keeps imported history apart from live intake', async () => {
    const live = await buildAppeal(t.deps, { territory: await territoryByCode(t.deps, '990101001001G01') });
    const { db } = t.deps.database;
    const imported = await db
      .select({ id: appeals.id })
      .from(appeals)
      .where(and(eq(appeals.source, 'import'), isNotNull(appeals.importId), eq(appeals.channel, 'import')));
    const all = await db.select({ n: count() }).from(appeals).where(eq(appeals.source, 'import'));
    expect(imported.length).toBe(all[0]!.n);
    expect(imported.map((r) => r.id)).not.toContain(live.id);
    const [liveRow] = await db.select().from(appeals).where(eq(appeals.id, live.id));
    expect(liveRow).toMatchObject({ source: 'live', importId: null });
  });

  it('imports 10,000 rows in one transaction within seconds', async () => {
    const streets: [string, string][] = [
      ['和平街道', '东湖社区'],
      ['安定街道', '夏荷社区'],
      ['清源街道', '锦绣社区'],
      ['长乐街道', ''],
    ];
    const rows: string[][] = [];
    for (let i = 0; i < 10_000; i++) {
      const [street, community] = streets[i % streets.length]!;
      const day = 1 + (i % 28);
      const minute = i % 60;
      rows.push(
        row({
          受理时间: `2024-10-${String(day).padStart(2, '0')} 10:${String(minute).padStart(2, '0')}`,
          答复时间: `2024-11-${String(day).padStart(2, '0')} 09:00`,
          诉求内容: `第${i}号历史诉求：小区垃圾清运不及时。`,
          所属街道: street,
          所属社区: community,
          ...(i % 3 === 0 ? { 是否联系: '', 是否解决: '', 满意度: '' } : {}),
        }),
      );
    }
    const started = performance.now();
    const report = await importAppeals(t.deps, null, {
      fileName: 'big.csv',
      bytes: csv(rows),
      dryRun: false,
    });
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write(`appeal import: 10,000 rows in ${seconds.toFixed(1)} s\n`);
    expect(report).toMatchObject({ applied: true, imported: 10_000, errors: [] });
    const { db } = t.deps.database;
    const [appealCount] = await db
      .select({ n: count() })
      .from(appeals)
      .where(eq(appeals.importId, report.id));
    expect(appealCount!.n).toBe(10_000);
    const [eventCount] = await db
      .select({ n: count() })
      .from(workOrderEvents)
      .innerJoin(appeals, eq(appeals.id, workOrderEvents.orderId))
      .where(eq(appeals.importId, report.id));
    expect(eventCount!.n).toBe(3 * 10_000 + 6666);
    expect(seconds).toBeLessThan(60);
  }, 120_000);
});

/** Two-byte GBK codes by character, found by decoding every code once (Node ships no GB18030 encoder). */
const GBK_CODES: Map<string, number[]> = (() => {
  const table = new Map<string, number[]>();
  const decoder = new TextDecoder('gb18030');
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const ch = decoder.decode(Uint8Array.from([lead, trail]));
      if (!table.has(ch)) table.set(ch, [lead, trail]);
    }
  }
  return table;
})();

/** Encodes text as GBK, as Excel on Chinese Windows saves CSV. */
function encodeGbk(text: string): Buffer {
  return Buffer.from(
    [...text].flatMap((ch) => (ch.charCodeAt(0) < 0x80 ? [ch.charCodeAt(0)] : GBK_CODES.get(ch)!)),
  );
}
