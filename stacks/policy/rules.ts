// The security baseline, as code: each rule has an id, a one-line rationale, and reports how
// many resources it examined (a rule that examined nothing is itself a test failure).

import { ACCESS_LOG_BUCKET_TAG } from '../bootstrap';
import { CONTROL_PLANE_LOG_TYPES } from '../cluster';
import { MANAGED_CONFIG_RULES } from '../constructs/config-rules';
import {
  DEPLOY_GLOBAL_SERVICES_SID,
  DEPLOY_SERVICES_SID,
  GITHUB_OIDC_AUDIENCE,
  GITHUB_OIDC_HOST,
  GLOBAL_SERVICES_REGION,
  PROTECT_CI_SID,
} from '../constructs/github-oidc';
import { XRAY_WRITER_ACTIONS } from '../constructs/irsa-policies';
import { KEY_ADMIN_SID } from '../constructs/kms-key';
import { SUPPORT_CALENDAR } from '../versions/support-calendar';
import { APP_RULES } from './app-rules';
import { HELM_RULES, KUBERNETES_AUTH_RULES } from './helm-rules';
import { type PolicyRule, rule } from './rule-kit';
import {
  type Block,
  block,
  blocks,
  dataSources,
  type Entry,
  environmentOf,
  type Json,
  policyStatements,
  references,
  resources,
  type SynthesizedStack,
  strings,
  type TfDocument,
} from './tf-json';

export type { Finding, PolicyRule, RuleResult } from './rule-kit';

/** Security groups allowed to take 0.0.0.0/0 on 80/443 carry this tag (the public ALB only). */
export const PUBLIC_ALB_TAG = { key: 'taskboard:exposure', value: 'public-alb' } as const;

/**
 * Wildcard actions on "*" that are reviewed and allowed, by statement sid. Nothing else may
 * grant `*` or `service:*` on every resource.
 */
export const DOCUMENTED_WILDCARDS: Record<string, string> = {
  [KEY_ADMIN_SID]:
    'KMS key policies must grant the account root kms:* on the key itself ("*" means this key) so IAM policies can govern access; AWS default key policy.',
  [DEPLOY_SERVICES_SID]:
    "The CI deploy role runs Terraform over every resource type of the stacks' services; bounded to one region, never iam:*/sts:* (GITHUB-DEPLOY-BOUNDED checks it), and denied its own identity.",
  [DEPLOY_GLOBAL_SERVICES_SID]:
    'The same for what CloudFront and the global services (Route 53, Budgets, Cost Explorer) call in us-east-1; bounded to us-east-1 only.',
};

/** Managed policies that grant (near) administrator rights; never attached by these stacks. */
const FORBIDDEN_MANAGED = ['AdministratorAccess', 'PowerUserAccess', 'IAMFullAccess'];

const isTrue = (v: Json | undefined) => v === true || v === 'true';
const isSet = (v: Json | undefined) => typeof v === 'string' && v.length > 0;
const partner = (doc: TfDocument, type: string, target: Entry) =>
  resources(doc, type).filter((r) => references(r.body.bucket ?? r.body.vpc_id, target.address));
const isProd = (doc: TfDocument) => environmentOf(doc) === 'prod';
const openCidr = (v: Json | undefined) => strings(v).some((c) => c === '0.0.0.0/0' || c === '::/0');
const isAccessLogBucket = (b: Entry) =>
  block(b.body.tags)?.[ACCESS_LOG_BUCKET_TAG.key] === ACCESS_LOG_BUCKET_TAG.value;
/** The S3 backend block of a stack, if it has one (bootstrap keeps local state until migrated). */
const s3Backend = (doc: TfDocument): Block | undefined => block(block(block(doc.terraform)?.backend)?.s3);

/** IAM roles whose trust names GitHub's OIDC provider, with their trust statements. */
function githubRoles(doc: TfDocument): { role: Entry; trust: Block[] }[] {
  const providers = [
    ...resources(doc, 'aws_iam_openid_connect_provider'),
    ...dataSources(doc, 'aws_iam_openid_connect_provider'),
  ].filter((p) => String(p.body.url ?? '').includes(GITHUB_OIDC_HOST));
  return resources(doc, 'aws_iam_role')
    .map((role) => ({ role, trust: policyStatements(doc, role.body.assume_role_policy) ?? [] }))
    .filter(({ trust }) =>
      trust.some((t) =>
        blocks(t.principals).some(
          (p) => p.type === 'Federated' && providers.some((v) => references(p.identifiers, v.address)),
        ),
      ),
    );
}

/** `sub` values a trust statement pins with StringEquals (StringLike never counts as pinned). */
const pinnedSubs = (t: Block) =>
  blocks(t.condition)
    .filter((c) => c.test === 'StringEquals' && c.variable === `${GITHUB_OIDC_HOST}:sub`)
    .flatMap((c) => strings(c.values));

/** Inline statements of a role (aws_iam_role_policy through its policy document). */
function roleStatements(doc: TfDocument, role: Entry): Block[] {
  return resources(doc, 'aws_iam_role_policy')
    .filter((p) => references(p.body.role, role.address))
    .flatMap((p) => policyStatements(doc, p.body.policy) ?? []);
}

