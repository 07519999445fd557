import { randomBytes } from 'node:crypto';

export interface FormFile {
  /** The form field (default `file`). */
  field?: string;
  name: string;
  contentType: string;
  content: Buffer;
}

/** Builds a multipart/form-data body (fields first, then the files), for app.inject in tests. */
export function multipartForm(
  fields: Record<string, string>,
  ...files: FormFile[]
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----huizhi${randomBytes(12).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  for (const file of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'file'}"; filename="${file.name}"\r\n` +
          `Content-Type: ${file.contentType}\r\n\r\n`,
      ),
      file.content,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** The smallest real files of each kind the upload accepts (their first bytes are what counts). */
export const SAMPLE_FILES = {
  png: Buffer.concat([
    Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex'),
    Buffer.from('0000000d4944415478da63f8cfc0f01f0005000201a5f1c1c80000000049454e44ae426082', 'hex'),
  ]),
  jpeg: Buffer.concat([Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'), Buffer.alloc(64)]),
  pdf: Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'),
  mp3: Buffer.concat([Buffer.from('ID3'), Buffer.from([4, 0, 0, 0, 0, 0, 0]), Buffer.alloc(100)]),
  amr: Buffer.concat([Buffer.from('#!AMR\n'), Buffer.alloc(40)]),
  mp4: Buffer.concat([
    Buffer.from([0, 0, 0, 0x18]),
    Buffer.from('ftypisom'),
    Buffer.from([0, 0, 2, 0]),
    Buffer.from('isomiso2'),
    Buffer.alloc(80),
  ]),
  html: Buffer.from('<!doctype html><script>alert(1)</script>'),
} as const;
