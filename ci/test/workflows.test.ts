import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkWorkflow, isApplyingJob, parseWorkflow, RULE_IDS, type Workflow } from '../workflow-policy';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORKFLOWS = join(REPO_ROOT, '.github', 'workflows');
const FIXTURES = fileURLToPath(new URL('./fixtures/workflows', import.meta.url));

function load(dir: string, file: string): Workflow {
  return parseWorkflow(file, readFileSync(join(dir, file), 'utf8'));
}
const yamls = (dir: string) => readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));

describe('the repository workflows', () => {
  const files = yamls(WORKFLOWS);

  // No schedule.yml: dev's night scale-down is EventBridge Scheduler in the audit stack (one mechanism).
  it('are the three the delivery design names', () => {
    expect(files.sort()).toEqual(['deploy.yml', 'pr.yml', 'rollback.yml']);
  });

  it.each(files)('%s satisfies every security property', (file) => {
    expect(checkWorkflow(load(WORKFLOWS, file))).toEqual([]);
  });

  it('apply only from deploy.yml and rollback.yml, each job behind the production environment', () => {
    const applying = files.flatMap((file) =>
      Object.entries(load(WORKFLOWS, file).doc.jobs)
        .filter(([, job]) => isApplyingJob(job))
        .map(
          ([id, job]) => `${file}:${id}:${(job as { environment?: { name?: string } }).environment?.name}`,
        ),
    );
    expect(applying.sort()).toEqual(['deploy.yml:deploy:production', 'rollback.yml:rollback:production']);
  });

  it('run only make targets and the ci/bin scripts (CI logic is not a second copy in YAML)', () => {
    for (const file of files) {
      for (const [id, job] of Object.entries(
        load(WORKFLOWS, file).doc.jobs as Record<string, { steps: [] }>,
      )) {
        for (const step of job.steps as { run?: string }[]) {
          if (step.run === undefined) continue;
          const commands = step.run
            .split('\n')
            .map((l) => l.trim())
            .filter((l) => l && !l.startsWith('#'));
          for (const line of commands) {
            // The only glue allowed: step outputs, the ECR login, and failing a step on purpose.
            const work =
              /^((sudo )?make |ci\/bin\/[\w-]+\.sh |echo "\w+=\$\(ci\/bin\/[\w-]+\.sh |exit 1$|registry=|aws ecr get-login-password \| docker login )/;
            expect(work.test(line), `${file} job ${id}: "${line}"`).toBe(true);
          }
        }
      }
    }
  });
});

describe('each property bites on a broken fixture', () => {
  const fixtures = yamls(FIXTURES);

  it('has one fixture per rule', () => {
    expect(fixtures.map((f) => f.replace(/\.yml$/, '')).sort()).toEqual([...RULE_IDS].sort());
  });

  it.each(fixtures)('%s breaks exactly its rule', (file) => {
    const rule = file.replace(/\.yml$/, '');
    const violations = checkWorkflow(load(FIXTURES, file));
    expect(violations.length).toBeGreaterThan(0);
    expect(new Set(violations.map((v) => v.rule))).toEqual(new Set([rule]));
  });

  it('also catches a job without permissions and a blanket read-all', () => {
    const text = (perm: string) => `name: x
on: push
permissions: {}
jobs:
  a:
    runs-on: ubuntu-24.04
${perm}    steps:
      - run: make test
`;
    expect(checkWorkflow(parseWorkflow('a.yml', text(''))).map((v) => v.message)).toEqual([
      'declares no `permissions`',
    ]);
    expect(checkWorkflow(parseWorkflow('b.yml', text('    permissions: read-all\n')))[0]?.message).toMatch(
      /blanket "read-all"/,
    );
  });

  it('flags a workflow that queues deploys but cancels the running one', () => {
    const deploy = readFileSync(join(WORKFLOWS, 'deploy.yml'), 'utf8').replace(
      'cancel-in-progress: false',
      'cancel-in-progress: true',
    );
    expect(checkWorkflow(parseWorkflow('deploy.yml', deploy)).map((v) => v.rule)).toEqual([
      'deploy-concurrency',
    ]);
  });
});
