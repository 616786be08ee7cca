// Security properties of the GitHub Actions workflows, checked on the parsed YAML (anchors
// resolved). Each rule returns its violations; ci/test/workflows.test.ts runs them over
// .github/workflows and proves each one bites on a broken fixture in ci/test/fixtures/workflows.
import { parse } from 'yaml';

export type RuleId =
  | 'minimal-permissions'
  | 'id-token-only-for-oidc'
  | 'no-static-aws-keys'
  | 'actions-pinned-by-sha'
  | 'production-environment-on-apply'
  | 'deploy-concurrency'
  | 'no-prt-head-checkout';

export interface Violation {
  rule: RuleId;
  where: string;
  message: string;
}

// biome-ignore lint/suspicious/noExplicitAny: workflow YAML is untyped until checked here
type Json = any;

export interface Workflow {
  file: string;
  doc: Json;
  text: string;
}

export function parseWorkflow(file: string, text: string): Workflow {
  return { file, doc: parse(text, { merge: true, maxAliasCount: -1 }), text };
}

const OIDC_ACTION = 'aws-actions/configure-aws-credentials';
/** Make targets that change an environment: they may only run behind the production approval. */
const APPLY_TARGETS = [
  'apply',
  'apply-infra',
  'deploy-app',
  'push-images',
  'rds-snapshot',
  'destroy',
  'day1',
];
const APPLY_RE = new RegExp(`\\bmake\\b[^\\n]*?\\s(${APPLY_TARGETS.join('|')})(\\s|$)`, 'm');
/**
 * Write scopes a job may hold, each only when one of its steps does the thing that needs it.
 * Everything else (actions, checks, packages, ...) is never written by these workflows.
 */
const WRITE_NEEDS: Record<string, RegExp> = {
  'id-token': new RegExp(OIDC_ACTION),
  'pull-requests': /\bplan-comment\b/,
  deployments: /deployments\.sh (start|finish)/,
  contents: /deployments\.sh release/,
};

function jobs(w: Workflow): [string, Json][] {
  return Object.entries(w.doc?.jobs ?? {});
}

function steps(job: Json): Json[] {
  return Array.isArray(job.steps) ? job.steps : [];
}

/** Everything a job executes or references, as text: run scripts and `uses` lines. */
function jobText(job: Json): string {
  return steps(job)
    .map((s: Json) => `${s.uses ?? ''}\n${s.run ?? ''}`)
    .join('\n');
}

function triggers(w: Workflow): string[] {
  const on = w.doc?.on;
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on;
  return Object.keys(on ?? {});
}

function environmentName(job: Json): string | undefined {
  return typeof job.environment === 'string' ? job.environment : job.environment?.name;
}

export function isApplyingJob(job: Json): boolean {
  return APPLY_RE.test(jobText(job));
}

