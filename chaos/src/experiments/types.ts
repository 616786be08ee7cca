// The typed catalogue entry: what an experiment does (its Chaos Mesh fault) and what we claim
// about it (hypothesis, blast radius, alerts, runbook). `make chaos` checks the claims.
import type { Targets } from '../targets';

export const CHAOS_API_VERSION = 'chaos-mesh.org/v1alpha1';

/** The Chaos Mesh kinds we use, with the Workflow template field that embeds each. */
export const FAULT_KINDS = {
  PodChaos: 'podChaos',
  NetworkChaos: 'networkChaos',
  StressChaos: 'stressChaos',
  DNSChaos: 'dnsChaos',
} as const;
export type FaultKind = keyof typeof FAULT_KINDS;

// biome-ignore lint/suspicious/noExplicitAny: a Chaos Mesh spec; its schema is the CRD (test/crd-schema.test.ts)
export type ChaosSpec = Record<string, any>;

/** One fault: a Chaos Mesh spec without `duration` (a standalone object or a Workflow step adds it). */
export interface Fault {
  kind: FaultKind;
  spec: ChaosSpec;
  /** Instant actions (pod-kill, container-kill) take no duration in Chaos Mesh. */
  instant: boolean;
}

export interface ChaosObject {
  apiVersion: typeof CHAOS_API_VERSION;
  kind: FaultKind | 'Workflow';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: ChaosSpec;
}

/** An alert (by the `alert:` name in dashboards/generated/prometheus) and how soon it must fire. */
export interface AlertExpectation {
  alert: string;
  /** Seconds from applying the experiment; covers the rule's `for`, rate windows and scrapes. */
  withinSeconds: number;
}

/** Either named alerts must fire, or the platform is expected to absorb the fault silently. */
export type Outcome =
  | { kind: 'alerts'; mustFire: [AlertExpectation, ...AlertExpectation[]] }
  | { kind: 'absorbed'; why: string };

interface CatalogueFields {
  /** kebab-case; `make chaos EXPERIMENT=<name>` and the object name `taskboard-<name>`. */
  name: string;
  title: string;
  hypothesis: string;
  blastRadius: string;
  /** How long the fault lasts (or, for an instant one, how long `make chaos` watches afterwards). */
  durationSeconds: number;
  /** When to stop early, in words; `make chaos` also aborts as soon as a must-not-fire alert fires. */
  abortCondition: string;
  outcome: Outcome;
  mustNotFire: string[];
  /** Repository path of the runbook an operator follows when the hypothesis fails. */
  runbook: `docs/runbooks/${string}.md`;
}

export interface SingleExperiment extends CatalogueFields {
  type: 'single';
  fault(targets: Targets): Fault;
}

export interface WorkflowStep {
  name: string;
  /** A fault, or a pause letting the system recover before the next one. */
  fault: ((targets: Targets) => Fault) | 'recover';
  durationSeconds: number;
  /** Alerts this step must raise, measured from the step's start. */
  mustFire: AlertExpectation[];
}

export interface WorkflowExperiment extends CatalogueFields {
  type: 'workflow';
  steps: WorkflowStep[];
}

export type Experiment = SingleExperiment | WorkflowExperiment;

/** Every alert an experiment makes a claim about. */
export const mustFireOf = (e: Experiment): AlertExpectation[] =>
  e.outcome.kind === 'alerts' ? e.outcome.mustFire : [];
