import { App } from 'cdktf';
import { AlertingStack } from './alerting';
import { AppStack } from './app';
import { AppAlarmsStack } from './app-alarms';
import { AuditStack } from './audit';
import { BootstrapStack } from './bootstrap';
import { ClusterStack } from './cluster';
import { ENVIRONMENTS, type InfraConfig } from './config';
import type { TaskboardStack } from './constructs/taskboard-stack';
import { DataStack } from './data';
import { EdgeStack } from './edge';
import { NetworkStack } from './network';
import { PlatformStack } from './platform';
import { RegistryStack } from './registry';
import { ResilienceStack } from './resilience';

/** Every stack of every environment, in apply order. */
export function buildApp(config: InfraConfig, outdir?: string): { app: App; stacks: TaskboardStack[] } {
  // Stack traces in construct metadata cost synth time and add nothing an operator reads.
  const app = new App({ outdir, stackTraces: false });
  const stacks: TaskboardStack[] = [];
  for (const env of ENVIRONMENTS) {
    const c = config[env];
    const network = new NetworkStack(app, c);
    const data = new DataStack(app, c);
    const cluster = new ClusterStack(app, c);
    const registry = new RegistryStack(app, c);
    const platform = new PlatformStack(app, c);
    const appStack = new AppStack(app, c);
    const resilience = new ResilienceStack(app, c);
    const edge = new EdgeStack(app, c);
    // Beyond the chain below: every stack whose outputs the app reads (a remote-state read is
    // invisible to the CLI). The stack before it in the chain is `platform` (operators, CRDs).
    for (const producer of [network, data, cluster, registry, edge]) appStack.addDependency(producer);
    const ordered = [
      new BootstrapStack(app, c),
      network,
      data,
      cluster,
      registry,
      edge,
      new AlertingStack(app, c),
      new AuditStack(app, c),
      platform,
      appStack,
      new AppAlarmsStack(app, c),
      resilience,
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
