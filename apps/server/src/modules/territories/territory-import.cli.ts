import { readFile, writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { AppError } from '@huizhi/domain';
import type { TTerritoryImportReport } from '@huizhi/contracts';
import type { Deps } from '../../context.ts';
import { exportTerritories } from './territory-export.service.ts';
import { importTerritories } from './territory-import.service.ts';

type WithDatabase = <T>(work: (deps: Deps) => Promise<T>) => Promise<T>;

/** The file format from its extension: .geojson/.json → geojson, .csv → csv. */
export function formatOfFile(file: string): 'geojson' | 'csv' {
  const extension = extname(file).toLowerCase();
  if (extension === '.geojson' || extension === '.json') return 'geojson';
  if (extension === '.csv') return 'csv';
  throw new Error(`Cannot tell the format of ${file}: use .geojson, .json or .csv.`);
}

function parseCrs(value: string): 'wgs84' | 'gcj02' {
  if (value !== 'wgs84' && value !== 'gcj02') throw new Error(`Unknown CRS "${value}": use wgs84 or gcj02.`);
  return value;
}

/** A readable summary of an import report, one line per refusal, repair and overlap. */
export function describeImportReport(report: TTerritoryImportReport): string {
  const lines = [
    report.applied
      ? `Import applied: ${report.created} created, ${report.updated} updated.`
      : report.refused.length > 0
        ? `Import refused (${report.refused.length} problems): nothing was changed.`
        : `Dry run: ${report.created} would be created, ${report.updated} updated.`,
  ];
  for (const r of report.refused)
    lines.push(`  refused #${r.index}${r.code ? ` ${r.code}` : ''}: ${r.reason} — ${r.message}`);
  for (const r of report.repaired) lines.push(`  repaired ${r.code}: ${r.what}`);
  for (const o of report.overlaps)
    lines.push(`  overlap ${o.code} × ${o.otherCode}: ${(o.share * 100).toFixed(1)} % of the smaller`);
  return lines.join('\n');
}

function subcommand(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

/** Adds `huizhi import territories <file>` and `huizhi export territories <file>`. */
export function registerTerritoryCommands(
  program: Command,
  withDatabase: WithDatabase,
  say: (text: string) => void,
) {
  subcommand(program, 'import', 'import data from files')
    .command('territories')
    .description('import the territory tree from GeoJSON (.geojson/.json) or CSV (.csv), all or nothing')
    .argument('<file>')
    .option('--crs <crs>', 'wgs84 | gcj02 (coordinates of Chinese map providers)', 'wgs84')
    .option('--dry-run', 'check and report without changing anything')
    .action(async (file: string, options: { crs: string; dryRun?: boolean }) => {
      const content = await readFile(file, 'utf8');
      await withDatabase(async (deps) => {
        try {
          const report = await importTerritories(deps, null, {
            format: formatOfFile(file),
            crs: parseCrs(options.crs),
            content,
            dryRun: options.dryRun ?? false,
          });
          say(describeImportReport(report));
        } catch (error) {
          if (error instanceof AppError && error.code === 'TERRITORY_IMPORT_REFUSED') {
            say(describeImportReport(error.details as TTerritoryImportReport));
            process.exitCode = 1;
            return;
          }
          throw error;
        }
      });
    });
  subcommand(program, 'export', 'export data to files')
    .command('territories')
    .description('export the territory tree to GeoJSON (.geojson/.json, with polygons) or CSV (.csv)')
    .argument('<file>')
    .option('--crs <crs>', 'wgs84 | gcj02', 'wgs84')
    .action(async (file: string, options: { crs: string }) => {
      await withDatabase(async (deps) => {
        const exported = await exportTerritories(deps, null, {
          format: formatOfFile(file),
          crs: parseCrs(options.crs),
        });
        await writeFile(file, exported.content);
        say(`Territories written to ${file}.`);
      });
    });
}
