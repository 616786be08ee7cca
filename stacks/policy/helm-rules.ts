// Rules for what the platform (and app) stacks install on the cluster: Helm releases and the
// helm/kubernetes providers. Kept apart from the AWS rules in rules.ts.
import { parse } from 'yaml';
import { type PolicyRule, rule } from './rule-kit';
import { type Block, blocks, dataSources, type Json, resources, strings } from './tf-json';

const isTrue = (v: Json | undefined) => v === true || v === 'true';
/** A chart from a path in this repository (versioned with the code) rather than a repository. */
const isLocalChart = (r: Block) => typeof r.chart === 'string' && /^\.{1,2}\//.test(r.chart) && !r.repository;

/** Longest Helm timeout we accept: longer means a broken rollout holds the apply for too long. */
export const MAX_HELM_TIMEOUT_S = 1800;
export const MAX_HELM_HISTORY = 20;

/**
 * Keys whose plain value would be a credential: they may only name a Secret or a file, never
 * hold the value (`existingSecret`, `passwordKey`, `api_url_file` are fine; `api_url`, `password`
 * with a literal are not).
 */
const SECRET_KEY = /(password|passwd|token|secret|api_?key|routing_?key|webhook_?url|api_?url|auth)$/i;
const REFERENCE_KEY = /^existing/i;

/** Paths of secret-looking keys holding a non-empty literal string, anywhere in a values document. */
export function plainSecretPaths(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => plainSecretPaths(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
    const here = path ? `${path}.${k}` : k;
    const leak = typeof v === 'string' && v !== '' && SECRET_KEY.test(k) && !REFERENCE_KEY.test(k);
    return leak ? [here] : plainSecretPaths(v, here);
  });
}

export const HELM_RULES: PolicyRule[] = [
  rule(
    'HELM-PINNED-VERSION',
    'Every chart is pinned to an exact version from its repository (unpinned installs whatever is latest).',
    (doc, c) => {
      for (const r of resources(doc, 'helm_release')) {
        const pinned =
          isLocalChart(r.body) ||
          (typeof r.body.repository === 'string' &&
            r.body.repository.startsWith('https://') &&
            typeof r.body.version === 'string' &&
            /^\d+\.\d+\.\d+$/.test(r.body.version));
        c.expect(
          r,
          pinned,
          `chart ${String(r.body.chart)} without an exact version from an https repository`,
        );
      }
    },
  ),
  rule(
    'HELM-ATOMIC',
    'A failed install or upgrade rolls itself back (atomic, cleanup_on_fail) and apply waits for readiness.',
    (doc, c) => {
      for (const r of resources(doc, 'helm_release')) {
        const ok = isTrue(r.body.atomic) && isTrue(r.body.cleanup_on_fail) && isTrue(r.body.wait);
        c.expect(r, ok, 'atomic, cleanup_on_fail or wait not true');
      }
    },
  ),
  rule(
    'HELM-TIMEOUT',
    `Each release sets its own timeout (the default 300 s is wrong for slow charts), at most ${MAX_HELM_TIMEOUT_S} s.`,
    (doc, c) => {
      for (const r of resources(doc, 'helm_release')) {
        const t = r.body.timeout;
        c.expect(
          r,
          typeof t === 'number' && t >= 60 && t <= MAX_HELM_TIMEOUT_S,
          `timeout ${JSON.stringify(t)} not set explicitly within 60..${MAX_HELM_TIMEOUT_S} s`,
        );
      }
    },
  ),
  rule(
    'HELM-MAX-HISTORY',
    `Release history is bounded (max_history 1..${MAX_HELM_HISTORY}); the provider default keeps every revision.`,
    (doc, c) => {
      for (const r of resources(doc, 'helm_release')) {
        const h = r.body.max_history;
        c.expect(
          r,
          typeof h === 'number' && h >= 1 && h <= MAX_HELM_HISTORY,
          `max_history ${JSON.stringify(h)} unbounded`,
        );
      }
    },
  ),
  rule(
    'HELM-NO-PLAIN-SECRETS',
    'No credential in release values or `set`: only set_sensitive, or a reference to a Kubernetes Secret.',
    (doc, c) => {
      for (const r of resources(doc, 'helm_release')) {
        const sets = [...blocks(r.body.set), ...blocks(r.body.set_list)];
        const badSets = sets.filter((x) =>
          SECRET_KEY.test(
            String(x.name ?? '')
              .split('.')
              .pop() ?? '',
          ),
        );
        let leaks: string[];
        try {
          leaks = strings(r.body.values).flatMap((v) => plainSecretPaths(parse(v)));
        } catch {
          leaks = ['(values are not YAML)'];
        }
        c.expect(
          r,
          badSets.length === 0 && leaks.length === 0,
          `plain secret-looking values: ${[...badSets.map((x) => `set ${String(x.name)}`), ...leaks].join(', ')}`,
        );
      }
    },
  ),
];

export const KUBERNETES_AUTH_RULES: PolicyRule[] = [
  rule(
    'K8S-EXEC-AUTH',
    'helm/kubernetes providers get a fresh token per call (exec); no aws_eks_cluster_auth or static credential.',
    (doc, c) => {
      for (const d of dataSources(doc, 'aws_eks_cluster_auth')) {
        c.expect(d, false, 'aws_eks_cluster_auth: its token expires mid-apply and is stored in state');
      }
      const providers = [
        ...(doc.provider?.kubernetes ?? []).map((p, i) => ({
          address: `provider.kubernetes[${i}]`,
          conn: p,
        })),
        ...(doc.provider?.helm ?? []).map((p, i) => ({
          address: `provider.helm[${i}]`,
          conn: (Array.isArray(p.kubernetes) ? p.kubernetes[0] : p.kubernetes) as Block | undefined,
        })),
      ];
      for (const p of providers) {
        const conn = p.conn ?? {};
        const exec = blocks(conn.exec)[0];
        const ok =
          exec !== undefined &&
          exec.command === 'aws' &&
          strings(exec.args).slice(0, 2).join(' ') === 'eks get-token' &&
          ['token', 'client_key', 'client_certificate', 'password', 'username'].every(
            (k) => conn[k] === undefined,
          );
        c.expect(p, ok, 'not authenticated with exec `aws eks get-token`, or a static credential is set');
      }
    },
  ),
];
