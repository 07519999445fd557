import type { Multipart, MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { AppError } from '@huizhi/domain';

/** The one file of a multipart/form-data request, with the text fields sent before it. */
export interface UploadedFile {
  part: MultipartFile;
  /** Text fields that came before the file in the form. */
  fields: Record<string, string>;
  /**
   * Reads the rest of the request once the file was consumed: throws when it holds a second file
   * or breaks a limit, so an upload of several files is refused rather than cut to the first.
   */
  finish: () => Promise<void>;
}

/** The reader's errors (not multipart, limits, broken bodies) in our vocabulary. */
export function toMultipartError(error: unknown, fieldName = 'file'): unknown {
  if (error instanceof AppError) return error;
  const code = (error as { code?: string } | null)?.code;
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE')
    return new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Send multipart/form-data with the file in the field "${fieldName}".`,
    );
  if (
    code === 'FST_REQ_FILE_TOO_LARGE' ||
    code === 'FST_PARTS_LIMIT' ||
    code === 'FST_FILES_LIMIT' ||
    code === 'FST_FIELDS_LIMIT'
  )
    return new AppError(
      'PAYLOAD_TOO_LARGE',
      'Send one file, within its size limit, and at most a few short fields.',
    );
  return new AppError('MALFORMED_REQUEST', 'The multipart body could not be read.');
}

function fieldValue(part: Multipart): string | null {
  return part.type === 'field' && typeof part.value === 'string' ? part.value : null;
}

/**
 * Reads the single file of a multipart request from the field `fieldName` (text fields before it are
 * collected): not multipart → UNSUPPORTED_MEDIA_TYPE, no file → VALIDATION_FAILED, limits →
 * PAYLOAD_TOO_LARGE. Consume `part.file`, then call `finish()`.
 */
export async function readUploadedFile(request: FastifyRequest, fieldName = 'file'): Promise<UploadedFile> {
  const fields: Record<string, string> = {};
  let iterator: AsyncIterator<Multipart>;
  let part: MultipartFile | undefined;
  try {
    iterator = request.parts()[Symbol.asyncIterator]();
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      if (next.value.type === 'file') {
        part = next.value;
        break;
      }
      const value = fieldValue(next.value);
      if (value !== null) fields[next.value.fieldname] = value;
    }
  } catch (error) {
    throw toMultipartError(error, fieldName);
  }
  if (!part) throw new AppError('VALIDATION_FAILED', `Send one file in the field "${fieldName}".`);
  if (part.fieldname !== fieldName) {
    part.file.resume();
    throw new AppError('VALIDATION_FAILED', `Send the file in the field "${fieldName}".`);
  }
  const finish = async () => {
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        if (next.value.type === 'file') {
          next.value.file.resume();
          throw new AppError('VALIDATION_FAILED', 'Send one file per request.');
        }
      }
    } catch (error) {
      throw toMultipartError(error, fieldName);
    }
  };
  return { part, fields, finish };
}

/** Reads a whole uploaded file into memory, refusing it with PAYLOAD_TOO_LARGE past `maxBytes`. */
export async function readFileBytes(upload: UploadedFile, maxBytes: number): Promise<Buffer> {
  const { part } = upload;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of part.file) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        part.file.destroy();
        throw new AppError(
          'PAYLOAD_TOO_LARGE',
          `The file may be at most ${Math.floor(maxBytes / 1048576)} MB.`,
        );
      }
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    throw toMultipartError(error);
  }
  if (part.file.truncated) throw new AppError('PAYLOAD_TOO_LARGE');
  await upload.finish();
  return Buffer.concat(chunks);
}
