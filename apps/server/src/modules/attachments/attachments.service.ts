import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, can, grantedActions } from '@huizhi/domain';
import { ATTACHMENT_MAX_BYTES, type TAttachment } from '@huizhi/contracts';
import type { Config } from '../../config.ts';
import type { ActorContext, Deps, RequestInfo } from '../../context.ts';
import { recordAudit } from '../audit/audit.service.ts';
import {
  contentDispositionOf,
  detectFileType,
  sanitizeFileName,
  SNIFF_BYTES,
  type AttachmentKind,
  type DetectedType,
} from './attachment-types.ts';
import {
  findAppealAccess,
  findAttachment,
  insertAttachment,
  type AttachmentRow,
} from './attachments.repository.ts';
import {
  createFileStore,
  FileNotFoundError,
  newStorageKey,
  type ByteRange,
  type FileStore,
} from './file-store.ts';

export type AttachmentPurpose = TAttachment['purpose'];

/** The largest file any kind may be: the multipart limit of the server. */
export const ATTACHMENT_UPLOAD_MAX_BYTES = Math.max(...Object.values(ATTACHMENT_MAX_BYTES));

const stores = new WeakMap<Config, FileStore>();

/** The configured file store, made on first use and kept per configuration. */
export function fileStoreOf(config: Config): FileStore {
  let store = stores.get(config);
  if (!store) {
    store = createFileStore(config.fileStore);
    stores.set(config, store);
  }
  return store;
}

/** The API shape of an attachment. */
export function presentAttachment(row: AttachmentRow): TAttachment {
  return {
    id: row.id,
    fileName: row.fileName,
    contentType: row.contentType,
    kind: row.kind as AttachmentKind,
    size: row.size,
    purpose: row.purpose as AttachmentPurpose,
    url: `/api/v1/attachments/${row.id}`,
  };
}

/** True when the actor may upload files: whoever may raise appeals or handle them (residents too). */
export function mayUploadAttachments(actor: ActorContext): boolean {
  const granted = grantedActions(actor);
  return granted.includes('appeal.create') || granted.includes('appeal.handle');
}

export interface UploadInput {
  /** The file's bytes as they arrive. */
  stream: Readable;
  /** The name the client gave (sanitised here). */
  fileName: string | undefined;
  /** The content type the client declared; only used to tell audio from video in shared containers. */
  declaredType: string | undefined;
  /** 'intake' (the default) or 'evidence'. */
  purpose: string | undefined;
  /** True when the upload was cut at the server's multipart limit. */
  isTruncated: () => boolean;
  /** Reads the rest of the request after the file, refusing a second file. */
  finish: () => Promise<void>;
}

interface Inspected {
  detected: DetectedType;
  size: number;
  sha256: string;
}

/**
 * Copies the upload to a private temporary file while checking it: the type from the first bytes
 * (refused at once when not accepted), the size against its kind's limit (refused as soon as it
 * passes it), and the SHA-256.
 */
