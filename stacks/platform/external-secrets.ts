import type { ServiceAccountValues } from './k8s-types';
import { irsaAnnotations } from './names';

export interface ExternalSecretsValues {
  installCRDs: true;
  serviceAccount: ServiceAccountValues;
  serviceMonitor: { enabled: true };
}

/**
 * The operator that turns Secrets Manager entries into Kubernetes Secrets, with the IRSA role
 * that may read only our secrets. Its CRDs are chart templates (installCRDs), so a chart upgrade
 * upgrades them; the ClusterSecretStore itself is in helm/platform-secrets (installed after it).
 */
export function externalSecretsValues(
  serviceAccount: { name: string },
  roleArn: string,
): ExternalSecretsValues {
  return {
    installCRDs: true,
    serviceAccount: { create: true, name: serviceAccount.name, annotations: irsaAnnotations(roleArn) },
    serviceMonitor: { enabled: true },
  };
}
