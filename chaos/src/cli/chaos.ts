// Entry point of `make chaos`: wires the real kubectl/helm/Prometheus/terminal into run/cli.ts.
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '../paths';
import { main } from '../run/cli';
import { KubectlKube, onPath } from '../run/kubectl';
import { realClock } from '../run/ports';
import { HttpPrometheus } from '../run/prometheus-http';
import { TemplateReportWriter } from '../run/report';

const root = repoRoot();
const helm = onPath(join(root, 'bin', 'helm'), ['version', '--short']) ? join(root, 'bin', 'helm') : 'helm';
const controller = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  interrupts += 1;
  // The first Ctrl-C stops polling and removes the experiment; a second one gives up waiting.
  if (interrupts > 1) process.exit(130);
  console.error('chaos: Ctrl-C: removing the experiment (Ctrl-C again to quit without waiting)');
  controller.abort();
});

function confirm(question: string, expected: string): Promise<boolean> {
  if (!process.stdin.isTTY) return Promise.resolve(false);
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    // In the prompt, readline owns Ctrl-C: without this listener it would pause and hang.
    rl.on('SIGINT', () => {
      rl.close();
      resolve(false);
    });
    rl.question(question, (answer) => {
      rl.close();
      resolve(answer.trim() === expected);
    });
  });
}

main(process.argv.slice(2), {
  kube: new KubectlKube(helm, Number(process.env.CHAOS_PROMETHEUS_PORT ?? 19090)),
  prometheusAt: (url) => new HttpPrometheus(url),
  clock: realClock,
  tools: { kubectl: onPath('kubectl', ['version', '--client']), helm: onPath(helm, ['version', '--short']) },
  confirm,
  writer: new TemplateReportWriter(
    join(root, 'artifacts', 'chaos'),
    join(root, 'docs', 'incident-report-template.md'),
  ),
  signal: controller.signal,
  pollSeconds: 15,
  recoveryWatchSeconds: 300,
  log: (l) => console.log(l),
  error: (l) => console.error(l),
}).then((code) => process.exit(code));
