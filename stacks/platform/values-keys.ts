// Helm ignores a values key the chart does not read, silently: a misplaced key is a setting that
// never took effect. These helpers compare the key paths we set with a chart's default values.

/** Leaf key paths of a values object; arrays and empty objects are leaves (their key must exist). */
export function keyPaths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return [prefix];
  return entries.flatMap(([k, v]) => keyPaths(v, [...prefix, k]));
}

/** True when `path` names a key present in `defaults` (every step through an object). */
export function hasPath(defaults: unknown, path: string[]): boolean {
  let node: unknown = defaults;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return false;
    if (!Object.hasOwn(node as object, key)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}

export interface KeyCheck {
  /** Paths (dot-joined) found in neither the chart's nor a subchart's defaults, nor allowed. */
  unknown: string[];
  /** Allow-list entries that matched nothing (stale: remove them). */
  unusedAllowed: string[];
}

/**
 * Checks every key path of `values` against the chart defaults; a subchart's keys (first path
 * segment = subchart name) may also be found in that subchart's own defaults. `allowed` lists
 * free-form maps by key path (segments, since keys such as `grafana.ini` contain dots): anything below them is the user's data, not chart keys.
 */
export function checkKeys(
  values: object,
  defaults: unknown,
  subcharts: Record<string, unknown>,
  allowed: string[][],
): KeyCheck {
  const inChart = (path: string[]) => {
    const [head, ...rest] = path;
    const sub = head !== undefined ? subcharts[head] : undefined;
    return hasPath(defaults, path) || (sub !== undefined && hasPath(sub, rest));
  };
  const used = new Set<string[]>();
  const unknown = new Set<string>();
  for (const path of keyPaths(values)) {
    const allow = allowed.find((a) => a.length <= path.length && a.every((k, i) => path[i] === k));
    if (allow !== undefined) {
      used.add(allow);
      // The free-form map itself must still be a key of the chart.
      if (!inChart(allow)) unknown.add(allow.join('.'));
    } else if (!inChart(path)) {
      unknown.add(path.join('.'));
    }
  }
  return {
    unknown: [...unknown],
    unusedAllowed: allowed.filter((a) => !used.has(a)).map((a) => a.join('.')),
  };
}
