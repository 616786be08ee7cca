import type { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { Release } from '@cdktf/provider-helm/lib/release';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { CHARTS, type ChartName, LOCAL_CHARTS } from './charts';

/** Revisions Helm keeps per release: enough to roll back a few upgrades, not every one ever (default). */
export const MAX_HISTORY = 5;

export interface PlatformReleaseProps {
  provider: HelmProvider;
  /** Release name; also the prefix of most object names the chart creates. */
  name: string;
  chart: ChartName | keyof typeof LOCAL_CHARTS;
  /** Created by the stack (a kubernetes namespace resource) or an existing one such as kube-system. */
  namespace: string;
  /** Typed values of this chart; serialised to YAML here, never written by hand. */
  values: object;
  /** Seconds Helm waits for every object to be ready before rolling the release back. */
  timeoutSeconds: number;
  dependsOn?: ITerraformDependable[];
}

/** Values as the YAML document Helm reads; Terraform interpolations inside strings survive as-is. */
export function valuesYaml(values: object): string {
  // lineWidth 0: never fold long strings (ARNs, interpolations) across lines.
  return stringify(values, { lineWidth: 0 });
}

/**
 * A Helm release with the rules every platform add-on follows: the chart version pinned,
 * `atomic` + `cleanup_on_fail` (a failed install or upgrade rolls itself back and leaves nothing
 * half-made), `wait` (apply returns only when the workloads are ready, so the next release can
 * rely on them), a timeout sized per chart and bounded history. Namespaces are never created by
 * Helm: they are resources of the stack, so their labels are reviewed and destroy is ordered.
 */
export class PlatformRelease extends Construct {
  readonly release: Release;

  constructor(scope: Construct, id: string, props: PlatformReleaseProps) {
    super(scope, id);
    const source =
      props.chart in CHARTS
        ? { chart: props.chart, ...CHARTS[props.chart as ChartName] }
        : { chart: LOCAL_CHARTS[props.chart as keyof typeof LOCAL_CHARTS] };
    this.release = new Release(this, 'release', {
      provider: props.provider,
      name: props.name,
      ...source,
      namespace: props.namespace,
      createNamespace: false,
      atomic: true,
      cleanupOnFail: true,
      wait: true,
      waitForJobs: true,
      timeout: props.timeoutSeconds,
      maxHistory: MAX_HISTORY,
      values: [valuesYaml(props.values)],
      dependsOn: props.dependsOn,
    });
  }
}
