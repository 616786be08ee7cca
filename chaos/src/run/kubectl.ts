// The real Kube: kubectl and helm as child processes (verified only on a cluster).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { stringify } from 'yaml';
import type { ChaosObject } from '../experiments/types';
import { PROMETHEUS } from '../release';
import type { Kube } from './ports';

function run(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.error) throw new Error(`${cmd} could not start: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr.trim() || `exit ${r.status}`}`);
  return r.stdout;
}

/** True when `cmd` can be started (`<cmd> version --client`-style probe). */
export function onPath(cmd: string, probe: string[]): boolean {
  const r = spawnSync(cmd, probe, { encoding: 'utf8' });
  return !r.error && r.status === 0;
}

export class KubectlKube implements Kube {
  constructor(
    private readonly helm: string,
    private readonly localPort: number,
  ) {}

  async currentContext(): Promise<string | null> {
    const r = spawnSync('kubectl', ['config', 'current-context'], { encoding: 'utf8' });
    return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
  }

  async releaseValues(release: string, namespace: string): Promise<unknown> {
    return JSON.parse(
      run(this.helm, ['get', 'values', release, '--namespace', namespace, '--output', 'json']),
    );
  }

  async apply(object: ChaosObject): Promise<void> {
    run('kubectl', ['apply', '--filename', '-'], stringify(object));
  }

  async remove(object: ChaosObject): Promise<void> {
    run('kubectl', [
      'delete',
      '--namespace',
      object.metadata.namespace,
      `${object.kind.toLowerCase()}.chaos-mesh.org`,
      object.metadata.name,
      '--ignore-not-found',
    ]);
  }

  portForwardPrometheus(): Promise<{ url: string; close(): Promise<void> }> {
    const child: ChildProcess = spawn(
      'kubectl',
      [
        'port-forward',
        '--namespace',
        PROMETHEUS.namespace,
        `svc/${PROMETHEUS.service}`,
        `${this.localPort}:${PROMETHEUS.port}`,
        '--address',
        '127.0.0.1',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const close = async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
    };
    return new Promise((resolve, reject) => {
      let stderr = '';
      const timer = setTimeout(() => {
        void close();
        reject(
          new Error(
            `kubectl port-forward to ${PROMETHEUS.service} did not start within 20s: ${stderr.trim()}`,
          ),
        );
      }, 20_000);
      child.stderr?.on('data', (d) => {
        stderr += String(d);
      });
      child.stdout?.on('data', (d) => {
        if (String(d).includes('Forwarding from')) {
          clearTimeout(timer);
          resolve({ url: `http://127.0.0.1:${this.localPort}`, close });
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`kubectl port-forward exited (${code}): ${stderr.trim()}`));
      });
    });
  }
}
