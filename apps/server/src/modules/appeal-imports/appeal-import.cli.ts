import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { AppError } from '@huizhi/domain';
import type { TAppealImportReport } from '@huizhi/contracts';
import type { Deps } from '../../context.ts';
import { importAppeals } from './appeal-import.service.ts';

type WithDatabase = <T>(work: (deps: Deps) => Promise<T>) => Promise<T>;

/** How many errors and warnings the command prints (the stored report has them all). */
const SHOWN_ISSUES = 20;

/** A readable summary of an appeal import report: the outcome, then the first errors and warnings. */
export function describeAppealImportReport(report: TAppealImportReport): string {
  const lines = [
    report.errors.length > 0
      ? `Import refused: ${report.errors.length} problem(s) in ${report.rowCount} rows; nothing was imported.`
      : report.applied
        ? `Import applied: ${report.imported} of ${report.rowCount} rows imported as historical appeals.`
        : `Dry run: all ${report.rowCount} rows can be imported; nothing was written.`,
  ];
  const show = (label: string, issues: TAppealImportReport['errors']) => {
    for (const issue of issues.slice(0, SHOWN_ISSUES))
      lines.push(`  ${label} row ${issue.row}${issue.column ? ` [${issue.column}]` : ''}: ${issue.message}`);
    if (issues.length > SHOWN_ISSUES) lines.push(`  … and ${issues.length - SHOWN_ISSUES} more ${label}s`);
  };
  show('error', report.errors);
  show('warning', report.warnings);
  lines.push(`Report ${report.id} (GET /api/v1/appeal-imports/${report.id}).`);
  return lines.join('\n');
}

function subcommand(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

/** Adds `huizhi import appeals <file> [--dry-run]`. */
export function registerAppealImportCommands(
  program: Command,
  withDatabase: WithDatabase,
  say: (text: string) => void,
) {
  subcommand(program, 'import', 'import data from files')
    .command('appeals')
    .description('import historical work orders from a 12345 export (.csv or .xlsx), all or nothing')
    .argument('<file>')
    .option('--dry-run', 'check and report without importing')
    .action(async (file: string, options: { dryRun?: boolean }) => {
      const bytes = await readFile(file);
      await withDatabase(async (deps) => {
        try {
          const report = await importAppeals(deps, null, {
            fileName: basename(file),
            bytes,
            dryRun: options.dryRun ?? false,
          });
          say(describeAppealImportReport(report));
        } catch (error) {
          if (error instanceof AppError && error.code === 'APPEAL_IMPORT_REFUSED') {
            say(describeAppealImportReport(error.details as TAppealImportReport));
            process.exitCode = 1;
            return;
          }
          throw error;
        }
      });
    });
}
