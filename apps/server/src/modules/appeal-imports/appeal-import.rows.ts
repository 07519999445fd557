/**
 * Checks the rows of a 12345 export against the reference data (categories, territories, units) and
 * turns them into the appeals to import. Every row is checked and every problem reported with its row
 * and column; the caller imports nothing when there is one.
 */
import {
  APPEAL_IMPORT_COLUMNS,
  APPEAL_ADDRESS_MAX,
  APPEAL_CONTENT_MAX,
  APPEAL_REPLY_MAX,
  type TAppealImportReport,
} from '@huizhi/contracts';
import { isWithinPath, type AppealType, type Satisfaction } from '@huizhi/domain';
import { cellText, type Cell, type RawRow, type RawTable } from './appeal-import.parser.ts';
import { parseImportTime } from './import-time.ts';

export type ImportColumn = (typeof APPEAL_IMPORT_COLUMNS)[number];
export type ImportIssue = TAppealImportReport['errors'][number];

/** The column names of a 12345 export, as the file's header row has them (the English keys work too). */
export const IMPORT_COLUMN_HEADERS: Readonly<Record<ImportColumn, string>> = {
  receivedAt: '受理时间',
  type: '诉求类型',
  category1: '一级分类',
  category2: '二级分类',
  category3: '三级分类',
  content: '诉求内容',
  address: '诉求地址',
  street: '所属街道',
  community: '所属社区',
  handlingUnit: '承办单位',
  reply: '答复内容',
  repliedAt: '答复时间',
  contacted: '是否联系',
  resolved: '是否解决',
  satisfaction: '满意度',
};

/** Columns the file must have, and every row must fill. */
export const REQUIRED_IMPORT_COLUMNS: readonly ImportColumn[] = [
  'receivedAt',
  'type',
  'content',
  'street',
  'handlingUnit',
  'reply',
  'repliedAt',
];

const TYPE_VALUES: Readonly<Record<string, AppealType>> = {
  咨询: 'consultation',
  求助: 'help',
  投诉: 'complaint',
  举报: 'report',
  建议: 'suggestion',
  consultation: 'consultation',
  help: 'help',
  complaint: 'complaint',
  report: 'report',
  suggestion: 'suggestion',
};

const YES_NO: Readonly<Record<string, boolean>> = {
  是: true,
  否: false,
  已联系: true,
  未联系: false,
  已解决: true,
  未解决: false,
  y: true,
  n: false,
  yes: true,
  no: false,
  true: true,
  false: false,
  '1': true,
  '0': false,
};

const SATISFACTION_VALUES: Readonly<Record<string, Satisfaction>> = {
  满意: 'satisfied',
  基本满意: 'fair',
  不满意: 'dissatisfied',
  satisfied: 'satisfied',
  fair: 'fair',
  dissatisfied: 'dissatisfied',
};

/** What the rows are checked against. */
export interface ImportReference {
  categories: readonly { code: string; parentCode: string | null; level: number; nameZh: string }[];
  /** Streets and communities under the city (or cities) the importer administers. */
  streets: readonly { id: string; name: string; path: string }[];
  communities: readonly { id: string; name: string; path: string }[];
  units: readonly { id: string; name: string; type: string }[];
  timeZone: string;
  now: Date;
}

/** One appeal to import, checked. */
export interface ImportedAppeal {
  row: number;
  receivedAt: Date;
  type: AppealType;
  categoryCode: string | null;
  content: string;
  address: string | null;
  territoryId: string;
  territoryPath: string;
  unitId: string;
  unitType: string;
  reply: string;
  repliedAt: Date;
  /** Whether the unit contacted the appellant, when the file says. */
  contacted: boolean | null;
  /** The review (回访), when the file has one. */
  review: { contacted: boolean; resolved: boolean; satisfaction: Satisfaction } | null;
}

export interface CheckedRows {
  appeals: ImportedAppeal[];
  errors: ImportIssue[];
  warnings: ImportIssue[];
  rowCount: number;
}

