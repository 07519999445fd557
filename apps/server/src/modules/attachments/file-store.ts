/**
 * Where the bytes of uploaded files live: a folder on the local disk (the default) or any
 * S3-compatible object store (MinIO, Ceph, 阿里云 OSS, 腾讯云 COS, AWS S3). The database keeps only the
 * metadata and the storage key; keys are made by the server (random ids), never taken from a client.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AwsClient } from 'aws4fetch';
import type { Config } from '../../config.ts';

/** A place to keep files by key. Implementations must never let a key escape their root. */
export interface FileStore {
  /** Stores the bytes under the key (replacing nothing: keys are fresh). `size` helps streaming stores. */
  put(key: string, body: Buffer | Readable, contentType: string, size?: number): Promise<void>;
  /**
   * Opens the stored bytes, or the inclusive byte range of them; throws FileNotFoundError when there
   * are none.
   */
  get(key: string, range?: ByteRange): Promise<Readable>;
  /** Removes the bytes; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
}

/** An inclusive range of bytes, as in an HTTP Range header. */
export interface ByteRange {
  start: number;
  end: number;
}

/** Raised by a store when a key holds nothing. */
export class FileNotFoundError extends Error {
  constructor(key: string) {
    super(`No stored file under ${key}`);
    this.name = 'FileNotFoundError';
  }
}

// Lower-case segments of letters, digits and dashes joined by slashes: no dots, so no `..`, no
// absolute paths, no backslashes, no percent-encoding tricks.
const KEY_PATTERN = /^[a-z0-9][a-z0-9-]{0,99}(?:\/[a-z0-9][a-z0-9-]{0,99}){0,4}$/;

/** Throws unless the key is one the server could have made. */
export function assertValidKey(key: string): void {
  if (!KEY_PATTERN.test(key)) throw new Error(`Refused storage key: ${JSON.stringify(key)}`);
}

/** A fresh random key under a prefix and the month, e.g. `attachments/2026-03/6f1c…`. */
export function newStorageKey(prefix: string, now: Date): string {
  const month = now.toISOString().slice(0, 7);
  const key = `${prefix}/${month}/${randomUUID()}`;
  assertValidKey(key);
  return key;
}

const toReadable = (body: Buffer | Readable): Readable =>
  Buffer.isBuffer(body) ? Readable.from([body]) : body;

/** Files in a folder on the local disk; writes go to a temporary file renamed into place. */
export class LocalFileStore implements FileStore {
  readonly root: string;

  constructor(dir: string) {
    this.root = resolve(dir);
  }

  /** The absolute path of a key, refusing anything that would land outside the root. */
  pathOf(key: string): string {
    assertValidKey(key);
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) throw new Error(`Refused storage key: ${JSON.stringify(key)}`);
    return path;
  }

  async put(key: string, body: Buffer | Readable, _contentType: string): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    // Same folder, so the rename is atomic: a reader sees the whole file or none.
    const temporary = `${path}.${randomUUID()}.part`;
    try {
      await pipeline(toReadable(body), createWriteStream(temporary, { flags: 'wx', mode: 0o640 }));
      const handle = await open(temporary, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const path = this.pathOf(key);
    try {
      const handle = await open(path, 'r');
      return handle.createReadStream({ autoClose: true, ...(range ?? {}) });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new FileNotFoundError(key);
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}

export interface S3Options {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** Objects in a bucket of an S3-compatible store, addressed path-style: `${endpoint}/${bucket}/${key}`. */
export class S3FileStore implements FileStore {
  private readonly client: AwsClient;
  /** Streamed bodies cannot be sent twice, so their requests are not retried. */
  private readonly onceClient: AwsClient;
  private readonly base: string;

  constructor(options: S3Options) {
    const credentials = {
      accessKeyId: options.accessKeyId,
      secretAccessKey: options.secretAccessKey,
      region: options.region,
      service: 's3',
    };
    this.client = new AwsClient({ ...credentials, retries: 3 });
    this.onceClient = new AwsClient({ ...credentials, retries: 0 });
    this.base = `${options.endpoint.replace(/\/+$/, '')}/${encodeURIComponent(options.bucket)}`;
  }

  private urlOf(key: string): string {
    assertValidKey(key);
    return `${this.base}/${key}`;
  }

  async put(key: string, body: Buffer | Readable, contentType: string, size?: number): Promise<void> {
    const url = this.urlOf(key);
    let response: Response;
    if (Buffer.isBuffer(body) || size === undefined) {
      const bytes = Buffer.isBuffer(body) ? body : await collect(body);
      response = await this.client.fetch(url, {
        method: 'PUT',
        body: bytes,
        headers: { 'content-type': contentType, 'content-length': String(bytes.length) },
      });
    } else {
      // A known length lets the store take a stream (S3 refuses chunked uploads without it).
      response = await this.onceClient.fetch(url, {
        method: 'PUT',
        body: Readable.toWeb(body) as unknown as ReadableStream,
        headers: {
          'content-type': contentType,
          'content-length': String(size),
          'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
        },
        // Node's fetch needs this for a streamed body.
        ...({ duplex: 'half' } as object),
      });
    }
    await expectOk(response, 'PUT', key);
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const response = await this.client.fetch(this.urlOf(key), {
      method: 'GET',
      headers: range ? { range: `bytes=${range.start}-${range.end}` } : {},
    });
    if (response.status === 404) {
      await response.body?.cancel();
      throw new FileNotFoundError(key);
    }
    await expectOk(response, 'GET', key, false);
    if (!response.body) return Readable.from([]);
    return Readable.fromWeb(response.body as unknown as WebReadableStream);
  }

  async delete(key: string): Promise<void> {
    const response = await this.client.fetch(this.urlOf(key), { method: 'DELETE' });
    if (response.status === 404) {
      await response.body?.cancel();
      return;
    }
    await expectOk(response, 'DELETE', key);
  }
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Throws a readable error for a failed answer of the object store (its body's first 300 characters). */
async function expectOk(response: Response, method: string, key: string, consume = true): Promise<void> {
  if (response.ok) {
    if (consume) await response.body?.cancel();
    return;
  }
  const text = (await response.text().catch(() => '')).slice(0, 300);
  throw new Error(`The file store answered ${response.status} to ${method} ${key}: ${text}`);
}

/** Builds the configured store. */
export function createFileStore(config: Config['fileStore']): FileStore {
  if (config.kind === 'local') return new LocalFileStore(config.dir);
  return new S3FileStore(config);
}
