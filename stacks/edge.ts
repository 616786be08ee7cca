import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation';
import { CloudfrontCachePolicy } from '@cdktf/provider-aws/lib/cloudfront-cache-policy';
import { CloudfrontDistribution } from '@cdktf/provider-aws/lib/cloudfront-distribution';
import { CloudfrontFunction } from '@cdktf/provider-aws/lib/cloudfront-function';
import { CloudfrontOriginAccessControl } from '@cdktf/provider-aws/lib/cloudfront-origin-access-control';
import { CloudfrontResponseHeadersPolicy } from '@cdktf/provider-aws/lib/cloudfront-response-headers-policy';
import { CloudwatchLogDelivery } from '@cdktf/provider-aws/lib/cloudwatch-log-delivery';
import { CloudwatchLogDeliveryDestination } from '@cdktf/provider-aws/lib/cloudwatch-log-delivery-destination';
import { CloudwatchLogDeliverySource } from '@cdktf/provider-aws/lib/cloudwatch-log-delivery-source';
import { DataAwsCloudfrontCachePolicy } from '@cdktf/provider-aws/lib/data-aws-cloudfront-cache-policy';
import { DataAwsCloudfrontOriginRequestPolicy } from '@cdktf/provider-aws/lib/data-aws-cloudfront-origin-request-policy';
import { DataAwsEc2ManagedPrefixList } from '@cdktf/provider-aws/lib/data-aws-ec2-managed-prefix-list';
import { DataAwsRoute53Zone } from '@cdktf/provider-aws/lib/data-aws-route53-zone';
import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Wafv2WebAcl } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { SPA_ASSETS_DIR, SPA_CACHE_CONTROL, SPA_SECURITY_HEADERS } from '@taskboard/contracts';
import { TerraformIterator, Token } from 'cdktf';
import { Construct } from 'constructs';
import type { EdgeConfig, EnvConfig } from './config';
import { StackKey } from './constructs/kms-key';
import { PrivateBucket } from './constructs/private-bucket';
import { SPA_ROUTING_FUNCTION_CODE, SPA_SHELL } from './constructs/spa-routing';
import { TaskboardStack } from './constructs/taskboard-stack';

/** CloudFront's managed prefix list of origin-facing addresses: the only sources the ALB admits. */
export const CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST = 'com.amazonaws.global.cloudfront.origin-facing';

/** Oldest TLS a viewer may negotiate (CloudFront security policy). */
export const VIEWER_TLS_POLICY = 'TLSv1.2_2021';

/** One year, the lifetime of a content-hashed asset (its name changes with its content). */
export const ASSET_TTL_SECONDS = 31_536_000;

/** Two years of HSTS with preload: the browser never tries plain HTTP for this host again. */
export const HSTS_MAX_AGE_SECONDS = 63_072_000;

/** AWS WAF managed rule groups (vendor AWS) the web ACL runs before the rate limit. */
export const WAF_MANAGED_RULE_GROUPS = [
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
];

const S3_ORIGIN = 'spa-s3';
const ALB_ORIGIN = 'api-alb';
const ALL_METHODS = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'POST', 'PATCH', 'DELETE'];

/**
 * How CloudFront reaches the ALB. With a domain: HTTPS to the origin name, with the viewer's Host
 * forwarded (the ALB's certificate and the chart's `ingress.host` are the public domain). Without:
 * plain HTTP to the origin name, which is also the Host the ALB sees (no certificate can match an
 * `*.elb.amazonaws.com` name, so HTTPS to the origin is impossible there).
 */
export function albOrigin(edge: EdgeConfig) {
  const https = edge.domain !== null;
  return {
    https,
    port: https ? 443 : 80,
    /** Host header the ALB's listener rules match: the chart's `ingress.host` must be this. */
    hostSeenByAlb: edge.domain ?? edge.albOriginDomain,
    originRequestPolicy: https ? 'Managed-AllViewer' : 'Managed-AllViewerExceptHostHeader',
  };
}

/**
 * The SPA at the edge: a private S3 bucket behind CloudFront (Origin Access Control), /api/* to
 * the app chart's ALB, security headers from the contract, access logs, and optionally a custom
 * domain (ACM + Route 53) and an AWS WAF web ACL. Also what the app chart's Ingress needs: the
 * ALB's security group (CloudFront's prefix list only) and its certificate.
 */
