/**
 * Reads a 12345 export (CSV or XLSX) into a plain table: the header row and the data rows with their
 * row numbers as a spreadsheet shows them (header = row 1). Nothing is interpreted here beyond the
 * cells themselves; appeal-import.rows.ts checks the values.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';

/** A cell as read: text, a number (Excel), a date (an Excel date cell, wall time in its UTC fields) or empty. */
export type Cell = string | number | Date | null;

export interface RawRow {
  /** The row number as in the file (header = 1). */
  row: number;
  cells: Cell[];
}

export interface RawTable {
  format: 'csv' | 'xlsx';
  header: string[];
  rows: RawRow[];
}

export type ReadResult = { table: RawTable } | { problem: string };

const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];
const OLE_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0];

const startsWith = (bytes: Buffer, signature: number[]) => signature.every((b, i) => bytes[i] === b);

/** Which reader fits the file: the bytes decide (an XLSX is a zip), the name only breaks ties. */
export function formatOfImportFile(fileName: string, bytes: Buffer): 'csv' | 'xlsx' | 'xls' {
  if (startsWith(bytes, ZIP_SIGNATURE)) return 'xlsx';
  if (startsWith(bytes, OLE_SIGNATURE) || /\.xls$/i.test(fileName)) return 'xls';
  return 'csv';
}

/**
 * Decodes CSV text: UTF-8 (with or without a BOM), UTF-16 with a BOM (Excel's "Unicode text"), or
 * else GB18030 (which covers GBK and GB2312, what Excel on Chinese Windows writes).
 */
export function decodeCsvText(bytes: Buffer): string {
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  if (startsWith(bytes, [0xff, 0xfe])) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (startsWith(bytes, [0xfe, 0xff])) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

/** The delimiter of the header line: a tab when it has more tabs than commas, else a comma. */
function delimiterOf(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const count = (c: string) => firstLine.split(c).length - 1;
  return count('\t') > count(',') ? '\t' : count(';') > count(',') ? ';' : ',';
}

const isEmptyCell = (cell: Cell) => cell === null || (typeof cell === 'string' && cell.trim() === '');

function toTable(format: RawTable['format'], records: { row: number; cells: Cell[] }[]): ReadResult {
  const [first, ...rest] = records;
  if (!first || first.cells.every(isEmptyCell))
    return { problem: 'The first row must hold the column names.' };
  return {
    table: {
      format,
      header: first.cells.map((cell) => (cell === null ? '' : cellText(cell))),
      rows: rest.filter((r) => !r.cells.every(isEmptyCell)),
    },
  };
}

/** Reads CSV bytes. Row numbers count records, so a quoted cell with line breaks stays one row. */
export function readCsv(bytes: Buffer): ReadResult {
  const text = decodeCsvText(bytes);
  let records: string[][];
  try {
    records = parseCsv(text, {
      delimiter: delimiterOf(text),
      bom: true,
      relax_column_count: true,
      skip_empty_lines: false,
    }) as string[][];
  } catch (error) {
    return { problem: `The CSV cannot be read: ${(error as Error).message}` };
  }
  return toTable(
    'csv',
    records.map((cells, index) => ({ row: index + 1, cells: cells.map((c) => (c === '' ? null : c)) })),
  );
}

/** The plain value of an ExcelJS cell value (rich text, links and formulas reduced to what they show). */
function cellOf(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return value;
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('formula' in value || 'sharedFormula' in value) {
      const result = (value as { result?: unknown }).result;
      return result === undefined ||
        (typeof result === 'object' && result !== null && !(result instanceof Date))
        ? null
        : cellOf(result as ExcelJS.CellValue);
    }
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('error' in value) return null;
  }
  return null;
}

/** Reads the first worksheet that has rows. */
export async function readXlsx(bytes: Buffer): Promise<ReadResult> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (error) {
    return { problem: `The XLSX file cannot be read: ${(error as Error).message}` };
  }
  const sheet = workbook.worksheets.find((ws) => ws.actualRowCount > 0);
  if (!sheet) return { problem: 'The workbook has no rows.' };
  const width = sheet.columnCount;
  const records: RawRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: Cell[] = [];
    for (let column = 1; column <= width; column++) cells.push(cellOf(row.getCell(column).value));
    records.push({ row: rowNumber, cells });
  });
  // eachRow skips empty rows; the header is the first row with content, wherever it is.
  return toTable('xlsx', records);
}

/** Reads an import file of either format, or says why it cannot. */
export async function readImportFile(fileName: string, bytes: Buffer): Promise<ReadResult> {
  if (bytes.length === 0) return { problem: 'The file is empty.' };
  const format = formatOfImportFile(fileName, bytes);
  if (format === 'xls')
    return { problem: 'Old .xls workbooks are not read: save the sheet as .xlsx or .csv.' };
  return format === 'xlsx' ? readXlsx(bytes) : readCsv(bytes);
}

/** A cell as text: numbers as written, dates as `YYYY-MM-DD HH:mm:ss` wall time. */
export function cellText(cell: Exclude<Cell, null>): string {
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'number') return String(cell);
  return cell.toISOString().slice(0, 19).replace('T', ' ');
}
