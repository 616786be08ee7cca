// `make plan|apply|destroy|day1|day2|day3`: checks the preconditions an operator can fix
// (Terraform on PATH and recent enough, AWS credentials, the aws CLI and kubectl where the cluster
// is reached, the image tag of the app) before handing over to the cdktf CLI, and walks stacks in
// dependency order. Every failure is one readable message, never a stack trace.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import {
  DAY1_STACKS,
  DAY2_STACKS,
  ENVIRONMENTS,
  type EnvName,
  envVar,
  imageTagProblem,
  loadConfig,
  STACK_ORDER,
  type StackName,
} from '../config';
import { DAY3_STEPS, runDay3 } from './day3';

export type Command = 'plan' | 'apply' | 'destroy' | 'day1' | 'day2' | 'day3';
const COMMANDS: Command[] = ['plan', 'apply', 'destroy', 'day1', 'day2', 'day3'];

/** Terraform 1.10 introduced S3 native locking (use_lockfile), which every backend here uses. */
export const MIN_TERRAFORM = [1, 10] as const;

export interface Probe {
  vars: Record<string, string | undefined>;
  /** `terraform version` output, or null when terraform is not on PATH. */
  terraformVersion: () => string | null;
  fileExists: (path: string) => boolean;
  /** Whether a program is on PATH (aws, kubectl). */
  commandExists: (name: string) => boolean;
  home: string;
}

/** What a command needs besides AWS credentials and the account pin. */
export interface Needs {
  terraform: boolean;
  /** The helm/kubernetes providers authenticate with `aws eks get-token`; day 3 calls aws too. */
  awsCli: boolean;
  kubectl: boolean;
  /** The app release's image tag (TASKBOARD_<ENV>_IMAGE_TAG -> Terraform variable image_tag). */
  imageTag: boolean;
}

const TERRAFORM_ONLY: Needs = { terraform: true, awsCli: false, kubectl: false, imageTag: false };

/** Day 3 only reads (kubectl, aws); stacks that reach the cluster need the aws CLI; the app its tag (any command). */
export function needsFor(command: Command, stacks: readonly StackName[]): Needs {
  if (command === 'day3') return { terraform: false, awsCli: true, kubectl: true, imageTag: false };
  const onCluster = stacks.some((s) => s === 'platform' || s === 'app');
  return {
    terraform: true,
    awsCli: onCluster,
    kubectl: false,
    // Terraform asks for required variables on destroy too.
    imageTag: stacks.includes('app'),
  };
}

export function hasAwsCredentials(p: Probe): boolean {
  const v = p.vars;
  return Boolean(
    (v.AWS_ACCESS_KEY_ID && v.AWS_SECRET_ACCESS_KEY) ||
      v.AWS_PROFILE ||
      v.AWS_WEB_IDENTITY_TOKEN_FILE ||
      v.AWS_CONTAINER_CREDENTIALS_FULL_URI ||
      v.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI ||
      p.fileExists(join(p.home, '.aws', 'credentials')) ||
      p.fileExists(join(p.home, '.aws', 'config')),
  );
}

/**
 * Everything that would make terraform fail (or apply to the wrong place) before it does
 * anything useful; empty = go. Without the environment's account id the provider has no
 * allowed_account_ids, and a wrong AWS profile could apply prod into dev's account.
 */