/** Header text as compared: no BOM, spaces, required-markers or case. */
const normalizeHeader = (text: string) =>
  text
    .replace(/[\ufeff\s\u3000*＊]/g, '')
    .replace(/（/g, '(')
    .replace(/）/g, ')')
    .toLowerCase();

const HEADER_LOOKUP: ReadonlyMap<string, ImportColumn> = new Map(
  APPEAL_IMPORT_COLUMNS.flatMap((column) => [
    [normalizeHeader(IMPORT_COLUMN_HEADERS[column]), column] as const,
    [normalizeHeader(column), column] as const,
  ]),
);

/** Values as compared: trimmed, inner runs of spaces made one, full-width spaces too. */
const normalizeName = (text: string) => text.replace(/[\s\u3000]+/g, ' ').trim();

/** Groups items by a key into lists. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

interface Columns {
  index: Map<ImportColumn, number>;
  label: Map<ImportColumn, string>;
}

/** Maps the header row to columns; reports missing and doubled columns, warns of ignored ones. */
function readHeader(header: readonly string[], errors: ImportIssue[], warnings: ImportIssue[]): Columns {
  const index = new Map<ImportColumn, number>();
  const label = new Map<ImportColumn, string>();
  header.forEach((text, i) => {
    if (text.trim() === '') return;
    const column = HEADER_LOOKUP.get(normalizeHeader(text));
    if (!column) {
      warnings.push({ row: 1, column: text.trim(), message: 'This column is not imported.' });
      return;
    }
    if (index.has(column)) {
      errors.push({ row: 1, column: text.trim(), message: `The column ${label.get(column)} appears twice.` });
      return;
    }
    index.set(column, i);
    label.set(column, text.trim());
  });
  for (const column of REQUIRED_IMPORT_COLUMNS) {
    if (!index.has(column)) {
      errors.push({
        row: 1,
        column: IMPORT_COLUMN_HEADERS[column],
        message: `The file has no column ${IMPORT_COLUMN_HEADERS[column]} (${column}).`,
      });
    }
  }
  for (const column of APPEAL_IMPORT_COLUMNS)
    if (!label.has(column)) label.set(column, IMPORT_COLUMN_HEADERS[column]);
  return { index, label };
}

/** Checks rows one at a time against the reference data, collecting errors and warnings. */
class RowChecker {
  private readonly categoriesByParent: Map<string, ImportReference['categories'][number][]>;
  private readonly streetsByName: Map<string, ImportReference['streets'][number][]>;
  private readonly communitiesByName: Map<string, ImportReference['communities'][number][]>;
  private readonly unitsByName: Map<string, ImportReference['units'][number][]>;
  private raw: RawRow = { row: 0, cells: [] };
  private failed = false;

  constructor(
    private readonly columns: Columns,
    private readonly reference: ImportReference,
    private readonly errors: ImportIssue[],
    private readonly warnings: ImportIssue[],
  ) {
    this.categoriesByParent = groupBy(reference.categories, (c) => `${c.parentCode ?? ''}|${c.nameZh}`);
    this.streetsByName = groupBy(reference.streets, (s) => normalizeName(s.name));
    this.communitiesByName = groupBy(reference.communities, (c) => normalizeName(c.name));
    this.unitsByName = groupBy(reference.units, (u) => normalizeName(u.name));
  }

  private label(column: ImportColumn): string {
    return this.columns.label.get(column)!;
  }

  private fail(column: ImportColumn | null, message: string): void {
    this.failed = true;
    this.errors.push({ row: this.raw.row, column: column === null ? null : this.label(column), message });
  }

  private warn(column: ImportColumn, message: string): void {
    this.warnings.push({ row: this.raw.row, column: this.label(column), message });
  }

  private cell(column: ImportColumn): Cell {
    const i = this.columns.index.get(column);
    return i === undefined ? null : (this.raw.cells[i] ?? null);
  }

