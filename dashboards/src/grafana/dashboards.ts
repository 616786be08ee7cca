import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { dependencies } from './dependencies';
import { goldenSignals } from './golden-signals';
import { slos } from './slos';
import { userExperience } from './user-experience';

type GeneratedDashboard = Dashboard & { uid: string };

/** Stable panel ids (Grafana keys panel links and state by them) in layout order. */
function withPanelIds(d: Dashboard): GeneratedDashboard {
  if (!d.uid) throw new Error(`dashboard "${d.title}" has no uid`);
  return { ...d, uid: d.uid, panels: (d.panels ?? []).map((p, i) => ({ ...p, id: i + 1 })) };
}

export const GRAFANA_DASHBOARDS: readonly GeneratedDashboard[] = [
  goldenSignals(),
  slos(),
  dependencies(),
  userExperience(),
].map(withPanelIds);
