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
  it('gives a resident only home and account', () => {
    expect(navFor(resident)).toEqual(['home', 'account']);
  });
  it('gives a dispatcher the territory and unit pages', () => {
    expect(navFor(street1Dispatcher)).toEqual(['home', 'territories', 'units', 'account']);
  });
  it('gives an admin the user and audit pages', () => {
    expect(navFor(cityAdmin)).toEqual([
      'home',
      'territories',
      'territoryImport',
      'units',
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
