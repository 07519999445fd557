import { describe, expect, it } from 'vitest';
import { can, grantedActions, navFor, scopeFilter, type Actor, type Subject } from './access.ts';
import { ROLES } from './roles.ts';

// A small tree: city C; districts D1, D2; street S1 in D1, S2 in D1; community K1 in S1.
const C = '/c/';
const D1 = '/c/d1/';
const S1 = '/c/d1/s1/';
const S2 = '/c/d1/s2/';
const K1 = '/c/d1/s1/k1/';

const street1Dispatcher: Actor = {
  userId: 'u1',
  assignments: [{ role: 'dispatcher', scope: { kind: 'territory', territoryId: 's1', path: S1 } }],
};
const cityAdmin: Actor = {
  userId: 'u2',
  assignments: [{ role: 'admin', scope: { kind: 'territory', territoryId: 'c', path: C } }],
};
const streetAdmin: Actor = {
  userId: 'u5',
  assignments: [{ role: 'admin', scope: { kind: 'territory', territoryId: 's2', path: S2 } }],
};
const resident: Actor = { userId: 'u3', assignments: [{ role: 'resident', scope: { kind: 'self' } }] };
const handler: Actor = {
  userId: 'u4',
  assignments: [{ role: 'handler', scope: { kind: 'unit', unitId: 'unitA', territoryPath: D1 } }],
};

const territory = (path: string): Subject => ({ kind: 'territory', id: path, path });

describe('can', () => {
  it.each([
    ['street dispatcher reads own street', street1Dispatcher, 'territory.read', territory(S1), true],
    ['street dispatcher reads a community inside', street1Dispatcher, 'territory.read', territory(K1), true],
    [
      'street dispatcher cannot read a sibling street',
      street1Dispatcher,
      'territory.read',
      territory(S2),
      false,
    ],
    ['street dispatcher cannot read its district', street1Dispatcher, 'territory.read', territory(D1), false],
    [
      'street dispatcher cannot manage territory',
      street1Dispatcher,
      'territory.manage',
      territory(K1),
      false,
    ],
    ['city admin reads anything', cityAdmin, 'territory.read', territory(K1), true],
    ['resident reads no territory', resident, 'territory.read', territory(C), false],
    ['handler reads the area its unit serves', handler, 'territory.read', territory(K1), true],
    ['handler does not read outside its unit area', handler, 'territory.read', territory('/c/d2/'), false],
  ] as const)('%s', (_name, actor, action, subject, expected) => {
    expect(can(actor, action, subject)).toBe(expected);
  });

  it('lets a unit-scoped user read its own unit only', () => {
    expect(can(handler, 'unit.read', { kind: 'unit', id: 'unitA', territoryPath: D1 })).toBe(true);
    expect(can(handler, 'unit.read', { kind: 'unit', id: 'unitB', territoryPath: D1 })).toBe(false);
  });

  it('lets a territory-scoped user read units serving an overlapping area', () => {
    const districtDept = { kind: 'unit', id: 'dept', territoryPath: D1 } as const;
    const otherDistrictDept = { kind: 'unit', id: 'dept2', territoryPath: '/c/d2/' } as const;
    expect(can(street1Dispatcher, 'unit.read', districtDept)).toBe(true);
    expect(can(street1Dispatcher, 'unit.read', otherDistrictDept)).toBe(false);
  });

  it('lets everyone read their own user record and nobody else’s without user.read', () => {
    expect(can(resident, 'user.read', { kind: 'user', id: 'u3', scopePaths: [] })).toBe(true);
    expect(can(resident, 'user.read', { kind: 'user', id: 'u1', scopePaths: [S1] })).toBe(false);
    expect(can(resident, 'user.manage', { kind: 'user', id: 'u3', scopePaths: [] })).toBe(false);
  });

  it('keeps a street admin to users of its street', () => {
    expect(can(streetAdmin, 'user.read', { kind: 'user', id: 'x', scopePaths: [S2] })).toBe(true);
    expect(can(streetAdmin, 'user.read', { kind: 'user', id: 'x', scopePaths: [S1] })).toBe(false);
  });

  it('shows audit entries without a territory only to admins of the whole tree', () => {
    expect(can(cityAdmin, 'audit.read', { kind: 'auditEntry', scopePath: null })).toBe(true);
    expect(can(streetAdmin, 'audit.read', { kind: 'auditEntry', scopePath: null })).toBe(false);
    expect(can(streetAdmin, 'audit.read', { kind: 'auditEntry', scopePath: S2 })).toBe(true);
    expect(can(streetAdmin, 'audit.read', { kind: 'auditEntry', scopePath: S1 })).toBe(false);
  });
});

