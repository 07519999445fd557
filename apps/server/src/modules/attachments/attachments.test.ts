import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { ZAttachment } from '@huizhi/contracts';
import {
  call,
  createTestApp,
  errorCode,
  loginAs,
  type Session,
  type TestContext,
} from '../../../test/harness.ts';
import { buildAppeal, buildTerritory, buildUser, territoryByCode } from '../../../test/factories.ts';
import { stableId } from '../../seed/demo.ts';
import { attachments } from '../../db/schema.ts';
import { linkAttachmentsToAppeal } from './attachments.repository.ts';
import { parseByteRange } from './attachments.service.ts';
import { startFakeS3, type FakeS3 } from './fake-s3.testing.ts';
import { LocalFileStore } from './file-store.ts';
import { multipartForm, SAMPLE_FILES, type FormFile } from './multipart-form.testing.ts';

const HANDLER_UNIT = stableId('unit:dept:990101:cgzf'); // 明德区城市管理综合执法局
const DONGHU_GRID = '990101001001G01'; // 东湖社区第1网格 (和平街道)

function upload(t: TestContext, session: Session, file: FormFile, fields: Record<string, string> = {}) {
  const form = multipartForm(fields, file);
  return call(t.app, session, 'POST', '/api/v1/attachments', form.payload, form.headers);
}

describe('parseByteRange', () => {
  it.each([
    ['bytes=0-99', 1000, { start: 0, end: 99 }],
    ['bytes=900-', 1000, { start: 900, end: 999 }],
    ['bytes=-100', 1000, { start: 900, end: 999 }],
    ['bytes=-5000', 1000, { start: 0, end: 999 }],
    ['bytes=990-2000', 1000, { start: 990, end: 999 }],
    ['bytes=999-999', 1000, { start: 999, end: 999 }],
    [undefined, 1000, null],
    ['bytes=1000-', 1000, null],
    ['bytes=5-4', 1000, null],
    ['bytes=-', 1000, null],
    ['bytes=0-1,5-9', 1000, null],
    ['items=0-1', 1000, null],
    ['bytes=0-1', 0, null],
  ])('%s of %i bytes', (header, size, expected) => {
    expect(parseByteRange(header, size)).toEqual(expected);
  });
});

