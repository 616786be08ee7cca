import { EXEMPLAR_TRACE_ID_LABEL } from '@taskboard/contracts';
import {
  ALERTMANAGER_SECRET,
  type AlertmanagerConfig,
  type AlertmanagerInputs,
  alertmanagerConfig,
} from '../../dashboards/src/alertmanager/config';
import type { PlatformConfig } from '../config';
import { type PersistentVolumeClaimTemplate, pvc, type ResourceRequirements } from './k8s-types';
import { irsaAnnotations, MONITORING_SECRETS, NAMESPACES } from './names';

/** Release name: the app chart labels its ServiceMonitor/rules/Probe `release: kube-prometheus-stack`. */
export const KPS_RELEASE = 'kube-prometheus-stack';

/** Uid of the Prometheus datasource; our dashboards select it through their `datasource` variable. */
export const PROMETHEUS_DATASOURCE_UID = 'prometheus';

/** Service account of Alertmanager, bound by IRSA to the role that may publish to our SNS topics. */
export const ALERTMANAGER_SERVICE_ACCOUNT = 'alertmanager';

/** Port of the chart's Prometheus Service (prometheus.service.port default). */
const PROMETHEUS_PORT = 9090;

/**
 * Where Grafana sends an exemplar's trace id: the trace in the X-Ray console, which takes the
 * W3C id as the API logs it. `$$${` is Terraform's escape for `${` after one literal `$`, and that
 * `$$` is Grafana's escape of its provisioning env-var interpolation: Grafana ends up with its own
 * `${__value.raw}` (the exemplar's trace id).
 */
export function xrayTraceLinkUrl(region: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#xray:traces/$$$\{__value.raw}`;
}

export interface PrometheusDatasource {
  name: 'Prometheus';
  type: 'prometheus';
  uid: string;
  url: string;
  access: 'proxy';
  isDefault: true;
  jsonData: {
    httpMethod: 'POST';
    timeInterval: string;
    exemplarTraceIdDestinations: { name: string; url: string; urlDisplayLabel: string }[];
  };
}

export interface KubePrometheusStackInputs {
  platform: PlatformConfig;
  /** AWS region of the X-Ray console the exemplar links open. */
  awsRegion: string;
  storageClass: string;
  alertmanager: AlertmanagerInputs;
  alertmanagerRoleArn: string;
}

type Selectors = Record<
  | 'ruleSelectorNilUsesHelmValues'
  | 'serviceMonitorSelectorNilUsesHelmValues'
  | 'podMonitorSelectorNilUsesHelmValues'
  | 'probeSelectorNilUsesHelmValues'
  | 'scrapeConfigSelectorNilUsesHelmValues',
  false
>;

export interface KubePrometheusStackValues {
  crds: { enabled: false };
  defaultRules: {
    rules: Record<
      'etcd' | 'kubeControllerManager' | 'kubeSchedulerAlerting' | 'kubeSchedulerRecording' | 'kubeProxy',
      false
    >;
  };
  kubeControllerManager: { enabled: false };
  kubeScheduler: { enabled: false };
  kubeEtcd: { enabled: false };
  kubeProxy: { enabled: false };
  prometheus: {
    prometheusSpec: Selectors & {
      replicas: number;
      retention: string;
      retentionSize: string;
      storageSpec: PersistentVolumeClaimTemplate;
      resources: ResourceRequirements;
      /** exemplar-storage: keeps the exemplars (trace ids) scraped with the OpenMetrics format. */
      enableFeatures: ['exemplar-storage'];
    };
  };
  alertmanager: {
    config: AlertmanagerConfig;
    serviceAccount: { create: true; name: string; annotations: Record<string, string> };
    alertmanagerSpec: {
      replicas: number;
      storage: PersistentVolumeClaimTemplate;
      volumes: {
        name: string;
        secret: { secretName: string; optional: true };
      }[];
      volumeMounts: { name: string; mountPath: string; readOnly: true }[];
    };
  };
  grafana: {
    admin: { existingSecret: string; userKey: string; passwordKey: string };
    'grafana.ini': {
      'auth.anonymous': { enabled: false };
      users: { allow_sign_up: false };
      analytics: { reporting_enabled: false; check_for_updates: false };
    };
    sidecar: {
      dashboards: {
        enabled: true;
        label: 'grafana_dashboard';
        labelValue: '1';
        searchNamespace: 'ALL';
        folderAnnotation: 'grafana_folder';
        provider: { foldersFromFilesStructure: true };
      };
      /** The chart's own datasource cannot link exemplars to a URL: ours replaces it (same uid). */
      datasources: { enabled: true; defaultDatasourceEnabled: false };
    };
    additionalDataSources: [PrometheusDatasource];
  };
}

