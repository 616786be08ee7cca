import 'reflect-metadata';
import fc from 'fast-check';
import type { Repository } from 'typeorm';
import { beforeEach, describe, expect, it } from 'vitest';
import { AppCache } from '../cache/app-cache';
import type { AppConfig } from '../config/config';
import { AppMetrics } from '../metrics/app-metrics';
import type { SessionEntity } from './session.entity';
import { SessionState } from './session-state';

const SID = '0b5e6c8e-1f1a-4a59-9d36-3b8c0f6f4a10';
const OWNER = '1b5e6c8e-1f1a-4a59-9d36-3b8c0f6f4a10';
const OTHER = '2b5e6c8e-1f1a-4a59-9d36-3b8c0f6f4a10';
const config = { auth: { accessTtlSeconds: 900 } } as AppConfig;

/** A sessions table of one row; `read` lets a test hold a check's database answer back. */
function fakeSessions(read: () => Promise<void> = async () => undefined) {
  const row = {
    id: SID,
    userId: OWNER,
    revokedAt: null as Date | null,
    expiresAt: new Date(Date.now() + 86_400_000),
  };
  const repo = {
    async findOne() {
      const snapshot = { ...row };
      await read();
      return snapshot;
    },
    createQueryBuilder() {
      const chain = {
        update: () => chain,
        set: () => chain,
        where: () => chain,
        execute: async () => {
          row.revokedAt ??= new Date();
        },
      };
      return chain;
    },
  };
  return repo as unknown as Repository<SessionEntity>;
}

/** The session check over the in-process cache (embedded mode). */
describe('SessionState (in-process cache)', () => {
  beforeEach(() => AppMetrics.resetRegistry());
  const stateOver = (repo: Repository<SessionEntity>) => {
    const metrics = new AppMetrics();
    return new SessionState(repo, new AppCache(metrics, 100, undefined), metrics, config);
  };

  it('a check whose database answer arrives after a logout never leaves the session usable', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let first = true;
    const sessions = stateOver(
      fakeSessions(async () => {
        if (first) {
          first = false;
          await gate;
        }
      }),
    );
    const inflight = sessions.isActive(SID, OWNER); // reads "active", answer held back
    await new Promise((r) => setTimeout(r, 1));
    await sessions.revoke(SID); // logout answers
    release();
    await inflight; // started before the logout: either answer is allowed
    expect(await sessions.isActive(SID, OWNER)).toBe(false);
  });

  it('every interleaving of checks and a logout: nothing after the logout succeeds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 1, max: 4 }), async (s, checks) => {
        AppMetrics.resetRegistry();
        const sessions = stateOver(fakeSessions(() => s.schedule(Promise.resolve(), 'row arrives')));
        const logout = s.schedule(Promise.resolve(), 'logout').then(() => sessions.revoke(SID));
        const inflight = Array.from({ length: checks }, (_, i) =>
          s.schedule(Promise.resolve(), `check ${i}`).then(() => sessions.isActive(SID, OWNER)),
        );
        await s.waitFor(logout);
        const after = sessions.isActive(SID, OWNER);
        await s.waitFor(Promise.all([after, ...inflight]));
        expect(await after).toBe(false);
        const last = sessions.isActive(SID, OWNER);
        await s.waitFor(last);
        expect(await last).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("binds the check to the session's owner: another subject with this session id is refused", async () => {
    const sessions = stateOver(fakeSessions());
    expect(await sessions.isActive(SID, OWNER)).toBe(true); // now cached
    expect(await sessions.isActive(SID, OTHER)).toBe(false);
    expect(await sessions.isActive(SID, OWNER)).toBe(true); // and the owner is unaffected
  });
});