describe('attachments on the local disk', () => {
  let t: TestContext;
  let dir: string;
  let resident: Session;
  let handler: Session;
  let dispatcher: Session;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'huizhi-attachments-'));
    t = await createTestApp({ HUIZHI_FILES_DIR: dir });
    resident = await loginAs(t.app, 'resident');
    handler = await loginAs(t.app, 'handler');
    dispatcher = await loginAs(t.app, 'dispatcher');
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores a resident’s picture under a random key and gives it back to them with safe headers', async () => {
    const response = await upload(
      t,
      resident,
      {
        name: '..\\..\\现场\u202E照片.png',
        contentType: 'application/octet-stream',
        content: SAMPLE_FILES.png,
      },
      { purpose: 'intake' },
    );
    expect(response.statusCode).toBe(201);
    const body = ZAttachment.parse(response.json());
    expect(body).toMatchObject({
      fileName: '现场照片.png',
      contentType: 'image/png',
      kind: 'image',
      size: SAMPLE_FILES.png.length,
      purpose: 'intake',
      url: `/api/v1/attachments/${body.id}`,
    });

    const [row] = await t.deps.database.db.select().from(attachments).where(eq(attachments.id, body.id));
    expect(row).toMatchObject({ appealId: null, uploadedBy: resident.userId });
    expect(row!.storageKey).toMatch(/^attachments\/\d{4}-\d{2}\/[0-9a-f-]{36}$/);
    expect(row!.sha256).toBe(createHash('sha256').update(SAMPLE_FILES.png).digest('hex'));
    expect(readFileSync(new LocalFileStore(dir).pathOf(row!.storageKey))).toEqual(SAMPLE_FILES.png);

    const download = await call(t.app, resident, 'GET', body.url);
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload).toEqual(SAMPLE_FILES.png);
    expect(download.headers).toMatchObject({
      'content-type': 'image/png',
      'x-content-type-options': 'nosniff',
      'cache-control': 'private',
      'content-length': String(SAMPLE_FILES.png.length),
    });
    expect(download.headers['accept-ranges']).toBe('bytes');
    expect(download.headers['content-disposition']).toBe(
      `inline; filename="____.png"; filename*=UTF-8''%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87.png`,
    );
  });

  it('serves documents as downloads and takes voice and video from handlers', async () => {
    const pdf = await upload(
      t,
      handler,
      { name: '整改报告.pdf', contentType: 'application/pdf', content: SAMPLE_FILES.pdf },
      { purpose: 'evidence' },
    );
    expect(pdf.statusCode).toBe(201);
    expect(pdf.json()).toMatchObject({
      kind: 'document',
      contentType: 'application/pdf',
      purpose: 'evidence',
    });
    const download = await call(t.app, handler, 'GET', pdf.json<{ url: string }>().url);
    expect(download.headers['content-disposition']).toMatch(/^attachment; /);

    const voice = await upload(t, resident, {
      name: 'voice.amr',
      contentType: 'audio/amr',
      content: SAMPLE_FILES.amr,
    });
    expect(voice.json()).toMatchObject({ kind: 'audio', contentType: 'audio/amr', purpose: 'intake' });
    const video = await upload(t, handler, {
      name: 'clip',
      contentType: 'video/mp4',
      content: SAMPLE_FILES.mp4,
    });
    expect(video.json()).toMatchObject({ kind: 'video', contentType: 'video/mp4', fileName: 'clip' });
    const song = await upload(t, resident, {
      name: 'a.mp3',
      contentType: 'audio/mpeg',
      content: SAMPLE_FILES.mp3,
    });
    expect(song.json()).toMatchObject({ kind: 'audio', contentType: 'audio/mpeg' });

    // Phones' video players ask for byte ranges.
    const partial = await call(t.app, handler, 'GET', video.json<{ url: string }>().url, undefined, {
      range: 'bytes=4-11',
    });
    expect(partial.statusCode).toBe(206);
    expect(partial.rawPayload).toEqual(SAMPLE_FILES.mp4.subarray(4, 12));
    expect(partial.headers).toMatchObject({
      'content-range': `bytes 4-11/${SAMPLE_FILES.mp4.length}`,
      'content-length': '8',
      'content-type': 'video/mp4',
    });
    const head = await t.app.inject({
      method: 'HEAD',
      url: video.json<{ url: string }>().url,
      headers: { cookie: handler.cookie },
    });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-length']).toBe(String(SAMPLE_FILES.mp4.length));
    expect(head.rawPayload).toHaveLength(0);
    const unsatisfiable = await call(t.app, handler, 'GET', video.json<{ url: string }>().url, undefined, {
      range: 'bytes=999999-',
    });
    expect(unsatisfiable.statusCode).toBe(200);
    expect(unsatisfiable.rawPayload).toEqual(SAMPLE_FILES.mp4);
  });

  it('refuses files that are not what they claim, too large, empty, or not multipart', async () => {
    const storedFiles = async () => (await t.deps.database.db.select().from(attachments)).length;
    const filesOnDisk = () =>
      readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    const rowsBefore = await storedFiles();
    const filesBefore = filesOnDisk().length;
    const html = await upload(t, resident, {
      name: 'photo.png',
      contentType: 'image/png',
      content: SAMPLE_FILES.html,
    });
    expect(html.statusCode).toBe(415);
    expect(errorCode(html)).toBe('UNSUPPORTED_MEDIA_TYPE');

    // A picture one byte over 10 MB: refused as soon as it passes the limit of its kind.
    const big = Buffer.concat([
      SAMPLE_FILES.jpeg,
      Buffer.alloc(10 * 1024 * 1024 + 1 - SAMPLE_FILES.jpeg.length),
    ]);
    const tooBig = await upload(t, resident, { name: 'big.jpg', contentType: 'image/jpeg', content: big });
    expect(tooBig.statusCode).toBe(413);
    expect(errorCode(tooBig)).toBe('PAYLOAD_TOO_LARGE');
    expect(tooBig.json()).toMatchObject({
      error: { details: { kind: 'image', maxBytes: 10 * 1024 * 1024 } },
    });

    const empty = await upload(t, resident, {
      name: 'e.png',
      contentType: 'image/png',
      content: Buffer.alloc(0),
    });
    expect(errorCode(empty)).toBe('VALIDATION_FAILED');
    const wrongField = await upload(t, resident, {
      field: 'photo',
      name: 'a.png',
      contentType: 'image/png',
      content: SAMPLE_FILES.png,
    });
    expect(errorCode(wrongField)).toBe('VALIDATION_FAILED');
    const badPurpose = await upload(
      t,
      resident,
      { name: 'a.png', contentType: 'image/png', content: SAMPLE_FILES.png },
      { purpose: 'selfie' },
    );
    expect(errorCode(badPurpose)).toBe('VALIDATION_FAILED');
    const json = await call(t.app, resident, 'POST', '/api/v1/attachments', { file: 'x' });
    expect(json.statusCode).toBe(415);
    expect(errorCode(json)).toBe('UNSUPPORTED_MEDIA_TYPE');
    const two = multipartForm(
      {},
      { name: 'a.png', contentType: 'image/png', content: SAMPLE_FILES.png },
      { name: 'b.png', contentType: 'image/png', content: SAMPLE_FILES.png },
    );
    const twoFiles = await call(t.app, resident, 'POST', '/api/v1/attachments', two.payload, two.headers);
    expect(twoFiles.statusCode).toBe(413);
    expect(errorCode(twoFiles)).toBe('PAYLOAD_TOO_LARGE');
    // Refused uploads leave nothing behind: no row, no file, no half-written file.
    expect(await storedFiles()).toBe(rowsBefore);
    expect(filesOnDisk()).toHaveLength(filesBefore);

    // The same size as the refused picture is fine for a video (100 MB).
    const video = Buffer.concat([
      SAMPLE_FILES.mp4,
      Buffer.alloc(10 * 1024 * 1024 + 1 - SAMPLE_FILES.mp4.length),
    ]);
    expect(
      (await upload(t, resident, { name: 'v.mp4', contentType: 'video/mp4', content: video })).statusCode,
    ).toBe(201);
    expect(filesOnDisk()).toHaveLength(filesBefore + 1);
  });

  it('refuses uploads from people who neither raise nor handle appeals', async () => {
    const assessor = await loginAs(t.app, 'assessor');
    const response = await upload(t, assessor, {
      name: 'a.png',
      contentType: 'image/png',
      content: SAMPLE_FILES.png,
    });
    expect(response.statusCode).toBe(403);
    expect(errorCode(response)).toBe('FORBIDDEN');
    const anonymous = multipartForm(
      {},
      { name: 'a.png', contentType: 'image/png', content: SAMPLE_FILES.png },
    );
    const signedOut = await call(
      t.app,
      null,
      'POST',
      '/api/v1/attachments',
      anonymous.payload,
      anonymous.headers,
    );
    expect(signedOut.statusCode).toBe(401);
  });

  it('shows an attachment to its uploader and to readers of its appeal, and is 404 to everyone else', async () => {
    const response = await upload(t, resident, {
      name: 'pothole.jpg',
      contentType: 'image/jpeg',
      content: SAMPLE_FILES.jpeg,
    });
    const { id, url } = response.json<{ id: string; url: string }>();

    // Not tied to an appeal yet: only the uploader.
    expect((await call(t.app, dispatcher, 'GET', url)).statusCode).toBe(404);
    expect(errorCode(await call(t.app, handler, 'GET', url))).toBe('NOT_FOUND');

    const grid = await territoryByCode(t.deps, DONGHU_GRID);
    const appeal = await buildAppeal(t.deps, {
      territory: grid,
      unitId: HANDLER_UNIT,
      appellantUserId: resident.userId,
    });
    const linked = await linkAttachmentsToAppeal(t.deps.database.db, {
      attachmentIds: [id],
      uploadedBy: resident.userId,
      appealId: appeal.id,
    });
    expect(linked).toEqual([id]);

    // The street's dispatcher (territory scope), the assigned unit's handler, the appellant, a city operator.
    for (const reader of [dispatcher, handler, resident, await loginAs(t.app, 'operator')]) {
      expect((await call(t.app, reader, 'GET', url)).statusCode).toBe(200);
    }
    // A dispatcher of another street, a handler of a unit not assigned, another resident: 404.
    const elsewhere = await buildUser(t.deps, {
      role: 'dispatcher',
      territory: await buildTerritory(t.deps),
    });
    const otherUnitLead = await loginAs(t.app, 'unitLead'); // 和平街道办事处, not assigned
    const otherResident = await buildUser(t.deps, { role: 'resident', territory: grid });
    for (const outsider of [
      await loginAs(t.app, elsewhere.username, elsewhere.password),
      otherUnitLead,
      await loginAs(t.app, otherResident.username, otherResident.password),
    ]) {
      const answer = await call(t.app, outsider, 'GET', url);
      expect(answer.statusCode).toBe(404);
      expect(errorCode(answer)).toBe('NOT_FOUND');
    }
    // Unknown ids and malformed ids.
    expect((await call(t.app, resident, 'GET', `/api/v1/attachments/${appeal.id}`)).statusCode).toBe(404);
    expect((await call(t.app, resident, 'GET', '/api/v1/attachments/not-a-uuid')).statusCode).toBe(400);
  });

  it('lets intake link only the uploader’s own files that are not used yet', async () => {
    const own = (
      await upload(t, resident, { name: 'a.png', contentType: 'image/png', content: SAMPLE_FILES.png })
    ).json<{
      id: string;
    }>();
    const others = (
      await upload(t, handler, { name: 'b.png', contentType: 'image/png', content: SAMPLE_FILES.png })
    ).json<{
      id: string;
    }>();
    const appeal = await buildAppeal(t.deps);
    const linked = await linkAttachmentsToAppeal(t.deps.database.db, {
      attachmentIds: [own.id, others.id],
      uploadedBy: resident.userId,
      appealId: appeal.id,
    });
    expect(linked).toEqual([own.id]);
    const again = await linkAttachmentsToAppeal(t.deps.database.db, {
      attachmentIds: [own.id],
      uploadedBy: resident.userId,
      appealId: (await buildAppeal(t.deps)).id,
    });
    expect(again).toEqual([]);
  });
});

