import type { Json, K8sObject } from './helm';

/**
 * The chart's policy suite: rules over rendered manifests, like the infrastructure's over the
 * synthesized JSON. Each returns findings (empty = pass); test/policy.test.ts proves every rule
 * passes on each environment's render and fails on a fixture broken for it alone.
 */
export interface ChartRule {
  id: string;
  description: string;
  /** Only for these environments (default: every one). */
  envs?: string[];
  check(objects: K8sObject[]): string[];
}

interface PodSpecOf {
  owner: string;
  spec: Json;
  longRunning: boolean;
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

/** Every pod spec the chart makes: workloads, Jobs, CronJobs and bare Pods (helm tests). */
export function podSpecs(objects: K8sObject[]): PodSpecOf[] {
  const out: PodSpecOf[] = [];
  for (const o of objects) {
    const owner = `${o.kind}/${o.metadata.name}`;
    if (WORKLOADS.has(o.kind)) out.push({ owner, spec: o.spec.template.spec, longRunning: true });
    else if (o.kind === 'Job') out.push({ owner, spec: o.spec.template.spec, longRunning: false });
    else if (o.kind === 'CronJob')
      out.push({ owner, spec: o.spec.jobTemplate.spec.template.spec, longRunning: false });
    else if (o.kind === 'Pod') out.push({ owner, spec: o.spec, longRunning: false });
  }
  return out;
}

const containersOf = (spec: Json): { name: string; init: boolean; c: Json }[] => [
  ...(spec.initContainers ?? []).map((c: Json) => ({ name: c.name, init: true, c })),
  ...(spec.containers ?? []).map((c: Json) => ({ name: c.name, init: false, c })),
];

const envValue = (c: Json, name: string): string | undefined =>
  (c.env ?? []).find((e: Json) => e.name === name)?.value;

/** The ALB target-group deregistration delay the Ingress sets, in seconds. */
export function deregistrationDelay(objects: K8sObject[]): number | undefined {
  const ingress = objects.find((o) => o.kind === 'Ingress');
  const attrs: string | undefined =
    ingress?.metadata.annotations?.['alb.ingress.kubernetes.io/target-group-attributes'];
  const match = attrs?.match(/deregistration_delay\.timeout_seconds=(\d+)/);
  return match ? Number(match[1]) : undefined;
}

const deploymentsTargetedBy = (objects: K8sObject[], kind: string): Set<string> =>
  new Set(objects.filter((o) => o.kind === kind).map((o) => o.spec.scaleTargetRef?.name));

export const CHART_RULES: ChartRule[] = [
  {
    id: 'pod-security-restricted',
    description:
      'Every pod (jobs and tests included) meets the restricted standard: non-root fixed uid/gid, RuntimeDefault seccomp, no privilege escalation, ALL capabilities dropped, read-only root with an emptyDir /tmp, no service-account token',
    check(objects) {
      const findings: string[] = [];
      for (const { owner, spec, longRunning } of podSpecs(objects)) {
        const psc = spec.securityContext ?? {};
        if (spec.automountServiceAccountToken !== false)
          findings.push(`${owner}: automountServiceAccountToken is not false`);
        if (psc.runAsNonRoot !== true) findings.push(`${owner}: pod runAsNonRoot is not true`);
        for (const id of ['runAsUser', 'runAsGroup'])
          if (!(Number.isInteger(psc[id]) && psc[id] > 0))
            findings.push(`${owner}: pod ${id} is not a fixed non-root id`);
        const tmpVolumes = new Set(
          (spec.volumes ?? []).filter((v: Json) => v.emptyDir).map((v: Json) => v.name),
        );
        for (const { name, c } of containersOf(spec)) {
          const sc = c.securityContext ?? {};
          const where = `${owner} container ${name}`;
          const seccomp = sc.seccompProfile?.type ?? psc.seccompProfile?.type;
          if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost')
            findings.push(`${where}: seccomp is not RuntimeDefault`);
          if (sc.allowPrivilegeEscalation !== false)
            findings.push(`${where}: allowPrivilegeEscalation is not false`);
          if (sc.runAsUser === 0) findings.push(`${where}: runs as root`);
          if (!(sc.capabilities?.drop ?? []).includes('ALL'))
            findings.push(`${where}: capabilities not dropped (ALL)`);
          for (const cap of sc.capabilities?.add ?? [])
            if (cap !== 'NET_BIND_SERVICE') findings.push(`${where}: adds capability ${cap}`);
          if (sc.readOnlyRootFilesystem !== true) findings.push(`${where}: root filesystem is writable`);
          // Long-running containers get a writable /tmp; the helm test pod writes nothing at all.
          else if (
            longRunning &&
            !(c.volumeMounts ?? []).some((m: Json) => m.mountPath === '/tmp' && tmpVolumes.has(m.name))
          )
            findings.push(`${where}: read-only root without an emptyDir at /tmp`);
        }
      }
      return findings;
    },
  },
  {
    id: 'no-host-access',
    description: 'No hostNetwork/hostPID/hostIPC, hostPath volumes, host ports or privileged containers',
    check(objects) {
      const findings: string[] = [];
      for (const { owner, spec } of podSpecs(objects)) {
        for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[f]) findings.push(`${owner}: ${f}`);
        for (const v of spec.volumes ?? [])
          if (v.hostPath) findings.push(`${owner}: hostPath volume ${v.name}`);
        for (const { name, c } of containersOf(spec)) {
          if (c.securityContext?.privileged) findings.push(`${owner} container ${name}: privileged`);
          for (const p of c.ports ?? [])
            if (p.hostPort) findings.push(`${owner} container ${name}: hostPort ${p.hostPort}`);
        }
      }
      return findings;
    },
  },
  {
    id: 'probes',
    description:
      'Every long-running container has liveness and readiness probes (and a startup probe for slow boots)',
    check(objects) {
      const findings: string[] = [];
      for (const { owner, spec, longRunning } of podSpecs(objects)) {
        if (!longRunning) continue;
        for (const c of spec.containers ?? [])
          for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'])
            if (!c[probe]) findings.push(`${owner} container ${c.name}: no ${probe}`);
      }
      return findings;
    },
  },
  {
    id: 'resources',
    description: 'Every container (init and test containers included) has CPU and memory requests and limits',
    check(objects) {
      const findings: string[] = [];
      for (const { owner, spec } of podSpecs(objects))
        for (const { name, c } of containersOf(spec))
          for (const kind of ['requests', 'limits'])
            for (const res of ['cpu', 'memory'])
              if (c.resources?.[kind]?.[res] === undefined)
                findings.push(`${owner} container ${name}: no ${res} ${kind}`);
      return findings;
    },
  },
  {
    id: 'image-pinned',
    description: 'Every image has a tag other than latest, or a digest',
    check(objects) {
      const findings: string[] = [];
      for (const { owner, spec } of podSpecs(objects))
        for (const { name, c } of containersOf(spec)) {
          const image: string = c.image ?? '';
          if (/@sha256:[a-f0-9]{64}$/.test(image)) continue;
          const tag = image.includes(':') ? image.slice(image.lastIndexOf(':') + 1) : '';
          if (!tag || tag.includes('/') || tag === 'latest')
            findings.push(`${owner} container ${name}: image ${image} is not pinned`);
        }
      return findings;
    },
  },
  {
    id: 'zero-downtime-rollout',
    description: 'Deployments roll with maxUnavailable: 0 and maxSurge >= 1',
    check(objects) {
      return objects
        .filter((o) => o.kind === 'Deployment')
        .flatMap((d) => {
          const ru = d.spec.strategy?.rollingUpdate;
          return d.spec.strategy?.type === 'RollingUpdate' &&
            ru?.maxUnavailable === 0 &&
            Number(ru?.maxSurge) >= 1
            ? []
            : [`Deployment/${d.metadata.name}: rollout is not maxUnavailable 0 / maxSurge >= 1`];
        });
    },
  },
  {
    id: 'graceful-shutdown',
    description:
      'preStop pause >= ALB deregistration delay; grace period > pause + the API shutdown timeout; SHUTDOWN_DELAY_MS < SHUTDOWN_TIMEOUT_MS',
    check(objects) {
      const findings: string[] = [];
      const delay = deregistrationDelay(objects);
      for (const d of objects.filter((o) => o.kind === 'Deployment')) {
        const spec = d.spec.template.spec;
        const grace: number = spec.terminationGracePeriodSeconds ?? 30;
        for (const c of spec.containers) {
          const where = `Deployment/${d.metadata.name} container ${c.name}`;
          const pause: number | undefined = c.lifecycle?.preStop?.sleep?.seconds;
          if (pause === undefined) {
            findings.push(`${where}: no preStop sleep`);
            continue;
          }
          if (delay !== undefined && pause < delay)
            findings.push(`${where}: preStop ${pause} s < deregistration delay ${delay} s`);
          const timeoutMs = Number(envValue(c, 'SHUTDOWN_TIMEOUT_MS') ?? 0);
          const delayMs = Number(envValue(c, 'SHUTDOWN_DELAY_MS') ?? 0);
          if (!(grace * 1000 > pause * 1000 + timeoutMs))
            findings.push(
              `${where}: grace ${grace} s is not > preStop ${pause} s + shutdown timeout ${timeoutMs} ms`,
            );
          if (timeoutMs && !(delayMs < timeoutMs))
            findings.push(`${where}: SHUTDOWN_DELAY_MS ${delayMs} is not < SHUTDOWN_TIMEOUT_MS ${timeoutMs}`);
        }
      }
      return findings;
    },
  },
  {
    id: 'stable-selectors',
    description:
      'Deployment, Service, PDB and NetworkPolicy selectors use only labels that never change between chart versions (selectors are immutable)',
    check(objects) {
      const VOLATILE = ['helm.sh/chart', 'app.kubernetes.io/version'];
      const selectors: [string, Record<string, string> | undefined][] = objects.flatMap((o) => {
        const where = `${o.kind}/${o.metadata.name}`;
        if (o.kind === 'Deployment' || o.kind === 'PodDisruptionBudget')
          return [[where, o.spec.selector?.matchLabels]];
        if (o.kind === 'Service') return [[where, o.spec.selector]];
        if (o.kind === 'NetworkPolicy') return [[where, o.spec.podSelector?.matchLabels]];
        return [];
      });
      return selectors.flatMap(([where, labels]) =>
        Object.keys(labels ?? {})
          .filter((k) => VOLATILE.includes(k))
          .map((k) => `${where}: selector uses ${k}, which changes with every release`),
      );
    },
  },
  {
    id: 'prod-resilience',
    description:
      'In prod every Deployment has an HPA and a PDB, and the namespace has a default-deny NetworkPolicy',
    envs: ['prod'],
    check(objects) {
      const findings: string[] = [];
      const hpas = deploymentsTargetedBy(objects, 'HorizontalPodAutoscaler');
      const pdbLabels = objects
        .filter((o) => o.kind === 'PodDisruptionBudget')
        .map((p) => JSON.stringify(p.spec.selector.matchLabels));
      for (const d of objects.filter((o) => o.kind === 'Deployment')) {
        if (!hpas.has(d.metadata.name))
          findings.push(`Deployment/${d.metadata.name}: no HorizontalPodAutoscaler`);
        if (!pdbLabels.includes(JSON.stringify(d.spec.selector.matchLabels)))
          findings.push(`Deployment/${d.metadata.name}: no PodDisruptionBudget`);
      }
      const defaultDeny = objects.some(
        (o) =>
          o.kind === 'NetworkPolicy' &&
          Object.keys(o.spec.podSelector ?? {}).length === 0 &&
          ['Ingress', 'Egress'].every((t) => o.spec.policyTypes?.includes(t)) &&
          !o.spec.ingress &&
          !o.spec.egress,
      );
      if (!defaultDeny) findings.push('no default-deny NetworkPolicy');
      return findings;
    },
  },
  {
    id: 'hpa-owns-replicas',
    description: 'A Deployment scaled by an HPA has no replicas field (an upgrade would reset the HPA)',
    check(objects) {
      const hpas = deploymentsTargetedBy(objects, 'HorizontalPodAutoscaler');
      return objects
        .filter((o) => o.kind === 'Deployment' && hpas.has(o.metadata.name) && o.spec.replicas !== undefined)
        .map((d) => `Deployment/${d.metadata.name}: sets replicas under an HPA`);
    },
  },
  {
    id: 'pdb-allows-eviction',
    description:
      'Every PDB lets at least one pod be evicted, and exists only where more than one replica can run',
    check(objects) {
      const findings: string[] = [];
      const hpas = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
      for (const pdb of objects.filter((o) => o.kind === 'PodDisruptionBudget')) {
        const where = `PodDisruptionBudget/${pdb.metadata.name}`;
        if (pdb.spec.maxUnavailable === 0 || pdb.spec.maxUnavailable === '0%')
          findings.push(`${where}: maxUnavailable 0`);
        const target = objects.find(
          (o) =>
            o.kind === 'Deployment' &&
            JSON.stringify(o.spec.selector.matchLabels) === JSON.stringify(pdb.spec.selector.matchLabels),
        );
        if (!target) {
          findings.push(`${where}: selects no Deployment`);
          continue;
        }
        const hpa = hpas.find((h) => h.spec.scaleTargetRef.name === target.metadata.name);
        const maxReplicas = hpa ? hpa.spec.maxReplicas : (target.spec.replicas ?? 1);
        if (maxReplicas <= 1) findings.push(`${where}: over a single replica it blocks every drain`);
        if (
          pdb.spec.minAvailable !== undefined &&
          Number(pdb.spec.minAvailable) >= (hpa ? hpa.spec.minReplicas : maxReplicas)
        )
          findings.push(`${where}: minAvailable leaves nothing to evict`);
      }
      return findings;
    },
  },
];

export function evaluateChart(objects: K8sObject[], env: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const rule of CHART_RULES)
    if (!rule.envs || rule.envs.includes(env)) out.set(rule.id, rule.check(objects));
  return out;
}
