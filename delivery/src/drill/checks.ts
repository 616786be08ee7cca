import { BAD, type DrillReport, GOOD } from './drill';

/** The manual-rollback target of issue #16, checked by `make bench-rollback` (never as a unit-test assert). */
export const ROLLBACK_TARGET_MS = 3 * 60_000;

/** What must hold after a drill; one line per violation (empty: the drill passed). */
export function drillViolations(r: DrillReport): string[] {
  const v: string[] = [];
  const { deploy, traffic } = r;
  if (deploy.result !== 'rolled-back')
    v.push(`deploy of ${BAD} ended "${deploy.result}", expected "rolled-back"`);
  if (deploy.smoke.ok) v.push(`${BAD}'s smoke test passed: the drill's bad version was not bad`);
  if (deploy.rollback?.to !== GOOD || !deploy.rollback.smoke.ok)
    v.push(`rollback did not restore ${GOOD} with a passing smoke test`);
  if (r.liveAfter !== r.upstreams[GOOD])
    v.push(`nginx routes to ${r.liveAfter} after the drill, expected ${r.upstreams[GOOD]}`);
  if (r.switches.length !== 2 || r.switches.some((s) => !s.bothAlive))
    v.push(`expected two switches with both API processes alive, got ${JSON.stringify(r.switches)}`);
  if (traffic.errors || traffic.timeouts || traffic.non2xx)
    v.push(
      `failed requests under traffic: ${traffic.errors} errors, ${traffic.timeouts} timeouts, ${traffic.non2xx} non-2xx (${JSON.stringify(traffic.statusCodes)})${traffic.failures.map((f) => `\n    ${f}`).join('')}`,
    );
  for (const version of [GOOD, BAD])
    if (!traffic.byUpstream[r.upstreams[version]!])
      v.push(
        `no traffic reached ${version} (${r.upstreams[version]}): the switches were not exercised under load`,
      );
  const recorded = r.history.map((h) => `${h.version}:${h.result}`);
  if (recorded.join(',') !== `${GOOD}:succeeded,${BAD}:rolled-back`)
    v.push(
      `history holds ${recorded.join(', ') || 'nothing'}, expected ${GOOD}:succeeded, ${BAD}:rolled-back`,
    );
  if (r.history.some((h) => !h.actor || !h.startedAt || !h.finishedAt))
    v.push('a history record lacks its actor or times');
  return v;
}

export function describeDrill(r: DrillReport): string[] {
  const t = r.traffic;
  const upstream = Object.entries(r.upstreams)
    .map(([version, address]) => `${version} ${t.byUpstream[address] ?? 0}`)
    .join(', ');
  return [
    `drill: ${BAD} failed its smoke test at "${r.deploy.smoke.failedStep}": ${r.deploy.smoke.reason}`,
    `drill: rolled back to ${GOOD} in ${(r.rollbackMs / 1000).toFixed(2)} s (nginx switch ${(r.rollbackSwitchMs / 1000).toFixed(2)} s, then ${GOOD}'s smoke test); target ${ROLLBACK_TARGET_MS / 60_000} min`,
    `drill: deploy of ${BAD} from start to ${GOOD} verified again: ${(r.deploy.durationMs / 1000).toFixed(2)} s`,
    `drill: traffic ${t.responses} responses in ${t.seconds.toFixed(1)} s (~${t.rate}/s; by version: ${upstream}); ${t.errors} errors, ${t.timeouts} timeouts, ${t.non2xx} non-2xx; ${t.keepAliveRetries} keep-alive race(s) retried once on a new connection`,
  ];
}
