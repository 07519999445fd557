import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { AppError } from '@huizhi/domain';
import { buildUser } from '../../../test/factories.ts';
import { createTestApp, errorCode, loginAs, type Session, type TestContext } from '../../../test/harness.ts';
import type { ActorContext } from '../../context.ts';
import { resolveSession } from '../auth/auth.service.ts';
import { performAppealActionIn } from './appeal-actions.service.ts';
import { act, actOk, eventsOf, recordAppeal, UNITS } from './appeal-test-helpers.ts';

let t: TestContext;
let operator: Session;
let dispatcher: Session;
let first: Session;
let second: Session;

beforeAll(async () => {
  t = await createTestApp();
  operator = await loginAs(t.app, 'operator');
  dispatcher = await loginAs(t.app, 'dispatcher');
  first = await loginAs(t.app, 'handler');
  // A second handler of the same unit (明德区城管执法局).
  const colleague = await buildUser(t.deps, { role: 'handler', unitId: UNITS.cgzf });
  second = await loginAs(t.app, colleague.username, colleague.password);
});
afterAll(async () => t.close());

async function dispatched() {
  const appeal = await recordAppeal(t, operator);
  return actOk(t, dispatcher, appeal.id, 'dispatch', { handlingUnitId: UNITS.cgzf });
}

async function acceptEvents(id: string) {
  return (await eventsOf(t, id)).filter((e) => e.type === 'accept');
}

describe('two handlers accepting the same appeal at once', () => {
  it('lets one win and gives the other a clear APPEAL_VERSION_CONFLICT (both sent the version they read)', async () => {
    for (let i = 0; i < 3; i++) {
      const appeal = await dispatched();
      const answers = await Promise.all([
        act(t, first, appeal.id, 'accept', { version: appeal.version }),
        act(t, second, appeal.id, 'accept', { version: appeal.version }),
      ]);
      expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409]);
      const loser = answers.find((a) => a.statusCode === 409)!;
      expect(errorCode(loser)).toBe('APPEAL_VERSION_CONFLICT');
      expect(loser.json().error.message).toMatch(/reload/);
      const winner = answers.find((a) => a.statusCode === 200)!;
      expect(winner.json()).toMatchObject({ state: 'accepted', version: appeal.version + 1 });
      expect(await acceptEvents(appeal.id)).toHaveLength(1);
    }
  });

  it('still produces exactly one acceptance when neither sent a version', async () => {
    const appeal = await dispatched();
    const answers = await Promise.all([
      act(t, first, appeal.id, 'accept', {}),
      act(t, second, appeal.id, 'accept', {}),
    ]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409]);
    const loser = answers.find((a) => a.statusCode === 409)!;
    // Depending on timing the loser saw the old version (conflict) or the new state (not allowed).
    expect(['APPEAL_VERSION_CONFLICT', 'APPEAL_TRANSITION_NOT_ALLOWED']).toContain(errorCode(loser));
    expect(await acceptEvents(appeal.id)).toHaveLength(1);
  });
});

describe('the version guard on PostgreSQL (READ COMMITTED)', () => {
  it.skipIf(process.env.DATABASE_URL === undefined)(
    'makes a transaction that read before the other committed lose at its UPDATE, writing nothing',
    async () => {
      const appeal = await dispatched();
      const actorOf = async (session: Session): Promise<ActorContext> => {
        const token = session.cookie.replace('hz_session=', '');
        return (await resolveSession(t.deps, token))!.actor;
      };
      const [one, two] = [await actorOf(first), await actorOf(second)];
      const { db } = t.deps.database;

      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let firstDone!: () => void;
      const firstActed = new Promise<void>((resolve) => (firstDone = resolve));
      // The first transaction accepts and holds its row lock until released.
      const winner = db.transaction(async (tx) => {
        await performAppealActionIn(tx, t.deps, one, appeal.id, 'accept', {}, null);
        firstDone();
        await gate;
      });
      await firstActed;
      // The second reads the appeal (still 'dispatched', the old version) and blocks at its UPDATE.
      const loser = db
        .transaction((tx) => performAppealActionIn(tx, t.deps, two, appeal.id, 'accept', {}, null))
        .then(
          () => null,
          (error: unknown) => error,
        );
      for (let i = 0; i < 200; i++) {
        const waiting = await db.execute<{ n: number }>(
          sql`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`,
        );
        if (waiting.rows[0]!.n > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      release();
      await winner;
      const error = await loser;
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('APPEAL_VERSION_CONFLICT');
      expect(await acceptEvents(appeal.id)).toHaveLength(1);
    },
  );
});
