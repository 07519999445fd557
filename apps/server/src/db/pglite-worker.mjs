// Runs PGlite (PostgreSQL in WASM) in its own thread and serves it over the PostgreSQL wire protocol on a
// Unix socket, so a long query never blocks the HTTP thread and the server uses one driver (node-postgres)
// for both the embedded database and a PostgreSQL server.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';

const { dataDir, socketPath, maxConnections } = workerData;

const db = await PGlite.create(dataDir, { extensions: { pg_trgm, btree_gist, pgcrypto } });
const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections });
await server.start();
parentPort.postMessage({ type: 'ready' });

parentPort.on('message', async (message) => {
  if (message?.type !== 'stop') return;
  try {
    await server.stop();
    await db.close();
  } finally {
    parentPort.postMessage({ type: 'stopped' });
  }
});
