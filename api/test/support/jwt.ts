import { createHmac } from 'node:crypto';
import { createClient } from '@keyv/redis';
import { DEV_JWT_SECRET } from '../../src/config/config';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** An HS256 token over any payload, signed with the test key (what only a key holder can mint). */
export function signHs256(payload: object, secret = DEV_JWT_SECRET): string {
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
}

/**
 * The same Redis on a database index reserved for one test file, so that file may FLUSHDB it
 * without touching anyone else's keys (never DB 0).
 */
export function reservedRedis(baseUrl: string, dbIndex: number) {
  if (dbIndex === 0) throw new Error('DB 0 is shared: reserve another index');
  const url = new URL(baseUrl);
  url.pathname = `/${dbIndex}`;
  const client = createClient({ url: url.toString() });
  return {
    url: url.toString(),
    async flush(): Promise<void> {
      if (!client.isOpen) await client.connect();
      await client.flushDb();
    },
    async close(): Promise<void> {
      if (client.isOpen) await client.close();
    },
  };
}
