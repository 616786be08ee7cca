export interface ChaosMeshValues {
  chaosDaemon: { runtime: 'containerd'; socketPath: string };
  controllerManager: { enableFilterNamespace: true; replicaCount: number };
  dashboard: { create: false };
}

/** Where EKS (AL2023) nodes expose containerd; chaos-daemon needs it to enter containers. */
export const CONTAINERD_SOCKET = '/run/containerd/containerd.sock';

/**
 * Chaos Mesh for the fault drills. Namespace filtering on: only namespaces annotated
 * `chaos-mesh.org/inject=enabled` (the app stack sets it on the app namespace) can be targeted,
 * so a typo in an experiment cannot hit kube-system. The dashboard is off: experiments are code.
 */
export function chaosMeshValues(highlyAvailable: boolean): ChaosMeshValues {
  return {
    chaosDaemon: { runtime: 'containerd', socketPath: CONTAINERD_SOCKET },
    controllerManager: { enableFilterNamespace: true, replicaCount: highlyAvailable ? 3 : 1 },
    dashboard: { create: false },
  };
}
