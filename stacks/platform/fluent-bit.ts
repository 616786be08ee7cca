import type { ResourceRequirements, ServiceAccountValues, Toleration } from './k8s-types';
import { irsaAnnotations } from './names';

/** A section of Fluent Bit's classic configuration: `[NAME]` and its key/value lines, in order. */
export interface FluentBitSection {
  section: 'SERVICE' | 'INPUT' | 'FILTER' | 'OUTPUT';
  entries: [string, string | number][];
}

export function renderSections(sections: FluentBitSection[]): string {
  return sections
    .map((s) => [`[${s.section}]`, ...s.entries.map(([k, v]) => `    ${k} ${v}`)].join('\n'))
    .join('\n\n')
    .concat('\n');
}

/** Host directory for the tail position DB and the filesystem buffer: survives pod restarts. */
export const FLUENT_BIT_STATE_DIR = '/var/fluent-bit/state';

export interface FluentBitInputs {
  serviceAccount: { name: string };
  roleArn: string;
  region: string;
  appNamespace: string;
  appLogGroup: string;
  workloadLogGroup: string;
  bufferLimit: string;
}

interface HostPathVolume {
  name: string;
  hostPath: { path: string; type?: 'File' | 'DirectoryOrCreate' };
}

export interface FluentBitValues {
  kind: 'DaemonSet';
  serviceAccount: ServiceAccountValues;
  serviceMonitor: { enabled: true };
  dashboards: { enabled: true };
  tolerations: Toleration[];
  resources: ResourceRequirements;
  config: { service: string; inputs: string; filters: string; outputs: string };
  daemonSetVolumes: HostPathVolume[];
  daemonSetVolumeMounts: { name: string; mountPath: string; readOnly?: true }[];
}

/** Fluent Bit's pipeline: containerd logs -> Kubernetes metadata -> app / everything else -> CloudWatch. */
export function fluentBitPipeline(i: FluentBitInputs): FluentBitValues['config'] {
  const cloudwatch = (match: string, group: string, prefix: string): FluentBitSection => ({
    section: 'OUTPUT',
    entries: [
      ['Name', 'cloudwatch_logs'],
      ['Match', match],
      ['region', i.region],
      ['log_group_name', group],
      ['log_stream_prefix', prefix],
      // Terraform creates the groups with retention and KMS; never let Fluent Bit make one.
      ['auto_create_group', 'false'],
      // The default (1 retry) drops logs on a CloudWatch outage; chunks wait on disk instead.
      ['Retry_Limit', 'no_limits'],
      ['storage.total_limit_size', i.bufferLimit],
    ],
  });
  return {
    service: renderSections([
      {
        section: 'SERVICE',
        entries: [
          ['Daemon', 'Off'],
          ['Flush', 1],
          ['Log_Level', 'info'],
          ['Parsers_File', '/fluent-bit/etc/parsers.conf'],
          ['HTTP_Server', 'On'],
          ['HTTP_Listen', '0.0.0.0'],
          ['HTTP_Port', 2020],
          ['Health_Check', 'On'],
          ['storage.path', `${FLUENT_BIT_STATE_DIR}/flb-storage/`],
          ['storage.sync', 'normal'],
          ['storage.backlog.mem_limit', '16M'],
          ['storage.metrics', 'on'],
        ],
      },
    ]),
    inputs: renderSections([
      {
        section: 'INPUT',
        entries: [
          ['Name', 'tail'],
          ['Path', '/var/log/containers/*.log'],
          // EKS nodes run containerd: CRI log format, with partial lines joined again.
          ['multiline.parser', 'cri'],
          ['Tag', 'kube.*'],
          // Read positions on the host: a restarted pod neither re-ships nor skips lines.
          ['DB', `${FLUENT_BIT_STATE_DIR}/flb_kube.db`],
          ['DB.locking', 'true'],
          ['Mem_Buf_Limit', '50MB'],
          ['Skip_Long_Lines', 'On'],
          ['Refresh_Interval', 10],
          ['storage.type', 'filesystem'],
        ],
      },
    ]),
    filters: renderSections([
      {
        section: 'FILTER',
        entries: [
          ['Name', 'kubernetes'],
          ['Match', 'kube.*'],
          // Our pino JSON lines become fields (level, msg, reqId, ...), queryable in Logs Insights.
          ['Merge_Log', 'On'],
          ['Keep_Log', 'Off'],
          ['K8S-Logging.Parser', 'On'],
          ['K8S-Logging.Exclude', 'On'],
          ['Labels', 'Off'],
          ['Annotations', 'Off'],
        ],
      },
      {
        // App records get their own tag (and so their own log group); the rest keep kube.*.
        section: 'FILTER',
        entries: [
          ['Name', 'rewrite_tag'],
          ['Match', 'kube.*'],
          ['Rule', `$kubernetes['namespace_name'] ^${i.appNamespace}$ app.$TAG false`],
          ['Emitter_Name', 'app_emitter'],
          ['Emitter_Storage.type', 'filesystem'],
          ['Emitter_Mem_Buf_Limit', '50MB'],
        ],
      },
    ]),
    outputs: renderSections([
      cloudwatch('app.*', i.appLogGroup, 'app.'),
      cloudwatch('kube.*', i.workloadLogGroup, 'workloads.'),
    ]),
  };
}

export function fluentBitValues(i: FluentBitInputs): FluentBitValues {
  return {
    kind: 'DaemonSet',
    serviceAccount: { create: true, name: i.serviceAccount.name, annotations: irsaAnnotations(i.roleArn) },
    serviceMonitor: { enabled: true },
    dashboards: { enabled: true },
    // Every node's logs, spot and tainted nodes included.
    tolerations: [{ operator: 'Exists' }],
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
    config: fluentBitPipeline(i),
    daemonSetVolumes: [
      { name: 'varlog', hostPath: { path: '/var/log' } },
      { name: 'etcmachineid', hostPath: { path: '/etc/machine-id', type: 'File' } },
      { name: 'state', hostPath: { path: FLUENT_BIT_STATE_DIR, type: 'DirectoryOrCreate' } },
    ],
    daemonSetVolumeMounts: [
      { name: 'varlog', mountPath: '/var/log', readOnly: true },
      { name: 'etcmachineid', mountPath: '/etc/machine-id', readOnly: true },
      { name: 'state', mountPath: FLUENT_BIT_STATE_DIR },
    ],
  };
}
