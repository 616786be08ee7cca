// The real adapters against stand-ins: a fake `kubectl` on PATH (records its arguments and stdin)
// and a local HTTP server answering like Prometheus's /api/v1/query. Only 127.0.0.1 is used.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExperiment } from '../src/catalogue';
import { manifestOf } from '../src/manifests';
import { KubectlKube } from '../src/run/kubectl';
import { firingQuery, HttpPrometheus } from '../src/run/prometheus-http';

const dir = mkdtempSync(join(tmpdir(), 'chaos-kubectl-'));
const log = join(dir, 'calls.log');
const originalPath = process.env.PATH;

beforeAll(() => {
  // Port-forward prints what kubectl prints, then waits until it is killed.
  writeFileSync(
    join(dir, 'kubectl'),
    `#!/usr/bin/env bash
echo "$*" >> "${log}"
case "$1" in
  apply) cat >> "${log}" ;;
  port-forward) echo "Forwarding from 127.0.0.1:19999 -> 9090"; exec sleep 30 ;;
  config) echo "arn:aws:eks:eu-west-1:1:cluster/taskboard-dev" ;;
esac
`,
  );
  writeFileSync(
    join(dir, 'helm'),
    `#!/usr/bin/env bash\necho '{"database":{"host":"db.example.internal"}}'\n`,
  );
  chmodSync(join(dir, 'kubectl'), 0o755);
  chmodSync(join(dir, 'helm'), 0o755);
  process.env.PATH = `${dir}:${originalPath}`;
});
afterAll(() => {
  process.env.PATH = originalPath;
  rmSync(dir, { recursive: true, force: true });
});

describe('KubectlKube', () => {
  it('applies from stdin, deletes by CRD name, reads values and port-forwards until closed', async () => {
    const kube = new KubectlKube(join(dir, 'helm'), 19999);
    const e = findExperiment('api-cache-latency')!;
    const object = manifestOf(e, {
      databaseHost: 'db.example.internal',
      redisHost: 'cache.example.internal',
    });
    expect(await kube.currentContext()).toBe('arn:aws:eks:eu-west-1:1:cluster/taskboard-dev');
    expect(await kube.releaseValues('taskboard', 'taskboard')).toEqual({
      database: { host: 'db.example.internal' },
    });
    await kube.apply(object);
    await kube.remove(object);
    const forward = await kube.portForwardPrometheus();
    expect(forward.url).toBe('http://127.0.0.1:19999');
    await forward.close();
    const calls = readFileSync(log, 'utf8');
    expect(calls).toContain('apply --filename -\napiVersion: chaos-mesh.org/v1alpha1\nkind: NetworkChaos');
    expect(calls).toContain('    - cache.example.internal');
    expect(calls).toContain(
      'delete --namespace taskboard networkchaos.chaos-mesh.org taskboard-api-cache-latency --ignore-not-found',
    );
    expect(calls).toContain(
      'port-forward --namespace monitoring svc/kube-prometheus-stack-prometheus 19999:9090 --address 127.0.0.1',
    );
  });

  it('a kubectl failure surfaces its stderr', async () => {
    writeFileSync(
      join(dir, 'kubectl'),
      '#!/usr/bin/env bash\necho "error: You must be logged in to the server" >&2; exit 1\n',
    );
    const kube = new KubectlKube('helm', 19999);
    const object = manifestOf(findExperiment('api-pod-kill')!, { databaseHost: 'a.b', redisHost: 'c.d' });
    await expect(kube.apply(object)).rejects.toThrow(/You must be logged in to the server/);
    await expect(kube.portForwardPrometheus()).rejects.toThrow(/port-forward exited/);
  });
});

describe('HttpPrometheus', () => {
  let server: Server;
  let url = '';
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const params = new URL(req.url ?? '', 'http://x').searchParams;
      const query = params.get('query') ?? '';
      seen.push(
        `${req.url?.split('?')[0]} ${query} ${params.get('start') ?? ''} ${params.get('step') ?? ''}`.trim(),
      );
      res.setHeader('content-type', 'application/json');
      if (req.url?.startsWith('/api/v1/query_range')) {
        res.end(
          JSON.stringify({
            status: 'success',
            data: {
              resultType: 'matrix',
              result: [
                {
                  metric: {},
                  values: [
                    [1000, '1.5'],
                    [1015, 'NaN'],
                    [1030, '2'],
                  ],
                },
              ],
            },
          }),
        );
        return;
      }
      if (query.includes('Broken')) {
        res.statusCode = 400;
        res.end(JSON.stringify({ status: 'error', error: 'parse error' }));
        return;
      }
      res.end(
        JSON.stringify({
          status: 'success',
          data: {
            resultType: 'vector',
            result: [
              {
                metric: { alertname: 'ApiHighLatency', alertstate: 'firing', severity: 'ticket' },
                value: [0, '1'],
              },
              { metric: { alertname: 'ApiHighLatency', alertstate: 'firing', pod: 'b' }, value: [0, '1'] },
            ],
          },
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('queries ALERTS for the firing state of the named alerts', async () => {
    const firing = await new HttpPrometheus(url).firing(['ApiHighLatency', 'ApiHighErrorRate']);
    expect([...firing]).toEqual(['ApiHighLatency']);
    expect(seen.at(-1)).toBe(
      '/api/v1/query ALERTS{alertstate="firing",alertname=~"ApiHighLatency|ApiHighErrorRate"}',
    );
  });

  it('reads a range query as [seconds, value] samples, dropping NaN', async () => {
    const samples = await new HttpPrometheus(url).range('up', new Date(1_000_000), new Date(1_030_000), 15);
    expect(samples).toEqual([
      [1000, 1.5],
      [1030, 2],
    ]);
    expect(seen.at(-1)).toBe('/api/v1/query_range up 1000 15');
  });

  it('a query error is an error, not "nothing firing"', async () => {
    await expect(new HttpPrometheus(url).firing(['Broken'])).rejects.toThrow(
      /Prometheus query failed \(400\): parse error/,
    );
    expect(() => firingQuery(['Api"}) or vector(1'])).toThrow(/not an alert name/);
  });
});