  /** A cell's text: names with their spaces tidied, long text (content, reply) with its line breaks. */
  private text(column: ImportColumn, long = false): string | null {
    const value = this.cell(column);
    if (value === null) return null;
    const raw = cellText(value);
    const t = long ? raw.replace(/\r\n?/g, '\n').trim() : normalizeName(raw);
    return t === '' ? null : t;
  }

  private required(column: ImportColumn, long = false): string | null {
    const t = this.text(column, long);
    if (t === null) this.fail(column, `${this.label(column)} is empty.`);
    return t;
  }

  private capped(column: ImportColumn, value: string, max: number): string {
    if (value.length <= max || [...value].length <= max) return value;
    this.warn(column, `Longer than ${max} characters: cut to ${max}.`);
    return [...value].slice(0, max).join('');
  }

  private time(column: ImportColumn): Date | null {
    const value = this.cell(column);
    if (value === null || (typeof value === 'string' && value.trim() === '')) {
      this.fail(column, `${this.label(column)} is empty.`);
      return null;
    }
    const parsed = parseImportTime(value, this.reference.timeZone);
    if (typeof parsed === 'string') {
      this.fail(column, parsed);
      return null;
    }
    if (parsed.getTime() > this.reference.now.getTime()) {
      this.fail(column, 'The time lies in the future.');
      return null;
    }
    return parsed;
  }

  private yesNo(column: ImportColumn): boolean | null {
    const t = this.text(column);
    if (t === null) return null;
    const value = YES_NO[t.toLowerCase()];
    if (value === undefined) this.fail(column, `"${t}" is not 是 or 否.`);
    return value ?? null;
  }

  /** The deepest category named by the three levels, each by name under the one before. */
  private category(): string | null {
    let code: string | null = null;
    const levels: ImportColumn[] = ['category1', 'category2', 'category3'];
    for (const [i, column] of levels.entries()) {
      const name = this.text(column);
      if (name === null) continue;
      if (i > 0 && code === null) {
        this.fail(column, `${this.label(column)} is given without ${this.label(levels[i - 1]!)}.`);
        return null;
      }
      const found: ImportReference['categories'][number][] = (
        this.categoriesByParent.get(`${code ?? ''}|${name}`) ?? []
      ).filter((c) => c.level === i + 1);
      if (found.length !== 1) {
        this.fail(
          column,
          i === 0
            ? `"${name}" is not a first-level category.`
            : `"${name}" is not a category under "${this.text(levels[i - 1]!)}".`,
        );
        return null;
      }
      code = found[0]!.code;
    }
    return code;
  }

  /** The community (inside the street), or the street when no community is given. */
  private territory(): { id: string; path: string } | null {
    const streetName = this.required('street');
    if (streetName === null) return null;
    let streets = this.streetsByName.get(streetName) ?? [];
    if (streets.length === 0 && !streetName.endsWith('街道')) {
      streets = this.streetsByName.get(`${streetName}街道`) ?? [];
      if (streets.length === 1) this.warn('street', `"${streetName}" was read as ${streets[0]!.name}.`);
    }
    if (streets.length !== 1) {
      this.fail(
        'street',
        streets.length === 0
          ? `No street is called "${streetName}".`
          : `Several streets are called "${streetName}".`,
      );
      return null;
    }
    const street = streets[0]!;
    const communityName = this.text('community');
    if (communityName === null) return street;
    const inStreet = (name: string) =>
      (this.communitiesByName.get(name) ?? []).filter((c) => isWithinPath(c.path, street.path));
    let communities = inStreet(communityName);
    if (communities.length === 0 && !communityName.endsWith('社区')) {
      communities = inStreet(`${communityName}社区`);
      if (communities.length === 1)
        this.warn('community', `"${communityName}" was read as ${communities[0]!.name}.`);
    }
    if (communities.length === 1) return communities[0]!;
    this.fail(
      'community',
      communities.length === 0
        ? `"${communityName}" is not a community of ${street.name}.`
        : `Several communities of ${street.name} are called "${communityName}".`,
    );
    return null;
  }

