import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createTestApp,
  errorCode,
  loginAs,
  type Session,
  type TestContext,
} from '../../../test/harness.ts';
import { buildUser, territoryByCode } from '../../../test/factories.ts';
import { auditLog } from '../../db/schema.ts';
import { stableId } from '../../seed/demo.ts';

let t: TestContext;
let gridWorker: Session; // 东湖社区第1网格 (ledger.read, ledger.manage, personalData.readFull)
let admin: Session; // whole city, every action
const DONGHU = stableId('territory:990101001001');
const XIYUAN = stableId('territory:990101001002');
const HEPING_STREET = stableId('territory:990101001000');
const DONGHU_G1 = stableId('territory:990101001001G01');
const DONGHU_G2 = stableId('territory:990101001001G02');

interface HouseholdItem {
  id: string;
  territoryId: string;
  tags: string[];
  residentCount: number;
}
interface ResidentItem {
  id: string;
  name: string;
  phone: string | null;
  phoneMasked: boolean;
  idNumber: string | null;
  idNumberMasked: boolean;
  tags: string[];
}

async function householdsOf(session: Session, query = ''): Promise<HouseholdItem[]> {
  const response = await call(t.app, session, 'GET', `/api/v1/ledger/households?limit=500${query}`);
  expect(response.statusCode).toBe(200);
  return response.json().items;
}

async function residentsOf(session: Session, householdId: string): Promise<ResidentItem[]> {
  const response = await call(t.app, session, 'GET', `/api/v1/ledger/households/${householdId}`);
  expect(response.statusCode).toBe(200);
  return response.json().residents;
}

/** The demo household of 东湖社区第1网格 whose head carries the sensitive 'petitioner' tag. */
async function sensitiveHousehold(): Promise<string> {
  const items = await householdsOf(admin, `&tag=petitioner&territoryId=${DONGHU_G1}`);
  expect(items).toHaveLength(1);
  return items[0]!.id;
}

beforeAll(async () => {
  t = await createTestApp();
  gridWorker = await loginAs(t.app, 'gridWorker');
  admin = await loginAs(t.app, 'admin');
});
afterAll(async () => t.close());

describe('ledger scope', () => {
  it('lists only the households of the grid worker’s own grid', async () => {
    const own = await householdsOf(gridWorker);
    expect(own.length).toBe(5);
    expect(own.every((h) => h.territoryId === DONGHU_G1)).toBe(true);
    const all = await householdsOf(admin);
    expect(all.length).toBeGreaterThanOrEqual(50);
  });

  it('refuses a ledger read by a user of another community: 404, and nothing in lists', async () => {
    const xiyuan = await territoryByCode(t.deps, '990101001002');
    const outsider = await buildUser(t.deps, { role: 'gridWorker', territory: xiyuan });
    const session = await loginAs(t.app, outsider.username, outsider.password);
    const donghuHousehold = (await householdsOf(admin, `&territoryId=${DONGHU}`))[0]!;
    const read = await call(t.app, session, 'GET', `/api/v1/ledger/households/${donghuHousehold.id}`);
    expect(read.statusCode).toBe(404);
    expect(errorCode(read)).toBe('NOT_FOUND');
    const missing = await call(
      t.app,
      session,
      'GET',
      '/api/v1/ledger/households/00000000-0000-4000-8000-000000000000',
    );
    expect(missing.json()).toEqual(read.json());
    const listed = await householdsOf(session, `&territoryId=${DONGHU}`);
    expect(listed).toEqual([]);
    expect((await householdsOf(session)).every((h) => h.id !== donghuHousehold.id)).toBe(true);
    const residentId = (await residentsOf(admin, donghuHousehold.id))[0]!.id;
    const reveal = await call(t.app, session, 'POST', `/api/v1/ledger/residents/${residentId}/reveal`, {
      fields: ['phone'],
      reason: '核实联系方式',
    });
    expect(reveal.statusCode).toBe(404);
    const patch = await call(t.app, session, 'PATCH', `/api/v1/ledger/residents/${residentId}`, {
      relation: '户主',
    });
    expect(patch.statusCode).toBe(404);
    const summary = await call(t.app, session, 'GET', `/api/v1/ledger/summary?parentId=${DONGHU}`);
    expect(summary.statusCode).toBe(404);
  });

  it('refuses roles without the ledger at all', async () => {
    const dispatcher = await loginAs(t.app, 'dispatcher');
    expect((await call(t.app, dispatcher, 'GET', '/api/v1/ledger/households')).statusCode).toBe(403);
    const household = (await householdsOf(admin, `&territoryId=${DONGHU_G1}`))[0]!;
    expect(
      (await call(t.app, dispatcher, 'GET', `/api/v1/ledger/households/${household.id}`)).statusCode,
    ).toBe(404);
  });
});

