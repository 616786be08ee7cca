import { describe, expect, it } from 'vitest';
import { type K8sObject, one, render, STACK_OUTPUTS, template } from './support/helm';

const annotations = (objects: K8sObject[]) =>
  one(objects, 'Ingress', 'taskboard').metadata.annotations as Record<string, string>;
const LB = 'alb.ingress.kubernetes.io';
const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-00000000abcd';

/** The ALB's listeners and security groups as the edge stack needs them (docs/infrastructure.md, Edge). */
describe('ingress listeners', () => {
  it('by default: HTTPS on 443 with the TLS policy, HTTP redirected to it', () => {
    const a = annotations(render('prod', ['--set', `ingress.certificateArn=${CERT}`]));
    expect(JSON.parse(a[`${LB}/listen-ports`]!)).toEqual([{ HTTP: 80 }, { HTTPS: 443 }]);
    expect(a[`${LB}/ssl-redirect`]).toBe('443');
    expect(a[`${LB}/ssl-policy`]).toMatch(/^ELBSecurityPolicy-TLS13/);
    expect(a[`${LB}/certificate-arn`]).toBe(CERT);
  });

  it('with https false: one plain-HTTP listener and no redirect (CloudFront speaks HTTP to it)', () => {
    const a = annotations(render('dev', ['--set', 'ingress.https=false']));
    expect(JSON.parse(a[`${LB}/listen-ports`]!)).toEqual([{ HTTP: 80 }]);
    for (const key of ['ssl-redirect', 'ssl-policy', 'certificate-arn']) {
      expect(a[`${LB}/${key}`], key).toBeUndefined();
    }
  });

  it('refuses a certificate with https false (it would be silently unused)', () => {
    const run = template(
      [STACK_OUTPUTS],
      ['--set', 'ingress.https=false', '--set', `ingress.certificateArn=${CERT}`],
    );
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('/ingress/certificateArn');
  });
});

describe('ingress security groups', () => {
  it('without groups leaves them to the controller (no annotation)', () => {
    const a = annotations(render('prod', ['--set-json', 'ingress.securityGroups=[]']));
    expect(a[`${LB}/security-groups`]).toBeUndefined();
    expect(a[`${LB}/manage-backend-security-group-rules`]).toBeUndefined();
  });

  it('given groups: attaches exactly those and lets the controller manage the backend rule', () => {
    const a = annotations(
      render('prod', ['--set', 'ingress.securityGroups={sg-0123456789abcdef0,sg-0fedcba9876543210}']),
    );
    expect(a[`${LB}/security-groups`]).toBe('sg-0123456789abcdef0,sg-0fedcba9876543210');
    // Without it the pods' security group would not admit the ALB once the controller's own
    // frontend group is replaced.
    expect(a[`${LB}/manage-backend-security-group-rules`]).toBe('true');
  });

  it('refuses something that is not a security group ID', () => {
    const run = template([STACK_OUTPUTS], ['--set', 'ingress.securityGroups={alb-cloudfront}']);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('/ingress/securityGroups/0');
  });
});

describe('SPA probe target', () => {
  const target = (objects: K8sObject[]) =>
    one(objects, 'Probe', 'taskboard-spa').spec.targets.staticConfig.static as string[];

  it('defaults to https://<ingress.host>/', () => {
    expect(target(render('prod'))).toEqual(['https://taskboard.example.com/']);
  });

  it('follows monitoring.probe.url (the public CloudFront URL when the ALB admits only CloudFront)', () => {
    const url = 'https://d1234abcd.cloudfront.net';
    expect(target(render('dev', ['--set', `monitoring.probe.url=${url}`]))).toEqual([url]);
  });
});
