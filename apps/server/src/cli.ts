import { Command } from 'commander';
import { eq } from 'drizzle-orm';
import { ZCreateUser } from '@huizhi/contracts';
import { ROLES } from '@huizhi/domain';
import { backupDatabase, restoreDatabase } from './backup.ts';
import { systemClock } from './clock.ts';
import { loadConfig } from './config.ts';
import type { Deps } from './context.ts';
import { territories, units } from './db/schema.ts';
import { createUserAsOperator } from './modules/users/users.service.ts';
import { registerTerritoryCommands } from './modules/territories/territory-import.cli.ts';
import { registerAppealImportCommands } from './modules/appeal-imports/appeal-import.cli.ts';
import { sweepAll } from './jobs/sweep-all.ts';
import { isDatabaseEmpty, seedDemo } from './seed/demo.ts';
import { openConfiguredDatabase, serve } from './server.ts';

/** Opens the configured database, runs `work`, and always closes it. */
async function withDatabase<T>(work: (deps: Deps) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const opened = await openConfiguredDatabase(config);
  try {
    return await work({ config, database: opened.database, clock: systemClock });
  } finally {
    await opened.close();
  }
}

const say = (text: string) => process.stdout.write(`${text}\n`);

const program = new Command()
  .name('huizhi')
  .description(
    '汇治 Huizhi: community governance platform. Database: DATABASE_URL, or PGlite in HUIZHI_DATA_DIR (./data).',
  );

program
  .command('serve')
  .description('run the server (PORT, default 3000)')
  .action(async () => serve(loadConfig()));

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(async () =>
    withDatabase(async () => {
      say('Migrations applied.');
    }),
  );

program
  .command('seed')
  .description('load data sets')
  .argument('<set>', 'the data set: demo')
  .action(async (set: string) => {
    if (set !== 'demo') throw new Error(`Unknown data set "${set}"; the only one is "demo".`);
    await withDatabase(async (deps) => {
      if (!(await isDatabaseEmpty(deps.database.db)))
        throw new Error('The database already has territories; demo data goes only into an empty one.');
      const counts = await seedDemo(deps);
      say(
        `Demo data loaded: ${counts.territories} territories, ${counts.units} units, ${counts.users} users.`,
      );
    });
  });

const user = program.command('user').description('manage users');
user
  .command('add')
  .description('add a user with one role')
  .requiredOption('--username <username>')
  .requiredOption('--name <displayName>', 'the name shown to others')
  .requiredOption('--role <role>', ROLES.join(' | '))
  .option('--password <password>', 'or set HUIZHI_PASSWORD (keeps it out of the shell history)')
  .option('--territory <code>', 'the territory code the role covers')
  .option('--unit <code>', 'the unit code the role covers')
  .option('--phone <phone>')
  .action(
    async (options: {
      username: string;
      name: string;
      role: string;
      password?: string;
      territory?: string;
      unit?: string;
      phone?: string;
    }) => {
      await withDatabase(async (deps) => {
        const { db } = deps.database;
        const territoryId = options.territory
          ? (
              await db
                .select({ id: territories.id })
                .from(territories)
                .where(eq(territories.code, options.territory))
            )[0]?.id
          : undefined;
        if (options.territory && !territoryId)
          throw new Error(`No territory has the code ${options.territory}.`);
        const unitId = options.unit
          ? (await db.select({ id: units.id }).from(units).where(eq(units.code, options.unit)))[0]?.id
          : undefined;
        if (options.unit && !unitId) throw new Error(`No unit has the code ${options.unit}.`);
        const parsed = ZCreateUser.safeParse({
          username: options.username,
          displayName: options.name,
          password: options.password ?? process.env.HUIZHI_PASSWORD,
          phone: options.phone,
          assignments: [{ role: options.role, territoryId, unitId }],
        });
        if (!parsed.success) {
          throw new Error(
            parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('\n'),
          );
        }
        const created = await createUserAsOperator(deps, parsed.data);
        say(`User ${created.username} (${created.id}) added as ${options.role}.`);
      });
    },
  );

program
  .command('backup')
  .description('write every table to a portable file (.jsonl, or .jsonl.gz compressed)')
  .argument('<file>')
  .action(async (file: string) =>
    withDatabase(async (deps) => {
      const counts = await backupDatabase(deps.database, file, deps.clock.now());
      say(
        `Backup written to ${file}: ${Object.entries(counts)
          .map(([t, n]) => `${t} ${n}`)
          .join(', ')}.`,
      );
    }),
  );

program
  .command('restore')
  .description('replace all data with a backup (PGlite and PostgreSQL backups are interchangeable)')
  .argument('<file>')
  .action(async (file: string) =>
    withDatabase(async (deps) => {
      const counts = await restoreDatabase(deps.database, file);
      say(
        `Restored from ${file}: ${Object.entries(counts)
          .map(([t, n]) => `${t} ${n}`)
          .join(', ')}.`,
      );
    }),
  );

program
  .command('sweep')
  .description(
    'run the periodic jobs once: deadline warnings and overdue clocks, missed whistle check-ins, the steward chain (for cron; the server runs them by itself)',
  )
  .action(async () =>
    withDatabase(async (deps) => {
      const { deadlines, whistles, stewards } = await sweepAll(deps);
      say(
        `Deadline sweep: ${deadlines.warned} warned, ${deadlines.overdue} overdue (${deadlines.batches} batches).`,
      );
      say(`Whistle check-ins: ${whistles.missed} missed.`);
      say(`Steward chain: ${stewards.asked} asked, ${stewards.movedUp} moved up, ${stewards.lapsed} lapsed.`);
    }),
  );

registerTerritoryCommands(program, withDatabase, say);
registerAppealImportCommands(program, withDatabase, say);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`huizhi: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
