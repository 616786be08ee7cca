// `make check-versions ENV=…`: asks AWS whether every version this environment pins is still
// offered (EKS cluster version in standard support, each managed add-on build for that version,
// the PostgreSQL major for the configured engine), prints one table, and exits 1 on a dead pin.
// Without the AWS CLI or credentials it says so in one line and exits 2. Not part of `make test`
// (it needs AWS); stacks/test/check-versions.test.ts drives it with a fake `aws` on PATH.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { EKS_ADDONS, ENVIRONMENTS, type EnvConfig, type EnvName, loadConfig } from '../config';
import { hasAwsCredentials } from './ops';

export interface Row {
  pin: string;
  value: string;
  status: 'ok' | 'DEAD';
  detail: string;
}

/** Runs `aws <args> --output json`; returns parsed JSON or an error message. */
export type AwsCli = (args: string[]) => { json?: unknown; error?: string };

export function awsCli(region: string, env: NodeJS.ProcessEnv = process.env): AwsCli {
  return (args) => {
    const r = spawnSync('aws', [...args, '--region', region, '--output', 'json'], { encoding: 'utf8', env });
    if (r.error) return { error: `aws CLI not runnable: ${r.error.message}` };
    if (r.status !== 0) return { error: (r.stderr || `aws exited ${r.status}`).trim().split('\n')[0] };
    try {
      return { json: JSON.parse(r.stdout) };
    } catch {
      return { error: 'aws printed something that is not JSON' };
    }
  };
}

type Obj = Record<string, unknown>;
const list = (v: unknown, key: string): Obj[] =>
  v && typeof v === 'object' && Array.isArray((v as Obj)[key]) ? ((v as Obj)[key] as Obj[]) : [];

/** One row per pin of `env`, each checked against what AWS offers now. */
export function checkVersions(env: EnvConfig, aws: AwsCli): Row[] {
  const rows: Row[] = [];
  const k8s = env.cluster.kubernetesVersion;
  const row = (pin: string, value: string, ok: boolean, detail: string) =>
    rows.push({ pin, value, status: ok ? 'ok' : 'DEAD', detail });

  const cv = aws(['eks', 'describe-cluster-versions', '--cluster-versions', k8s]);
  if (cv.error) {
    row('cluster.kubernetesVersion', k8s, false, cv.error);
  } else {
    const found = list(cv.json, 'clusterVersions').find((v) => v.clusterVersion === k8s);
    const status = String(found?.versionStatus ?? found?.status ?? 'not offered');
    row(
      'cluster.kubernetesVersion',
      k8s,
      status === 'STANDARD_SUPPORT',
      found
        ? `${status}, standard support ends ${String(found.endOfStandardSupportDate ?? '?')}`
        : 'not offered',
    );
  }

  for (const addon of EKS_ADDONS) {
    const pinned = env.cluster.addons[addon];
    const r = aws(['eks', 'describe-addon-versions', '--addon-name', addon, '--kubernetes-version', k8s]);
    if (r.error) {
      row(`cluster.addons.${addon}`, pinned, false, r.error);
      continue;
    }
    const offered = list(r.json, 'addons').flatMap((a) =>
      list(a, 'addonVersions').map((v) => String(v.addonVersion)),
    );
    row(
      `cluster.addons.${addon}`,
      pinned,
      offered.includes(pinned),
      offered.includes(pinned)
        ? `offered for ${k8s} (newest ${offered[0]})`
        : `not offered for ${k8s}${offered.length ? `; newest is ${offered[0]}` : ''}`,
    );
  }

  const engine = env.database.engine === 'rds' ? 'postgres' : 'aurora-postgresql';
  const major = env.database.engineVersion;
  const db = aws(['rds', 'describe-db-engine-versions', '--engine', engine]);
  if (db.error) {
    row('database.engineVersion', `${engine} ${major}`, false, db.error);
  } else {
    const minors = list(db.json, 'DBEngineVersions').filter(
      (v) => String(v.EngineVersion).split('.')[0] === major && (v.Status ?? 'available') === 'available',
    );
    row(
      'database.engineVersion',
      `${engine} ${major}`,
      minors.length > 0,
      minors.length > 0
        ? `creatable minors: ${minors.map((m) => String(m.EngineVersion)).join(', ')}`
        : `no creatable ${engine} ${major}.x`,
    );
  }
  return rows;
}

export function formatTable(rows: Row[]): string {
  const header: Row = { pin: 'pin', value: 'value', status: 'ok', detail: 'detail' };
  const all = [header, ...rows];
  const w = (key: keyof Row) => Math.max(...all.map((r) => r[key].length));
  const line = (r: Row, status: string) =>
    `${r.pin.padEnd(w('pin'))}  ${r.value.padEnd(w('value'))}  ${status.padEnd(6)}  ${r.detail}`;
  return [line(header, 'status'), ...rows.map((r) => line(r, r.status))].join('\n');
}

export function main(argv: string[], env: NodeJS.ProcessEnv = process.env): number {
  const name = argv[0] ?? '';
  if (!(ENVIRONMENTS as readonly string[]).includes(name)) {
    console.error(`check-versions: ENV must be one of ${ENVIRONMENTS.join(', ')}, got "${name}"`);
    return 2;
  }
  const config = loadConfig(env)[name as EnvName];
  const probe = spawnSync('aws', ['--version'], { encoding: 'utf8', env });
  if (probe.error || probe.status !== 0) {
    console.error(
      'check-versions: the AWS CLI (`aws`) is not on PATH; install it to ask AWS about pinned versions',
    );
    return 2;
  }
  if (
    !hasAwsCredentials({
      vars: env,
      home: env.HOME ?? homedir(),
      fileExists: existsSync,
      commandExists: () => true,
      terraformVersion: () => null,
    })
  ) {
    console.error('check-versions: no AWS credentials (set AWS_PROFILE or access keys); nothing was checked');
    return 2;
  }
  const rows = checkVersions(config, awsCli(config.region, env));
  console.log(`check-versions: ${name} in ${config.region}`);
  console.log(formatTable(rows));
  const dead = rows.filter((r) => r.status === 'DEAD');
  if (dead.length > 0) {
    console.error(
      `check-versions: ${dead.length} dead pin(s): ${dead.map((r) => r.pin).join(', ')} (stacks/config.ts)`,
    );
    return 1;
  }
  return 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