/**
 * kube-prometheus-stack on EKS. EKS runs the control plane out of our reach: the
 * controller-manager, scheduler and etcd targets can never be scraped and their alerts would
 * fire forever, so monitors and rules are off. kube-proxy binds its metrics to 127.0.0.1 on EKS,
 * so its monitor and rules are off too (KubeProxyDown would fire forever): the managed add-on's
 * configuration schema has no metricsBindAddress to re-bind them (docs/infrastructure.md,
 * "kube-proxy metrics", with the sources).
 * Selectors: `*SelectorNilUsesHelmValues: false` makes Prometheus pick up every ServiceMonitor,
 * PodMonitor, Probe and PrometheusRule in the cluster (the add-ons' own monitors carry no
 * `release` label); the release is also named `kube-prometheus-stack`, the label our chart sets.
 */
export function kubePrometheusStackValues(inputs: KubePrometheusStackInputs): KubePrometheusStackValues {
  const p = inputs.platform;
  const receiversDir = `/etc/alertmanager/secrets/${ALERTMANAGER_SECRET.name}`;
  return {
    // CRDs come from their own release (prometheus-operator-crds): Helm never upgrades crds/.
    crds: { enabled: false },
    defaultRules: {
      rules: {
        etcd: false,
        kubeControllerManager: false,
        kubeSchedulerAlerting: false,
        kubeSchedulerRecording: false,
        kubeProxy: false,
      },
    },
    kubeControllerManager: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeEtcd: { enabled: false },
    kubeProxy: { enabled: false },
    prometheus: {
      prometheusSpec: {
        ruleSelectorNilUsesHelmValues: false,
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        probeSelectorNilUsesHelmValues: false,
        scrapeConfigSelectorNilUsesHelmValues: false,
        replicas: p.prometheusReplicas,
        retention: p.prometheusRetention,
        // Size-based retention as a backstop: a volume that fills up stops ingestion entirely.
        retentionSize: `${Math.floor(p.prometheusStorageGb * 0.85)}GB`,
        storageSpec: pvc(inputs.storageClass, p.prometheusStorageGb),
        resources: { requests: { cpu: '200m', memory: '1Gi' }, limits: { memory: '3Gi' } },
        enableFeatures: ['exemplar-storage'],
      },
    },
    alertmanager: {
      config: alertmanagerConfig(inputs.alertmanager),
      serviceAccount: {
        create: true,
        name: ALERTMANAGER_SERVICE_ACCOUNT,
        annotations: irsaAnnotations(inputs.alertmanagerRoleArn),
      },
      alertmanagerSpec: {
        replicas: p.alertmanagerReplicas,
        storage: pvc(inputs.storageClass, 2),
        // The receivers' Secret is mounted where the config's *_file settings read it, but
        // optional: until an operator fills the Secrets Manager entry, Alertmanager still starts
        // (SNS works through IRSA; PagerDuty/Slack notifications fail and are counted).
        volumes: [
          {
            name: ALERTMANAGER_SECRET.name,
            secret: { secretName: MONITORING_SECRETS.alertmanagerReceivers, optional: true },
          },
        ],
        volumeMounts: [{ name: ALERTMANAGER_SECRET.name, mountPath: receiversDir, readOnly: true }],
      },
    },
    grafana: {
      admin: {
        existingSecret: MONITORING_SECRETS.grafanaAdmin.name,
        userKey: MONITORING_SECRETS.grafanaAdmin.userKey,
        passwordKey: MONITORING_SECRETS.grafanaAdmin.passwordKey,
      },
      // Reached by port-forward only (no ingress): anonymous access and sign-up stay off.
      'grafana.ini': {
        'auth.anonymous': { enabled: false },
        users: { allow_sign_up: false },
        analytics: { reporting_enabled: false, check_for_updates: false },
      },
      sidecar: {
        dashboards: {
          enabled: true,
          label: 'grafana_dashboard',
          labelValue: '1',
          searchNamespace: 'ALL',
          // helm/taskboard annotates its dashboard ConfigMaps with grafana_folder.
          folderAnnotation: 'grafana_folder',
          provider: { foldersFromFilesStructure: true },
        },
        datasources: { enabled: true, defaultDatasourceEnabled: false },
      },
      additionalDataSources: [
        {
          name: 'Prometheus',
          type: 'prometheus',
          uid: PROMETHEUS_DATASOURCE_UID,
          // What the chart's default datasource points at: the Service of this release's Prometheus.
          url: `http://${KPS_RELEASE}-prometheus.${NAMESPACES.monitoring}:${PROMETHEUS_PORT}/`,
          access: 'proxy',
          isDefault: true,
          jsonData: {
            httpMethod: 'POST',
            timeInterval: '30s',
            exemplarTraceIdDestinations: [
              {
                name: EXEMPLAR_TRACE_ID_LABEL,
                url: xrayTraceLinkUrl(inputs.awsRegion),
                urlDisplayLabel: 'Open trace in X-Ray',
              },
            ],
          },
        },
      ],
    },
  };
}