describe('masking and reveal', () => {
  it('masks phone and ID number by default, for the admin too', async () => {
    for (const session of [gridWorker, admin]) {
      const household = (await householdsOf(session, `&territoryId=${DONGHU_G1}`))[0]!;
      for (const resident of await residentsOf(session, household.id)) {
        expect(resident.phone).toMatch(/^138\*{4}\d{4}$/);
        expect(resident.phoneMasked).toBe(true);
        expect(resident.idNumber).toMatch(/^990101\*{8}[0-9X]{4}$/);
        expect(resident.idNumberMasked).toBe(true);
      }
    }
  });

  it('requires a reason to reveal', async () => {
    const household = (await householdsOf(gridWorker))[0]!;
    const resident = (await residentsOf(gridWorker, household.id))[0]!;
    const url = `/api/v1/ledger/residents/${resident.id}/reveal`;
    for (const body of [
      { fields: ['phone'] },
      { fields: ['phone'], reason: ' ' },
      { fields: ['phone'], reason: 'x' },
      { fields: [], reason: '回访诉求人' },
      { fields: ['email'], reason: '回访诉求人' },
    ]) {
      const response = await call(t.app, gridWorker, 'POST', url, body);
      expect(response.statusCode).toBe(400);
      expect(errorCode(response)).toBe('VALIDATION_FAILED');
    }
  });

  it('reveals full values and logs the actor, the fields and the reason, never the value', async () => {
    const household = (await householdsOf(gridWorker))[0]!;
    const resident = (await residentsOf(gridWorker, household.id))[0]!;
    const response = await call(t.app, gridWorker, 'POST', `/api/v1/ledger/residents/${resident.id}/reveal`, {
      fields: ['phone', 'idNumber'],
      reason: '入户走访前电话联系',
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.residentId).toBe(resident.id);
    expect(body.phone).toMatch(/^138\d{8}$/);
    expect(body.idNumber).toMatch(/^990101\d{11}[0-9X]$/);
    expect(body.phone.slice(-4)).toBe(resident.phone!.slice(-4));

    const phoneOnly = await call(
      t.app,
      gridWorker,
      'POST',
      `/api/v1/ledger/residents/${resident.id}/reveal`,
      { fields: ['phone'], reason: '再次联系' },
    );
    expect(phoneOnly.json()).toEqual({ residentId: resident.id, phone: body.phone });

    const entries = await t.deps.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'personalData.reveal'), eq(auditLog.entityId, resident.id)))
      .orderBy(desc(auditLog.id));
    expect(entries).toHaveLength(2);
    const first = entries[1]!;
    expect(first.actorId).toBe(gridWorker.userId);
    expect(first.entityType).toBe('resident');
    expect(first.scopePath).toContain(DONGHU_G1);
    expect(first.details).toMatchObject({ fields: ['phone', 'idNumber'], reason: '入户走访前电话联系' });
    const logged = JSON.stringify(entries);
    expect(logged).not.toContain(body.phone);
    expect(logged).not.toContain(body.idNumber);
    // Reading the household again stays masked.
    expect((await residentsOf(gridWorker, household.id))[0]!.phoneMasked).toBe(true);
  });
});

