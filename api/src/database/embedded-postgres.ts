import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * Connection slots on the socket server. The app's pool opens one connection (PGlite is one
 * session; DATABASE_POOL_MAX is 1 in embedded mode), but the server frees a slot only when the
 * closed socket's 'close' event runs, after the client already considers it gone. With a single
 * slot, a connection opened right after another closed (the app's pool just after the boot
 * migration's data source, or the pool replacing a broken client) was refused with "Too many
 * connections", and TypeORM logged "Unable to connect to the database" at error level before
 * retrying. Spare slots are safe: the server runs one query at a time and keeps an open
 * transaction's queries on the connection that began it (rolling it back if that one drops).
 */
export const EMBEDDED_MAX_CONNECTIONS = 4;

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * Local mode without DATABASE_URL: PGlite (PostgreSQL compiled to WASM) behind a loopback
 * socket server, so the app talks to it through the same `pg` driver as in production. Data
 * lives in `dataDir` and survives restarts.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: 0,
    maxConnections: EMBEDDED_MAX_CONNECTIONS,
  });
  await server.start();
  const address = server.getServerConn(); // "127.0.0.1:<port>"
  return {
    url: `postgres://postgres@${address}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
