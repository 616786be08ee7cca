import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENVIRONMENTS, type EnvName } from '../config';
import {
  COST_TABLE_BEGIN,
  COST_TABLE_END,
  COST_TABLE_README,
  costLines,
  loadPriceList,
  PRICING_PATH,
  renderCostTable,
  replaceCostTable,
  runningShare,
} from '../cost-table';
import type { TfDocument } from '../policy/tf-json';
import type { SynthesizedFile } from '../synth';
import { doc, synthAll } from './helpers';

let files: Map<string, SynthesizedFile>;
beforeAll(() => {
  files = synthAll();
});

// Both paths are relative to the repository root (make runs there); tests may run from stacks/.
const repo = (path: string) => new URL(`../../${path}`, import.meta.url);
const prices = loadPriceList(repo(PRICING_PATH));
const docsOf = (f: Map<string, SynthesizedFile>, env: EnvName): TfDocument[] =>
  [...f.values()].filter((x) => x.name.startsWith(`${env}-`)).map((x) => structuredClone(x.doc));
const byEnv = (f: Map<string, SynthesizedFile>) =>
  Object.fromEntries(ENVIRONMENTS.map((env) => [env, docsOf(f, env)])) as Record<EnvName, TfDocument[]>;

describe('the generated cost table', () => {
  it('in README.md is the one the code and the price list produce (run `make docs-cost`)', () => {
    const readme = readFileSync(repo(COST_TABLE_README), 'utf8');
    expect(readme).toContain(COST_TABLE_BEGIN);
    expect(replaceCostTable(readme, renderCostTable(byEnv(files), prices))).toBe(readme);
  });

  it('carries its date, region, currency and sources', () => {
    expect(prices).toMatchObject({ region: 'eu-west-1', currency: 'USD', hoursPerMonth: 730 });
    expect(prices.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(prices.sources.length).toBeGreaterThan(0);
    for (const s of prices.sources) expect(s).toMatch(/^https:\/\/aws\.amazon\.com\//);
  });

  it('fails loudly on a resource type nobody classified (no silent zero)', () => {
    const docs = docsOf(files, 'dev');
    docs[0]!.resource = { ...docs[0]!.resource, aws_msk_cluster: { kafka: { cluster_name: 'x' } } };
    expect(() => costLines(docs, prices)).toThrow(
      /resource type aws_msk_cluster is neither priced, free nor usage-billed/,
    );
  });

  it('fails loudly on a size the price list lacks', () => {
    const docs = docsOf(files, 'prod');
    const data = docs.find((d) => d.resource?.aws_db_instance)!;
    Object.values(data.resource!.aws_db_instance!)[0]!.instance_class = 'db.r8g.48xlarge';
    expect(() => costLines(docs, prices)).toThrow(/no price for RDS instance class "db.r8g.48xlarge"/);
  });

  it('prices what changes with the code: one more prod node adds exactly its hours and root volume', () => {
    const total = (docs: TfDocument[]) => costLines(docs, prices).reduce((a, l) => a + l.usd, 0);
    const docs = docsOf(files, 'prod');
    const before = total(docs);
    const cluster = docs.find((d) => d.resource?.aws_eks_node_group)!;
    const group = Object.values(cluster.resource!.aws_eks_node_group!)[0]!;
    (group.scaling_config as { desired_size: number }).desired_size += 1;
    const node = prices.ec2['m7i.large']! * 730 + prices.monthly.ebsGp3PerGb * 50;
    expect(total(docs) - before).toBeCloseTo(node, 6);
  });

  it('counts dev compute only for the hours the scale-down leaves it running (13 h × 5 days of 168)', () => {
    expect(runningShare(doc(files, 'dev', 'audit'))).toBeCloseTo(65 / 168, 9);
    expect(runningShare(doc(files, 'prod', 'audit'))).toBe(1);
  });

  it('prices the variants the config offers: Aurora Serverless v2 at its minimum ACUs, Slack', () => {
    const variant = synthAll({
      TASKBOARD_DEV_DB_ENGINE: 'aurora-serverless-v2',
      TASKBOARD_DEV_SLACK_WORKSPACE_ID: 'T0123ABCD',
      TASKBOARD_DEV_SLACK_CHANNEL_ID: 'C0456EFGH',
    });
    const db = costLines(docsOf(variant, 'dev'), prices).filter((l) => l.row === 'PostgreSQL + storage');
    expect(db).toHaveLength(1);
    expect(db[0]!.usd).toBeCloseTo(prices.hourly.auroraServerlessV2Acu * 0.5 * 730 * (65 / 168), 6);
  });

  it('refuses README text without the markers', () => {
    expect(() => replaceCostTable('no markers', 'x')).toThrow(/lacks the markers/);
    expect(replaceCostTable(`a\n${COST_TABLE_BEGIN}\nold\n${COST_TABLE_END}\nb`, 'new')).toBe(
      `a\n${COST_TABLE_BEGIN}\nnew\n${COST_TABLE_END}\nb`,
    );
  });
});
