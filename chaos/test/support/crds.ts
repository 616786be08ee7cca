import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_DIR } from '../../../helm/taskboard/test/support/validate';

/** The Chaos Mesh chart version whose CRDs the manifests are validated against (platform pin). */
export const CHAOS_MESH_VERSION = '2.8.3';
export const CHAOS_CRD_DIR = join(SHARED_DIR, 'upstream-crds', `chaos-mesh-${CHAOS_MESH_VERSION}`);
export const CHAOS_CRDS_PRESENT = existsSync(CHAOS_CRD_DIR);
export const CHAOS_SKIP_REASON = `Chaos Mesh ${CHAOS_MESH_VERSION} CRD schemas not found in ${CHAOS_CRD_DIR} (set TASKBOARD_SHARED_DIR); \`make crds-chaos\` fetches them (helm show crds of chaos-mesh ${CHAOS_MESH_VERSION}) and prints the TASKBOARD_SHARED_DIR to use`;
