// `make chaos EXPERIMENT=… ENV=…`: arguments, preflight, typed confirmation, the run, the report.
// Every outside effect comes through CliDeps, so test/cli.test.ts drives it with fakes; the
// real path (kubectl, helm, a cluster with Chaos Mesh and kube-prometheus-stack) is verified only
// on a cluster.
import { defaultConfig, ENVIRONMENTS, type EnvName } from '../../../stacks/config';
import { EXPERIMENTS, findExperiment } from '../catalogue';
import { type Experiment, mustFireOf } from '../experiments/types';
import { manifestOf, manifestYaml, objectName } from '../manifests';
import { PROMETHEUS, RELEASE } from '../release';
import { parseTargets, type Targets } from '../targets';
import { runExperiment, type Verdict } from './orchestrate';
import type { Clock, Kube, Prometheus } from './ports';
import type { ChaosRunReport, ReportWriter } from './report';
import { type TrafficPoint, trafficTimeline } from './traffic';

export class UsageError extends Error {}

export interface Args {
  experiment: Experiment;
  env: EnvName;
  dryRun: boolean;
}

export function parseArgs(argv: string[]): Args {
  const [name, env] = argv.filter((a) => !a.startsWith('--'));
  const experiment = findExperiment(name ?? '');
  if (!experiment) {
    throw new UsageError(
      `EXPERIMENT must be one of:\n${EXPERIMENTS.map((e) => `  ${e.name.padEnd(20)} ${e.title}`).join('\n')}\n(got "${name ?? ''}")`,
    );
  }
  if (!(ENVIRONMENTS as readonly string[]).includes(env ?? '')) {
    throw new UsageError(`ENV must be one of ${ENVIRONMENTS.join(', ')}, got "${env ?? ''}"`);
  }
  return { experiment, env: env as EnvName, dryRun: argv.includes('--dry-run') };
}

/** The EKS cluster of an environment (stacks/network.ts clusterName): the kube context must name it. */
export const clusterOf = (env: EnvName): string => `${defaultConfig()[env].project}-${env}`;

export interface CliDeps {
  kube: Kube;
  prometheusAt(url: string): Prometheus;
  clock: Clock;
  /** Which command-line tools are on PATH. */
  tools: { kubectl: boolean; helm: boolean };
  confirm(question: string, expected: string): Promise<boolean>;
  writer: ReportWriter;
  signal: AbortSignal;
  pollSeconds: number;
  recoveryWatchSeconds: number;
  log(line: string): void;
  error(line: string): void;
}

/** What a run does, in order: `DRY_RUN=1` prints this and touches nothing. */
export function plan(e: Experiment, env: EnvName): string[] {
  const object = `${e.type === 'workflow' ? 'Workflow' : e.fault(PLACEHOLDER_TARGETS).kind}/${objectName(e)}`;
  const watched = [...mustFireOf(e).map((f) => f.alert), ...e.mustNotFire];
  return [
    `check kubectl and helm are on PATH and the kube context is the ${clusterOf(env)} cluster`,
    `read database.host and redis.host from the values of release ${RELEASE.name} (helm get values -n ${RELEASE.namespace})`,
    `ask you to type "${env}"`,
    `port-forward svc/${PROMETHEUS.service} in ${PROMETHEUS.namespace} to 127.0.0.1`,
    `refuse to start if any of ${watched.join(', ')} is already firing`,
    `kubectl apply ${object} in ${RELEASE.namespace} (runs ${e.durationSeconds}s)`,
    ...mustFireOf(e).map(
      (f) => `expect ALERTS{alertname="${f.alert}",alertstate="firing"} within ${f.withinSeconds}s`,
    ),
    ...(e.outcome.kind === 'absorbed' ? [`expect no alert: ${e.outcome.why}`] : []),
    `stop and remove it at once if ${e.mustNotFire.join(' or ')} fires; abort condition: ${e.abortCondition}`,
    `kubectl delete ${object} (also on Ctrl-C or any failure)`,
    `keep polling up to 5 minutes after removal until the alerts resolve (the recovery time)`,
    `write the incident report (docs/incident-report-template.md, with charts) to artifacts/chaos/${env}-${e.name}-<start>/report.md`,
  ];
}