async function spoolUpload(input: UploadInput, spoolPath: string): Promise<Inspected> {
  const hash = createHash('sha256');
  let head = Buffer.alloc(0);
  let detected: DetectedType | null = null;
  let size = 0;
  const detect = () => {
    detected = detectFileType(head, input.declaredType);
    if (!detected)
      throw new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        'Only pictures (JPEG, PNG, GIF, WebP, HEIC), video (MP4, MOV, WebM, 3GP), voice (MP3, M4A, AMR, WAV, Ogg) and PDF are accepted.',
      );
  };
  const checkSize = () => {
    if (detected && size > ATTACHMENT_MAX_BYTES[detected.kind]) throw tooLarge(detected.kind);
  };
  const inspector = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      try {
        if (!detected) {
          head = Buffer.concat([head, chunk]).subarray(0, SNIFF_BYTES);
          if (head.length >= SNIFF_BYTES) detect();
        }
        size += chunk.length;
        checkSize();
        hash.update(chunk);
        callback(null, chunk);
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback) {
      try {
        if (size === 0) throw new AppError('VALIDATION_FAILED', 'The file is empty.');
        if (!detected) detect();
        checkSize();
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
  await pipeline(input.stream, inspector, createWriteStream(spoolPath, { flags: 'wx', mode: 0o600 }));
  const found = detected as DetectedType | null;
  if (!found) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
  if (input.isTruncated()) throw tooLarge(found.kind);
  return { detected: found, size, sha256: hash.digest('hex') };
}

function tooLarge(kind: AttachmentKind): AppError {
  const megabytes = ATTACHMENT_MAX_BYTES[kind] / (1024 * 1024);
  return new AppError('PAYLOAD_TOO_LARGE', `Files of this kind (${kind}) may be at most ${megabytes} MB.`, {
    kind,
    maxBytes: ATTACHMENT_MAX_BYTES[kind],
  });
}

/** Errors of the multipart reader (size and count limits) in our vocabulary. */
function toUploadError(error: unknown): unknown {
  const code = (error as { code?: string } | null)?.code;
  if (code === 'FST_REQ_FILE_TOO_LARGE' || code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT')
    return new AppError('PAYLOAD_TOO_LARGE', 'Send one file, within the size limit of its kind.');
  return error;
}

/**
 * Stores an uploaded file for an appeal not yet tied to it (intake picks it up by id), after checking
 * its real type and size; answers its metadata. The bytes go to the file store under a random key.
 */
export async function uploadAttachment(
  deps: Deps,
  actor: ActorContext,
  input: UploadInput,
  request: RequestInfo | null = null,
): Promise<TAttachment> {
  if (!mayUploadAttachments(actor)) {
    input.stream.resume();
    throw new AppError('FORBIDDEN');
  }
  const purpose = input.purpose ?? 'intake';
  if (purpose !== 'intake' && purpose !== 'evidence') {
    input.stream.resume();
    throw new AppError('VALIDATION_FAILED', 'purpose must be intake or evidence.');
  }
  const spoolPath = join(tmpdir(), `huizhi-upload-${randomUUID()}`);
  try {
    let inspected: Inspected;
    try {
      inspected = await spoolUpload(input, spoolPath);
      await input.finish();
    } catch (error) {
      throw toUploadError(error);
    }
    const { detected, size, sha256 } = inspected;
    const store = fileStoreOf(deps.config);
    const now = deps.clock.now();
    const key = newStorageKey('attachments', now);
    await store.put(key, createReadStream(spoolPath), detected.contentType, size);
    const row: AttachmentRow = {
      id: randomUUID(),
      appealId: null,
      purpose,
      storageKey: key,
      fileName: sanitizeFileName(input.fileName, detected.extension),
      contentType: detected.contentType,
      kind: detected.kind,
      size,
      sha256,
      uploadedBy: actor.userId,
      createdAt: now,
    };
    try {
      await deps.database.db.transaction(async (tx) => {
        await insertAttachment(tx, row);
        await recordAudit(tx, deps, actor.userId, request, {
          action: 'attachment.upload',
          entityType: 'attachment',
          entityId: row.id,
          details: { kind: row.kind, contentType: row.contentType, size, purpose: row.purpose },
        });
      });
    } catch (error) {
      await store.delete(key).catch(() => undefined);
      throw error;
    }
    return presentAttachment(row);
  } finally {
    await rm(spoolPath, { force: true });
  }
}

/** True when the actor may fetch the attachment: its uploader, or whoever may read its appeal. */
async function mayReadAttachment(deps: Deps, actor: ActorContext, row: AttachmentRow): Promise<boolean> {
  if (row.uploadedBy !== null && row.uploadedBy === actor.userId) return true;
  if (row.appealId === null) return false;
  const access = await findAppealAccess(deps.database.db, row.appealId);
  if (!access) return false;
  return can(actor, 'appeal.read', {
    kind: 'appeal',
    territoryPath: access.territoryPath,
    unitIds: access.unitIds,
    appellantUserId: access.appellantUserId,
  });
}

export interface AttachmentDownload {
  /** 200 for the whole file, 206 for a range. */
  status: 200 | 206;
  stream: Readable;
  headers: Record<string, string>;
}

/**
 * The one byte range of a Range header (`bytes=0-99`, `bytes=100-`, `bytes=-100`) within a file of
 * `size` bytes, or null to send the whole file (no header, several ranges, or one that does not fit:
 * a server may always answer a range request with the whole file). Video players on phones need it.
 */
export function parseByteRange(header: string | undefined, size: number): ByteRange | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!match || size === 0 || (match[1] === '' && match[2] === '')) return null;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (!Number.isSafeInteger(start) || start > end || start >= size) return null;
  return { start, end };
}

/**
 * Opens an attachment's bytes for the actor with the headers to send them safely (the checked type,
 * no sniffing, inline only for pictures, sound and video), or one byte range of them. Anything the
 * actor may not see is NOT_FOUND.
 */
export async function openAttachment(
  deps: Deps,
  actor: ActorContext,
  id: string,
  rangeHeader?: string,
): Promise<AttachmentDownload> {
  const row = await findAttachment(deps.database.db, id);
  if (!row || !(await mayReadAttachment(deps, actor, row))) throw new AppError('NOT_FOUND');
  const range = parseByteRange(rangeHeader, row.size);
  let stream: Readable;
  try {
    stream = await fileStoreOf(deps.config).get(row.storageKey, range ?? undefined);
  } catch (error) {
    if (error instanceof FileNotFoundError)
      throw new AppError('NOT_FOUND', 'The file is missing from the store.');
    throw error;
  }
  const headers: Record<string, string> = {
    'content-type': row.contentType,
    'content-length': String(range ? range.end - range.start + 1 : row.size),
    'content-disposition': contentDispositionOf(row.kind as AttachmentKind, row.fileName),
    'x-content-type-options': 'nosniff',
    'cache-control': 'private',
    'accept-ranges': 'bytes',
  };
  if (range) headers['content-range'] = `bytes ${range.start}-${range.end}/${row.size}`;
  return { status: range ? 206 : 200, stream, headers };
}
