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

describe('whistles (吹哨报到)', () => {
  // Grids G1 and G2 in community K1; a district government path D2 beside D1.
  const G1 = '/c/d1/s1/k1/g1/';
  const G2 = '/c/d1/s1/k1/g2/';
  const D2 = '/c/d2/';
  const whistle = (territoryPath: string, unitIds: string[] = [], blowerUnitId: string | null = null) =>
    ({ kind: 'whistle', territoryPath, unitIds, blowerUnitId }) as const;
  const gridWorker: Actor = {
    userId: 'g',
    assignments: [{ role: 'gridWorker', scope: { kind: 'territory', territoryId: 'g1', path: G1 } }],
  };
  const cityAssessor: Actor = {
    userId: 'a',
    assignments: [{ role: 'assessor', scope: { kind: 'territory', territoryId: 'c', path: C } }],
  };
  const cityOperator: Actor = {
    userId: 'o',
    assignments: [{ role: 'operator', scope: { kind: 'territory', territoryId: 'c', path: C } }],
  };
  // The lead of street S1's office (街道办事处): a unit serving the street.
  const streetOfficeLead: Actor = {
    userId: 'l',
    assignments: [{ role: 'unitLead', scope: { kind: 'unit', unitId: 'office1', territoryPath: S1 } }],
  };

  it.each([
    // A department's handler (unitA serves the whole district D1).
    [
      'handler reads a whistle summoning its unit',
      handler,
      'whistle.read',
      whistle(K1, ['unitA', 'unitB']),
      true,
    ],
    [
      'handler responds to a whistle summoning its unit',
      handler,
      'whistle.respond',
      whistle(K1, ['unitA']),
      true,
    ],
    [
      'handler reads a summons to its unit outside its area',
      handler,
      'whistle.read',
      whistle(D2, ['unitA']),
      true,
    ],
    ['handler reads a whistle its unit blew', handler, 'whistle.read', whistle(K1, ['unitB'], 'unitA'), true],
    [
      'handler responds to a whistle its unit blew',
      handler,
      'whistle.respond',
      whistle(K1, ['unitB'], 'unitA'),
      true,
    ],
    [
      'handler does not read another unit’s whistle in its district',
      handler,
      'whistle.read',
      whistle(K1, ['unitB']),
      false,
    ],
    [
      'handler does not respond to another unit’s whistle in its district',
      handler,
      'whistle.respond',
      whistle(K1, ['unitB']),
      false,
    ],
    [
      'handler does not respond to a whistle summoning nobody',
      handler,
      'whistle.respond',
      whistle(D1),
      false,
    ],
    ['handler does not blow whistles', handler, 'whistle.blow', whistle(K1), false],
    [
      'handler does not configure check-in limits',
      handler,
      'whistle.configure',
      whistle(K1, ['unitA']),
      false,
    ],
    // A street dispatcher (the street's 吹哨 desk).
    ['street dispatcher blows in its street', street1Dispatcher, 'whistle.blow', whistle(K1), true],
    ['street dispatcher blows at the street itself', street1Dispatcher, 'whistle.blow', whistle(S1), true],
    [
      'street dispatcher reads whistles in its street',
      street1Dispatcher,
      'whistle.read',
      whistle(G1, ['unitB']),
      true,
    ],
    [
      'street dispatcher does not blow in a sibling street',
      street1Dispatcher,
      'whistle.blow',
      whistle(S2),
      false,
    ],
    [
      'street dispatcher does not read a sibling street’s whistles',
      street1Dispatcher,
      'whistle.read',
      whistle(S2, ['unitA']),
      false,
    ],
    [
      'street dispatcher does not blow at district level',
      street1Dispatcher,
      'whistle.blow',
      whistle(D1),
      false,
    ],
    [
      'street dispatcher does not respond',
      street1Dispatcher,
      'whistle.respond',
      whistle(K1, ['unitA']),
      false,
    ],
    // A grid worker blows inside its grid only (小事不出网格).
    ['grid worker blows in its grid', gridWorker, 'whistle.blow', whistle(G1), true],
    ['grid worker reads in its grid', gridWorker, 'whistle.read', whistle(G1, ['unitA']), true],
    ['grid worker does not blow in a neighbouring grid', gridWorker, 'whistle.blow', whistle(G2), false],
    ['grid worker does not blow at its community', gridWorker, 'whistle.blow', whistle(K1), false],
    ['grid worker does not read a neighbouring grid', gridWorker, 'whistle.read', whistle(G2), false],
    ['grid worker does not respond', gridWorker, 'whistle.respond', whistle(G1), false],
    // Assessors and operators read city-wide and change nothing.
    ['assessor reads any whistle in the city', cityAssessor, 'whistle.read', whistle(D2, ['unitZ']), true],
    ['assessor reads a grid’s whistle', cityAssessor, 'whistle.read', whistle(G1), true],
    ['assessor does not blow', cityAssessor, 'whistle.blow', whistle(G1), false],
    ['assessor does not respond', cityAssessor, 'whistle.respond', whistle(G1, ['unitA']), false],
    ['operator reads any whistle in the city', cityOperator, 'whistle.read', whistle(G2), true],
    ['operator does not blow', cityOperator, 'whistle.blow', whistle(G2), false],
    // The street office's lead: blows over its street, reads what its office blew or was summoned to.
    ['street office lead blows in its street', streetOfficeLead, 'whistle.blow', whistle(G1), true],
    [
      'street office lead does not blow in another street',
      streetOfficeLead,
      'whistle.blow',
      whistle(S2),
      false,
    ],
    [
      'street office lead reads a whistle its office blew',
      streetOfficeLead,
      'whistle.read',
      whistle(K1, ['unitA'], 'office1'),
      true,
    ],
    [
      'street office lead responds when its office is summoned',
      streetOfficeLead,
      'whistle.respond',
      whistle(S2, ['office1']),
      true,
    ],
    [
      'street office lead does not read others’ whistles by area',
      streetOfficeLead,
      'whistle.read',
      whistle(K1, ['unitA']),
      false,
    ],
    [
      'street office lead does not respond by area',
      streetOfficeLead,
      'whistle.respond',
      whistle(K1, ['unitA']),
      false,
    ],
    [
      'street office lead does not configure',
      streetOfficeLead,
      'whistle.configure',
      whistle(K1, [], 'office1'),
      false,
    ],
    ['city admin configures', cityAdmin, 'whistle.configure', whistle(K1), true],
  ] as const)('%s', (_name, actor, action, subject, expected) => {
    expect(can(actor, action, subject)).toBe(expected);
  });

  it('filters a unit’s whistle reads and responses by its unit, never by the area it serves', () => {
    for (const action of ['whistle.read', 'whistle.respond'] as const) {
      expect(scopeFilter(handler, action)).toEqual({ territoryPaths: [], unitIds: ['unitA'] });
      expect(scopeFilter(streetOfficeLead, action)).toEqual({ territoryPaths: [], unitIds: ['office1'] });
    }
    // Blowing is over the office's area (the service also checks that the unit is a street or community office).
    expect(scopeFilter(streetOfficeLead, 'whistle.blow')).toEqual({ territoryPaths: [S1], unitIds: [] });
  });

  it('filters territory roles by their subtree and gives them nothing to respond to', () => {
    expect(scopeFilter(street1Dispatcher, 'whistle.read')).toEqual({ territoryPaths: [S1], unitIds: [] });
    expect(scopeFilter(street1Dispatcher, 'whistle.blow')).toEqual({ territoryPaths: [S1], unitIds: [] });
    expect(scopeFilter(street1Dispatcher, 'whistle.respond')).toEqual({ territoryPaths: [], unitIds: [] });
    expect(scopeFilter(gridWorker, 'whistle.blow')).toEqual({ territoryPaths: [G1], unitIds: [] });
    expect(scopeFilter(cityAssessor, 'whistle.read')).toEqual({ territoryPaths: [C], unitIds: [] });
    expect(scopeFilter(cityAssessor, 'whistle.respond')).toEqual({ territoryPaths: [], unitIds: [] });
  });

  it('lets only administrators set the check-in limits', () => {
    const configurers = ROLES.filter((role) =>
      grantedActions({
        userId: 'r',
        assignments: [{ role, scope: { kind: 'territory', territoryId: 'c', path: C } }],
      }).includes('whistle.configure'),
    );
    expect(configurers).toEqual(['admin']);
  });

  it('gives residents no whistle action, even over their own records', () => {
    expect(can(resident, 'whistle.read', whistle(K1))).toBe(false);
    expect(grantedActions(resident).filter((action) => action.startsWith('whistle.'))).toEqual([]);
  });

  it('shows the board to whistlers and the inbox to summoned units', () => {
    expect(navFor(handler)).toContain('whistleInbox');
    expect(navFor(handler)).not.toContain('whistleBoard');
    expect(navFor(gridWorker)).toContain('whistleBoard');
    expect(navFor(gridWorker)).not.toContain('whistleInbox');
    expect(navFor(streetOfficeLead)).toEqual(
      expect.arrayContaining(['whistleBoard', 'whistleInbox', 'stewards']),
    );
    expect(navFor(cityAssessor)).not.toContain('whistleBoard');
  });
});

