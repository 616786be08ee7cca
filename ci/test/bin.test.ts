// The ci/bin helper scripts: every one a workflow or make target calls exists and parses, and
// each behaves as the workflows rely on, run against fake `gh`, `aws` and `curl` executables
// (first on PATH) that log their argv and stdin and answer canned JSON.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(REPO_ROOT, 'ci', 'bin');
const REPO = 'octo/taskboard';
const SHA = (c: string) => c.repeat(40);

// One fake for all three commands: logs {argv, stdin} as a JSON line, then prints the body of
// the first route whose pattern (bash ERE) matches "<name> <args>".
const FAKE = `#!/usr/bin/env bash
name=$(basename "$0")
stdin=''
for a in "$@"; do if [[ $a == - || $a == @- ]]; then stdin=$(cat); fi; done
# node, not jq: jq 1.6 parses options even after --args.
FAKE_STDIN=$stdin node -e 'console.log(JSON.stringify({ argv: process.argv.slice(1), stdin: process.env.FAKE_STDIN }))' \\
  -- "$name" "$@" >> "$FAKE_DIR/calls.jsonl"
line="$name $*"
while IFS=$'\\t' read -r pattern file; do
  if [[ $line =~ $pattern ]]; then cat "$FAKE_DIR/$file"; exit 0; fi
done < "$FAKE_DIR/routes"
`;

interface Call {
  argv: string[];
  stdin: string;
}
interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  calls: Call[];
}

function fakeWorld(routes: [string, unknown][] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'ci-bin-'));
  mkdirSync(join(dir, 'bin'));
  for (const name of ['gh', 'aws', 'curl']) {
    writeFileSync(join(dir, 'bin', name), FAKE);
    chmodSync(join(dir, 'bin', name), 0o755);
  }
  writeFileSync(
    join(dir, 'routes'),
    routes
      .map(([pattern, body], i) => {
        writeFileSync(join(dir, `r${i}.json`), JSON.stringify(body));
        return `${pattern}\tr${i}.json\n`;
      })
      .join(''),
  );
  const run = (script: string, args: string[], env: Record<string, string> = {}): Run => {
    const r = spawnSync(join(BIN, script), args, {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: {
        PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
        HOME: dir,
        FAKE_DIR: dir,
        GITHUB_REPOSITORY: REPO,
        GITHUB_RUN_ID: '777',
        ...env,
      },
    });
    const log = join(dir, 'calls.jsonl');
    const calls = existsSync(log)
      ? readFileSync(log, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Call)
      : [];
    return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr, calls };
  };
  return { dir, run };
}

const LOG_URL = `https://github.com/${REPO}/actions/runs/777`;

