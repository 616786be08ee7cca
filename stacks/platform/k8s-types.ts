// The few Kubernetes shapes several charts' values share, typed once.

export interface ResourceRequirements {
  requests: { cpu: string; memory: string };
  limits: { memory: string };
}

export interface ServiceAccountValues {
  create: true;
  name: string;
  annotations: Record<string, string>;
}

export interface Toleration {
  key?: string;
  operator: 'Exists' | 'Equal';
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface PersistentVolumeClaimTemplate {
  volumeClaimTemplate: {
    spec: {
      storageClassName: string;
      accessModes: ['ReadWriteOnce'];
      resources: { requests: { storage: string } };
    };
  };
}

export function pvc(storageClassName: string, sizeGb: number): PersistentVolumeClaimTemplate {
  return {
    volumeClaimTemplate: {
      spec: {
        storageClassName,
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: `${sizeGb}Gi` } },
      },
    },
  };
}
