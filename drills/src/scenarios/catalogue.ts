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
