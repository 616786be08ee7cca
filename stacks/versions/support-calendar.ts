// The committed support calendar: every version we pin, with the date its standard support
// ends and where that date comes from. stacks/test/support-calendar.test.ts fails when today
// is past, or within WARNING_DAYS of, the end date of a version in use, naming the config
// field and the replacement. Add the next version here (with its source) before it is needed.
import { ENVIRONMENTS, type InfraConfig } from '../config';

/** Days of notice before an end date: long enough to plan, test and roll out an upgrade. */
export const WARNING_DAYS = 60;

export type Product = 'eks' | 'rds-postgres' | 'aurora-postgres' | 'node';

export interface SupportEntry {
  product: Product;
  version: string;
  /** Last day of standard support, YYYY-MM-DD (UTC). */
  endOfStandardSupport: string;
  source: string;
}

const EKS_CALENDAR =
  'https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html (release calendar; also https://endoflife.date/amazon-eks)';
const RDS_CALENDAR =
  'https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-release-calendar.html';
const AURORA_CALENDAR =
  'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraPostgreSQLReleaseNotes/aurorapostgresql-release-calendar.html';
const NODE_CALENDAR = 'https://github.com/nodejs/Release (schedule.json; end of life of the LTS line)';

export const SUPPORT_CALENDAR: SupportEntry[] = [
  { product: 'eks', version: '1.32', endOfStandardSupport: '2026-03-23', source: EKS_CALENDAR },
  { product: 'eks', version: '1.33', endOfStandardSupport: '2026-07-29', source: EKS_CALENDAR },
  { product: 'eks', version: '1.34', endOfStandardSupport: '2026-12-02', source: EKS_CALENDAR },
  { product: 'eks', version: '1.35', endOfStandardSupport: '2027-03-27', source: EKS_CALENDAR },
  { product: 'rds-postgres', version: '16', endOfStandardSupport: '2029-02-28', source: RDS_CALENDAR },
  { product: 'rds-postgres', version: '17', endOfStandardSupport: '2030-02-28', source: RDS_CALENDAR },
  { product: 'aurora-postgres', version: '16', endOfStandardSupport: '2029-02-28', source: AURORA_CALENDAR },
  { product: 'aurora-postgres', version: '17', endOfStandardSupport: '2030-02-28', source: AURORA_CALENDAR },
  { product: 'node', version: '22', endOfStandardSupport: '2027-04-30', source: NODE_CALENDAR },
  { product: 'node', version: '24', endOfStandardSupport: '2028-04-30', source: NODE_CALENDAR },
];

/** The Node.js LTS line the API and tools run on (pinned 24.22.3 in the runtime images). */
export const NODE_LTS_IN_USE = '24';

export interface Pin {
  /** The config field (or file) an operator edits to move off this version. */
  field: string;
  product: Product;
  version: string;
}

/** Every version the configuration pins that has a support calendar. */
export function pinsInUse(config: InfraConfig, nodeMajor = NODE_LTS_IN_USE): Pin[] {
  const pins: Pin[] = [];
  for (const env of ENVIRONMENTS) {
    const c = config[env];
    pins.push({
      field: `${env}.cluster.kubernetesVersion`,
      product: 'eks',
      version: c.cluster.kubernetesVersion,
    });
    pins.push({
      field: `${env}.database.engineVersion`,
      product: c.database.engine === 'rds' ? 'rds-postgres' : 'aurora-postgres',
      version: c.database.engineVersion,
    });
  }
  pins.push({ field: 'Node.js LTS (NODE_LTS_IN_USE, runtime images)', product: 'node', version: nodeMajor });
  return pins;
}

const DAY_MS = 86_400_000;
const utcDay = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
/** True while more than WARNING_DAYS remain before the entry's end of standard support. */
const safe = (e: SupportEntry, today: Date) =>
  utcDay(e.endOfStandardSupport) - today.getTime() > WARNING_DAYS * DAY_MS;

/** The newest calendar version of a product that is still safely supported on `today`. */
export function replacementFor(product: Product, today: Date): SupportEntry | undefined {
  return SUPPORT_CALENDAR.filter((e) => e.product === product && safe(e, today)).sort(
    (a, b) => utcDay(b.endOfStandardSupport) - utcDay(a.endOfStandardSupport),
  )[0];
}

/** One message per pin that is unknown, past its end of standard support, or within WARNING_DAYS of it. */
export function supportProblems(pins: Pin[], today: Date): string[] {
  const problems: string[] = [];
  for (const pin of pins) {
    const entry = SUPPORT_CALENDAR.find((e) => e.product === pin.product && e.version === pin.version);
    const next = replacementFor(pin.product, today);
    const advice = next
      ? `move to ${next.version} (standard support until ${next.endOfStandardSupport}, ${next.source})`
      : `no version in the calendar is supported for another ${WARNING_DAYS} days: add the next one to stacks/versions/support-calendar.ts`;
    if (!entry) {
      problems.push(
        `${pin.field} = "${pin.version}": ${pin.product} ${pin.version} is not in the support calendar (stacks/versions/support-calendar.ts); add it with its end of standard support, or ${advice}`,
      );
      continue;
    }
    if (safe(entry, today)) continue;
    const daysLeft = Math.floor((utcDay(entry.endOfStandardSupport) - today.getTime()) / DAY_MS);
    if (daysLeft < 0) {
      problems.push(
        `${pin.field} = "${pin.version}": ${pin.product} ${pin.version} standard support ended ${entry.endOfStandardSupport}; ${advice}`,
      );
    } else {
      problems.push(
        `${pin.field} = "${pin.version}": ${pin.product} ${pin.version} standard support ends ${entry.endOfStandardSupport} (in ${daysLeft} days); ${advice}`,
      );
    }
  }
  return problems;
}