describe('sensitive tags', () => {
  it('hides sensitive tags from the demo grid worker and shows them to the admin', async () => {
    const id = await sensitiveHousehold();
    const workerView = await residentsOf(gridWorker, id);
    const adminView = await residentsOf(admin, id);
    expect(adminView.flatMap((r) => r.tags)).toContain('petitioner');
    expect(workerView.flatMap((r) => r.tags)).not.toContain('petitioner');
    expect(workerView.map((r) => r.name)).toEqual(adminView.map((r) => r.name));
    const workerList = await householdsOf(gridWorker);
    for (const household of workerList) {
      expect(household.tags.filter((tag) => ['petitioner', 'mentalIllness'].includes(tag))).toEqual([]);
    }
  });

  it('refuses to filter by a sensitive tag without the permission', async () => {
    const response = await call(t.app, gridWorker, 'GET', '/api/v1/ledger/households?tag=mentalIllness');
    expect(response.statusCode).toBe(403);
    expect(await householdsOf(gridWorker, '&tag=elderlyAlone')).toHaveLength(1);
  });

  it('keeps sensitive tags a grid worker cannot see when they change the care tags', async () => {
    const id = await sensitiveHousehold();
    const target = (await residentsOf(admin, id)).find((r) => r.tags.includes('petitioner'))!;
    const patched = await call(t.app, gridWorker, 'PATCH', `/api/v1/ledger/residents/${target.id}`, {
      tags: ['veteran', 'disabled'],
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().tags).toEqual(['disabled', 'veteran']);
    const afterAdmin = (await residentsOf(admin, id)).find((r) => r.id === target.id)!;
    expect(afterAdmin.tags).toEqual(['disabled', 'veteran', 'petitioner']);
    const refused = await call(t.app, gridWorker, 'PATCH', `/api/v1/ledger/residents/${target.id}`, {
      tags: ['communityCorrection'],
    });
    expect(refused.statusCode).toBe(403);
  });
});

describe('ledger summary', () => {
  it('counts per child in one answer, with sensitive counts only for the admin', async () => {
    const response = await call(t.app, admin, 'GET', `/api/v1/ledger/summary?parentId=${DONGHU}`);
    expect(response.statusCode).toBe(200);
    const items = response.json().items as {
      territoryId: string;
      households: number;
      residents: number;
      careGroups: Record<string, number>;
    }[];
    expect(items).toHaveLength(5);
    expect(items.map((i) => i.households)).toEqual([5, 5, 5, 5, 5]);
    const g1 = items.find((i) => i.territoryId === DONGHU_G1)!;
    expect(g1.careGroups.elderlyAlone).toBe(1);
    expect(g1.careGroups.petitioner).toBe(1);
    expect(g1.careGroups.mentalIllness).toBe(1);

    const worker = await call(t.app, gridWorker, 'GET', `/api/v1/ledger/summary?parentId=${DONGHU}`);
    const workerItems = worker.json().items;
    expect(workerItems).toHaveLength(1);
    expect(workerItems[0]).toMatchObject({ territoryId: DONGHU_G1, households: g1.households });
    expect(Object.keys(workerItems[0].careGroups).sort()).toEqual(
      ['disabled', 'elderlyAlone', 'leftBehindChild', 'lowIncome', 'pregnant', 'veteran'].sort(),
    );
    expect(JSON.stringify(worker.json())).not.toMatch(/petitioner|mentalIllness|communityCorrection/);
  });

  it('sums communities of a street, zero where there is no ledger', async () => {
    const response = await call(t.app, admin, 'GET', `/api/v1/ledger/summary?parentId=${HEPING_STREET}`);
    const items = response.json().items as { territoryId: string; households: number; residents: number }[];
    expect(items).toHaveLength(4);
    expect(items.find((i) => i.territoryId === DONGHU)!.households).toBeGreaterThanOrEqual(25);
    expect(items.find((i) => i.territoryId === XIYUAN)!.households).toBe(25);
    expect(items.filter((i) => i.households === 0)).toHaveLength(2);
    expect(items.every((i) => i.residents >= i.households)).toBe(true);
  });

  it('validates the parent', async () => {
    const bad = await call(t.app, admin, 'GET', '/api/v1/ledger/summary?parentId=nope');
    expect(bad.statusCode).toBe(400);
    const missing = await call(
      t.app,
      admin,
      'GET',
      '/api/v1/ledger/summary?parentId=00000000-0000-4000-8000-000000000000',
    );
    expect(missing.statusCode).toBe(404);
  });
});

describe('writing the ledger', () => {
  it('lets the grid worker record households and residents in their grid only, audited', async () => {
    const created = await call(t.app, gridWorker, 'POST', '/api/v1/ledger/households', {
      territoryId: DONGHU_G1,
      address: '东湖小区9号楼1单元101室',
    });
    expect(created.statusCode).toBe(201);
    const household = created.json();
    expect(household).toMatchObject({ territoryId: DONGHU_G1, residentCount: 0, residents: [] });

    const elsewhere = await call(t.app, gridWorker, 'POST', '/api/v1/ledger/households', {
      territoryId: DONGHU_G2,
      address: '东湖小区9号楼1单元102室',
    });
    expect(elsewhere.statusCode).toBe(403);
    const community = await call(t.app, admin, 'POST', '/api/v1/ledger/households', {
      territoryId: DONGHU,
      address: '东湖小区9号楼1单元103室',
    });
    expect(community.statusCode).toBe(400);

    const resident = await call(
      t.app,
      gridWorker,
      'POST',
      `/api/v1/ledger/households/${household.id}/residents`,
      {
        name: '测试居民',
        gender: 'female',
        birthYear: 1941,
        phone: '13899990000',
        idNumber: '99010119410101002x',
        tags: ['elderlyAlone'],
      },
    );
    expect(resident.statusCode).toBe(201);
    expect(resident.json()).toMatchObject({
      phone: '138****0000',
      idNumber: '990101********002X',
      tags: ['elderlyAlone'],
    });

    const sensitive = await call(
      t.app,
      gridWorker,
      'POST',
      `/api/v1/ledger/households/${household.id}/residents`,
      { name: '测试二', tags: ['drugRehabilitation'] },
    );
    expect(sensitive.statusCode).toBe(403);

    const entries = await t.deps.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.entityId, resident.json().id));
    expect(entries.map((e) => e.action)).toEqual(['resident.create']);
    expect(JSON.stringify(entries)).not.toContain('13899990000');
    const householdAudit = await t.deps.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.entityId, household.id));
    expect(householdAudit.map((e) => e.action)).toEqual(['household.create']);
  });

  it('validates bodies', async () => {
    const household = (await householdsOf(gridWorker))[0]!;
    const url = `/api/v1/ledger/households/${household.id}/residents`;
    for (const body of [
      {},
      { name: '' },
      { name: '某', idNumber: '12345' },
      { name: '某', tags: ['vip'] },
      { name: '某', tags: ['veteran', 'veteran'] },
      { name: '某', phone: 'call me' },
    ]) {
      const response = await call(t.app, gridWorker, 'POST', url, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(errorCode(response)).toBe('VALIDATION_FAILED');
    }
    const resident = (await residentsOf(gridWorker, household.id))[0]!;
    const empty = await call(t.app, gridWorker, 'PATCH', `/api/v1/ledger/residents/${resident.id}`, {});
    expect(empty.statusCode).toBe(400);
    const badHousehold = await call(t.app, gridWorker, 'POST', '/api/v1/ledger/households', {
      territoryId: DONGHU_G1,
      address: '',
    });
    expect(badHousehold.statusCode).toBe(400);
  });
});
