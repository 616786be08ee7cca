import { readFileSync } from 'node:fs';
import { SPA_CACHE_CONTROL, SPA_CONTENT_SECURITY_POLICY, SPA_SECURITY_HEADERS } from '@taskboard/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigError, defaultConfig, type EnvName, loadConfig } from '../config';
import { SPA_ROUTING_FUNCTION_CODE } from '../constructs/spa-routing';
import {
  ASSET_TTL_SECONDS,
  albOrigin,
  CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST,
  WAF_MANAGED_RULE_GROUPS,
} from '../edge';
import type { Block, TfDocument } from '../policy/tf-json';
import type { SynthesizedFile } from '../synth';
import { all, data, doc, one, ref, synthAll } from './helpers';

let files: Map<string, SynthesizedFile>;
beforeAll(() => {
  files = synthAll();
});

const envs: EnvName[] = ['dev', 'prod'];
const block = (v: unknown) => (Array.isArray(v) ? v[0] : v) as Block;
const distribution = (d: TfDocument) => one(d, 'aws_cloudfront_distribution');
const behaviour = (d: TfDocument, path: string) =>
  (distribution(d).ordered_cache_behavior as Block[]).find((b) => b.path_pattern === path)!;
const dataBlock = (d: TfDocument, type: string, name: string) => d.data?.[type]?.[name] as Block;

/** Runs the CloudFront Function's exact source, as CloudFront would, on one viewer request. */
function route(uri: string): string {
  const handler = new Function(`${SPA_ROUTING_FUNCTION_CODE}; return handler;`)() as (e: unknown) => {
    uri: string;
  };
  return handler({ request: { uri, method: 'GET', headers: {} } }).uri;
}

describe('SPA routing function (viewer-request on the S3 behaviours)', () => {
  it('serves the shell for client-side routes', () => {
    for (const uri of ['/', '/login', '/tasks', '/tasks/3f1c9a2e-1b7a-4e1f-9b1a-2c3d4e5f6a7b', '/a.b/c'])
      expect(route(uri), uri).toBe('/index.html');
  });
  it('passes files through, so a missing file stays an error instead of HTML with 200', () => {
    for (const uri of ['/index.html', '/favicon.ico', '/assets/index-3f2a9c.js', '/robots.txt'])
      expect(route(uri), uri).toBe(uri);
  });
});