export function preflight(p: Probe, env?: EnvName, needs: Needs = TERRAFORM_ONLY): string[] {
  const problems: string[] = [];
  if (env !== undefined && !p.vars[envVar(env, 'ACCOUNT_ID')]?.trim()) {
    problems.push(
      `${envVar(env, 'ACCOUNT_ID')} is not set: it pins the provider's allowed_account_ids so a wrong profile cannot apply ${env} elsewhere`,
    );
  }
  if (env !== undefined && needs.imageTag) {
    const tag = p.vars[envVar(env, 'IMAGE_TAG')]?.trim();
    const problem = tag ? imageTagProblem(tag) : null;
    if (!tag) {
      problems.push(
        `${envVar(env, 'IMAGE_TAG')} is not set: the app stack's required variable image_tag (the api/frontend images CI pushed to ECR under that tag)`,
      );
    } else if (problem) {
      problems.push(`${envVar(env, 'IMAGE_TAG')} ${problem}`);
    }
  }
  if (needs.awsCli && !p.commandExists('aws')) {
    problems.push(
      'aws CLI is not on PATH: the cluster is reached with `aws eks get-token` (install AWS CLI v2)',
    );
  }
  if (needs.kubectl && !p.commandExists('kubectl')) {
    problems.push('kubectl is not on PATH: install kubectl within one minor of the cluster (1.35)');
  }
  const version = needs.terraform ? p.terraformVersion() : '';
  if (version === null) {
    problems.push(
      `terraform is not on PATH: install Terraform >= ${MIN_TERRAFORM.join('.')} (or run the synthesized JSON elsewhere)`,
    );
  } else if (needs.terraform) {
    const m = /v(\d+)\.(\d+)\./.exec(version);
    const [major, minor] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
    if (major < MIN_TERRAFORM[0] || (major === MIN_TERRAFORM[0] && minor < MIN_TERRAFORM[1])) {
      problems.push(
        `terraform ${m ? `${major}.${minor}` : '(unknown)'} is too old: S3 use_lockfile needs >= 1.10`,
      );
    }
  }
  if (!hasAwsCredentials(p)) {
    problems.push(
      'no AWS credentials: set AWS_PROFILE (after `aws sso login`), or AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY, or create ~/.aws/credentials',
    );
  }
  return problems;
}

/** Stacks to run, in order: a day's stacks, one stack, or all of them (reversed for destroy). */
export function stackOrder(command: Command, stack: string | undefined): StackName[] {
  if (command === 'day1') return [...DAY1_STACKS];
  if (command === 'day2') return [...DAY2_STACKS];
  if (command === 'day3') return [];
  const all = [...STACK_ORDER];
  if (stack === undefined || stack === '' || stack === 'all') {
    return command === 'destroy' ? all.reverse() : all;
  }
  if (!(STACK_ORDER as readonly string[]).includes(stack)) {
    throw new UsageError(`STACK must be one of ${STACK_ORDER.join(', ')} or all, got "${stack}"`);
  }
  return [stack as StackName];
}

export class UsageError extends Error {}

export function parseArgs(argv: string[]): {
  command: Command;
  env: EnvName;
  stack?: string;
  dryRun: boolean;
  /** `apply` without cdktf's prompt: only for CI, where the protected environment's approval is the gate. */
  autoApprove: boolean;
} {
  const [command, env, stack] = argv.filter((a) => !a.startsWith('--'));
  if (!COMMANDS.includes(command as Command))
    throw new UsageError(`command must be one of ${COMMANDS.join(', ')}`);
  if (!(ENVIRONMENTS as readonly string[]).includes(env ?? '')) {
    throw new UsageError(`ENV must be one of ${ENVIRONMENTS.join(', ')}, got "${env ?? ''}"`);
  }
  return {
    command: command as Command,
    env: env as EnvName,
    stack,
    dryRun: argv.includes('--dry-run'),
    autoApprove: argv.includes('--auto-approve'),
  };
}

function cdktf(args: string[], extraEnv: Record<string, string> = {}): number {
  const result = spawnSync('cdktf', args, {
    stdio: 'inherit',
    env: { ...process.env, CHECKPOINT_DISABLE: '1', ...extraEnv },
  });
  if (result.error) {
    console.error(`ops: could not start the cdktf CLI (${result.error.message}); run \`make deps\``);
    return 127;
  }
  return result.status ?? 1;
}

async function confirm(question: string, expected: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(question);
  rl.close();
  return answer.trim() === expected;
}

