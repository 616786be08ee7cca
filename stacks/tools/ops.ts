// `make plan|apply|destroy|day1`: checks the preconditions an operator can fix (Terraform on
// PATH and recent enough, AWS credentials present) before handing over to the cdktf CLI, and
// walks stacks in dependency order. Every failure is one readable message, never a stack trace.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { ENVIRONMENTS, type EnvName, envVar, STACK_ORDER, type StackName } from '../config';

export type Command = 'plan' | 'apply' | 'destroy' | 'day1';
const COMMANDS: Command[] = ['plan', 'apply', 'destroy', 'day1'];

/** Terraform 1.10 introduced S3 native locking (use_lockfile), which every backend here uses. */
export const MIN_TERRAFORM = [1, 10] as const;

export interface Probe {
  vars: Record<string, string | undefined>;
  /** `terraform version` output, or null when terraform is not on PATH. */
  terraformVersion: () => string | null;
  fileExists: (path: string) => boolean;
  home: string;
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
export function preflight(p: Probe, env?: EnvName): string[] {
  const problems: string[] = [];
  if (env !== undefined && !p.vars[envVar(env, 'ACCOUNT_ID')]?.trim()) {
    problems.push(
      `${envVar(env, 'ACCOUNT_ID')} is not set: it pins the provider's allowed_account_ids so a wrong profile cannot apply ${env} elsewhere`,
    );
  }
  const version = p.terraformVersion();
  if (version === null) {
    problems.push(
      `terraform is not on PATH: install Terraform >= ${MIN_TERRAFORM.join('.')} (or run the synthesized JSON elsewhere)`,
    );
  } else {
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

/** Stacks to run, in order: one stack, or all of them (reversed for destroy). */
export function stackOrder(command: Command, stack: string | undefined): StackName[] {
  const all = [...STACK_ORDER];
  if (command === 'day1' || stack === undefined || stack === '' || stack === 'all') {
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

function cdktf(args: string[]): number {
  const result = spawnSync('cdktf', args, {
    stdio: 'inherit',
    env: { ...process.env, CHECKPOINT_DISABLE: '1' },
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

async function main(): Promise<number> {
  const { command, env, stack, dryRun, autoApprove } = parseArgs(process.argv.slice(2));
  const stacks = stackOrder(command, stack).map((s) => `${env}-${s}`);
  console.log(`${command}: ${env} stacks in order: ${stacks.join(' -> ')}`);
  if (dryRun) {
    console.log(
      `${command}: dry run; Terraform JSON is in cdktf.out/stacks/<stack>/cdk.tf.json, nothing applied`,
    );
    return 0;
  }
  const problems = preflight(
    {
      vars: process.env,
      home: homedir(),
      fileExists: existsSync,
      terraformVersion: () => {
        const r = spawnSync('terraform', ['version'], { encoding: 'utf8' });
        return r.error || r.status !== 0 ? null : r.stdout;
      },
    },
    env,
  );
  if (problems.length > 0) {
    console.error(`${command}: cannot run against AWS:\n  - ${problems.join('\n  - ')}`);
    console.error(`${command}: \`make synth\` and \`make day1 DRY_RUN=1\` work without them.`);
    return 2;
  }
  if (command === 'plan') {
    for (const s of stacks) {
      const code = cdktf(['diff', s, '--skip-synth']);
      if (code !== 0) return code;
    }
    return 0;
  }
  if (command === 'day1' || command === 'destroy') {
    const what = command === 'day1' ? `apply all ${env} stacks` : `DESTROY ${stacks.join(', ')}`;
    if (!(await confirm(`${command}: about to ${what}. Type "${env}" to continue: `, env))) {
      console.error(`${command}: not confirmed (needs an interactive terminal); nothing changed`);
      return 1;
    }
  }
  const verb = command === 'destroy' ? 'destroy' : 'deploy';
  const extra = command === 'apply' && !autoApprove ? [] : ['--auto-approve'];
  for (const s of stacks) {
    const code = cdktf([verb, s, '--skip-synth', ...extra]);
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
