import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { StorageClassV1 } from '@cdktf/provider-kubernetes/lib/storage-class-v1';
import { Fn } from 'cdktf';
import type { Construct } from 'constructs';
import { EXAMPLE_INPUTS } from '../dashboards/src/alertmanager/config';
import { SERVICE_ACCOUNTS } from './cluster';
import type { EnvConfig } from './config';
import { ClusterProviders } from './constructs/cluster-providers';
import { GeneratedSecret } from './constructs/generated-secret';
import { xrayWriterStatements } from './constructs/irsa-policies';
import { IrsaRole } from './constructs/irsa-role';
import { TaskboardStack } from './constructs/taskboard-stack';
import { loadBalancerControllerValues } from './platform/aws-load-balancer-controller';
import { BLACKBOX_RELEASE, blackboxExporterValues } from './platform/blackbox-exporter';
import { chaosMeshValues } from './platform/chaos-mesh';
import { clusterAutoscalerValues } from './platform/cluster-autoscaler';
import { externalSecretsValues } from './platform/external-secrets';
import { fluentBitValues } from './platform/fluent-bit';
import { PlatformRelease } from './platform/helm-release';
import {
  ALERTMANAGER_SERVICE_ACCOUNT,
  KPS_RELEASE,
  kubePrometheusStackValues,
} from './platform/kube-prometheus-stack';
import { metricsServerValues } from './platform/metrics-server';
import {
  CLUSTER_SECRET_STORE,
  MONITORING_SECRETS,
  NAMESPACES,
  OTEL_COLLECTOR,
  otelCollectorTracesUrl,
  platformSecretPrefix,
} from './platform/names';
import { otelCollectorValues } from './platform/otel-collector';
import { platformSecretsValues } from './platform/platform-secrets';

/** StorageClass of every PersistentVolume the platform creates (Prometheus, Alertmanager). */
export const GP3_STORAGE_CLASS = 'gp3';

/**
 * Helm timeouts per release, in seconds. kube-prometheus-stack creates a StatefulSet with a
 * new EBS volume per replica plus Grafana and the operator: minutes on a fresh cluster.
 */
export const RELEASE_TIMEOUTS = {
  crds: 300,
  kubePrometheusStack: 900,
  blackbox: 300,
  fluentBit: 600,
  lbController: 600,
  metricsServer: 300,
  clusterAutoscaler: 300,
  externalSecrets: 600,
  platformSecrets: 300,
  chaosMesh: 600,
  otelCollector: 300,
} as const;

/**
 * The cluster's add-ons as Helm releases: monitoring (prometheus-operator CRDs,
 * kube-prometheus-stack, blackbox exporter), logging (Fluent Bit -> CloudWatch Logs), tracing
 * (the ADOT collector: OTLP in, tail sampling, X-Ray out through its IRSA role), ingress
 * (AWS Load Balancer Controller), scaling (metrics-server, cluster-autoscaler), secrets
 * (external-secrets + the aws-secrets-manager ClusterSecretStore) and Chaos Mesh. The providers
 * reach the cluster by name (ClusterProviders); everything AWS-side comes from the cluster,
 * network and data stacks' outputs.
 */
