import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultConfig } from '../config';
import { main } from '../tools/check-versions';

// A fake `aws` on PATH answers from FAKE_AWS_STATE (JSON): which versions AWS "offers".
const FAKE_AWS = `#!/usr/bin/env node
const args = process.argv.slice(2);
if (args[0] === '--version') { console.log('aws-cli/2.0.0 fake'); process.exit(0); }
const state = JSON.parse(process.env.FAKE_AWS_STATE);
const arg = (name) => args[args.indexOf(name) + 1];
const out = (v) => { console.log(JSON.stringify(v)); process.exit(0); };
if (args[1] === 'describe-cluster-versions') {
  out({ clusterVersions: state.clusters.filter((c) => c.clusterVersion === arg('--cluster-versions')) });
}
if (args[1] === 'describe-addon-versions') {
  const versions = (state.addons[arg('--addon-name')] || {})[arg('--kubernetes-version')] || [];
  out({ addons: [{ addonName: arg('--addon-name'), addonVersions: versions.map((v) => ({ addonVersion: v })) }] });
}
if (args[1] === 'describe-db-engine-versions') {
  out({ DBEngineVersions: (state.engines[arg('--engine')] || []).map((v) => ({ EngineVersion: v, Status: 'available' })) });
}
console.error('fake aws: unexpected ' + args.join(' '));
process.exit(254);
`;

const pinned = defaultConfig().dev;
const offeredEverything = () => ({
  clusters: [
    {
      clusterVersion: pinned.cluster.kubernetesVersion,
      versionStatus: 'STANDARD_SUPPORT',
      endOfStandardSupportDate: '2027-03-27',
    },
  ],
  addons: Object.fromEntries(
    Object.entries(pinned.cluster.addons).map(([name, v]) => [
      name,
      { [pinned.cluster.kubernetesVersion]: [v] },
    ]),
  ),
  engines: { postgres: ['16.11', '17.7'], 'aurora-postgresql': ['16.11', '17.7'] },
});

let dir: string;
let output: string[];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fake-aws-'));
  writeFileSync(join(dir, 'aws'), FAKE_AWS);
  chmodSync(join(dir, 'aws'), 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

function run(state: object | null, extra: Record<string, string> = {}, path = `${dir}:${process.env.PATH}`) {
  output = [];
  vi.spyOn(console, 'log').mockImplementation((m: string) => output.push(m));
  vi.spyOn(console, 'error').mockImplementation((m: string) => output.push(m));
  return main(['dev'], {
    PATH: path,
    HOME: dir,
    AWS_PROFILE: 'taskboard-dev',
    FAKE_AWS_STATE: JSON.stringify(state ?? {}),
    ...extra,
  });
}

describe('make check-versions', () => {
  it('prints one row per pin and exits 0 when AWS still offers every pinned version', () => {
    expect(run(offeredEverything())).toBe(0);
    const table = output.join('\n');
    expect(table).toContain('cluster.kubernetesVersion');
    for (const addon of Object.keys(pinned.cluster.addons))
      expect(table).toContain(`cluster.addons.${addon}`);
    expect(table).toMatch(/database\.engineVersion\s+postgres 17\s+ok\s+creatable minors: 17\.7$/m);
    expect(table).not.toContain('DEAD');
  });

  it('marks a dead pin, names the newest offered version, and exits 1', () => {
    const state = offeredEverything();
    state.addons['kube-proxy'] = { [pinned.cluster.kubernetesVersion]: ['v1.35.9-eksbuild.1'] };
    state.clusters[0]!.versionStatus = 'EXTENDED_SUPPORT';
    state.engines.postgres = ['16.11'];
    expect(run(state)).toBe(1);
    const table = output.join('\n');
    expect(table).toMatch(
      /cluster\.addons\.kube-proxy\s+\S+\s+DEAD\s+not offered for 1\.35; newest is v1\.35\.9-eksbuild\.1/,
    );
    expect(table).toMatch(/cluster\.kubernetesVersion\s+1\.35\s+DEAD\s+EXTENDED_SUPPORT/);
    expect(table).toMatch(/database\.engineVersion\s+postgres 17\s+DEAD\s+no creatable postgres 17\.x/);
    expect(output.at(-1)).toBe(
      'check-versions: 3 dead pin(s): cluster.kubernetesVersion, cluster.addons.kube-proxy, database.engineVersion (stacks/config.ts)',
    );
  });

  it('says in one line that there are no credentials, and checks nothing', () => {
    expect(run(offeredEverything(), { AWS_PROFILE: '' })).toBe(2);
    expect(output).toEqual([
      'check-versions: no AWS credentials (set AWS_PROFILE or access keys); nothing was checked',
    ]);
  });

  it('says in one line that the AWS CLI is missing', () => {
    expect(run(offeredEverything(), {}, '/nonexistent')).toBe(2);
    expect(output).toHaveLength(1);
    expect(output[0]).toMatch(/^check-versions: the AWS CLI \(`aws`\) is not on PATH/);
  });
});