describe('attachments in an S3-compatible store', () => {
  let t: TestContext;
  let s3: FakeS3;

  beforeAll(async () => {
    s3 = await startFakeS3();
    t = await createTestApp({
      HUIZHI_FILE_STORE: 's3',
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: 'huizhi',
      S3_REGION: 'cn-north-1',
      S3_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      S3_SECRET_ACCESS_KEY: 'secret-example',
    });
  });
  afterAll(async () => {
    await t.close();
    await s3.close();
  });

  it('uploads to the bucket and streams the object back', async () => {
    const resident = await loginAs(t.app, 'resident');
    const response = await upload(t, resident, {
      name: '语音.amr',
      contentType: 'audio/amr',
      content: SAMPLE_FILES.amr,
    });
    expect(response.statusCode).toBe(201);
    const { id, url } = response.json<{ id: string; url: string }>();
    const [row] = await t.deps.database.db.select().from(attachments).where(eq(attachments.id, id));
    const object = s3.objects.get(`/huizhi/${row!.storageKey}`);
    expect(object).toEqual({ body: SAMPLE_FILES.amr, contentType: 'audio/amr' });
    const put = s3.requests.find((r) => r.method === 'PUT')!;
    expect(put.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//);

    const download = await call(t.app, resident, 'GET', url);
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload).toEqual(SAMPLE_FILES.amr);
    expect(download.headers['content-type']).toBe('audio/amr');

    // The object vanished from the bucket: 404, not a server error.
    s3.objects.clear();
    expect(errorCode(await call(t.app, resident, 'GET', url))).toBe('NOT_FOUND');
  });
});