export const RULES: PolicyRule[] = [
  rule(
    'S3-ENCRYPTION-KMS',
    'Objects at rest (Terraform state holds secrets) are encrypted with our rotated KMS key.',
    (doc, c) => {
      for (const bucket of resources(doc, 'aws_s3_bucket')) {
        const sse = partner(doc, 'aws_s3_bucket_server_side_encryption_configuration', bucket).flatMap((r) =>
          blocks(r.body.rule).map((x) => block(x.apply_server_side_encryption_by_default)),
        );
        if (isAccessLogBucket(bucket)) {
          // S3 log delivery cannot write to SSE-KMS buckets (documented exception): SSE-S3 there.
          c.expect(
            bucket,
            sse.some((d) => d?.sse_algorithm === 'AES256'),
            'access-log bucket not encrypted',
          );
          continue;
        }
        const ok = sse.some((d) => d?.sse_algorithm === 'aws:kms' && isSet(d.kms_master_key_id));
        c.expect(bucket, ok, 'no SSE-KMS default encryption with a customer key');
      }
    },
  ),
  rule(
    'S3-PUBLIC-ACCESS-BLOCKED',
    'A bucket can never be made public by an ACL or policy mistake.',
    (doc, c) => {
      for (const bucket of resources(doc, 'aws_s3_bucket')) {
        const ok = partner(doc, 'aws_s3_bucket_public_access_block', bucket).some((p) =>
          ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'].every(
            (k) => isTrue(p.body[k]),
          ),
        );
        c.expect(bucket, ok, 'public access block missing or not all four settings true');
      }
    },
  ),
  rule(
    'S3-TLS-ONLY',
    'In-transit encryption: requests over plain HTTP are denied by bucket policy.',
    (doc, c) => {
      for (const bucket of resources(doc, 'aws_s3_bucket')) {
        const ok = partner(doc, 'aws_s3_bucket_policy', bucket).some((p) =>
          (policyStatements(doc, p.body.policy) ?? []).some(
            (s) =>
              s.effect === 'Deny' &&
              blocks(s.condition).some(
                (k) => k.variable === 'aws:SecureTransport' && strings(k.values).includes('false'),
              ),
          ),
        );
        c.expect(bucket, ok, 'no bucket policy denying aws:SecureTransport=false');
      }
    },
  ),
  rule(
    'S3-VERSIONING',
    'State must be recoverable after a bad write: versioning on, old versions expire.',
    (doc, c) => {
      for (const bucket of resources(doc, 'aws_s3_bucket')) {
        const versioned = partner(doc, 'aws_s3_bucket_versioning', bucket).some(
          (v) => block(v.body.versioning_configuration)?.status === 'Enabled',
        );
        const expiring = partner(doc, 'aws_s3_bucket_lifecycle_configuration', bucket).some((l) =>
          blocks(l.body.rule).some((r) => r.status === 'Enabled' && block(r.noncurrent_version_expiration)),
        );
        c.expect(
          bucket,
          versioned && expiring,
          'versioning disabled or no lifecycle for noncurrent versions',
        );
      }
    },
  ),
  rule(
    'RDS-ENCRYPTION',
    'Database storage, snapshots and Performance Insights are encrypted with our KMS key.',
    (doc, c) => {
      for (const db of [...resources(doc, 'aws_db_instance'), ...resources(doc, 'aws_rds_cluster')]) {
        const pi =
          !isTrue(db.body.performance_insights_enabled) || isSet(db.body.performance_insights_kms_key_id);
        c.expect(
          db,
          isTrue(db.body.storage_encrypted) && isSet(db.body.kms_key_id) && pi,
          'storage or PI not KMS-encrypted',
        );
      }
    },
  ),
  rule(
    'RDS-TLS',
    'In-transit encryption: the server refuses non-TLS clients (rds.force_ssl=1).',
    (doc, c) => {
      const groups = [
        ...resources(doc, 'aws_db_parameter_group'),
        ...resources(doc, 'aws_rds_cluster_parameter_group'),
      ];
      const forcesSsl = (g: Entry) =>
        blocks(g.body.parameter).some((p) => p.name === 'rds.force_ssl' && p.value === '1');
      for (const db of resources(doc, 'aws_db_instance')) {
        const ok = groups.some((g) => forcesSsl(g) && references(db.body.parameter_group_name, g.address));
        c.expect(db, ok, 'parameter group without rds.force_ssl=1');
      }
      for (const db of resources(doc, 'aws_rds_cluster')) {
        const ok = groups.some(
          (g) => forcesSsl(g) && references(db.body.db_cluster_parameter_group_name, g.address),
        );
        c.expect(db, ok, 'cluster parameter group without rds.force_ssl=1');
      }
    },
  ),
  rule(
    'CACHE-ENCRYPTION',
    'Redis data is encrypted at rest (KMS) and in transit (TLS), and requires AUTH.',
    (doc, c) => {
      for (const rg of resources(doc, 'aws_elasticache_replication_group')) {
        const ok =
          isTrue(rg.body.at_rest_encryption_enabled) &&
          isSet(rg.body.kms_key_id) &&
          isTrue(rg.body.transit_encryption_enabled) &&
          isSet(rg.body.auth_token);
        c.expect(rg, ok, 'at-rest KMS, in-transit TLS or AUTH token missing');
      }
    },
  ),
  rule(
    'EBS-ENCRYPTION',
    'Node root volumes (container layers, emptyDir data) are encrypted at rest.',
    (doc, c) => {
      for (const lt of resources(doc, 'aws_launch_template')) {
        const mappings = blocks(lt.body.block_device_mappings);
        const ok = mappings.length > 0 && mappings.every((m) => isTrue(block(m.ebs)?.encrypted));
        c.expect(lt, ok, 'block device without encrypted=true');
      }
    },
  ),
  rule(
    'LOGS-ENCRYPTION',
    'Log groups (audit logs, flow logs) are encrypted with a customer KMS key.',
    (doc, c) => {
      for (const g of resources(doc, 'aws_cloudwatch_log_group'))
        c.expect(g, isSet(g.body.kms_key_id), 'no kms_key_id');
    },
  ),
  rule(
    'LOGS-RETENTION',
    'Every log group expires: bounded cost, and a retention period we chose on purpose.',
    (doc, c) => {
      for (const g of resources(doc, 'aws_cloudwatch_log_group')) {
        const days = g.body.retention_in_days;
        c.expect(g, typeof days === 'number' && days > 0, 'retention_in_days not set (logs kept forever)');
      }
    },
  ),
  rule(
    'SECRETS-ENCRYPTION',
    'Secrets Manager secrets and Kubernetes secrets are encrypted with our KMS keys.',
    (doc, c) => {
      for (const s of resources(doc, 'aws_secretsmanager_secret'))
        c.expect(s, isSet(s.body.kms_key_id), 'no kms_key_id');
      for (const k of resources(doc, 'aws_eks_cluster')) {
        const enc = block(k.body.encryption_config);
        const ok = strings(enc?.resources).includes('secrets') && isSet(block(enc?.provider)?.key_arn);
        c.expect(k, ok, 'no envelope encryption of Kubernetes secrets');
      }
    },
  ),
  rule(
    'ECR-HARDENING',
    'Images are KMS-encrypted, tags immutable (a tag is one image) and scanned on push.',
    (doc, c) => {
      for (const r of resources(doc, 'aws_ecr_repository')) {
        const ok =
          r.body.image_tag_mutability === 'IMMUTABLE' &&
          isTrue(block(r.body.image_scanning_configuration)?.scan_on_push) &&
          block(r.body.encryption_configuration)?.encryption_type === 'KMS';
        c.expect(r, ok, 'mutable tags, no scan on push or not KMS-encrypted');
      }
    },
  ),
  rule(
    'KMS-ROTATION',
    'Customer keys rotate yearly, limiting what one leaked key version can decrypt.',
    (doc, c) => {
      for (const k of resources(doc, 'aws_kms_key'))
        c.expect(k, isTrue(k.body.enable_key_rotation), 'rotation disabled');
    },
  ),
  rule(
    'NO-PUBLIC-INGRESS',
    'Only the public ALB (tagged) may accept 0.0.0.0/0, and only on 80/443.',
    (doc, c) => {
      const albGroups = resources(doc, 'aws_security_group').filter(
        (g) => block(g.body.tags)?.[PUBLIC_ALB_TAG.key] === PUBLIC_ALB_TAG.value,
      );
      const webOnly = (r: Block) =>
        (r.from_port === 80 && r.to_port === 80) || (r.from_port === 443 && r.to_port === 443);
      const allowed = (sgRef: Json | undefined, r: Block) =>
        webOnly(r) && albGroups.some((g) => references(sgRef, g.address));
      for (const g of [
        ...resources(doc, 'aws_security_group'),
        ...resources(doc, 'aws_default_security_group'),
      ]) {
        const isAlb = albGroups.some((a) => a.address === g.address);
        const bad = blocks(g.body.ingress).filter(
          (r) => (openCidr(r.cidr_blocks) || openCidr(r.ipv6_cidr_blocks)) && !(isAlb && webOnly(r)),
        );
        c.expect(g, bad.length === 0, 'inline ingress from the internet');
      }
      for (const r of resources(doc, 'aws_vpc_security_group_ingress_rule')) {
        const open = openCidr(r.body.cidr_ipv4) || openCidr(r.body.cidr_ipv6);
        c.expect(r, !open || allowed(r.body.security_group_id, r.body), 'ingress from the internet');
      }
      for (const r of resources(doc, 'aws_security_group_rule').filter((x) => x.body.type === 'ingress')) {
        const open = openCidr(r.body.cidr_blocks) || openCidr(r.body.ipv6_cidr_blocks);
        c.expect(r, !open || allowed(r.body.security_group_id, r.body), 'ingress from the internet');
      }
    },
  ),
  rule(
    'DEFAULT-SG-CLOSED',
    "The VPC's default security group has no rules, so nothing falls back to it.",
    (doc, c) => {
      for (const vpc of resources(doc, 'aws_vpc')) {
        const ok = resources(doc, 'aws_default_security_group').some(
          (g) =>
            references(g.body.vpc_id, vpc.address) &&
            Array.isArray(g.body.ingress) &&
            g.body.ingress.length === 0 &&
            Array.isArray(g.body.egress) &&
            g.body.egress.length === 0,
        );
        c.expect(vpc, ok, 'default security group not adopted with empty ingress and egress');
      }
    },
  ),
  rule('VPC-FLOW-LOGS', 'All VPC traffic metadata is recorded for incident forensics.', (doc, c) => {
    for (const vpc of resources(doc, 'aws_vpc')) {
      const ok = resources(doc, 'aws_flow_log').some(
        (f) => references(f.body.vpc_id, vpc.address) && f.body.traffic_type === 'ALL',
      );
      c.expect(vpc, ok, 'no flow log capturing ALL traffic');
    }
  }),
  rule(
    'EKS-ENDPOINT-RESTRICTED',
    'The Kubernetes API is private, and public only to configured CIDRs.',
    (doc, c) => {
      for (const k of resources(doc, 'aws_eks_cluster')) {
        const v = block(k.body.vpc_config);
        const cidrs = strings(v?.public_access_cidrs);
        const ok =
          isTrue(v?.endpoint_private_access) &&
          (!isTrue(v?.endpoint_public_access) || (cidrs.length > 0 && !cidrs.some((x) => x.endsWith('/0'))));
        c.expect(k, ok, 'private endpoint off, or public endpoint open to any address');
      }
    },
  ),
  rule(
    'EKS-AUDIT-LOGS',
    'All five control-plane log types (api, audit, authenticator, controllerManager, scheduler) are on.',
    (doc, c) => {
      for (const k of resources(doc, 'aws_eks_cluster')) {
        const types = strings(k.body.enabled_cluster_log_types);
        const missing = CONTROL_PLANE_LOG_TYPES.filter((t) => !types.includes(t));
        c.expect(k, missing.length === 0, `control-plane log types missing: ${missing.join(', ')}`);
      }
    },
  ),
  rule(
    'IMDSV2-REQUIRED',
    'Instance metadata needs a session token (IMDSv2), blocking SSRF credential theft.',
    (doc, c) => {
      for (const lt of resources(doc, 'aws_launch_template')) {
        const m = block(lt.body.metadata_options);
        const hops = m?.http_put_response_hop_limit;
        c.expect(
          lt,
          m?.http_tokens === 'required' && typeof hops === 'number' && hops <= 2,
          'IMDSv1 allowed or hop limit > 2',
        );
      }
      for (const ng of resources(doc, 'aws_eks_node_group')) {
        c.expect(
          ng,
          isSet(block(ng.body.launch_template)?.id),
          'node group without our launch template (IMDS defaults)',
        );
      }
    },
  ),
  rule(
    'PRIVATE-NODES',
    'Nodes run in private subnets and no subnet hands out public IPs implicitly.',
    (doc, c) => {
      for (const ng of resources(doc, 'aws_eks_node_group')) {
        const subnets = JSON.stringify(ng.body.subnet_ids ?? null);
        c.expect(ng, subnets.includes('outputs.private_subnet_ids'), 'node group not in the private subnets');
      }
      for (const s of resources(doc, 'aws_subnet')) {
        c.expect(s, !isTrue(s.body.map_public_ip_on_launch), 'subnet assigns public IPs on launch');
      }
    },
  ),
  rule(
    'PRIVATE-DATA',
    'Databases and caches are unreachable from the internet: isolated subnets, no public IP.',
    (doc, c) => {
      for (const db of [
        ...resources(doc, 'aws_db_instance'),
        ...resources(doc, 'aws_rds_cluster_instance'),
      ]) {
        c.expect(db, db.body.publicly_accessible === false, 'publicly_accessible is not false');
      }
      for (const g of [
        ...resources(doc, 'aws_db_subnet_group'),
        ...resources(doc, 'aws_elasticache_subnet_group'),
      ]) {
        const subnets = JSON.stringify(g.body.subnet_ids ?? null);
        c.expect(
          g,
          subnets.includes('outputs.isolated_subnet_ids'),
          'subnet group not in the isolated subnets',
        );
      }
    },
  ),
  rule(
    'BACKUPS',
    'Recovery: backups >= 7 days (prod 30) outliving a prod DB; prod cache snapshots daily and on delete.',
    (doc, c) => {
      const minDays = isProd(doc) ? 30 : 7;
      for (const db of [...resources(doc, 'aws_db_instance'), ...resources(doc, 'aws_rds_cluster')]) {
        const days = db.body.backup_retention_period;
        c.expect(db, typeof days === 'number' && days >= minDays, `backup_retention_period < ${minDays}`);
        if (isProd(doc)) {
          c.expect(
            db,
            db.body.delete_automated_backups === false,
            'prod automated backups are deleted with the database (delete_automated_backups not false)',
          );
        }
      }
      if (!isProd(doc)) return;
      for (const rg of resources(doc, 'aws_elasticache_replication_group')) {
        const days = rg.body.snapshot_retention_limit;
        c.expect(rg, typeof days === 'number' && days >= 1, 'no snapshots of the prod cache');
        c.expect(rg, isSet(rg.body.final_snapshot_identifier), 'no final snapshot of the prod cache');
      }
    },
  ),
  rule(
    'PROD-DELETION-PROTECTION',
    'In prod, deleting a database or cluster takes two deliberate steps.',
    (doc, c) => {
      if (!isProd(doc)) return;
      for (const db of [...resources(doc, 'aws_db_instance'), ...resources(doc, 'aws_rds_cluster')]) {
        const ok =
          isTrue(db.body.deletion_protection) &&
          db.body.skip_final_snapshot === false &&
          isSet(db.body.final_snapshot_identifier);
        c.expect(db, ok, 'no deletion protection or no final snapshot');
      }
      for (const k of resources(doc, 'aws_eks_cluster'))
        c.expect(k, isTrue(k.body.deletion_protection), 'no deletion protection');
    },
  ),
  rule(
    'STATE-BACKEND-KMS',
    'State and lock files are written with our KMS key (kms_key_id), never SSE-S3; the bucket refuses non-KMS writes.',
    (doc, c) => {
      const backend = s3Backend(doc);
      if (backend) {
        c.expect(
          { address: 'terraform.backend.s3' },
          isTrue(backend.encrypt) && isSet(backend.kms_key_id),
          'S3 backend without encrypt=true and kms_key_id (state would be SSE-S3)',
        );
      }
      for (const bucket of resources(doc, 'aws_s3_bucket').filter((b) => !isAccessLogBucket(b))) {
        const ok = partner(doc, 'aws_s3_bucket_policy', bucket).some((p) =>
          (policyStatements(doc, p.body.policy) ?? []).some(
            (s) =>
              s.effect === 'Deny' &&
              strings(s.actions).includes('s3:PutObject') &&
              blocks(s.condition).some(
                (k) =>
                  k.variable === 's3:x-amz-server-side-encryption' &&
                  String(k.test).startsWith('StringNotEquals') &&
                  strings(k.values).includes('aws:kms'),
              ),
          ),
        );
        c.expect(bucket, ok, 'bucket policy does not deny PutObject without SSE-KMS');
      }
    },
  ),
  rule(
    'S3-ACCESS-LOGGING',
    'Every bucket (except the access-log bucket itself) logs its requests: who read or wrote state.',
    (doc, c) => {
      for (const bucket of resources(doc, 'aws_s3_bucket').filter((b) => !isAccessLogBucket(b))) {
        const ok = partner(doc, 'aws_s3_bucket_logging', bucket).some((l) => isSet(l.body.target_bucket));
        c.expect(bucket, ok, 'no server access logging');
      }
    },
  ),
  rule(
    'RDS-ENGINE-MAJOR-ONLY',
    'PostgreSQL is pinned to a major only: a pinned minor stops being creatable and fights minor upgrades.',
    (doc, c) => {
      for (const db of [
        ...resources(doc, 'aws_db_instance'),
        ...resources(doc, 'aws_rds_cluster'),
        ...resources(doc, 'aws_rds_cluster_instance'),
      ]) {
        const v = db.body.engine_version;
        const inherited = typeof v === 'string' && v.startsWith('${aws_rds_cluster.');
        c.expect(
          db,
          (typeof v === 'string' && /^\d+$/.test(v)) || inherited,
          `engine_version ${JSON.stringify(v)} is not a major-only version`,
        );
      }
    },
  ),
  rule(
    'EKS-SUPPORTED-VERSION',
    'The cluster runs an EKS version in standard support today, on the STANDARD support policy.',
    (doc, c) => {
      const today = Date.now();
      for (const k of resources(doc, 'aws_eks_cluster')) {
        const entry = SUPPORT_CALENDAR.find((e) => e.product === 'eks' && e.version === k.body.version);
        const supported =
          entry !== undefined && Date.parse(`${entry.endOfStandardSupport}T23:59:59Z`) >= today;
        c.expect(
          k,
          supported && block(k.body.upgrade_policy)?.support_type === 'STANDARD',
          `EKS ${String(k.body.version)} is ${entry ? `out of standard support since ${entry.endOfStandardSupport}` : 'not in the support calendar'} or not on STANDARD support`,
        );
      }
    },
  ),
  rule(
    'EKS-NETWORK-POLICY',
    'The VPC CNI add-on enforces Kubernetes NetworkPolicies (enableNetworkPolicy), so the chart policies apply.',
    (doc, c) => {
      for (const a of resources(doc, 'aws_eks_addon').filter((x) => x.body.addon_name === 'vpc-cni')) {
        let on = false;
        try {
          const values = JSON.parse(String(a.body.configuration_values ?? '{}')) as Record<string, Json>;
          on = values.enableNetworkPolicy === 'true' || values.enableNetworkPolicy === true;
        } catch {
          on = false;
        }
        c.expect(a, on, 'vpc-cni without enableNetworkPolicy: NetworkPolicies are silently not enforced');
      }
    },
  ),
  rule(
    'IAM-NO-WILDCARD-ADMIN',
    'No policy grants * or service:* on all resources, except documented key-policy sids.',
    (doc, c) => {
      const wildcard = (a: string) => a === '*' || a.endsWith(':*');
      const statementsOf = (e: Entry, attr: string) => policyStatements(doc, e.body[attr]);
      const docs = dataSources(doc, 'aws_iam_policy_document').map((d) => ({
        entry: d,
        statements: blocks(d.body.statement),
      }));
      const inline = ['aws_iam_policy', 'aws_iam_role_policy', 'aws_kms_key', 'aws_s3_bucket_policy'].flatMap(
        (type) =>
          resources(doc, type)
            .filter((e) => typeof e.body.policy === 'string' && !String(e.body.policy).startsWith('${data.'))
            .map((e) => ({ entry: e, statements: statementsOf(e, 'policy') ?? [] })),
      );
      for (const { entry, statements } of [...docs, ...inline]) {
        for (const s of statements.filter((x) => x.effect !== 'Deny')) {
          const bad = strings(s.actions).some(wildcard) && strings(s.resources).includes('*');
          const documented = typeof s.sid === 'string' && s.sid in DOCUMENTED_WILDCARDS;
          c.expect(
            entry,
            !bad || documented,
            `statement ${String(s.sid ?? '(no sid)')} grants wildcard actions on *`,
          );
        }
      }
      for (const a of [
        ...resources(doc, 'aws_iam_role_policy_attachment'),
        ...resources(doc, 'aws_iam_policy_attachment'),
      ]) {
        const arn = String(a.body.policy_arn ?? '');
        c.expect(
          a,
          !FORBIDDEN_MANAGED.some((p) => arn.endsWith(`/${p}`)),
          `administrator managed policy ${arn}`,
        );
      }
    },
  ),
  rule(
    'XRAY-WRITER-ONLY',
    'A role that writes traces to X-Ray may do only that: the X-Ray writer actions, no other policy attached.',
    (doc, c) => {
      const allowed = new Set<string>(XRAY_WRITER_ACTIONS);
      for (const p of resources(doc, 'aws_iam_role_policy')) {
        const allows = (policyStatements(doc, p.body.policy) ?? []).filter((s) => s.effect !== 'Deny');
        const actions = allows.flatMap((s) => strings(s.actions));
        // The CI deploy role's reviewed `xray:*` (it manages X-Ray groups) does not make it a writer.
        const reviewed = (s: Block) => typeof s.sid === 'string' && s.sid in DOCUMENTED_WILDCARDS;
        const xray = allows.filter((s) => !reviewed(s)).flatMap((s) => strings(s.actions));
        if (!xray.some((a) => a.toLowerCase().startsWith('xray:'))) continue;
        const extra = actions.filter((a) => !allowed.has(a));
        c.expect(p, extra.length === 0, `X-Ray writer policy also allows ${extra.join(', ')}`);
        const role = String(p.body.role ?? '').replace(/\.(id|name)\}$/, '');
        const attached = resources(doc, 'aws_iam_role_policy_attachment').filter((a) =>
          String(a.body.role ?? '').startsWith(`${role}.`),
        );
        c.expect(
          p,
          attached.length === 0,
          `X-Ray writer role has managed policies attached (${attached.length})`,
        );
      }
    },
  ),
  ...HELM_RULES,
  ...KUBERNETES_AUTH_RULES,
  ...APP_RULES,
  rule(
    'SYNTHETICS-CANARY-WATCHED',
    'Every Synthetics canary encrypts its artifacts with our KMS key and has an alarm on its SuccessPercent.',
    (doc, c) => {
      for (const canary of resources(doc, 'aws_synthetics_canary')) {
        const encryption = blocks(blocks(canary.body.artifact_config)[0]?.s3_encryption)[0];
        c.expect(
          canary,
          encryption?.encryption_mode === 'SSE_KMS' && isSet(encryption.kms_key_arn),
          'artifacts (screenshots, HAR, logs) not encrypted with a KMS key',
        );
        const watched = resources(doc, 'aws_cloudwatch_metric_alarm').some(
          (a) =>
            a.body.namespace === 'CloudWatchSynthetics' &&
            a.body.metric_name === 'SuccessPercent' &&
            block(a.body.dimensions)?.CanaryName === canary.body.name,
        );
        c.expect(canary, watched, 'no alarm on its SuccessPercent: failed runs would page nobody');
      }
    },
  ),
  rule(
    'FIS-STOP-CONDITION',
    'Every FIS experiment template stops on a CloudWatch alarm of ours, never on "none".',
    (doc, c) => {
      for (const t of resources(doc, 'aws_fis_experiment_template')) {
        const conditions = blocks(t.body.stop_condition);
        const ok =
          conditions.length > 0 &&
          conditions.every(
            (s) =>
              s.source === 'aws:cloudwatch:alarm' &&
              resources(doc, 'aws_cloudwatch_metric_alarm').some((a) => references(s.value, a.address)),
          );
        c.expect(t, ok, 'no stop condition on a CloudWatch alarm defined in this stack');
      }
    },
  ),
  rule(
    'FIS-ASSERTS-ALARM',
    'Every FIS template asserts a separate alarm (assert-alarm-state) after a wait for recovery.',
    (doc, c) => {
      for (const t of resources(doc, 'aws_fis_experiment_template')) {
        const actions = blocks(t.body.action);
        const waits = actions.filter((a) => a.action_id === 'aws:fis:wait').map((a) => a.name);
        const stopAlarms = blocks(t.body.stop_condition).map((s) => s.value);
        const ok = actions
          .filter((a) => a.action_id === 'aws:cloudwatch:assert-alarm-state')
          .some((a) => {
            const arns = blocks(a.parameter).find((p) => p.key === 'alarmArns')?.value;
            return (
              strings(a.start_after).some((n) => waits.includes(n)) &&
              typeof arns === 'string' &&
              arns.length > 0 &&
              !stopAlarms.includes(arns)
            );
          });
        c.expect(
          t,
          ok,
          'no aws:cloudwatch:assert-alarm-state after an aws:fis:wait on an alarm other than the stop condition',
        );
      }
    },
  ),
  rule(
    'FIS-TARGETS-SCOPED',
    'FIS targets name resources by ARN or tag, and the FIS role never mutates "*" unconditionally.',
    (doc, c) => {
      for (const t of resources(doc, 'aws_fis_experiment_template')) {
        for (const target of blocks(t.body.target)) {
          const scoped = strings(target.resource_arns).length > 0 || blocks(target.resource_tag).length > 0;
          c.expect(t, scoped, `target ${String(target.name)} selects every resource of its type`);
        }
        const role = resources(doc, 'aws_iam_role').find((r) => references(t.body.role_arn, r.address));
        const policies = resources(doc, 'aws_iam_role_policy').filter(
          (p) => role && references(p.body.role, role.address),
        );
        const statements = policies.flatMap((p) => policyStatements(doc, p.body.policy) ?? []);
        c.expect(t, statements.length > 0, 'FIS role has no inline least-privilege policy');
        for (const st of statements) {
          const readOnly = strings(st.actions).every((a) => /:(Describe|List|Get)/.test(a));
          const unconditionalStar = strings(st.resources).includes('*') && blocks(st.condition).length === 0;
          c.expect(
            t,
            readOnly || !unconditionalStar,
            `statement ${String(st.sid ?? '')} mutates "*" without a condition`,
          );
        }
      }
    },
  ),
  rule(
    'CLOUDFRONT-S3-OAC',
    'CloudFront reads S3 through Origin Access Control only: no legacy OAI, no public website origin.',
    (doc, c) => {
      for (const oai of resources(doc, 'aws_cloudfront_origin_access_identity')) {
        c.expect(oai, false, 'origin access identity (legacy OAI): use an origin access control');
      }
      for (const d of resources(doc, 'aws_cloudfront_distribution')) {
        for (const o of blocks(d.body.origin)) {
          const toS3 =
            JSON.stringify(o.domain_name ?? null).includes('${aws_s3_bucket.') ||
            /\.s3[.-]/.test(String(o.domain_name ?? ''));
          if (!toS3) continue;
          c.expect(
            { address: `${d.address}.origin[${String(o.origin_id)}]` },
            isSet(o.origin_access_control_id) && !block(o.s3_origin_config) && !block(o.custom_origin_config),
            'S3 origin without an origin access control (or through OAI / the website endpoint)',
          );
        }
      }
    },
  ),
  rule(
    'S3-NO-PUBLIC-GRANT',
    'No bucket policy allows an anonymous principal: services are named and scoped by source ARN/account.',
    (doc, c) => {
      for (const p of resources(doc, 'aws_s3_bucket_policy')) {
        const open = (policyStatements(doc, p.body.policy) ?? []).filter(
          (s) =>
            s.effect !== 'Deny' &&
            blocks(s.principals).some((pr) => pr.type === '*' || strings(pr.identifiers).includes('*')),
        );
        c.expect(p, open.length === 0, `statement ${String(open[0]?.sid ?? '')} allows Principal "*"`);
      }
    },
  ),
  rule(
    'CLOUDFRONT-HTTPS-ONLY',
    'Viewers are redirected to HTTPS on every behaviour; CloudFront speaks only TLS 1.2 to origins over TLS.',
    (doc, c) => {
      for (const d of resources(doc, 'aws_cloudfront_distribution')) {
        const behaviours = [block(d.body.default_cache_behavior), ...blocks(d.body.ordered_cache_behavior)];
        for (const b of behaviours) {
          c.expect(
            { address: `${d.address}.behaviour[${String(b?.path_pattern ?? 'default')}]` },
            b?.viewer_protocol_policy === 'redirect-to-https' || b?.viewer_protocol_policy === 'https-only',
            `viewer_protocol_policy ${JSON.stringify(b?.viewer_protocol_policy ?? null)}`,
          );
        }
        for (const o of blocks(d.body.origin)) {
          const custom = block(o.custom_origin_config);
          if (!custom) continue;
          const protocols = strings(custom.origin_ssl_protocols);
          c.expect(
            { address: `${d.address}.origin[${String(o.origin_id)}]` },
            custom.origin_protocol_policy !== 'match-viewer' &&
              protocols.length > 0 &&
              protocols.every((p) => p === 'TLSv1.2'),
            'origin protocol follows the viewer, or allows SSLv3/TLS < 1.2',
          );
        }
      }
    },
  ),
  rule(
    'CLOUDFRONT-TLS-MINIMUM',
    'Viewers need TLS 1.2+ (TLSv1.2_2021 or newer); the default *.cloudfront.net certificate only outside prod.',
    (doc, c) => {
      for (const d of resources(doc, 'aws_cloudfront_distribution')) {
        const v = block(d.body.viewer_certificate);
        if (isTrue(v?.cloudfront_default_certificate)) {
          c.expect(d, !isProd(doc), 'prod on the default certificate, which cannot enforce a TLS minimum');
          continue;
        }
        c.expect(
          d,
          MODERN_VIEWER_TLS.includes(String(v?.minimum_protocol_version)),
          `minimum_protocol_version ${JSON.stringify(v?.minimum_protocol_version ?? null)} allows TLS < 1.2`,
        );
      }
    },
  ),
  rule(
    'ALARM-ACTION-AND-MISSING-DATA',
    'Every alarm notifies SNS, sets treat_missing_data and names a runbook; FIS gate alarms need treat_missing_data only.',
    (doc, c) => {
      const fis = resources(doc, 'aws_fis_experiment_template');
      for (const a of resources(doc, 'aws_cloudwatch_metric_alarm')) {
        const missingData = ['breaching', 'notBreaching', 'ignore', 'missing'].includes(
          String(a.body.treat_missing_data),
        );
        if (fis.some((t) => references(t.body, a.address))) {
          c.expect(a, missingData, 'FIS gate alarm without an explicit treat_missing_data');
          continue;
        }
        const actions = strings(a.body.alarm_actions);
        const toSns =
          actions.length > 0 && actions.every((x) => /sns_topic|_topic_arn|^arn:aws:sns:/.test(x));
        const missing = ['breaching', 'notBreaching', 'ignore', 'missing'].includes(
          String(a.body.treat_missing_data),
        );
        const runbook = /Runbook: docs\/runbooks\/[\w.-]+\.md/.test(String(a.body.alarm_description ?? ''));
        c.expect(
          a,
          toSns && missing && runbook,
          'no SNS alarm action, no explicit treat_missing_data, or no runbook',
        );
      }
    },
  ),
  rule(
    'SNS-ENCRYPTION',
    'Alert topics are encrypted with our KMS key: alarm payloads name hosts, users and errors.',
    (doc, c) => {
      for (const t of resources(doc, 'aws_sns_topic'))
        c.expect(t, isSet(t.body.kms_master_key_id), 'no kms_master_key_id');
    },
  ),
  rule(
    'CLOUDTRAIL-VALIDATION',
    'The audit trail covers every region, is KMS-encrypted and signs its log files (tampering is detectable).',
    (doc, c) => {
      for (const t of resources(doc, 'aws_cloudtrail')) {
        const ok =
          isTrue(t.body.enable_log_file_validation) &&
          isTrue(t.body.is_multi_region_trail) &&
          isSet(t.body.kms_key_id) &&
          t.body.enable_logging !== false;
        c.expect(t, ok, 'log file validation off, single-region, not KMS-encrypted or logging disabled');
      }
    },
  ),
  rule(
    'CONFIG-RULES-MATCH-POLICY',
    'Where AWS Config records, every managed rule twinning the policy suite exists, after the recorder, which is enabled.',
    (doc, c) => {
      const rules = resources(doc, 'aws_config_config_rule');
      const enabled = resources(doc, 'aws_config_configuration_recorder_status').some((s) =>
        isTrue(s.body.is_enabled),
      );
      for (const recorder of resources(doc, 'aws_config_configuration_recorder')) {
        c.expect(recorder, enabled, 'no aws_config_configuration_recorder_status with is_enabled = true');
        for (const identifier of Object.keys(MANAGED_CONFIG_RULES)) {
          const r = rules.find((x) => {
            const source = block(x.body.source);
            return source?.owner === 'AWS' && source.source_identifier === identifier;
          });
          c.expect(recorder, r !== undefined, `managed rule ${identifier} missing`);
          if (r) {
            c.expect(
              r,
              strings(r.body.depends_on).includes(recorder.address),
              `${identifier} does not depend on the recorder (created before it, it fails)`,
            );
          }
        }
      }
    },
  ),
  rule(
    'GITHUB-OIDC-TRUST',
    'A GitHub OIDC role is assumable only with audience sts.amazonaws.com by one pinned repository subject (pull requests or one environment).',
    (doc, c) => {
      for (const { role, trust } of githubRoles(doc)) {
        for (const t of trust) {
          const aud = blocks(t.condition).filter(
            (x) => x.test === 'StringEquals' && x.variable === `${GITHUB_OIDC_HOST}:aud`,
          );
          c.expect(
            role,
            strings(t.actions).join() === 'sts:AssumeRoleWithWebIdentity',
            'trust must allow sts:AssumeRoleWithWebIdentity only',
          );
          c.expect(
            role,
            aud.length === 1 && strings(aud[0]?.values).join() === GITHUB_OIDC_AUDIENCE,
            `audience not pinned to ${GITHUB_OIDC_AUDIENCE}`,
          );
          const subs = pinnedSubs(t);
          const ok =
            subs.length === 1 &&
            /^repo:[A-Za-z0-9-]+\/[A-Za-z0-9._-]+:(pull_request|environment:[\w.-]+)$/.test(subs[0] ?? '');
          c.expect(
            role,
            ok,
            `sub not pinned to one repository's pull_request or environment: ${subs.join(', ')}`,
          );
          const loose = blocks(t.condition).some((x) => String(x.test).startsWith('StringLike'));
          c.expect(role, !loose, 'StringLike conditions would let other repositories or branches match');
        }
      }
    },
  ),
  rule(
    'GITHUB-PLAN-READ-ONLY',
    'The role pull requests assume can read everything Terraform refreshes but write nothing except the state lock.',
    (doc, c) => {
      const readOnly =
        /^(s3:ListBucket|s3:GetObject|kms:Decrypt|kms:DescribeKey|kms:Encrypt|kms:GenerateDataKey)$/;
      for (const { role, trust } of githubRoles(doc)) {
        if (!trust.some((t) => pinnedSubs(t).some((s) => s.endsWith(':pull_request')))) continue;
        for (const s of roleStatements(doc, role).filter((x) => x.effect !== 'Deny')) {
          const lockOnly = strings(s.resources).every((r) => r.endsWith('.tflock'));
          const ok = strings(s.actions).every(
            (a) => readOnly.test(a) || (lockOnly && (a === 's3:PutObject' || a === 's3:DeleteObject')),
          );
          c.expect(
            role,
            ok,
            `statement ${String(s.sid ?? '(no sid)')} writes: ${strings(s.actions).join(', ')}`,
          );
        }
        for (const a of resources(doc, 'aws_iam_role_policy_attachment').filter((x) =>
          references(x.body.role, role.address),
        )) {
          const arn = String(a.body.policy_arn ?? '');
          c.expect(
            role,
            arn === 'arn:aws:iam::aws:policy/ReadOnlyAccess',
            `managed policy ${arn} is not read-only`,
          );
        }
      }
    },
  ),
  rule(
    'GITHUB-DEPLOY-BOUNDED',
    'The CI deploy role stays in its region (global services: us-east-1), never holds iam:*/sts:*/organizations:*, cannot change its identity.',
    (doc, c) => {
      for (const { role, trust } of githubRoles(doc)) {
        if (!trust.some((t) => pinnedSubs(t).some((s) => s.includes(':environment:')))) continue;
        const statements = roleStatements(doc, role);
        for (const s of statements.filter((x) => x.effect !== 'Deny')) {
          const actions = strings(s.actions);
          c.expect(
            role,
            !actions.some((a) => /^(iam|sts|organizations|account):\*$|^\*$/.test(a)),
            `statement ${String(s.sid ?? '(no sid)')} grants ${actions.filter((a) => a.endsWith('*')).join(', ')}`,
          );
          if (actions.some((a) => a.endsWith(':*'))) {
            // Exactly one region, by StringEquals; the global statement's is us-east-1.
            const regions = blocks(s.condition)
              .filter((x) => x.variable === 'aws:RequestedRegion')
              .map((x) => (x.test === 'StringEquals' ? strings(x.values) : []));
            const bounded = regions.length === 1 && regions[0]?.length === 1;
            c.expect(
              role,
              bounded,
              `statement ${String(s.sid ?? '(no sid)')} has service wildcards without one aws:RequestedRegion (StringEquals)`,
            );
            if (s.sid === DEPLOY_GLOBAL_SERVICES_SID)
              c.expect(
                role,
                bounded && regions[0]?.[0] === GLOBAL_SERVICES_REGION,
                `statement ${DEPLOY_GLOBAL_SERVICES_SID} is not bounded to ${GLOBAL_SERVICES_REGION}`,
              );
          }
        }
        const deny = statements.find((s) => s.effect === 'Deny' && s.sid === PROTECT_CI_SID);
        c.expect(
          role,
          deny !== undefined &&
            strings(deny.actions).includes('iam:*') &&
            strings(deny.resources).length >= 3,
          `no ${PROTECT_CI_SID} deny on the GitHub roles and provider`,
        );
      }
    },
  ),
];

/** CloudFront security policies that refuse everything older than TLS 1.2 with modern ciphers. */
export const MODERN_VIEWER_TLS = ['TLSv1.2_2021', 'TLSv1.2_2025', 'TLSv1.3_2025'];

/** Runs every rule on every stack. */
export function evaluate(stacks: SynthesizedStack[], rules: PolicyRule[] = RULES) {
  return rules.map((r) => {
    const results = stacks.map((s) => r.check(s));
    return {
      rule: r,
      checked: results.reduce((n, x) => n + x.checked, 0),
      findings: results.flatMap((x) => x.findings),
    };
  });
}