describe.each(envs)('%s: edge', (env) => {
  const c = defaultConfig()[env];
  const prod = env === 'prod';

  it('serves the SPA from a private, KMS-encrypted bucket that only this distribution reads, via OAC', () => {
    const d = doc(files, env, 'edge');
    const spa = Object.entries(d.resource?.aws_s3_bucket ?? {}).find(([n]) => n.startsWith('spa'))![1];
    expect(spa.bucket).toBe(`taskboard-${env}-spa-${ref('data.aws_caller_identity.current.account_id')}`);
    const oac = one(d, 'aws_cloudfront_origin_access_control');
    expect(oac).toMatchObject({ origin_access_control_origin_type: 's3', signing_behavior: 'always' });
    expect(all(d, 'aws_cloudfront_origin_access_identity')).toEqual([]);
    const s3 = (distribution(d).origin as Block[]).find((o) => o.origin_id === 'spa-s3')!;
    expect(s3.origin_access_control_id).toBe(ref('aws_cloudfront_origin_access_control.oac.id'));
    expect(s3.s3_origin_config).toBeUndefined();
    const grant = Object.entries(d.data?.aws_iam_policy_document ?? {}).find(([n]) =>
      n.startsWith('spa_policy-doc'),
    )![1].statement as Block[];
    const oacGrant = grant.find((s) => s.sid === 'CloudFrontReadsThroughOac')!;
    expect(oacGrant.actions).toEqual(['s3:GetObject']);
    expect(block(oacGrant.condition).values).toEqual([ref('aws_cloudfront_distribution.distribution.arn')]);
    const sse = Object.entries(d.resource?.aws_s3_bucket_server_side_encryption_configuration ?? {}).find(
      ([n]) => n.startsWith('spa'),
    )![1];
    expect(block(block(sse.rule).apply_server_side_encryption_by_default).sse_algorithm).toBe('aws:kms');
  });

  it('is HTTPS-only with HTTP/2 and HTTP/3, compression, IPv6 and the SPA shell as root', () => {
    const dist = distribution(doc(files, env, 'edge'));
    expect(dist).toMatchObject({
      http_version: 'http2and3',
      is_ipv6_enabled: true,
      default_root_object: 'index.html',
    });
    for (const b of [block(dist.default_cache_behavior), ...(dist.ordered_cache_behavior as Block[])]) {
      expect(b.viewer_protocol_policy).toBe('redirect-to-https');
      expect(b.compress).toBe(true);
    }
    // SPA routes are rewritten by the function on the S3 behaviour, never by distribution-wide
    // error pages (those would turn the API's own 403/404 answers into index.html).
    expect(dist.custom_error_response).toBeUndefined();
    expect(block(block(dist.default_cache_behavior).function_association)).toEqual({
      event_type: 'viewer-request',
      function_arn: ref('aws_cloudfront_function.spa-routing.arn'),
    });
    expect(one(doc(files, env, 'edge'), 'aws_cloudfront_function').code).toBe(SPA_ROUTING_FUNCTION_CODE);
  });

  it('caches /assets/* for a year as immutable and the HTML shell for seconds', () => {
    const d = doc(files, env, 'edge');
    const assets = behaviour(d, '/assets/*');
    expect(assets.cache_policy_id).toBe(ref('aws_cloudfront_cache_policy.assets.id'));
    expect(one(d, 'aws_cloudfront_cache_policy', 'assets')).toMatchObject({
      min_ttl: ASSET_TTL_SECONDS,
      default_ttl: ASSET_TTL_SECONDS,
      max_ttl: ASSET_TTL_SECONDS,
    });
    expect(ASSET_TTL_SECONDS).toBe(365 * 24 * 3600);
    const assetHeaders = one(d, 'aws_cloudfront_response_headers_policy', 'asset-headers');
    expect(block(assetHeaders.custom_headers_config).items).toContainEqual({
      header: 'Cache-Control',
      value: SPA_CACHE_CONTROL.hashedAsset,
      override: true,
    });
    expect(SPA_CACHE_CONTROL.hashedAsset).toContain('immutable');
    expect(block(distribution(d).default_cache_behavior).cache_policy_id).toBe(
      ref('aws_cloudfront_cache_policy.html.id'),
    );
    expect(one(d, 'aws_cloudfront_cache_policy', 'html')).toMatchObject({
      min_ttl: 0,
      max_ttl: c.edge.htmlMaxTtlSeconds,
    });
  });

  it('forwards /api/* uncached to the ALB with every method, cookie and header the API needs', () => {
    const d = doc(files, env, 'edge');
    const api = behaviour(d, '/api/*');
    expect(api.target_origin_id).toBe('api-alb');
    expect([...(api.allowed_methods as string[])].sort()).toEqual(
      ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'].sort(),
    );
    expect(api.cache_policy_id).toBe(ref('data.aws_cloudfront_cache_policy.caching-disabled.id'));
    expect(dataBlock(d, 'aws_cloudfront_cache_policy', 'caching-disabled').name).toBe(
      'Managed-CachingDisabled',
    );
    // AllViewer* forwards all cookies (the refresh cookie), Authorization and query strings.
    expect(dataBlock(d, 'aws_cloudfront_origin_request_policy', 'api-forward').name).toBe(
      prod ? 'Managed-AllViewer' : 'Managed-AllViewerExceptHostHeader',
    );
    const alb = (distribution(d).origin as Block[]).find((o) => o.origin_id === 'api-alb')!;
    expect(alb.domain_name).toBe(c.edge.albOriginDomain);
    expect(block(alb.custom_origin_config)).toMatchObject({
      origin_protocol_policy: prod ? 'https-only' : 'http-only',
      origin_ssl_protocols: ['TLSv1.2'],
    });
  });

  it('sends the same security headers as the API and nginx (contracts/src/web.ts), plus HSTS', () => {
    const d = doc(files, env, 'edge');
    for (const name of ['security-headers', 'asset-headers']) {
      const p = one(d, 'aws_cloudfront_response_headers_policy', name);
      const sec = block(p.security_headers_config);
      expect(block(sec.content_security_policy).content_security_policy).toBe(SPA_CONTENT_SECURITY_POLICY);
      expect(block(sec.frame_options).frame_option).toBe(SPA_SECURITY_HEADERS['x-frame-options']);
      expect(block(sec.referrer_policy).referrer_policy).toBe(SPA_SECURITY_HEADERS['referrer-policy']);
      expect(block(sec.content_type_options).override).toBe(true);
      expect(block(sec.strict_transport_security)).toMatchObject({
        access_control_max_age_sec: 63_072_000,
        include_subdomains: true,
        preload: true,
      });
      const custom = block(p.custom_headers_config).items as Block[];
      expect(custom).toContainEqual({
        header: 'Permissions-Policy',
        value: SPA_SECURITY_HEADERS['permissions-policy'],
        override: true,
      });
    }
    for (const b of [block(distribution(d).default_cache_behavior), behaviour(d, '/api/*')])
      expect(b.response_headers_policy_id).toBe(
        ref('aws_cloudfront_response_headers_policy.security-headers.id'),
      );
  });

  it(`${prod ? 'uses the custom domain with a us-east-1 certificate, TLS 1.2+, and Route 53 aliases' : 'uses the *.cloudfront.net name (no domain configured)'}`, () => {
    const d = doc(files, env, 'edge');
    const cert = block(distribution(d).viewer_certificate);
    if (!prod) {
      expect(cert).toEqual({ cloudfront_default_certificate: true });
      expect(all(d, 'aws_acm_certificate')).toEqual([]);
      expect(all(d, 'aws_route53_record')).toEqual([]);
      return;
    }
    expect(cert).toEqual({
      acm_certificate_arn: ref(
        'aws_acm_certificate_validation.viewer-certificate-validation.certificate_arn',
      ),
      minimum_protocol_version: 'TLSv1.2_2021',
      ssl_support_method: 'sni-only',
    });
    expect(distribution(d).aliases).toEqual([c.edge.domain]);
    const viewer = one(d, 'aws_acm_certificate', 'viewer');
    expect(viewer).toMatchObject({
      domain_name: c.edge.domain,
      provider: 'aws.us_east_1',
      validation_method: 'DNS',
    });
    const alb = one(d, 'aws_acm_certificate', 'alb');
    expect(alb.provider).toBeUndefined(); // regional: the ALB's listener
    expect(alb.subject_alternative_names).toEqual([c.edge.albOriginDomain]);
    const validation = one(d, 'aws_acm_certificate_validation', 'viewer');
    expect(validation.validation_record_fqdns).toBe(
      ref('[for r in aws_route53_record.viewer-certificate-validation-record : r.fqdn]'),
    );
    for (const type of ['a', 'aaaa']) {
      expect(d.resource?.aws_route53_record?.[`alias-${type}`]).toMatchObject({
        name: c.edge.domain,
        alias: { name: ref('aws_cloudfront_distribution.distribution.domain_name') },
      });
    }
    const providers = d.provider?.aws as Block[];
    expect(providers.find((p) => p.alias === 'us_east_1')).toMatchObject({ region: 'us-east-1' });
  });

  it(`${prod ? 'puts a WAF web ACL (managed common + known bad inputs + rate limit) on CloudFront' : 'has no WAF in dev (cost), switchable with TASKBOARD_DEV_WAF'}`, () => {
    const d = doc(files, env, 'edge');
    if (!prod) {
      expect(all(d, 'aws_wafv2_web_acl')).toEqual([]);
      expect(distribution(d).web_acl_id).toBeUndefined();
      const on = doc(synthAll({ TASKBOARD_DEV_WAF: 'true' }), 'dev', 'edge');
      expect(distribution(on).web_acl_id).toBe(ref('aws_wafv2_web_acl.waf.arn'));
      return;
    }
    const acl = one(d, 'aws_wafv2_web_acl');
    expect(acl).toMatchObject({
      scope: 'CLOUDFRONT',
      provider: 'aws.us_east_1',
      default_action: { allow: {} },
    });
    const rules = acl.rule as Block[];
    expect(rules.map((r) => r.name)).toEqual([...WAF_MANAGED_RULE_GROUPS, 'rate-limit-per-ip']);
    for (const r of rules.slice(0, 2))
      expect(block(r.statement).managed_rule_group_statement).toEqual({ name: r.name, vendor_name: 'AWS' });
    expect(block(rules[2]!.statement).rate_based_statement).toMatchObject({
      limit: c.edge.waf.rateLimitPer5Min,
      aggregate_key_type: 'IP',
    });
    expect(block(rules[2]!.action)).toEqual({ block: {} });
    expect(distribution(d).web_acl_id).toBe(ref('aws_wafv2_web_acl.waf.arn'));
  });

  it('logs CloudFront (standard logs v2) and S3 requests to a log bucket whose objects expire', () => {
    const d = doc(files, env, 'edge');
    expect(one(d, 'aws_cloudwatch_log_delivery_source')).toMatchObject({
      log_type: 'ACCESS_LOGS',
      resource_arn: ref('aws_cloudfront_distribution.distribution.arn'),
      provider: 'aws.us_east_1',
    });
    const dest = one(d, 'aws_cloudwatch_log_delivery_destination');
    expect(JSON.stringify(dest.delivery_destination_configuration)).toContain('/cloudfront');
    const lifecycle = Object.entries(d.resource?.aws_s3_bucket_lifecycle_configuration ?? {}).find(([n]) =>
      n.startsWith('logs'),
    )![1];
    expect(block(block(lifecycle.rule).expiration).days).toBe(c.edge.accessLogDays);
    expect(block(Object.values(d.resource?.aws_s3_bucket_logging ?? {})[0]).target_prefix).toBe('s3/spa/');
  });

  it("gives the app chart's ALB a security group admitting only CloudFront, on the origin's one port", () => {
    const d = doc(files, env, 'edge');
    expect(data(d, 'aws_ec2_managed_prefix_list')).toEqual([
      expect.objectContaining({ name: CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST }),
    ]);
    const ingress = all(d, 'aws_vpc_security_group_ingress_rule');
    expect(ingress).toHaveLength(1);
    const port = prod ? 443 : 80;
    expect(ingress[0]).toMatchObject({
      prefix_list_id: ref('data.aws_ec2_managed_prefix_list.cloudfront-prefix-list.id'),
      from_port: port,
      to_port: port,
    });
    expect(ingress[0]!.cidr_ipv4).toBeUndefined();
  });

  it('exports what the app stack reads, under stable names', () => {
    const outputs = Object.keys(doc(files, env, 'edge').output ?? {});
    expect(outputs).toEqual(
      expect.arrayContaining([
        'alb_security_group_id',
        'alb_certificate_arn',
        'waf_web_acl_arn',
        'alb_host_header',
        'alb_origin_domain',
        'spa_bucket',
        'distribution_id',
        'public_url',
      ]),
    );
  });

  it("sends the ALB the Host the chart's Ingress matches, and names its IngressGroup", () => {
    const values = parse(
      readFileSync(new URL(`../../helm/taskboard/values-${env}.yaml`, import.meta.url), 'utf8'),
    ) as { ingress: { host: string; groupName: string; https?: boolean } };
    expect(albOrigin(c.edge).hostSeenByAlb).toBe(values.ingress.host);
    expect(c.edge.ingressGroupName).toBe(values.ingress.groupName);
    // Listeners for the protocol CloudFront speaks to the origin (the chart's default is HTTPS).
    expect(values.ingress.https ?? true).toBe(albOrigin(c.edge).https);
  });
});

