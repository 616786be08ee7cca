/**
 * A dry parse of a scenario, without sending a request: Artillery's own script validator, then
 * what it does not check but would silently skip or fail on at run time.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ArtilleryScript, Step } from './script';

const VALIDATOR = join(
  dirname(require.resolve('artillery/package.json')),
  'dist',
  'lib',
  'util',
  'validate-script.js',
);

/** Problems found, empty when the script is valid. */
export async function validateScript(script: ArtilleryScript): Promise<string[]> {
  const problems: string[] = [];
  const { default: artilleryValidate } = (await import(pathToFileURL(VALIDATOR).href)) as {
    default: (s: unknown) => string | undefined;
  };
  // Artillery validates the YAML it parsed, so give it the same plain data.
  const artilleryError = artilleryValidate(JSON.parse(JSON.stringify(script)));
  if (artilleryError) problems.push(`artillery: ${artilleryError}`);

  if (!script.config.plugins?.ensure)
    problems.push('config.plugins.ensure is missing: Artillery would skip every threshold silently');
  const ensure = script.config.plugins?.ensure;
  const checks = [...(ensure?.thresholds ?? []), ...(ensure?.conditions ?? [])];
  if (checks.length === 0) problems.push('config.plugins.ensure has no threshold or condition');
  if (script.config.phases.length === 0) problems.push('config.phases is empty: nothing would be sent');
  for (const p of script.config.phases)
    if ('duration' in p && (p.duration <= 0 || p.arrivalRate <= 0))
      problems.push(`phase "${p.name}" sends nothing`);

  const processor = script.config.processor;
  let exported: Record<string, unknown> = {};
  if (processor) {
    if (!existsSync(processor))
      problems.push(`processor ${processor} does not exist (run make build-loadtest)`);
    else exported = (await import(pathToFileURL(processor).href)) as Record<string, unknown>;
  }
  const functions = (flow: readonly Step[]) => flow.flatMap((s) => ('function' in s ? [s.function] : []));
  for (const fn of functions(script.before?.flow ?? []))
    if (typeof exported[fn] !== 'function')
      problems.push(`the before flow calls ${fn}, which the processor does not export`);
  for (const sc of script.scenarios) {
    if (sc.flow.length === 0) problems.push(`scenario "${sc.name}" has an empty flow`);
    for (const fn of [...functions(sc.flow), ...(sc.beforeScenario ?? [])])
      if (
        typeof exported[fn] !== 'function' &&
        typeof (exported.default as Record<string, unknown>)?.[fn] !== 'function'
      )
        problems.push(`scenario "${sc.name}" calls ${fn}, which the processor does not export`);
  }
  return problems;
}
