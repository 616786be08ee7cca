import { CLUSTER_SECRET_STORE } from './names';

export interface PlatformExternalSecret {
  /** Name of the ExternalSecret and of the Kubernetes Secret it writes. */
  name: string;
  namespace: string;
  /** Secrets Manager secret name. */
  remoteKey: string;
  /** Target Secret keys and the JSON property each is read from; absent: every property becomes a key. */
  properties?: { secretKey: string; property: string }[];
}

/** Values of helm/platform-secrets (its values.yaml documents each key). */
export interface PlatformSecretsValues {
  region: string;
  clusterSecretStore: string;
  refreshInterval: string;
  externalSecrets: PlatformExternalSecret[];
}

export function platformSecretsValues(
  region: string,
  externalSecrets: PlatformExternalSecret[],
): PlatformSecretsValues {
  return { region, clusterSecretStore: CLUSTER_SECRET_STORE, refreshInterval: '1h', externalSecrets };
}
