import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TWhistleDetail, TWhistleList } from '@huizhi/contracts';
import { call, createTestApp, loginAs, type Session, type TestContext } from '../../test/harness.ts';
import { UNITS } from '../modules/appeals/appeal-test-helpers.ts';

let t: TestContext;
let dispatcher: Session;

beforeAll(async () => {
  t = await createTestApp();
  dispatcher = await loginAs(t.app, 'dispatcher');
});
afterAll(async () => t.close());

describe('demo whistles', () => {
  it('shows 和平街道 a whistle in each stage, with the late and the missing department', async () => {
    const list = (await call(t.app, dispatcher, 'GET', '/api/v1/whistles?open=false').then((r) =>
      r.json(),
    )) as TWhistleList;
    const byState = new Map(list.items.map((w) => [w.state, w]));
    expect([...byState.keys()].sort()).toEqual(['closed', 'handling', 'summoning']);

    const summoning = byState.get('summoning')!;
    expect(summoning).toMatchObject({ urgency: 'urgent', summoned: 2, checkedIn: 1, late: 1, missing: 1 });
    const detail = (await call(t.app, dispatcher, 'GET', `/api/v1/whistles/${summoning.id}`).then((r) =>
      r.json(),
    )) as TWhistleDetail;
    expect(detail.summons.map((s) => [s.unit.id, s.role, s.state, s.late])).toEqual([
      [UNITS.zjw, 'lead', 'missed', false],
      [UNITS.cgzf, 'assisting', 'checkedIn', true],
    ]);
    expect(detail.events.map((e) => e.type)).toEqual(['blown', 'checkIn', 'markMissed']);

    const handling = (await call(
      t.app,
      dispatcher,
      'GET',
      `/api/v1/whistles/${byState.get('handling')!.id}`,
    ).then((r) => r.json())) as TWhistleDetail;
    expect(handling.ladder.map((r) => r.level)).toEqual(['grid', 'community']);

    const closed = byState.get('closed')!;
    expect(closed.appeal).not.toBeNull();
    expect(closed).toMatchObject({ summoned: 2, checkedIn: 2, late: 0, missing: 0 });
  });

  it('lets the second department sign in and find its summonses in its inbox', async () => {
    const housing = await loginAs(t.app, 'housingHandler');
    const inbox = (await call(t.app, housing, 'GET', '/api/v1/whistles?view=inbox').then((r) =>
      r.json(),
    )) as TWhistleList;
    expect(inbox.items.map((w) => w.mySummons?.unit.id)).toEqual([UNITS.zjw, UNITS.zjw]);
  });
});
