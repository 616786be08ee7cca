// Minimal typed access to a synthesized Terraform JSON document (cdk.tf.json), enough for the
// policy rules to find resources, follow `${type.name.attr}` references and read the env.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Block = { [key: string]: Json };

export interface TfDocument {
  resource?: Record<string, Record<string, Block>>;
  data?: Record<string, Record<string, Block>>;
  provider?: Record<string, Block[]>;
  [key: string]: Json | undefined;
}

export interface SynthesizedStack {
  /** `<env>-<stack>`, e.g. `prod-data`. */
  name: string;
  doc: TfDocument;
}

export interface Entry {
  /** Terraform address, e.g. `aws_s3_bucket.state`. */
  address: string;
  name: string;
  body: Block;
}

export function resources(doc: TfDocument, type: string): Entry[] {
  return Object.entries(doc.resource?.[type] ?? {}).map(([name, body]) => ({
    address: `${type}.${name}`,
    name,
    body,
  }));
}

export function dataSources(doc: TfDocument, type: string): Entry[] {
  return Object.entries(doc.data?.[type] ?? {}).map(([name, body]) => ({
    address: `data.${type}.${name}`,
    name,
    body,
  }));
}

/** The environment a stack deploys, from the provider's default tags (set on every stack). */
export function environmentOf(doc: TfDocument): string | undefined {
  const tags = (doc.provider?.aws?.[0]?.default_tags as Block[] | undefined)?.[0]?.tags as Block | undefined;
  const env = tags?.environment;
  return typeof env === 'string' ? env : undefined;
}

/** True when `value` (or any string inside it) interpolates an attribute of `address`. */
export function references(value: Json | undefined, address: string): boolean {
  return JSON.stringify(value ?? null).includes(`\${${address}.`);
}

/** A nested block that Terraform JSON may hold as an object or a one-element list. */
export function block(value: Json | undefined): Block | undefined {
  if (Array.isArray(value)) return block(value[0]);
  return value !== null && typeof value === 'object' ? (value as Block) : undefined;
}

export function blocks(value: Json | undefined): Block[] {
  if (Array.isArray(value)) return value.filter((v): v is Block => v !== null && typeof v === 'object');
  const one = block(value);
  return one ? [one] : [];
}

export function strings(value: Json | undefined): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Follows `${data.aws_iam_policy_document.x.json}` to the document's statements. */
export function policyStatements(doc: TfDocument, policy: Json | undefined): Block[] | undefined {
  if (typeof policy !== 'string') return undefined;
  const ref = /^\$\{data\.aws_iam_policy_document\.([^.}]+)\.json\}$/.exec(policy);
  if (ref) return blocks(doc.data?.aws_iam_policy_document?.[ref[1] ?? '']?.statement);
  try {
    const parsed = JSON.parse(policy) as { Statement?: Json };
    return blocks(parsed.Statement ?? null).map(normalizeJsonStatement);
  } catch {
    return undefined;
  }
}

/** Maps an IAM JSON statement (Action/Resource) onto the data-source shape (actions/resources). */
function normalizeJsonStatement(s: Block): Block {
  return {
    sid: s.Sid ?? null,
    effect: s.Effect ?? 'Allow',
    actions: strings(s.Action ?? null),
    resources: strings(s.Resource ?? null),
  };
}
