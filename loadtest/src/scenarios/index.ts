import { baseline } from './baseline';
import type { ScenarioDefinition } from './helpers';
import { journey } from './journey';
import { smoke } from './smoke';
import { soak } from './soak';
import { spike } from './spike';
import { stress } from './stress';

export const SCENARIOS: Readonly<Record<string, ScenarioDefinition>> = Object.fromEntries(
  [smoke, baseline, stress, spike, soak, journey].map((s) => [s.name, s]),
);

export function scenario(name: string): ScenarioDefinition {
  const found = SCENARIOS[name];
  if (!found) throw new Error(`unknown scenario "${name}"; valid: ${Object.keys(SCENARIOS).join(', ')}`);
  return found;
}
