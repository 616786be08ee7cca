import { readFileSync } from 'node:fs';

/** The parts of a V8 `.cpuprofile` (node --cpu-prof) this module reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  /** Microseconds, on the same monotonic clock as `process.hrtime` (CLOCK_MONOTONIC on Linux). */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface CpuShare {
  /** Sampled CPU time in the window, idle excluded (µs). */
  busyUs: number;
  /** Of which the garbage collector (not attributable to a package). */
  gcUs: number;
  /** Of which owned by code matching `owned` (µs). */
  ownedUs: number;
  /** ownedUs / (busyUs - gcUs): the share of the attributable CPU; GC is assumed to split alike. */
  share: number;
  /** Owned time by owner (package or file), largest first, for the report. */
  byOwner: [string, number][];
}

/**
 * Whose CPU is it, within one process: every sample is charged to the nearest frame on its stack
 * that belongs to a package (node_modules) or to our own build, so a native call (JSON.stringify,
 * a socket write, random bytes) counts for the code that made it, and a wrapped call (an
 * instrumentation around the Redis client) counts for the wrapped library, not the wrapper.
 * Samples from Node's own internals with no such frame (the HTTP parser, timers) stay unowned.
 * A cross-process A/B carries the drift between processes; this does not, so it resolves a
 * few percent where an A/B cannot.
 */
export function cpuShare(
  profile: CpuProfile,
  owned: (owner: string) => boolean,
  window: { fromUs: number; toUs: number } = { fromUs: -Infinity, toUs: Infinity },
): CpuShare {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const ownerCache = new Map<number, string>();
  const ownerOf = (id: number): string => {
    const cached = ownerCache.get(id);
    if (cached !== undefined) return cached;
    let owner = '(node internals)';
    for (let cur: number | undefined = id; cur !== undefined; cur = parentOf.get(cur)) {
      const { functionName, url } = byId.get(cur)!.callFrame;
      const pkg = ownerOfUrl(url);
      if (pkg) {
        owner = pkg;
        break;
      }
      if (functionName.startsWith('(')) {
        owner = functionName; // (garbage collector), (idle), (program), (root)
        break;
      }
    }
    ownerCache.set(id, owner);
    return owner;
  };

  const time = new Map<string, number>();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < window.fromUs || at > window.toUs) continue;
    const owner = ownerOf(profile.samples[i]!);
    time.set(owner, (time.get(owner) ?? 0) + delta);
  }
  let busyUs = 0;
  let ownedUs = 0;
  const byOwner: [string, number][] = [];
  for (const [owner, us] of time) {
    if (owner === '(idle)') continue;
    busyUs += us;
    if (owned(owner)) {
      ownedUs += us;
      byOwner.push([owner, us]);
    }
  }
  const gcUs = time.get('(garbage collector)') ?? 0;
  byOwner.sort((a, b) => b[1] - a[1]);
  return { busyUs, gcUs, ownedUs, share: busyUs > gcUs ? ownedUs / (busyUs - gcUs) : 0, byOwner };
}

/** `@scope/name` or `name` for a package file, `dist/<path>` for our build, else undefined. */
export function ownerOfUrl(url: string): string | undefined {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1];
  const ours = /\/dist\/((?:src|bench)\/.+)$/.exec(url);
  return ours ? ours[1] : undefined;
}

export function readCpuProfile(path: string): CpuProfile {
  return JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
}