export class EdgeStack extends TaskboardStack {
  constructor(scope: Construct, env: EnvConfig) {
    super(scope, env, 'edge');
    const e = env.edge;
    const origin = albOrigin(e);
    const network = this.remoteState('network');
    const usEast1 = this.usEast1Provider;

    const logs = new PrivateBucket(this, 'logs', {
      name: `${this.prefix}-edge-logs-${this.accountId}`,
      encryption: 'access-logs',
      expireAfterDays: e.accessLogDays,
      noncurrentDays: 7,
    });
    const logsArn = logs.bucket.arn;
    logs.attachPolicy([
      {
        sid: 'S3LogDelivery',
        effect: 'Allow',
        principals: [{ type: 'Service', identifiers: ['logging.s3.amazonaws.com'] }],
        actions: ['s3:PutObject'],
        resources: [`${logsArn}/s3/*`],
        condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [this.accountId] }],
      },
      {
        // CloudFront standard logging v2 (vended logs): no bucket ACLs needed.
        sid: 'CloudFrontLogDelivery',
        effect: 'Allow',
        principals: [{ type: 'Service', identifiers: ['delivery.logs.amazonaws.com'] }],
        actions: ['s3:PutObject'],
        resources: [`${logsArn}/cloudfront/*`],
        condition: [
          { test: 'StringEquals', variable: 'aws:SourceAccount', values: [this.accountId] },
          { test: 'StringEquals', variable: 's3:x-amz-acl', values: ['bucket-owner-full-control'] },
        ],
      },
    ]);

    const distributionArn = `arn:aws:cloudfront::${this.accountId}:distribution/*`;
    const key = new StackKey(this, 'key', {
      alias: `${this.prefix}-edge`,
      description: `Encrypts the ${env.name} SPA bucket; CloudFront decrypts through OAC`,
      accountId: this.accountId,
      serviceStatements: [
        {
          sid: 'CloudFrontDecryptsSpa',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['cloudfront.amazonaws.com'] }],
          actions: ['kms:Decrypt'],
          resources: ['*'],
          // Account-wide pattern, not this distribution's ARN: the key exists before it.
          condition: [{ test: 'ArnLike', variable: 'AWS:SourceArn', values: [distributionArn] }],
        },
      ],
    });

    const spa = new PrivateBucket(this, 'spa', {
      name: `${this.prefix}-spa-${this.accountId}`,
      encryption: { kmsKeyArn: key.key.arn },
      noncurrentDays: 30,
      accessLogs: { bucketId: logs.bucket.id, prefix: 's3/spa/' },
    });

    const oac = new CloudfrontOriginAccessControl(this, 'oac', {
      name: `${this.prefix}-spa`,
      description: 'CloudFront signs every request to the SPA bucket (SigV4)',
      originAccessControlOriginType: 's3',
      signingBehavior: 'always',
      signingProtocol: 'sigv4',
    });
    const routing = new CloudfrontFunction(this, 'spa-routing', {
      name: `${this.prefix}-spa-routing`,
      comment: `Serves ${SPA_SHELL} for client-side routes`,
      runtime: 'cloudfront-js-2.0',
      code: SPA_ROUTING_FUNCTION_CODE,
      publish: true,
    });

    const cachePolicy = (id: string, comment: string, ttl: { min: number; def: number; max: number }) =>
      new CloudfrontCachePolicy(this, id, {
        name: `${this.prefix}-${id}`,
        comment,
        minTtl: ttl.min,
        defaultTtl: ttl.def,
        maxTtl: ttl.max,
        parametersInCacheKeyAndForwardedToOrigin: {
          enableAcceptEncodingGzip: true,
          enableAcceptEncodingBrotli: true,
          cookiesConfig: { cookieBehavior: 'none' },
          headersConfig: { headerBehavior: 'none' },
          queryStringsConfig: { queryStringBehavior: 'none' },
        },
      });
    const assetsCache = cachePolicy('assets', 'Content-hashed assets: one year', {
      min: ASSET_TTL_SECONDS,
      def: ASSET_TTL_SECONDS,
      max: ASSET_TTL_SECONDS,
    });
    const htmlCache = cachePolicy('html', 'The HTML shell: seconds, so a deploy shows at once', {
      min: 0,
      def: Math.min(60, e.htmlMaxTtlSeconds),
      max: e.htmlMaxTtlSeconds,
    });
    const apiCache = new DataAwsCloudfrontCachePolicy(this, 'caching-disabled', {
      name: 'Managed-CachingDisabled',
    });
    const apiForward = new DataAwsCloudfrontOriginRequestPolicy(this, 'api-forward', {
      name: origin.originRequestPolicy,
    });

    const securityHeaders = this.headersPolicy('security-headers', null);
    const assetHeaders = this.headersPolicy('asset-headers', SPA_CACHE_CONTROL.hashedAsset);

    const zone =
      e.domain !== null && e.hostedZoneName !== null
        ? new DataAwsRoute53Zone(this, 'zone', { name: e.hostedZoneName, privateZone: false })
        : undefined;
    const viewerCert =
      zone && e.domain !== null ? this.certificate('viewer', [e.domain], zone, usEast1) : undefined;
    const albCert =
      zone && e.domain !== null ? this.certificate('alb', [e.domain, e.albOriginDomain], zone) : undefined;
    const waf = e.waf.enabled ? this.webAcl(usEast1) : undefined;

    const distribution = new CloudfrontDistribution(this, 'distribution', {
      comment: `${this.prefix}: SPA from S3, /api/* to the ALB`,
      enabled: true,
      isIpv6Enabled: true,
      httpVersion: 'http2and3',
      priceClass: e.priceClass,
      defaultRootObject: SPA_SHELL.slice(1),
      aliases: e.domain !== null ? [e.domain] : undefined,
      webAclId: waf?.arn,
      origin: [
        {
          originId: S3_ORIGIN,
          domainName: spa.bucket.bucketRegionalDomainName,
          originAccessControlId: oac.id,
        },
        {
          originId: ALB_ORIGIN,
          domainName: e.albOriginDomain,
          customOriginConfig: {
            originProtocolPolicy: origin.https ? 'https-only' : 'http-only',
            httpPort: 80,
            httpsPort: 443,
            originSslProtocols: ['TLSv1.2'],
            originReadTimeout: 30,
            originKeepaliveTimeout: 5,
          },
        },
      ],
      defaultCacheBehavior: {
        targetOriginId: S3_ORIGIN,
        viewerProtocolPolicy: 'redirect-to-https',
        allowedMethods: ['GET', 'HEAD'],
        cachedMethods: ['GET', 'HEAD'],
        compress: true,
        cachePolicyId: htmlCache.id,
        responseHeadersPolicyId: securityHeaders.id,
        functionAssociation: [{ eventType: 'viewer-request', functionArn: routing.arn }],
      },
      orderedCacheBehavior: [
        {
          pathPattern: `/${SPA_ASSETS_DIR}/*`,
          targetOriginId: S3_ORIGIN,
          viewerProtocolPolicy: 'redirect-to-https',
          allowedMethods: ['GET', 'HEAD'],
          cachedMethods: ['GET', 'HEAD'],
          compress: true,
          cachePolicyId: assetsCache.id,
          responseHeadersPolicyId: assetHeaders.id,
        },
        {
          // Never cached; every method, cookie (the refresh cookie), header and query string reaches the API.
          pathPattern: '/api/*',
          targetOriginId: ALB_ORIGIN,
          viewerProtocolPolicy: 'redirect-to-https',
          allowedMethods: ALL_METHODS,
          cachedMethods: ['GET', 'HEAD'],
          compress: true,
          cachePolicyId: apiCache.id!,
          originRequestPolicyId: apiForward.id,
          responseHeadersPolicyId: securityHeaders.id,
        },
      ],
      restrictions: { geoRestriction: { restrictionType: 'none' } },
      viewerCertificate: viewerCert
        ? {
            acmCertificateArn: viewerCert.certificateArn,
            sslSupportMethod: 'sni-only',
            minimumProtocolVersion: VIEWER_TLS_POLICY,
          }
        : { cloudfrontDefaultCertificate: true },
    });
    spa.attachPolicy([
      {
        // Only this distribution, signing with OAC, may read; nobody may list or write through it.
        sid: 'CloudFrontReadsThroughOac',
        effect: 'Allow',
        principals: [{ type: 'Service', identifiers: ['cloudfront.amazonaws.com'] }],
        actions: ['s3:GetObject'],
        resources: [`${spa.bucket.arn}/*`],
        condition: [{ test: 'StringEquals', variable: 'AWS:SourceArn', values: [distribution.arn] }],
      },
    ]);

    this.accessLogDelivery(distribution, logs, usEast1);

    if (zone && e.domain !== null) {
      for (const type of ['A', 'AAAA']) {
        new Route53Record(this, `alias-${type.toLowerCase()}`, {
          zoneId: zone.zoneId,
          name: e.domain,
          type,
          alias: {
            name: distribution.domainName,
            zoneId: distribution.hostedZoneId,
            evaluateTargetHealth: false,
          },
        });
      }
    }

    const albSg = this.albSecurityGroup(
      network.getString('vpc_id'),
      network.getString('vpc_cidr'),
      origin.port,
    );

    this.output('spa_bucket', spa.bucket.bucket, 'Private S3 bucket CI uploads the built SPA to (SSE-KMS)');
    this.output('spa_kms_key_arn', key.key.arn, 'KMS key of the SPA bucket (CI encrypts uploads with it)');
    this.output('distribution_id', distribution.id, 'CloudFront distribution (CI invalidates /index.html)');
    this.output('distribution_domain', distribution.domainName, 'The *.cloudfront.net name');
    this.output(
      'public_url',
      `https://${e.domain ?? distribution.domainName}`,
      'Where users open the SPA (the custom domain when configured)',
    );
    this.output(
      'alb_origin_domain',
      e.albOriginDomain,
      'Host name CloudFront sends /api/* to; must resolve to the chart ALB',
    );
    this.output(
      'alb_host_header',
      origin.hostSeenByAlb,
      "Host header the ALB receives from CloudFront: the app chart's ingress.host",
    );
    this.output(
      'alb_security_group_id',
      albSg.id,
      'ALB security group admitting only CloudFront (alb.ingress.kubernetes.io/security-groups)',
    );
    this.output(
      'alb_certificate_arn',
      albCert?.certificateArn ?? '',
      'Regional ACM certificate of the ALB HTTPS listener (empty without a domain)',
    );
    this.output(
      'waf_web_acl_arn',
      waf?.arn ?? '',
      'CloudFront-scope WAF web ACL on the distribution (empty when disabled)',
    );
    this.output('edge_logs_bucket', logs.bucket.bucket, 'CloudFront and S3 access logs');
  }

  /** Security headers from the contract (the same the API and nginx send); optional Cache-Control. */
  private headersPolicy(id: string, cacheControl: string | null): CloudfrontResponseHeadersPolicy {
    const h = SPA_SECURITY_HEADERS;
    const custom: { header: string; value: string; override: boolean }[] = [
      { header: 'Cross-Origin-Opener-Policy', value: h['cross-origin-opener-policy'], override: true },
      { header: 'Permissions-Policy', value: h['permissions-policy'], override: true },
    ];
    if (cacheControl !== null) custom.push({ header: 'Cache-Control', value: cacheControl, override: true });
    return new CloudfrontResponseHeadersPolicy(this, id, {
      name: `${this.prefix}-${id}`,
      comment: 'Security headers of contracts/src/web.ts',
      securityHeadersConfig: {
        strictTransportSecurity: {
          accessControlMaxAgeSec: HSTS_MAX_AGE_SECONDS,
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        contentSecurityPolicy: { contentSecurityPolicy: h['content-security-policy'], override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: h['x-frame-options'], override: true },
        referrerPolicy: { referrerPolicy: h['referrer-policy'], override: true },
      },
      customHeadersConfig: { items: custom },
    });
  }

  /** A DNS-validated ACM certificate (regional, or us-east-1 for CloudFront). */
  private certificate(id: string, names: string[], zone: DataAwsRoute53Zone, provider?: AwsProvider) {
    const cert = new AcmCertificate(this, `${id}-certificate`, {
      provider,
      domainName: names[0]!,
      subjectAlternativeNames: names.length > 1 ? names.slice(1) : undefined,
      validationMethod: 'DNS',
      lifecycle: { createBeforeDestroy: true },
    });
    const options = TerraformIterator.fromComplexList(cert.domainValidationOptions, 'domain_name');
    const records = new Route53Record(this, `${id}-certificate-validation-record`, {
      forEach: options,
      zoneId: zone.zoneId,
      name: options.getString('resource_record_name'),
      type: options.getString('resource_record_type'),
      records: [options.getString('resource_record_value')],
      ttl: 300,
      // The viewer and ALB certificates share names: ACM gives both the same validation record.
      allowOverwrite: true,
    });
    return new AcmCertificateValidation(this, `${id}-certificate-validation`, {
      provider,
      certificateArn: cert.arn,
      validationRecordFqdns: Token.asList(`\${[for r in ${records.fqn} : r.fqdn]}`),
    });
  }

  /** CloudFront-scope web ACL: AWS managed common + known-bad-inputs rules, then a per-IP rate limit. */
  private webAcl(provider: AwsProvider): Wafv2WebAcl {
    const visibility = (metricName: string) => ({
      cloudwatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    const managed = WAF_MANAGED_RULE_GROUPS.map((name, i) => ({
      name,
      priority: i + 1,
      overrideAction: { none: {} },
      statement: { managed_rule_group_statement: { name, vendor_name: 'AWS' } },
      visibilityConfig: visibility(name),
    }));
    return new Wafv2WebAcl(this, 'waf', {
      provider,
      name: `${this.prefix}-edge`,
      description: 'In front of CloudFront: managed rule groups and a per-IP rate limit',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      rule: [
        ...managed,
        {
          name: 'rate-limit-per-ip',
          priority: managed.length + 1,
          action: { block: {} },
          statement: {
            rate_based_statement: {
              limit: this.env.edge.waf.rateLimitPer5Min,
              aggregate_key_type: 'IP',
              evaluation_window_sec: 300,
            },
          },
          visibilityConfig: visibility('rate-limit-per-ip'),
        },
      ],
      visibilityConfig: visibility(`${this.prefix}-edge`),
    });
  }

  /** CloudFront standard logs v2 (vended logs, delivered from us-east-1) into the log bucket, as JSON lines. */
  private accessLogDelivery(
    distribution: CloudfrontDistribution,
    logs: PrivateBucket,
    provider: AwsProvider,
  ) {
    const source = new CloudwatchLogDeliverySource(this, 'cloudfront-log-source', {
      provider,
      name: `${this.prefix}-cloudfront`,
      logType: 'ACCESS_LOGS',
      resourceArn: distribution.arn,
    });
    const destination = new CloudwatchLogDeliveryDestination(this, 'cloudfront-log-destination', {
      provider,
      name: `${this.prefix}-cloudfront-s3`,
      outputFormat: 'json',
      deliveryDestinationConfiguration: [{ destinationResourceArn: `${logs.bucket.arn}/cloudfront` }],
    });
    new CloudwatchLogDelivery(this, 'cloudfront-log-delivery', {
      provider,
      deliverySourceName: source.name,
      deliveryDestinationArn: destination.arn,
    });
  }

  /**
   * The ALB's security group: only CloudFront's origin-facing addresses, only on the one port
   * CloudFront uses. One rule: the prefix list counts as ~55 rules against the group's quota.
   */
  private albSecurityGroup(vpcId: string, vpcCidr: string, port: number): SecurityGroup {
    const prefixList = new DataAwsEc2ManagedPrefixList(this, 'cloudfront-prefix-list', {
      name: CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST,
    });
    const sg = new SecurityGroup(this, 'alb-sg', {
      name: `${this.prefix}-alb-cloudfront`,
      description: 'App ALB: reachable from CloudFront only',
      vpcId,
      tags: { Name: `${this.prefix}-alb-cloudfront` },
    });
    new VpcSecurityGroupIngressRule(this, 'alb-from-cloudfront', {
      securityGroupId: sg.id,
      description: 'CloudFront origin-facing addresses',
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      prefixListId: prefixList.id,
    });
    new VpcSecurityGroupEgressRule(this, 'alb-to-pods', {
      securityGroupId: sg.id,
      description: 'To the target pods (target-type ip) inside the VPC',
      ipProtocol: 'tcp',
      fromPort: 0,
      toPort: 65535,
      cidrIpv4: vpcCidr,
    });
    return sg;
  }
}
