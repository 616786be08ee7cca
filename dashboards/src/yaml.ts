import { dump } from 'js-yaml';

/** Stable YAML for generated files: no anchors, no folding, so diffs show exactly what changed. */
export function toYaml(value: unknown, header: string): string {
  return `${header}${dump(value, { noRefs: true, lineWidth: -1 })}`;
}