describe('appeals', () => {
  const appeal = (territoryPath: string, unitIds: string[] = [], appellantUserId: string | null = null) =>
    ({ kind: 'appeal', territoryPath, unitIds, appellantUserId }) as const;
  it.each([
    ['street dispatcher reads an appeal in its street', street1Dispatcher, 'appeal.read', appeal(K1), true],
    ['street dispatcher cannot read another street', street1Dispatcher, 'appeal.read', appeal(S2), false],
    ['street dispatcher dispatches in its street', street1Dispatcher, 'appeal.dispatch', appeal(S1), true],
    ['street dispatcher does not handle', street1Dispatcher, 'appeal.handle', appeal(S1, ['unitA']), false],
    [
      'handler reads an appeal assigned to its unit',
      handler,
      'appeal.read',
      appeal('/c/d2/', ['unitA']),
      true,
    ],
    ['handler handles an appeal assigned to its unit', handler, 'appeal.handle', appeal(K1, ['unitA']), true],
    [
      'handler cannot read an unassigned appeal in its area',
      handler,
      'appeal.read',
      appeal(K1, ['unitB']),
      false,
    ],
    ['handler does not dispatch', handler, 'appeal.dispatch', appeal(K1, ['unitA']), false],
    ['resident reads their own appeal', resident, 'appeal.read', appeal(K1, [], 'u3'), true],
    ['resident reviews their own appeal', resident, 'appeal.review', appeal(K1, [], 'u3'), true],
    ['resident cannot read someone else’s appeal', resident, 'appeal.read', appeal(K1, [], 'u9'), false],
    ['resident cannot dispatch their own appeal', resident, 'appeal.dispatch', appeal(K1, [], 'u3'), false],
    ['city admin imports', cityAdmin, 'appeal.import', appeal(K1), true],
  ] as const)('%s', (_name, actor, action, subject, expected) => {
    expect(can(actor, action, subject)).toBe(expected);
  });

  it('filters handlers by unit and residents by themselves', () => {
    expect(scopeFilter(handler, 'appeal.read')).toEqual({ territoryPaths: [], unitIds: ['unitA'] });
    expect(scopeFilter(resident, 'appeal.read')).toEqual({
      territoryPaths: [],
      unitIds: [],
      selfUserId: 'u3',
    });
    expect(scopeFilter(resident, 'appeal.dispatch')).toEqual({ territoryPaths: [], unitIds: [] });
  });

  it('grants a resident appeal actions over their own records only', () => {
    expect(grantedActions(resident, 'scope')).toEqual([]);
    expect(grantedActions(resident, 'self')).toEqual(['appeal.create', 'appeal.read', 'appeal.review']);
  });
});

describe('scopeFilter', () => {
  it('is empty for an actor without the action', () => {
    expect(scopeFilter(resident, 'territory.read')).toEqual({ territoryPaths: [], unitIds: [] });
  });

  it('merges nested paths into the widest one', () => {
    const actor: Actor = {
      userId: 'x',
      assignments: [
        { role: 'dispatcher', scope: { kind: 'territory', territoryId: 'k1', path: K1 } },
        { role: 'assessor', scope: { kind: 'territory', territoryId: 'd1', path: D1 } },
        { role: 'gridWorker', scope: { kind: 'territory', territoryId: 's2', path: S2 } },
      ],
    };
    expect(scopeFilter(actor, 'territory.read')).toEqual({ territoryPaths: [D1], unitIds: [] });
  });

  it('gives unit-scoped users their unit for units and its area for territories', () => {
    expect(scopeFilter(handler, 'unit.read')).toEqual({ territoryPaths: [], unitIds: ['unitA'] });
    expect(scopeFilter(handler, 'territory.read')).toEqual({ territoryPaths: [D1], unitIds: [] });
  });
});

describe('navFor', () => {
  it('gives a resident home, their own appeals and account', () => {
    expect(navFor(resident)).toEqual(['home', 'myAppeals', 'account']);
  });
  it('gives a dispatcher the appeal queues, territory and unit pages', () => {
    expect(navFor(street1Dispatcher)).toEqual([
      'home',
      'appeals',
      'whistleBoard',
      'territories',
      'units',
      'account',
    ]);
  });
  it('gives the steward task list only to people named as stewards', () => {
    expect(navFor(street1Dispatcher)).not.toContain('stewardTasks');
    expect(navFor(street1Dispatcher, { steward: true })).toContain('stewardTasks');
  });
  it('gives an admin every page except the resident portal', () => {
    expect(navFor(cityAdmin)).toEqual([
      'home',
      'appeals',
      'appealIntake',
      'appealImport',
      'whistleBoard',
      'whistleInbox',
      'stewards',
      'territories',
      'territoryImport',
      'units',
      'categories',
      'calendar',
      'users',
      'audit',
      'account',
    ]);
  });
  it('has an entry for every role', () => {
    for (const role of ROLES) {
      const actor: Actor = {
        userId: 'r',
        assignments: [{ role, scope: { kind: 'territory', territoryId: 'c', path: C } }],
      };
      expect(navFor(actor)).toContain('home');
      expect(grantedActions(actor).length).toBeGreaterThanOrEqual(0);
    }
  });
});