  private unit(): { id: string; type: string } | null {
    const unitName = this.required('handlingUnit');
    if (unitName === null) return null;
    const units = this.unitsByName.get(unitName) ?? [];
    if (units.length === 1) return units[0]!;
    this.fail(
      'handlingUnit',
      units.length === 0 ? `No unit is called "${unitName}".` : `Several units are called "${unitName}".`,
    );
    return null;
  }

  /** Checks one row: the appeal to import, or null when the row has errors (they are recorded). */
  check(raw: RawRow): ImportedAppeal | null {
    this.raw = raw;
    this.failed = false;
    const receivedAt = this.time('receivedAt');
    const typeText = this.required('type');
    const type = typeText === null ? undefined : TYPE_VALUES[typeText.toLowerCase()];
    if (typeText !== null && !type)
      this.fail('type', `"${typeText}" is not one of 咨询, 求助, 投诉, 举报, 建议.`);
    const categoryCode = this.category();
    const contentText = this.required('content', true);
    const addressText = this.text('address');
    const territory = this.territory();
    const unit = this.unit();
    const replyText = this.required('reply', true);
    const repliedAt = this.time('repliedAt');
    if (receivedAt && repliedAt && repliedAt.getTime() < receivedAt.getTime())
      this.fail('repliedAt', 'The reply time is before the time the appeal was received.');

    // The review: 是否解决 and 满意度 together, with 是否联系.
    const contacted = this.yesNo('contacted');
    const resolved = this.yesNo('resolved');
    const satisfactionText = this.text('satisfaction');
    let satisfaction: Satisfaction | null = null;
    if (satisfactionText !== null) {
      satisfaction = SATISFACTION_VALUES[satisfactionText.toLowerCase()] ?? null;
      if (!satisfaction)
        this.fail('satisfaction', `"${satisfactionText}" is not one of 满意, 基本满意, 不满意.`);
    }
    const hasReview = this.text('resolved') !== null || satisfactionText !== null;
    if (hasReview) {
      for (const column of ['contacted', 'resolved', 'satisfaction'] as const) {
        if (this.text(column) === null)
          this.fail(
            column,
            `A review needs ${this.label(column)} too (是否联系, 是否解决 and 满意度 together).`,
          );
      }
    }
    if (this.failed) return null;
    return {
      row: raw.row,
      receivedAt: receivedAt!,
      type: type!,
      categoryCode,
      content: this.capped('content', contentText!, APPEAL_CONTENT_MAX),
      address: addressText === null ? null : this.capped('address', addressText, APPEAL_ADDRESS_MAX),
      territoryId: territory!.id,
      territoryPath: territory!.path,
      unitId: unit!.id,
      unitType: unit!.type,
      reply: this.capped('reply', replyText!, APPEAL_REPLY_MAX),
      repliedAt: repliedAt!,
      contacted,
      review: hasReview ? { contacted: contacted!, resolved: resolved!, satisfaction: satisfaction! } : null,
    };
  }
}

/** Checks every row of the table; returns the appeals to import and every error and warning. */
export function checkImportRows(table: RawTable, reference: ImportReference): CheckedRows {
  const errors: ImportIssue[] = [];
  const warnings: ImportIssue[] = [];
  const columns = readHeader(table.header, errors, warnings);
  if (errors.length > 0) return { appeals: [], errors, warnings, rowCount: table.rows.length };
  const checker = new RowChecker(columns, reference, errors, warnings);
  const appeals: ImportedAppeal[] = [];
  for (const raw of table.rows) {
    const appeal = checker.check(raw);
    if (appeal) appeals.push(appeal);
  }
  return { appeals, errors, warnings, rowCount: table.rows.length };
}
