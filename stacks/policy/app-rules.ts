// Policy rules for the app stack: what the taskboard release and its namespace must carry. Kept
// apart from the generic helm_release rules (atomic, pinned versions, ...) of the platform stack.
import { CHART_DIR, READINESS_GATE_LABEL } from '../app';
import type { PolicyRule, RuleResult } from './rules';
import { type Block, block, type Entry, type Json, resources, type TfDocument } from './tf-json';

/** helm_release resources that install our own chart (helm/taskboard, by local path). */
const appReleases = (doc: TfDocument): Entry[] =>
  resources(doc, 'helm_release').filter((r) => String(r.body.chart ?? '').endsWith(CHART_DIR));

/** The namespace resource a release installs into, when the release references one. */
function namespaceOf(doc: TfDocument, release: Entry): Entry | undefined {
  const ns = String(release.body.namespace ?? '');
  return [...resources(doc, 'kubernetes_namespace_v1'), ...resources(doc, 'kubernetes_namespace')].find((n) =>
    ns.startsWith(`\${${n.address}.`),
  );
}

const labelsOf = (ns: Entry): Record<string, Json> => (block(block(ns.body.metadata)?.labels) ?? {}) as Block;

function appRule(
  id: string,
  rationale: string,
  body: (doc: TfDocument, release: Entry, expect: (ok: boolean, message: string) => void) => void,
): PolicyRule {
  return {
    id,
    rationale,
    check(stack) {
      const result: RuleResult = { checked: 0, findings: [] };
      for (const release of appReleases(stack.doc)) {
        body(stack.doc, release, (ok, message) => {
          result.checked += 1;
          if (!ok) result.findings.push({ rule: id, stack: stack.name, address: release.address, message });
        });
      }
      return result;
    },
  };
}

const setEntries = (r: Entry) => (Array.isArray(r.body.set) ? (r.body.set as Block[]) : []);
const setListEntries = (r: Entry) => (Array.isArray(r.body.set_list) ? (r.body.set_list as Block[]) : []);
/** The Terraform reference to the edge stack's output, as it appears in the synthesized JSON. */
const EDGE_ALB_SG = `\${data.terraform_remote_state.edge.outputs.alb_security_group_id}`;

export const APP_RULES: PolicyRule[] = [
  appRule(
    'APP-NAMESPACE-READINESS-GATE',
    "The app's namespace is the stack's own and injects ALB readiness gates: a rollout keeps a healthy target.",
    (doc, release, expect) => {
      const ns = namespaceOf(doc, release);
      expect(ns !== undefined, 'the release namespace is not a namespace resource of this stack');
      if (ns)
        expect(
          labelsOf(ns)[READINESS_GATE_LABEL] === 'enabled',
          `namespace without ${READINESS_GATE_LABEL}=enabled`,
        );
    },
  ),
  appRule(
    'APP-NAMESPACE-RESTRICTED',
    "Pod Security Admission enforces `restricted` on the app's namespace, pinned to a Kubernetes minor.",
    (doc, release, expect) => {
      const ns = namespaceOf(doc, release);
      const labels = ns ? labelsOf(ns) : {};
      const version = String(labels['pod-security.kubernetes.io/enforce-version'] ?? '');
      expect(
        labels['pod-security.kubernetes.io/enforce'] === 'restricted' && /^v1\.\d+$/.test(version),
        'namespace does not enforce the restricted Pod Security Standard at a pinned version',
      );
    },
  ),
  appRule(
    'APP-IMAGE-TAG-VALIDATED',
    'Image tags come from a Terraform variable whose validation refuses "latest": a rollback finds its image.',
    (doc, release, expect) => {
      const tags = setEntries(release).filter((s) => String(s.name).endsWith('image.tag'));
      const literal = (release.body.values as Json[] | undefined)?.some((v) =>
        /\btag:\s*["']?latest\b/.test(String(v)),
      );
      expect(
        tags.length >= 2 && !literal,
        'api/frontend image tags are not both set by the stack (or a values file says latest)',
      );
      const variables = (doc.variable ?? {}) as Record<string, Block>;
      for (const t of tags) {
        const name = /^\$\{var\.(\w+)\}$/.exec(String(t.value))?.[1];
        const conditions = JSON.stringify(name ? (variables[name]?.validation ?? null) : null);
        expect(
          name !== undefined && t.type === 'string' && conditions.includes('!= \\"latest\\"'),
          `${String(t.name)} is not a string-typed variable validated against "latest"`,
        );
      }
    },
  ),
  appRule(
    'APP-ALB-BEHIND-CLOUDFRONT',
    "The app's ALB takes the edge's CloudFront-only security group; else the controller opens it to 0.0.0.0/0.",
    (_doc, release, expect) => {
      const groups = setListEntries(release).find((s) => s.name === 'ingress.securityGroups');
      const value = groups?.value;
      expect(
        Array.isArray(value) && value.length === 1 && value[0] === EDGE_ALB_SG,
        'ingress.securityGroups is not exactly the edge stack output alb_security_group_id',
      );
    },
  ),
  appRule(
    'APP-SECRETS-BY-REFERENCE',
    'The app release gets Secrets Manager entries by ARN only: no secret value in its values or in state.',
    (_doc, release, expect) => {
      expect(
        release.body.set_sensitive === undefined && release.body.set_wo === undefined,
        'set_sensitive/set_wo put secret values into the release',
      );
      for (const s of setEntries(release).filter((x) => String(x.name).startsWith('secrets.'))) {
        expect(
          /^\$\{data\.terraform_remote_state\.\w+\.outputs\.\w+_arn\}$/.test(String(s.value)),
          `${String(s.name)} is not a secret ARN from a stack output`,
        );
      }
    },
  ),
];