describe('the steward chain (院长长制)', () => {
  const streetOfficeLead: Actor = {
    userId: 'l',
    assignments: [{ role: 'unitLead', scope: { kind: 'unit', unitId: 'office1', territoryPath: S1 } }],
  };
  it.each([
    ['manages stewards of its street', S1, true],
    ['manages stewards of a community in its street', K1, true],
    ['manages stewards of a grid in its street', '/c/d1/s1/k1/g1/', true],
    ['does not manage a sibling street', S2, false],
    ['does not manage the district', D1, false],
  ] as const)('a street office’s lead %s', (_name, path, expected) => {
    expect(can(streetOfficeLead, 'steward.manage', territory(path))).toBe(expected);
  });
  it('is managed by unit leads and admins only', () => {
    const managers = ROLES.filter((role) =>
      grantedActions({
        userId: 'r',
        assignments: [{ role, scope: { kind: 'territory', territoryId: 'c', path: C } }],
      }).includes('steward.manage'),
    );
    expect(managers).toEqual(['unitLead', 'admin']);
    expect(can(street1Dispatcher, 'steward.manage', territory(K1))).toBe(false);
    expect(can(handler, 'steward.manage', territory(K1))).toBe(false);
  });
  it('lists the stewards page for a unit lead, and the task list only for named stewards', () => {
    // The demo's courtyard steward is a party member of the community.
    const partyMember: Actor = {
      userId: 'p',
      assignments: [{ role: 'partyMember', scope: { kind: 'territory', territoryId: 'k1', path: K1 } }],
    };
    expect(navFor(streetOfficeLead)).toContain('stewards');
    expect(navFor(streetOfficeLead)).not.toContain('stewardTasks');
    expect(navFor(partyMember)).not.toContain('stewardTasks');
    expect(navFor(partyMember, { steward: true })).toEqual([
      'home',
      'stewardTasks',
      'territories',
      'account',
    ]);
  });
});