describe('edge configuration is validated at the edge', () => {
  const problems = (vars: Record<string, string>) => {
    try {
      loadConfig(vars);
      return [];
    } catch (e) {
      return (e as ConfigError).problems;
    }
  };
  it('accepts a domain with its zone and rejects one without, naming the variable', () => {
    expect(
      problems({
        TASKBOARD_DEV_EDGE_DOMAIN: 'dev.example.org',
        TASKBOARD_DEV_EDGE_HOSTED_ZONE: 'example.org',
        TASKBOARD_DEV_ALB_ORIGIN_DOMAIN: 'origin.dev.example.org',
      }),
    ).toEqual([]);
    expect(problems({ TASKBOARD_DEV_EDGE_DOMAIN: 'dev.example.org' })).toContainEqual(
      expect.stringContaining('TASKBOARD_DEV_EDGE_HOSTED_ZONE is required'),
    );
    expect(
      problems({
        TASKBOARD_DEV_EDGE_DOMAIN: 'dev.example.org',
        TASKBOARD_DEV_EDGE_HOSTED_ZONE: 'example.net',
      }),
    ).toContainEqual(expect.stringContaining('TASKBOARD_DEV_EDGE_DOMAIN "dev.example.org" is not inside'));
  });
  it('rejects an origin equal to the public domain, bad host names, e-mails and switches', () => {
    expect(problems({ TASKBOARD_PROD_ALB_ORIGIN_DOMAIN: 'taskboard.example.com' })).toContainEqual(
      expect.stringContaining('TASKBOARD_PROD_ALB_ORIGIN_DOMAIN must differ'),
    );
    expect(problems({ TASKBOARD_DEV_ALB_ORIGIN_DOMAIN: 'Not A Host' })).toContainEqual(
      expect.stringContaining('TASKBOARD_DEV_ALB_ORIGIN_DOMAIN is not a lower-case DNS name'),
    );
    expect(problems({ TASKBOARD_DEV_WAF: 'yes' })).toContainEqual(
      expect.stringContaining('TASKBOARD_DEV_WAF must be "true" or "false"'),
    );
    expect(problems({ TASKBOARD_PROD_ALERT_EMAILS: 'oncall@example.com,nobody' })).toEqual([
      'TASKBOARD_PROD_ALERT_EMAILS: "nobody" is not an e-mail address',
    ]);
    expect(() => loadConfig({ TASKBOARD_DEV_WAF: 'yes' })).toThrow(ConfigError);
  });
  it('drops the domain with "none": the *.cloudfront.net name and HTTP to the origin', () => {
    const d = doc(
      synthAll({
        TASKBOARD_PROD_EDGE_DOMAIN: 'none',
        TASKBOARD_PROD_EDGE_HOSTED_ZONE: 'none',
        TASKBOARD_PROD_ALB_ORIGIN_DOMAIN: 'taskboard.example.com',
      }),
      'prod',
      'edge',
    );
    expect(block(distribution(d).viewer_certificate)).toEqual({ cloudfront_default_certificate: true });
  });
});