export const PLACEHOLDER_TARGETS: Targets = {
  databaseHost: 'database.host.of.the.release',
  redisHost: 'redis.host.of.the.release',
};

/** Exit code: 0 passed, 1 failed/aborted/interrupted/not confirmed, 2 cannot run. */
export async function main(argv: string[], deps: CliDeps): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      deps.error(`chaos: ${error.message}`);
      return 2;
    }
    throw error;
  }
  const { experiment: e, env, dryRun } = args;
  if (dryRun) {
    deps.log(`chaos: dry run of ${e.name} on ${env}; nothing is applied. Steps:`);
    plan(e, env).forEach((step, i) => {
      deps.log(`  ${i + 1}. ${step}`);
    });
    deps.log('chaos: the manifest (hosts filled in from the release at run time):');
    deps.log(manifestYaml(e, PLACEHOLDER_TARGETS));
    return 0;
  }

  const problems: string[] = [];
  if (!deps.tools.kubectl)
    problems.push('kubectl is not on PATH (install it, then `aws eks update-kubeconfig`)');
  if (!deps.tools.helm) problems.push('helm is not on PATH (`make tools` installs it into bin/)');
  if (problems.length === 0) {
    const context = await deps.kube.currentContext();
    const cluster = clusterOf(env);
    if (context === null)
      problems.push(
        `no kube context: run \`aws eks update-kubeconfig --name ${cluster}\` with AWS credentials for ${env}`,
      );
    else if (!context.endsWith(`/${cluster}`) && context !== cluster)
      problems.push(`the kube context is "${context}", not the ${cluster} cluster: switch context first`);
  }
  if (problems.length > 0) {
    deps.error(`chaos: cannot run ${e.name} on ${env}: ${problems.join('; ')}`);
    return 2;
  }

  let targets: Targets;
  try {
    targets = parseTargets(
      await deps.kube.releaseValues(RELEASE.name, RELEASE.namespace),
      `helm get values ${RELEASE.name}`,
    );
  } catch (error) {
    deps.error(`chaos: cannot read the release's hosts: ${(error as Error).message}`);
    return 2;
  }
  const object = manifestOf(e, targets);

  if (
    !(await deps.confirm(
      `chaos: about to run ${e.name} against ${env} (${e.blastRadius}) Type "${env}" to continue: `,
      env,
    ))
  ) {
    deps.error('chaos: not confirmed (needs an interactive terminal); nothing changed');
    return 1;
  }

  let forward: { url: string; close(): Promise<void> };
  try {
    forward = await deps.kube.portForwardPrometheus();
  } catch (error) {
    deps.error(`chaos: cannot reach Prometheus: ${(error as Error).message}`);
    return 2;
  }
  let verdict: Verdict;
  try {
    const prometheus = deps.prometheusAt(forward.url);
    const result = await runExperiment(
      e,
      object,
      { kube: deps.kube, prometheus, clock: deps.clock },
      {
        pollSeconds: deps.pollSeconds,
        recoveryWatchSeconds: deps.recoveryWatchSeconds,
        signal: deps.signal,
        log: deps.log,
      },
    );
    verdict = result.verdict;
    let traffic: TrafficPoint[] = [];
    let trafficNote: string | undefined;
    if (result.removedAt !== undefined) {
      try {
        traffic = await trafficTimeline(prometheus, result.startedAt, result.endedAt, deps.pollSeconds);
      } catch (error) {
        trafficNote = `request timeline not available: ${(error as Error).message}`;
      }
    }
    const report: ChaosRunReport = {
      environment: env,
      experiment: e,
      result,
      manifestYaml: manifestYaml(e, targets),
      traffic,
      trafficNote,
    };
    const path = deps.writer.write(report);
    deps.log(
      `chaos: ${e.name} ${verdict.toUpperCase()}${result.reasons.length ? `: ${result.reasons.join('; ')}` : ''}`,
    );
    deps.log(`chaos: report in ${path}`);
  } finally {
    await forward.close();
  }
  return verdict === 'passed' ? 0 : 1;
}