describe('the ci/bin scripts the workflows and make targets call', () => {
  const sources = [
    ...readdirSync(join(REPO_ROOT, '.github', 'workflows')).map((f) => join('.github', 'workflows', f)),
    ...readdirSync(join(REPO_ROOT, 'mk')).map((f) => join('mk', f)),
  ];
  const referenced = [
    ...new Set(
      sources.flatMap((f) =>
        [...readFileSync(join(REPO_ROOT, f), 'utf8').matchAll(/ci\/bin\/[\w-]+\.sh/g)].map((m) => m[0]),
      ),
    ),
  ].sort();

  it('are the five the delivery design names (dev night scale-down is EventBridge Scheduler, not a script)', () => {
    expect(referenced).toEqual([
      'ci/bin/deployments.sh',
      'ci/bin/notify-slack.sh',
      'ci/bin/plan-comment.sh',
      'ci/bin/rds-snapshot.sh',
      'ci/bin/rehearse-api-image.sh',
    ]);
  });

  it.each(referenced)('%s exists, is executable and parses (bash -n)', (script) => {
    const path = join(REPO_ROOT, script);
    expect(existsSync(path), `${script} is missing`).toBe(true);
    expect(statSync(path).mode & 0o111, `${script} is not executable`).not.toBe(0);
    expect(spawnSync('bash', ['-n', path], { encoding: 'utf8' }).stderr).toBe('');
  });

  it.each(referenced)('%s answers a wrong call with its usage line and exit 2', (script) => {
    const r = spawnSync(join(REPO_ROOT, script), ['a', 'b', 'c', 'd', 'e'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^usage: /);
  });

  const shellcheck = spawnSync('shellcheck', ['--version']).status === 0;
  if (!shellcheck)
    console.log('ci/bin: shellcheck not installed, lint skipped (make tools installs it via apt)');
  it.skipIf(!shellcheck)('pass shellcheck', () => {
    const r = spawnSync('shellcheck', referenced, { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('deployments.sh', () => {
  it('start: creates a production deployment of the SHA, marks it in progress, prints its id', () => {
    const { run } = fakeWorld([
      ['^gh api --method POST repos/octo/taskboard/deployments --input -$', { id: 42 }],
      ['/deployments/42/statuses', {}],
    ]);
    const r = run('deployments.sh', ['start', SHA('a')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('42');
    expect(r.calls.map((c) => c.argv)).toEqual([
      ['gh', 'api', '--method', 'POST', 'repos/octo/taskboard/deployments', '--input', '-'],
      ['gh', 'api', '--method', 'POST', 'repos/octo/taskboard/deployments/42/statuses', '--input', '-'],
    ]);
    expect(JSON.parse(r.calls[0]?.stdin ?? '')).toMatchObject({
      ref: SHA('a'),
      environment: 'production',
      required_contexts: [],
      payload: { version: SHA('a') },
    });
    expect(JSON.parse(r.calls[1]?.stdin ?? '')).toEqual({ state: 'in_progress', log_url: LOG_URL });
  });

  it('finish: posts the result with the environment URL and the run as log', () => {
    const { run } = fakeWorld([['statuses', {}]]);
    const r = run('deployments.sh', ['finish', '42', 'failure', 'https://tasks.example.com']);
    expect(r.status).toBe(0);
    expect(r.calls.map((c) => c.argv[4])).toEqual(['repos/octo/taskboard/deployments/42/statuses']);
    expect(JSON.parse(r.calls[0]?.stdin ?? '')).toEqual({
      state: 'failure',
      environment_url: 'https://tasks.example.com',
      log_url: LOG_URL,
    });
    expect(run('deployments.sh', ['finish', '42', 'maybe', 'https://x']).status).toBe(2);
  });

  // Newest first, as GitHub lists them: c (success), b (failed), a (success).
  const history: [string, unknown][] = [
    [
      'deployments\\?environment=production',
      [
        { id: 5, sha: SHA('c'), payload: { version: SHA('c') } },
        { id: 4, sha: SHA('b'), payload: { version: SHA('b') } },
        { id: 3, sha: SHA('a'), payload: { version: SHA('a') } },
      ],
    ],
    ['deployments/5/statuses', [{ state: 'success' }, { state: 'in_progress' }]],
    ['deployments/4/statuses', [{ state: 'failure' }]],
    ['deployments/3/statuses', [{ state: 'success' }]],
  ];

  it('last-success: the newest successful deployment other than the current SHA', () => {
    const { run } = fakeWorld(history);
    const r = run('deployments.sh', ['last-success', SHA('d')]);
    expect(r.stdout).toBe(SHA('c'));
    expect(r.calls[0]?.argv[2]).toBe('repos/octo/taskboard/deployments?environment=production&per_page=100');
    expect(run('deployments.sh', ['last-success', SHA('c')]).stdout).toBe(SHA('a'));
  });

  it('last-success: none other than the current one fails with nothing printed', () => {
    const { run } = fakeWorld(history);
    const r = run('deployments.sh', ['last-success', SHA('a')]);
    expect(r.stdout).toBe(SHA('c'));
    const lonely = fakeWorld([
      ['deployments\\?environment=production', [{ id: 3, sha: SHA('a'), payload: { version: SHA('a') } }]],
      ['deployments/3/statuses', [{ state: 'success' }]],
    ]).run('deployments.sh', ['last-success', SHA('a')]);
    expect(lonely.status).not.toBe(0);
    expect(lonely.stdout).toBe('');
  });

  it('rollback-tag: the successful deployment before the current one, skipping failures and redeploys', () => {
    expect(fakeWorld(history).run('deployments.sh', ['rollback-tag', '']).stdout).toBe(SHA('a'));
    const redeployed = fakeWorld([
      [
        'deployments\\?environment=production',
        [
          { id: 6, sha: SHA('c'), payload: { version: SHA('c') } },
          ...((history[0] ?? ['', []])[1] as unknown[]),
        ],
      ],
      ['deployments/6/statuses', [{ state: 'success' }]],
      ...history.slice(1),
    ]);
    expect(redeployed.run('deployments.sh', ['rollback-tag']).stdout).toBe(SHA('a'));
    const none = fakeWorld(history.map(([p, b]) => [p, p.includes('3/') ? [{ state: 'error' }] : b])).run(
      'deployments.sh',
      ['rollback-tag'],
    );
    expect(none.status).not.toBe(0);
    expect(none.stdout).toBe('');
  });

  it('rollback-tag: honours a wanted commit SHA without asking GitHub, refuses anything else', () => {
    const { run } = fakeWorld(history);
    const wanted = run('deployments.sh', ['rollback-tag', SHA('b')]);
    expect(wanted.stdout).toBe(SHA('b'));
    expect(wanted.calls).toEqual([]);
    for (const bad of ['latest', SHA('b').slice(1), SHA('B')]) {
      const r = run('deployments.sh', ['rollback-tag', bad]);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('not a 40-hex commit SHA');
    }
  });

  it('release: a GitHub Release deploy-<UTC date>-<sha12> on that commit', () => {
    const { run } = fakeWorld([['releases', { html_url: 'https://github.com/octo/taskboard/releases/x' }]]);
    const r = run('deployments.sh', ['release', SHA('e')]);
    expect(r.status).toBe(0);
    expect(r.calls[0]?.argv).toEqual([
      'gh',
      'api',
      '--method',
      'POST',
      'repos/octo/taskboard/releases',
      '--input',
      '-',
    ]);
    const body = JSON.parse(r.calls[0]?.stdin ?? '');
    expect(body.tag_name).toMatch(/^deploy-\d{8}-\d{4}-eeeeeeeeeeee$/);
    expect(body.tag_name.slice(7, 15)).toBe(new Date().toISOString().slice(0, 10).replaceAll('-', ''));
    expect(body.target_commitish).toBe(SHA('e'));
  });
});

describe('notify-slack.sh', () => {
  it('skips with a message and exit 0 when no webhook is configured', () => {
    const r = fakeWorld().run('notify-slack.sh', ['success', 'Deploy']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('skipped');
    expect(r.calls).toEqual([]);
  });

  it('posts valid JSON whatever the text holds (quotes, newlines, backslashes)', () => {
    const text = 'Deploy of "abc" \\ to prod\nsecond line $(whoami)';
    const r = fakeWorld().run('notify-slack.sh', ['failure', text], {
      SLACK_WEBHOOK_URL: 'https://hooks.example/x',
    });
    expect(r.status).toBe(0);
    expect(r.calls).toHaveLength(1);
    expect(r.calls[0]?.argv.at(-1)).toBe('https://hooks.example/x');
    expect(JSON.parse(r.calls[0]?.stdin ?? '')).toEqual({ text: `:x: ${text}: failure (<${LOG_URL}|run>)` });
  });
});

describe('rds-snapshot.sh', () => {
  const synthesized = (resource: object) => {
    const world = fakeWorld();
    mkdirSync(join(world.dir, 'out', 'stacks', 'prod-data'), { recursive: true });
    writeFileSync(join(world.dir, 'out', 'stacks', 'prod-data', 'cdk.tf.json'), JSON.stringify({ resource }));
    return world;
  };

  it('snapshots the RDS instance the data stack names and waits until it is available', () => {
    const world = synthesized({ aws_db_instance: { postgres: { identifier: 'taskboard-prod-postgres' } } });
    const r = world.run('rds-snapshot.sh', ['prod', `${SHA('f')}`], { CDKTF_OUT: join(world.dir, 'out') });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^taskboard-prod-predeploy-ffffffffffff-\d{14}$/);
    expect(r.calls.map((c) => c.argv)).toEqual([
      [
        'aws',
        'rds',
        'create-db-snapshot',
        '--db-instance-identifier',
        'taskboard-prod-postgres',
        '--db-snapshot-identifier',
        r.stdout,
      ],
      ['aws', 'rds', 'wait', 'db-snapshot-available', '--db-snapshot-identifier', r.stdout],
    ]);
  });

  it('takes a cluster snapshot for Aurora, with the label reduced to a valid identifier', () => {
    const world = synthesized({
      aws_rds_cluster: { aurora: { cluster_identifier: 'taskboard-prod-aurora' } },
    });
    const r = world.run('rds-snapshot.sh', ['prod', 'Release_1.2'], { CDKTF_OUT: join(world.dir, 'out') });
    expect(r.stdout).toMatch(/^taskboard-prod-predeploy-release-1-2-\d{14}$/);
    expect(r.calls.map((c) => c.argv.slice(0, 4))).toEqual([
      ['aws', 'rds', 'create-db-cluster-snapshot', '--db-cluster-identifier'],
      ['aws', 'rds', 'wait', 'db-cluster-snapshot-available'],
    ]);
    expect(r.calls[0]?.argv[4]).toBe('taskboard-prod-aurora');
  });

  const real = join(REPO_ROOT, 'cdktf.out', 'stacks', 'prod-data', 'cdk.tf.json');
  if (!existsSync(real))
    console.log('rds-snapshot: cdktf.out missing, real-stack check skipped (run make synth)');
  it.skipIf(!existsSync(real))('reads the identifier the real synthesized prod data stack gives', () => {
    const r = fakeWorld().run('rds-snapshot.sh', ['prod', SHA('1')]);
    expect(r.calls[0]?.argv[4]).toBe('taskboard-prod-postgres');
  });
});

describe('plan-comment.sh', () => {
  const plans = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'plans-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };
  const MARKER = '<!-- taskboard-plan -->';
  const env = { PR_NUMBER: '7' };

  it('creates one comment holding every plan when none carries the marker', () => {
    const { run } = fakeWorld([['issues/7/comments\\?per_page=100', [{ id: 1, body: 'looks good' }]]]);
    const dir = plans({
      'dev-app.txt': '\u001b[1mPlan:\u001b[0m 1 to add, 0 to change, 0 to destroy.',
      'prod-app.txt': 'Error: no credentials\nplan-ci: failed\n',
    });
    const r = run('plan-comment.sh', [dir], env);
    expect(r.status).toBe(0);
    expect(r.calls.map((c) => c.argv.slice(1, 5))).toEqual([
      ['api', '--paginate', 'repos/octo/taskboard/issues/7/comments?per_page=100'],
      ['api', '--method', 'POST', 'repos/octo/taskboard/issues/7/comments'],
    ]);
    const body: string = JSON.parse(r.calls[1]?.stdin ?? '').body;
    expect(body.startsWith(MARKER)).toBe(true);
    expect(body).toContain('<details><summary>dev-app: ok</summary>');
    expect(body).toContain('<details><summary>prod-app: FAILED</summary>');
    expect(body).toContain('Plan: 1 to add');
    expect(body).not.toContain('\u001b');
  });

  it('edits the marked comment in place', () => {
    const { run } = fakeWorld([
      [
        'issues/7/comments\\?per_page=100',
        [
          { id: 1, body: `quoting ${MARKER} is not it` },
          { id: 100, body: `${MARKER}\nold plans` },
        ],
      ],
    ]);
    const r = run('plan-comment.sh', [plans({ 'dev-app.txt': 'No changes.' })], env);
    expect(r.status).toBe(0);
    expect(r.calls[1]?.argv).toEqual([
      'gh',
      'api',
      '--method',
      'PATCH',
      'repos/octo/taskboard/issues/comments/100',
      '--input',
      '-',
    ]);
    expect(r.calls).toHaveLength(2);
  });

  it("truncates to GitHub's 65536-character limit with a note, keeping every plan", () => {
    const { run } = fakeWorld([['issues/7/comments', []]]);
    const r = run(
      'plan-comment.sh',
      [plans({ 'dev-a.txt': 'é'.repeat(200_000), 'dev-b.txt': 'short plan' })],
      env,
    );
    const body: string = JSON.parse(r.calls[1]?.stdin ?? '').body;
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body.length).toBeGreaterThan(60_000); // the short plan does not halve the long one's room
    expect(body).toContain('_Truncated: first');
    expect(body).toContain('short plan');
  });

  it('refuses an empty plan directory', () => {
    const r = fakeWorld().run('plan-comment.sh', [plans({})], env);
    expect(r.status).toBe(1);
    expect(r.calls).toEqual([]);
  });
});