const rules: Record<RuleId, (w: Workflow) => Violation[]> = {
  'minimal-permissions': (w) => {
    const out: Violation[] = [];
    const v = (where: string, message: string) => out.push({ rule: 'minimal-permissions', where, message });
    const top = w.doc?.permissions;
    if (!(top && typeof top === 'object' && Object.keys(top).length === 0)) {
      v(w.file, 'the workflow must set `permissions: {}` so no job inherits the default token scopes');
    }
    for (const [id, job] of jobs(w)) {
      const where = `${w.file} job ${id}`;
      const p = job.permissions;
      if (p === undefined) {
        v(where, 'declares no `permissions`');
        continue;
      }
      if (typeof p === 'string') {
        v(where, `uses the blanket "${p}"; list the scopes instead`);
        continue;
      }
      const text = jobText(job);
      for (const [scope, level] of Object.entries(p)) {
        // id-token has its own rule (id-token-only-for-oidc).
        if (level !== 'write' || scope === 'id-token') continue;
        const need = WRITE_NEEDS[scope];
        if (!need) v(where, `${scope}: write is never needed by these workflows`);
        else if (!need.test(text)) v(where, `${scope}: write but no step needs it`);
      }
    }
    return out;
  },

  'id-token-only-for-oidc': (w) =>
    jobs(w).flatMap(([id, job]) => {
      const hasToken = job.permissions?.['id-token'] === 'write';
      const usesOidc = steps(job).some((s: Json) => String(s.uses ?? '').startsWith(`${OIDC_ACTION}@`));
      if (hasToken === usesOidc) return [];
      return [
        {
          rule: 'id-token-only-for-oidc' as const,
          where: `${w.file} job ${id}`,
          message: hasToken
            ? 'has id-token: write but never assumes a role through OIDC'
            : `assumes a role through ${OIDC_ACTION} without id-token: write`,
        },
      ];
    }),

  'no-static-aws-keys': (w) => {
    const re =
      /AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|aws-access-key-id|aws-secret-access-key|\bAKIA[0-9A-Z]{16}\b/;
    const m = re.exec(w.text);
    return m
      ? [
          {
            rule: 'no-static-aws-keys',
            where: w.file,
            message: `mentions "${m[0]}": AWS is reached through OIDC only`,
          },
        ]
      : [];
  },

  'actions-pinned-by-sha': (w) => {
    const out: Violation[] = [];
    for (const [id, job] of jobs(w)) {
      const refs: string[] = [job.uses, ...steps(job).map((s: Json) => s.uses)].filter(
        (u): u is string => typeof u === 'string',
      );
      for (const uses of refs) {
        if (uses.startsWith('./')) continue; // this repository's own actions
        const ok = uses.startsWith('docker://')
          ? /@sha256:[0-9a-f]{64}$/.test(uses)
          : /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(uses);
        if (!ok) {
          out.push({
            rule: 'actions-pinned-by-sha',
            where: `${w.file} job ${id}`,
            message: `"${uses}" is not pinned by a full commit SHA (a tag can be moved)`,
          });
        }
      }
    }
    return out;
  },

  'production-environment-on-apply': (w) =>
    jobs(w)
      .filter(([, job]) => isApplyingJob(job) && environmentName(job) !== 'production')
      .map(([id]) => ({
        rule: 'production-environment-on-apply' as const,
        where: `${w.file} job ${id}`,
        message: 'applies changes but is not gated by the `production` environment (required reviewers)',
      })),

  'deploy-concurrency': (w) => {
    const applying = jobs(w).filter(([, job]) => isApplyingJob(job));
    if (applying.length === 0) return [];
    const c = w.doc?.concurrency;
    const group = typeof c === 'string' ? c : c?.group;
    if (group && c?.['cancel-in-progress'] !== true) return [];
    return [
      {
        rule: 'deploy-concurrency',
        where: w.file,
        message: group
          ? 'cancel-in-progress would kill an apply halfway; queue instead'
          : 'applies changes without a workflow-level `concurrency` group: two runs could overlap',
      },
    ];
  },

  'no-prt-head-checkout': (w) => {
    if (!triggers(w).includes('pull_request_target')) return [];
    const out: Violation[] = [];
    for (const [id, job] of jobs(w)) {
      for (const s of steps(job)) {
        if (!String(s.uses ?? '').startsWith('actions/checkout@')) continue;
        const ref = String(s.with?.ref ?? '') + String(s.with?.repository ?? '');
        if (/pull_request\.head|head_ref|refs\/pull\//.test(ref)) {
          out.push({
            rule: 'no-prt-head-checkout',
            where: `${w.file} job ${id}`,
            message: 'checks out the PR head under pull_request_target (untrusted code with secrets)',
          });
        }
      }
    }
    return out;
  },
};

export const RULE_IDS = Object.keys(rules) as RuleId[];

export function checkWorkflow(w: Workflow): Violation[] {
  return RULE_IDS.flatMap((id) => rules[id](w));
}
