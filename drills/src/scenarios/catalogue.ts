import { cacheDown } from './cache-down';
import { cpuStress } from './cpu-stress';
import { dbDown } from './db-down';
import { dbLatency } from './db-latency';
import { dbLoss } from './db-loss';
import { deployUnderLoad } from './deploy-under-load';
import { podKill } from './pod-kill';
import type { Scenario } from './scenario';

/** Every drill `make drill SCENARIO=…` knows, by name. */
export const SCENARIOS: readonly Scenario[] = [
  podKill,
  dbDown,
  cacheDown,
  dbLatency,
  dbLoss,
  cpuStress,
  deployUnderLoad,
];

export const scenarioNames = (): string[] => SCENARIOS.map((s) => s.name);

export function findScenario(name: string | undefined): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}

/**
 * `SCENARIO` as the CLI takes it: one name, several comma-separated (run in that order on one
 * harness), or `all`. A name given twice or unknown is an error naming it.
 */
export function parseScenarios(raw: string | undefined): { scenarios: Scenario[] } | { error: string } {
  if (!raw?.trim()) return { error: 'SCENARIO is not set' };
  if (raw.trim() === 'all') return { scenarios: [...SCENARIOS] };
  const names = raw.split(',').map((n) => n.trim());
  const unknown = names.filter((n) => !findScenario(n));
  if (unknown.length > 0) return { error: `unknown SCENARIO ${unknown.map((n) => `"${n}"`).join(', ')}` };
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  if (repeated.length > 0) return { error: `SCENARIO names ${repeated.join(', ')} more than once` };
  return { scenarios: names.map((n) => findScenario(n)!) };
}
