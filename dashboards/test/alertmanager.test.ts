/** amtool validates the rendered Alertmanager config and proves where each kind of alert goes. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { ALERTMANAGER_FILE } from '../src/outputs';
import { freePort, start, stop, waitFor } from './live/processes';
import { WORKSPACE } from './promtool/run';

const CONFIG = join(WORKSPACE, ALERTMANAGER_FILE);

function amtool(args: string[]): { status: number | null; out: string; stdout: string } {
  const run = spawnSync('amtool', args, { encoding: 'utf8' });
  if (run.error)
    throw new Error(`amtool could not run (install it with \`make tools\`): ${run.error.message}`);
  return { status: run.status, out: `${run.stdout}${run.stderr}`, stdout: run.stdout };
}

/** Receiver names written out by hand: the test must not take them from the code it checks. */
const ROUTES: { name: string; labels: string[]; receiver: string }[] = [
  {
    name: 'an SLO page',
    labels: ['alertname=ApiAvailabilityErrorBudgetBurn', 'severity=page', 'slo=api-availability'],
    receiver: 'page-pagerduty',
  },
  {
    name: 'a symptom page',
    labels: ['alertname=ApiHighErrorRate', 'severity=page'],
    receiver: 'page-pagerduty',
  },
  {
    name: 'an SLO ticket',
    labels: ['alertname=ApiLatencyErrorBudgetBurn', 'severity=ticket', 'slo=api-latency'],
    receiver: 'ticket-sns',
  },
  {
    name: 'a resource ticket',
    labels: ['alertname=ApiContainerMemoryHigh', 'severity=ticket', 'namespace=taskboard'],
    receiver: 'ticket-sns',
  },
  {
    name: 'the Watchdog heartbeat',
    labels: ['alertname=Watchdog', 'severity=none'],
    receiver: 'deadmans-switch-sns',
  },
  {
    name: 'an upstream critical',
    labels: ['alertname=KubeAPIErrorBudgetBurn', 'severity=critical'],
    receiver: 'page-pagerduty',
  },
  {
    name: 'an upstream warning',
    labels: ['alertname=KubePodNotReady', 'severity=warning', 'namespace=kube-system'],
    receiver: 'ticket-sns',
  },
  { name: 'an info alert', labels: ['alertname=CPUThrottlingHigh', 'severity=info'], receiver: 'null' },
  { name: 'the InfoInhibitor', labels: ['alertname=InfoInhibitor', 'severity=none'], receiver: 'null' },
  { name: 'an alert without a severity', labels: ['alertname=Unlabelled'], receiver: 'slack-notify' },
];

describe('Alertmanager config', () => {
  it('passes amtool check-config', () => {
    const { status, out } = amtool(['check-config', CONFIG]);
    expect(status, out).toBe(0);
    expect(out).toContain('SUCCESS');
  });

  for (const route of ROUTES) {
    it(`routes ${route.name} to ${route.receiver}`, () => {
      const { status, out, stdout } = amtool([
        'config',
        'routes',
        'test',
        `--config.file=${CONFIG}`,
        `--verify.receivers=${route.receiver}`,
        ...route.labels,
      ]);
      expect(status, out).toBe(0);
      // Only the receiver list goes to stdout (amtool warns about flags on stderr).
      expect(stdout.trim(), out).toBe(route.receiver);
    });
  }

  it('inhibits tickets of an SLO that is paging, and only alerts that carry an SLO', () => {
    // amtool cannot evaluate inhibition, so the rule's shape is asserted: without the slo
    // matcher on the source, two alerts lacking `slo` compare equal and a page mutes every ticket.
    const config = load(readFileSync(CONFIG, 'utf8')) as {
      inhibit_rules: { source_matchers: string[]; target_matchers: string[]; equal: string[] }[];
    };
    const pageOverTicket = config.inhibit_rules.find((r) =>
      r.target_matchers.includes('severity = "ticket"'),
    );
    expect(pageOverTicket).toEqual({
      source_matchers: ['severity = "page"', 'slo =~ ".+"'],
      target_matchers: ['severity = "ticket"'],
      equal: ['slo'],
    });
  });

  it('a running Alertmanager mutes the tickets of a paging SLO and nothing else', async () => {
    // Debian's prometheus-alertmanager package ships amtool, so `make tools` brings both.
    const dir = mkdtempSync(join(tmpdir(), 'alertmanager-'));
    const port = await freePort();
    const am = start(
      'prometheus-alertmanager',
      [
        `--config.file=${CONFIG}`,
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
      ],
      { PATH: process.env.PATH },
      join(dir, 'alertmanager.log'),
    );
    try {
      const base = `http://127.0.0.1:${port}/api/v2`;
      await waitFor(
        'Alertmanager',
        async () => ((await fetch(`${base}/status`)).ok ? true : undefined),
        20_000,
      );
      const alerts = [
        { alertname: 'ApiAvailabilityErrorBudgetBurn', severity: 'page', slo: 'api-availability' },
        { alertname: 'ApiAvailabilityErrorBudgetBurn', severity: 'ticket', slo: 'api-availability' },
        { alertname: 'ApiLatencyErrorBudgetBurn', severity: 'ticket', slo: 'api-latency' },
        { alertname: 'ApiHighErrorRate', severity: 'page' },
        { alertname: 'ApiContainerMemoryHigh', severity: 'ticket', namespace: 'taskboard' },
      ];
      const posted = await fetch(`${base}/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts.map((labels) => ({ labels }))),
      });
      expect(posted.ok).toBe(true);
      const states = await waitFor(
        'the five alerts',
        async () => {
          const got = (await (await fetch(`${base}/alerts`)).json()) as {
            labels: Record<string, string>;
            status: { state: string };
          }[];
          return got.length === alerts.length ? got : undefined;
        },
        10_000,
      );
      const summary = states
        .map((a) => `${a.labels.alertname}/${a.labels.severity}/${a.labels.slo ?? '-'}: ${a.status.state}`)
        .sort();
      expect(summary).toEqual([
        'ApiAvailabilityErrorBudgetBurn/page/api-availability: active',
        'ApiAvailabilityErrorBudgetBurn/ticket/api-availability: suppressed',
        'ApiContainerMemoryHigh/ticket/-: active',
        'ApiHighErrorRate/page/-: active',
        'ApiLatencyErrorBudgetBurn/ticket/api-latency: active',
      ]);
    } finally {
      await stop(am);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
