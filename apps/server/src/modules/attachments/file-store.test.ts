import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeS3, type FakeS3 } from './fake-s3.testing.ts';
import {
  assertValidKey,
  createFileStore,
  FileNotFoundError,
  LocalFileStore,
  newStorageKey,
  type S3FileStore,
} from './file-store.ts';

const NOW = new Date('2026-03-02T01:00:00Z');

describe('storage keys', () => {
  it('are random, under a prefix and the month', () => {
    const a = newStorageKey('attachments', NOW);
    const b = newStorageKey('attachments', NOW);
    expect(a).toMatch(/^attachments\/2026-03\/[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
  });

  it.each(['../etc/passwd', '/etc/passwd', 'a/../../b', 'a\\b', 'A/b', 'a//b', 'a/b.txt', '', 'a/%2e%2e/b'])(
    'refuses %j',
    (key) => {
      expect(() => assertValidKey(key)).toThrow(/Refused storage key/);
    },
  );
});

describe('LocalFileStore', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'huizhi-files-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stores, reads and deletes bytes and streams, leaving no temporary files', async () => {
    const store = new LocalFileStore(dir);
    const key = newStorageKey('attachments', NOW);
    await store.put(key, Buffer.from('现场照片'), 'image/jpeg');
    expect(await text(await store.get(key))).toBe('现场照片');
    expect(readFileSync(store.pathOf(key), 'utf8')).toBe('现场照片');

    const streamed = newStorageKey('attachments', NOW);
    await store.put(streamed, Readable.from([Buffer.from('a'), Buffer.from('b')]), 'audio/amr');
    expect(await text(await store.get(streamed))).toBe('ab');
    expect(await text(await store.get(key, { start: 3, end: 5 }))).toBe('场');
    expect(readdirSync(join(dir, 'attachments', '2026-03')).filter((f) => f.endsWith('.part'))).toEqual([]);

    await store.delete(key);
    await expect(store.get(key)).rejects.toBeInstanceOf(FileNotFoundError);
    await store.delete(key); // deleting twice is fine
  });

  it('removes the temporary file when the source fails, and never writes outside its folder', async () => {
    const store = new LocalFileStore(dir);
    const key = newStorageKey('attachments', NOW);
    const failing = new Readable({
      read() {
        this.destroy(new Error('connection lost'));
      },
    });
    await expect(store.put(key, failing, 'image/png')).rejects.toThrow('connection lost');
    await expect(store.get(key)).rejects.toBeInstanceOf(FileNotFoundError);
    expect(readdirSync(join(dir, 'attachments', '2026-03')).filter((f) => f.endsWith('.part'))).toEqual([]);
    await expect(store.put('../escape', Buffer.from('x'), 'text/plain')).rejects.toThrow(/Refused/);
    await expect(store.get('../../etc/passwd')).rejects.toThrow(/Refused/);
  });
});

describe('S3FileStore against a fake S3 server', () => {
  let s3: FakeS3;
  let store: S3FileStore;
  beforeAll(async () => {
    s3 = await startFakeS3();
    store = createFileStore({
      kind: 's3',
      endpoint: `${s3.endpoint}/`,
      bucket: 'huizhi-files',
      region: 'cn-north-1',
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'secret',
    }) as S3FileStore;
  });
  afterAll(async () => s3.close());

  it('puts (bytes and streams), gets and deletes objects path-style with signed requests', async () => {
    const key = newStorageKey('attachments', NOW);
    await store.put(key, Buffer.from('语音'), 'audio/amr');
    expect(s3.objects.get(`/huizhi-files/${key}`)).toEqual({
      body: Buffer.from('语音'),
      contentType: 'audio/amr',
    });
    expect(await text(await store.get(key))).toBe('语音');

    const streamed = newStorageKey('attachments', NOW);
    await store.put(streamed, Readable.from([Buffer.from('12'), Buffer.from('345')]), 'video/mp4', 5);
    expect(s3.objects.get(`/huizhi-files/${streamed}`)?.body.toString()).toBe('12345');
    expect(await text(await store.get(streamed, { start: 1, end: 3 }))).toBe('234');
    const put = s3.requests.filter((r) => r.method === 'PUT').at(-1)!;
    expect(put.headers['content-length']).toBe('5');
    expect(put.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/cn-north-1\/s3\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/,
    );
    expect(put.headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');

    await store.delete(key);
    expect(s3.objects.has(`/huizhi-files/${key}`)).toBe(false);
    await expect(store.get(key)).rejects.toBeInstanceOf(FileNotFoundError);
    await store.delete(key);
    expect(s3.requests.every((r) => r.path.startsWith('/huizhi-files/attachments/'))).toBe(true);
  });

  it('reports a refusal of the store', async () => {
    s3.refuseWith = 403;
    try {
      await expect(
        store.put(newStorageKey('attachments', NOW), Buffer.from('x'), 'text/plain'),
      ).rejects.toThrow(/answered 403 to PUT attachments\/.*SlowDown/);
    } finally {
      s3.refuseWith = null;
    }
  });

  it('refuses requests without a signature (the fake checks it)', async () => {
    const response = await fetch(`${s3.endpoint}/huizhi-files/attachments/x`, { method: 'GET' });
    expect(response.status).toBe(403);
  });
});
