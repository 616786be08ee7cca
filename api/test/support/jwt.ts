import { createHmac, randomUUID } from 'node:crypto';
import { createClient } from '@keyv/redis';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig, DEV_JWT_SECRET } from '../../src/config/config';

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

/**
 * A user (optional) and a new session with its access token, as register/login would make them,
 * without paying argon2: rows go through the app's own connection and the token is signed with
 * the key. For race tests that need hundreds of fresh sessions or users.
 */
export async function directSession(
  app: INestApplication,
  userId?: string,
): Promise<{ userId: string; sessionId: string; token: string }> {
  const db = app.get(DataSource);
  let owner = userId;
  if (!owner) {
    const [user] = (await db.query(
      `INSERT INTO users (email, password_hash) VALUES ($1, 'unusable') RETURNING id`,
      [`direct-${randomUUID()}@example.com`],
    )) as { id: string }[];
    owner = user!.id;
  }
  const [row] = (await db.query(
    `INSERT INTO auth_sessions (user_id, expires_at) VALUES ($1, now() + interval '1 day') RETURNING id`,
    [owner],
  )) as { id: string }[];
  const { issuer, audience, accessTtlSeconds } = app.get<AppConfig>(APP_CONFIG).auth;
  const now = Math.floor(Date.now() / 1000);
  const token = signHs256({
    sub: owner,
    sid: row!.id,
    iss: issuer,
    aud: audience,
    iat: now,
    exp: now + accessTtlSeconds,
    jti: randomUUID(),
  });
  return { userId: owner, sessionId: row!.id, token };
}
