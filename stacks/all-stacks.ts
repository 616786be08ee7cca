import { App } from 'cdktf';
import { AlertingStack } from './alerting';
import { AppAlarmsStack } from './app-alarms';
import { AuditStack } from './audit';
import { BootstrapStack } from './bootstrap';
import { ClusterStack } from './cluster';
import { ENVIRONMENTS, type InfraConfig } from './config';
import type { TaskboardStack } from './constructs/taskboard-stack';
import { DataStack } from './data';
import { EdgeStack } from './edge';
import { NetworkStack } from './network';
import { RegistryStack } from './registry';

/** Every stack of every environment, in apply order. */
export function buildApp(config: InfraConfig, outdir?: string): { app: App; stacks: TaskboardStack[] } {
  // Stack traces in construct metadata cost synth time and add nothing an operator reads.
  const app = new App({ outdir, stackTraces: false });
  const stacks: TaskboardStack[] = [];
  for (const env of ENVIRONMENTS) {
    const c = config[env];
    const ordered = [
      new BootstrapStack(app, c),
      new NetworkStack(app, c),
      new DataStack(app, c),
      new ClusterStack(app, c),
      new RegistryStack(app, c),
      new EdgeStack(app, c),
      new AlertingStack(app, c),
      new AuditStack(app, c),
      new AppAlarmsStack(app, c),
    ];
    // Remote-state reads are invisible to the cdktf CLI; declaring the order lets
    // `cdktf deploy`/`destroy` with several stacks walk them correctly.
    ordered.forEach((stack, i) => {
      if (i > 0) stack.addDependency(ordered[i - 1]!);
    });
    stacks.push(...ordered);
  }
  return { app, stacks };
}
