import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StoredObject {
  body: Buffer;
  contentType: string | undefined;
}

export interface FakeS3 {
  endpoint: string;
  /** Objects by path (`/bucket/key`). */
  objects: Map<string, StoredObject>;
  /** Every request seen: method, path and headers. */
  requests: { method: string; path: string; headers: IncomingHttpHeaders }[];
  /** When set, every request is answered with this status (to test the store's error path). */
  refuseWith: number | null;
  close(): Promise<void>;
}

/**
 * A tiny in-process stand-in for an S3-compatible store: PUT keeps the body by path, GET answers it
 * (a byte range too; 404 when missing), DELETE removes it; a request without an AWS Signature V4 Authorization header
 * or a streamed PUT without a length is refused, as a real store would.
 */
export async function startFakeS3(): Promise<FakeS3> {
  const objects = new Map<string, StoredObject>();
  const requests: FakeS3['requests'] = [];
  let fake: FakeS3 | null = null;
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent((request.url ?? '/').split('?')[0]!);
    const method = request.method ?? 'GET';
    requests.push({ method, path, headers: request.headers });
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (fake?.refuseWith) {
        response
          .writeHead(fake.refuseWith, { 'content-type': 'application/xml' })
          .end('<Error><Code>SlowDown</Code></Error>');
        return;
      }
      const authorization = request.headers.authorization ?? '';
      if (!authorization.startsWith('AWS4-HMAC-SHA256 ')) {
        response
          .writeHead(403, { 'content-type': 'application/xml' })
          .end('<Error><Code>AccessDenied</Code></Error>');
        return;
      }
      if (method === 'PUT') {
        if (request.headers['content-length'] === undefined) {
          response.writeHead(411).end('<Error><Code>MissingContentLength</Code></Error>');
          return;
        }
        objects.set(path, { body: Buffer.concat(chunks), contentType: request.headers['content-type'] });
        response.writeHead(200, { etag: '"fake"' }).end();
        return;
      }
      if (method === 'GET') {
        const object = objects.get(path);
        if (!object) {
          response
            .writeHead(404, { 'content-type': 'application/xml' })
            .end('<Error><Code>NoSuchKey</Code></Error>');
          return;
        }
        const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '');
        const body = range ? object.body.subarray(Number(range[1]), Number(range[2]) + 1) : object.body;
        response
          .writeHead(range ? 206 : 200, {
            'content-type': object.contentType ?? 'application/octet-stream',
            'content-length': body.length,
          })
          .end(body);
        return;
      }
      if (method === 'DELETE') {
        objects.delete(path);
        response.writeHead(204).end();
        return;
      }
      response.writeHead(405).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  fake = {
    endpoint: `http://127.0.0.1:${port}`,
    objects,
    requests,
    refuseWith: null,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  return fake;
}