export class PlatformStack extends TaskboardStack {
  constructor(scope: Construct, env: EnvConfig) {
    super(scope, env, 'platform');
    const prod = env.name === 'prod';
    const cluster = this.remoteState('cluster');
    const network = this.remoteState('network');
    const data = this.remoteState('data');
    const region = cluster.getString('aws_region');
    const clusterName = cluster.getString('cluster_name');
    const k8s = new ClusterProviders(this, 'k8s', { clusterName, region });

    // --- AWS side of alerting: the alerting stack owns the topics and the dead man's switch;
    // Alertmanager publishes to them through IRSA with the policy that stack exports. ---------
    const alerting = this.remoteState('alerting');
    const ticketTopicArn = alerting.getString('warning_topic_arn');
    const heartbeatTopicArn = alerting.getString('heartbeat_topic_arn');
    const issuerHost = Fn.replace(k8s.cluster.identity.get(0).oidc.get(0).issuer, 'https://', '');
    const alertmanagerRole = new IrsaRole(this, 'alertmanager', {
      name: `${this.prefix}-alertmanager`,
      oidcProviderArn: cluster.getString('oidc_provider_arn'),
      oidcIssuerHost: issuerHost,
      namespace: NAMESPACES.monitoring,
      serviceAccount: ALERTMANAGER_SERVICE_ACCOUNT,
      managedPolicyArns: [alerting.getString('alertmanager_sns_policy_arn')],
    });
    // The collector may write to X-Ray and nothing else.
    const otelCollectorRole = new IrsaRole(this, 'otel-collector-xray', {
      name: `${this.prefix}-otel-collector`,
      oidcProviderArn: cluster.getString('oidc_provider_arn'),
      oidcIssuerHost: issuerHost,
      namespace: OTEL_COLLECTOR.namespace,
      serviceAccount: OTEL_COLLECTOR.serviceAccount,
      statements: xrayWriterStatements(),
    });

    // --- Secrets Manager entries the monitoring namespace reads through external-secrets -----
    // Encrypted with the data tier's key, which external-secrets may already decrypt with.
    const dataKey = data.getString('data_kms_key_arn');
    const secretPrefix = platformSecretPrefix(env);
    const recoveryWindowDays = prod ? 30 : 7;
    const grafanaAdmin = new GeneratedSecret(this, 'grafana-admin', {
      name: `${secretPrefix}grafana-admin`,
      description: 'Grafana admin login (kube-prometheus-stack), synced into monitoring/grafana-admin',
      kmsKeyArn: dataKey,
      length: 32,
      recoveryWindowDays,
      username: 'admin',
    });
    // No value from Terraform: an operator stores {"pagerduty-routing-key", "slack-webhook-url"}.
    const receivers = new SecretsmanagerSecret(this, 'alertmanager-receivers', {
      name: `${secretPrefix}alertmanager-receivers`,
      description: 'PagerDuty routing key and Slack webhook URL for Alertmanager (filled by an operator)',
      kmsKeyId: dataKey,
      recoveryWindowInDays: recoveryWindowDays,
    });

    // --- Namespaces and storage ---------------------------------------------------------------
    const namespace = (id: string, name: string) =>
      new NamespaceV1(this, `ns-${id}`, {
        provider: k8s.kubernetes,
        metadata: { name, labels: { 'app.kubernetes.io/part-of': 'taskboard-platform' } },
      });
    const ns = {
      monitoring: namespace('monitoring', NAMESPACES.monitoring),
      logging: namespace('logging', SERVICE_ACCOUNTS.fluentBit.namespace),
      externalSecrets: namespace('external-secrets', SERVICE_ACCOUNTS.externalSecrets.namespace),
      chaosMesh: namespace('chaos-mesh', NAMESPACES.chaosMesh),
      observability: namespace('observability', OTEL_COLLECTOR.namespace),
    };
    const gp3 = new StorageClassV1(this, 'gp3', {
      provider: k8s.kubernetes,
      metadata: { name: GP3_STORAGE_CLASS },
      storageProvisioner: 'ebs.csi.aws.com',
      parameters: { type: 'gp3', encrypted: 'true', fsType: 'ext4' },
      // Prod keeps a Prometheus volume if its claim is deleted by mistake.
      reclaimPolicy: prod ? 'Retain' : 'Delete',
      // Created in the zone of the pod that claims it (EBS volumes are zonal).
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
    });

    // --- Releases -------------------------------------------------------------------------------
    const release = (id: string, props: Omit<ConstructorParameters<typeof PlatformRelease>[2], 'provider'>) =>
      new PlatformRelease(this, id, { provider: k8s.helm, ...props }).release;

    // The CRDs first, as their own release: templates, not crds/, so upgrades upgrade them.
    const crds = release('prometheus-operator-crds', {
      name: 'prometheus-operator-crds',
      chart: 'prometheus-operator-crds',
      namespace: NAMESPACES.monitoring,
      values: {},
      timeoutSeconds: RELEASE_TIMEOUTS.crds,
      dependsOn: [ns.monitoring],
    });
    const externalSecrets = release('external-secrets', {
      name: 'external-secrets',
      chart: 'external-secrets',
      namespace: SERVICE_ACCOUNTS.externalSecrets.namespace,
      values: externalSecretsValues(
        SERVICE_ACCOUNTS.externalSecrets,
        cluster.getString('external_secrets_role_arn'),
      ),
      timeoutSeconds: RELEASE_TIMEOUTS.externalSecrets,
      dependsOn: [ns.externalSecrets, crds],
    });
    const platformSecrets = release('platform-secrets', {
      name: 'platform-secrets',
      chart: 'platform-secrets',
      namespace: SERVICE_ACCOUNTS.externalSecrets.namespace,
      values: platformSecretsValues(region, [
        {
          name: MONITORING_SECRETS.grafanaAdmin.name,
          namespace: NAMESPACES.monitoring,
          remoteKey: grafanaAdmin.secret.name,
          properties: [
            { secretKey: MONITORING_SECRETS.grafanaAdmin.userKey, property: 'username' },
            { secretKey: MONITORING_SECRETS.grafanaAdmin.passwordKey, property: 'password' },
          ],
        },
        {
          name: MONITORING_SECRETS.alertmanagerReceivers,
          namespace: NAMESPACES.monitoring,
          remoteKey: receivers.name,
        },
      ]),
      timeoutSeconds: RELEASE_TIMEOUTS.platformSecrets,
      // The secret's first version must exist before its ExternalSecret reads it.
      dependsOn: [externalSecrets, ns.monitoring, grafanaAdmin.version],
    });
    release('kube-prometheus-stack', {
      name: KPS_RELEASE,
      chart: 'kube-prometheus-stack',
      namespace: NAMESPACES.monitoring,
      values: kubePrometheusStackValues({
        platform: env.platform,
        awsRegion: region,
        storageClass: GP3_STORAGE_CLASS,
        alertmanager: {
          awsRegion: region,
          ticketTopicArn,
          heartbeatTopicArn,
          // The reviewed channel of the committed rendering (dashboards/generated/alertmanager).
          slackChannel: EXAMPLE_INPUTS.slackChannel,
        },
        alertmanagerRoleArn: alertmanagerRole.arn,
      }),
      timeoutSeconds: RELEASE_TIMEOUTS.kubePrometheusStack,
      dependsOn: [crds, platformSecrets, gp3],
    });
    release('blackbox-exporter', {
      name: BLACKBOX_RELEASE,
      chart: 'prometheus-blackbox-exporter',
      namespace: NAMESPACES.monitoring,
      values: blackboxExporterValues(prod),
      timeoutSeconds: RELEASE_TIMEOUTS.blackbox,
      dependsOn: [ns.monitoring],
    });
    release('fluent-bit', {
      name: 'fluent-bit',
      chart: 'fluent-bit',
      namespace: SERVICE_ACCOUNTS.fluentBit.namespace,
      values: fluentBitValues({
        serviceAccount: SERVICE_ACCOUNTS.fluentBit,
        roleArn: cluster.getString('fluent_bit_role_arn'),
        region,
        appNamespace: env.platform.appNamespace,
        appLogGroup: cluster.getString('app_log_group'),
        workloadLogGroup: cluster.getString('workload_log_group'),
        bufferLimit: env.platform.fluentBitBufferLimit,
      }),
      timeoutSeconds: RELEASE_TIMEOUTS.fluentBit,
      dependsOn: [ns.logging, crds],
    });
    release('aws-load-balancer-controller', {
      name: 'aws-load-balancer-controller',
      chart: 'aws-load-balancer-controller',
      namespace: SERVICE_ACCOUNTS.loadBalancerController.namespace,
      values: loadBalancerControllerValues({
        clusterName,
        region,
        vpcId: network.getString('vpc_id'),
        serviceAccount: SERVICE_ACCOUNTS.loadBalancerController,
        roleArn: cluster.getString('lb_controller_role_arn'),
      }),
      timeoutSeconds: RELEASE_TIMEOUTS.lbController,
      dependsOn: [crds],
    });
    release('metrics-server', {
      name: 'metrics-server',
      chart: 'metrics-server',
      namespace: NAMESPACES.kubeSystem,
      values: metricsServerValues(prod),
      timeoutSeconds: RELEASE_TIMEOUTS.metricsServer,
    });
    release('cluster-autoscaler', {
      name: 'cluster-autoscaler',
      chart: 'cluster-autoscaler',
      namespace: SERVICE_ACCOUNTS.clusterAutoscaler.namespace,
      values: clusterAutoscalerValues({
        clusterName,
        region,
        serviceAccount: SERVICE_ACCOUNTS.clusterAutoscaler,
        roleArn: cluster.getString('cluster_autoscaler_role_arn'),
      }),
      timeoutSeconds: RELEASE_TIMEOUTS.clusterAutoscaler,
      dependsOn: [crds],
    });
    release('chaos-mesh', {
      name: 'chaos-mesh',
      chart: 'chaos-mesh',
      namespace: NAMESPACES.chaosMesh,
      values: chaosMeshValues(prod),
      timeoutSeconds: RELEASE_TIMEOUTS.chaosMesh,
      dependsOn: [ns.chaosMesh],
    });

    release('otel-collector', {
      name: OTEL_COLLECTOR.release,
      chart: 'opentelemetry-collector',
      namespace: OTEL_COLLECTOR.namespace,
      values: otelCollectorValues({
        replicas: env.platform.otelCollectorReplicas,
        region,
        roleArn: otelCollectorRole.arn,
        baselinePercent: env.platform.traceBaselinePercent,
        appLogGroup: cluster.getString('app_log_group'),
      }),
      timeoutSeconds: RELEASE_TIMEOUTS.otelCollector,
      // Its ServiceMonitor needs the prometheus-operator CRDs.
      dependsOn: [ns.observability, crds],
    });

    this.output(
      'otel_collector_traces_url',
      otelCollectorTracesUrl(),
      'OTLP/HTTP traces URL of the ADOT collector (api.tracing.otlpEndpoint)',
    );
    this.output(
      'monitoring_namespace',
      NAMESPACES.monitoring,
      'Namespace of Prometheus, Alertmanager, Grafana',
    );
    this.output(
      'kube_prometheus_stack_release',
      KPS_RELEASE,
      'Release label the app chart puts on its monitors',
    );
    this.output(
      'cluster_secret_store',
      CLUSTER_SECRET_STORE,
      'ClusterSecretStore the app chart reads through',
    );
    this.output(
      'grafana_admin_secret_arn',
      grafanaAdmin.secret.arn,
      'Secrets Manager entry of the Grafana admin',
    );
  }
}