/** What `make <command> DRY_RUN=1` prints: the stacks in order, or day 3's checks. */
export function dryRunLines(command: Command, env: EnvName, stack?: string): string[] {
  if (command === 'day3') {
    return [
      `day3: ${env}: ${DAY3_STEPS.length} checks, in order (read-only: nothing is applied or changed)`,
      ...DAY3_STEPS.map((s, i) => `day3 [${i + 1}/${DAY3_STEPS.length}] ${s.title}: checks ${s.checks}`),
      'day3: dry run; nothing contacted',
    ];
  }
  const stacks = stackOrder(command, stack).map((s) => `${env}-${s}`);
  return [
    `${command}: ${env} stacks in order: ${stacks.join(' -> ')}`,
    `${command}: dry run; Terraform JSON is in cdktf.out/stacks/<stack>/cdk.tf.json, nothing applied`,
  ];
}

const onPath = (name: string) =>
  spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;

async function main(): Promise<number> {
  const { command, env, stack, dryRun, autoApprove } = parseArgs(process.argv.slice(2));
  const order = stackOrder(command, stack);
  const stacks = order.map((s) => `${env}-${s}`);
  if (dryRun) {
    for (const line of dryRunLines(command, env, stack)) console.log(line);
    return 0;
  }
  if (command !== 'day3') console.log(`${command}: ${env} stacks in order: ${stacks.join(' -> ')}`);
  const problems = preflight(
    {
      vars: process.env,
      home: homedir(),
      fileExists: existsSync,
      commandExists: onPath,
      terraformVersion: () => {
        const r = spawnSync('terraform', ['version'], { encoding: 'utf8' });
        return r.error || r.status !== 0 ? null : r.stdout;
      },
    },
    env,
    needsFor(command, order),
  );
  if (problems.length > 0) {
    console.error(`${command}: cannot run against AWS:\n  - ${problems.join('\n  - ')}`);
    console.error(`${command}: \`make synth\` and \`make ${command} DRY_RUN=1\` work without them.`);
    return 2;
  }
  if (command === 'day3') {
    const failures = runDay3({
      env: loadConfig(process.env)[env],
      exec: (cmd, args) => {
        const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
        return {
          status: r.error ? 127 : r.status,
          stdout: r.stdout ?? '',
          stderr: r.stderr ?? String(r.error ?? ''),
        };
      },
      kubeconfig: join(process.cwd(), '.data', 'kube', `${env}.kubeconfig`),
      generatedDir: join(process.cwd(), 'dashboards', 'generated'),
      now: Date.now,
    });
    console.log(failures === 0 ? 'day3: every check passed' : `day3: ${failures} check(s) failed`);
    return failures === 0 ? 0 : 1;
  }
  // The app stack's only plan-time input; validated by preflight and by the variable itself.
  const tfVars: Record<string, string> = {};
  const tag = process.env[envVar(env, 'IMAGE_TAG')]?.trim();
  if (tag) tfVars.TF_VAR_image_tag = tag;
  if (command === 'plan') {
    for (const s of stacks) {
      const code = cdktf(['diff', s, '--skip-synth'], tfVars);
      if (code !== 0) return code;
    }
    return 0;
  }
  if (command === 'day1' || command === 'day2' || command === 'destroy') {
    const what = command === 'destroy' ? `DESTROY ${stacks.join(', ')}` : `apply ${stacks.join(', ')}`;
    if (!(await confirm(`${command}: about to ${what}. Type "${env}" to continue: `, env))) {
      console.error(`${command}: not confirmed (needs an interactive terminal); nothing changed`);
      return 1;
    }
  }
  const verb = command === 'destroy' ? 'destroy' : 'deploy';
  const extra = command === 'apply' && !autoApprove ? [] : ['--auto-approve'];
  for (const s of stacks) {
    const code = cdktf([verb, s, '--skip-synth', ...extra], tfVars);
    if (code !== 0) return code;
    if (verb === 'deploy' && s.endsWith('-bootstrap')) {
      console.log(
        `${command}: state bucket ready. To move bootstrap's own state into it: set TASKBOARD_${env.toUpperCase()}_BOOTSTRAP_STATE_IN_S3=true, \`make synth\`, then \`terraform -chdir=cdktf.out/stacks/${s} init -migrate-state\``,
      );
    }
  }
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof UsageError) {
        console.error(`ops: ${error.message}`);
        process.exit(2);
      }
      throw error;
    },
  );
}
