import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ignore from '@balena/dockerignore';
import { parse as parsePgUrl } from 'pg-connection-string';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Json, one, REPO_ROOT, render } from '../../helm/taskboard/test/support/helm';
import { imageFacts, imageProblems } from '../image-facts';

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const API = read('api/Dockerfile');
const FRONTEND = read('frontend/Dockerfile');

let pod: Json;
let api: Json;
let migrate: Json;
let objects: Json[];
beforeAll(() => {
  objects = render('prod');
  pod = one(objects, 'Deployment', 'taskboard-api').spec.template.spec;
  api = pod.containers.find((c: Json) => c.name === 'api');
  migrate = pod.initContainers.find((c: Json) => c.name === 'migrate');
});

describe('api image against the chart and the tests', () => {
  const facts = imageFacts(API);

  it('follows every image rule, as the uid the chart runs', () => {
    expect(pod.securityContext.runAsUser).toBe(10001);
    expect(pod.securityContext.runAsGroup).toBe(10001);
    expect(imageProblems(facts, pod.securityContext.runAsUser)).toEqual([]);
  });

  it('starts with the command the chart renders, which is the one the tests and make demo run', () => {
    // No ENTRYPOINT: the chart's `command` then replaces exactly the image's CMD, nothing wraps it.
    expect(facts.entrypoint).toBeNull();
    expect(api.command).toEqual(facts.cmd);
    // helm/taskboard/test/contract.test.ts starts the rendered command against the compiled API;
    // the package script and `make demo` run the same one.
    const pkg = JSON.parse(read('api/package.json'));
    expect(pkg.scripts.start.split(' ')).toEqual(facts.cmd);
    expect(pkg.scripts.migrate.split(' ')).toEqual(migrate.command);
    expect(read('Makefile')).toContain(`cd api && exec ${facts.cmd?.join(' ')}`);
  });

  it('ships the compiled entry points where the command, from WORKDIR, looks for them', () => {
    expect(facts.workdir).toBe('/app/api');
    const compiled = facts.copies.find((c) => c.includes('/src/api/dist/src/'));
    expect(compiled?.at(-1)).toBe('/app/api/dist/src/');
    for (const command of [api.command, migrate.command]) {
      expect(`${facts.workdir}/${command.at(-1)}`.startsWith(compiled?.at(-1) ?? '?')).toBe(true);
    }
  });

  it('installs production dependencies only into the runtime', () => {
    const deps = facts.runs.filter((r) => r.stage === 'deps').map((r) => r.command);
    expect(deps.join('\n')).toMatch(/npm ci [^\n]*--omit=dev/);
    const fromBuild = facts.copies.filter((c) => c.some((p) => p.startsWith('/src/')));
    expect(fromBuild.flat().some((p) => p.includes('node_modules'))).toBe(false);
  });

  it('trusts the RDS CAs, and the chart connects with full certificate verification', () => {
    const bundle = facts.env.NODE_EXTRA_CA_CERTS;
    expect(
      facts.copies.some(
        ([kind, source, dest]) =>
          kind === 'ADD' &&
          source?.startsWith('https://truststore.pki.rds.amazonaws.com/') &&
          dest === bundle,
      ),
    ).toBe(true);
    const secret = one(objects, 'ExternalSecret', 'taskboard-app');
    const url: string = secret.spec.target.template.data.DATABASE_URL.replace(/\{\{[^}]*\}\}/g, 'x');
    expect(new URL(url).searchParams.get('sslmode')).toBe('verify-full');
    // What node-postgres makes of it: TLS on, certificate and host name checked (no opt-out).
    const ssl = parsePgUrl(url).ssl;
    expect(ssl).toBeTruthy();
    expect(typeof ssl === 'object' && ssl.rejectUnauthorized === false).toBe(false);
  });

  it('runs the Node major the toolchain pins (scripts/node.sh)', () => {
    const pinned = /NODE_VERSION=(\d+)\./.exec(read('scripts/node.sh'))?.[1];
    for (const text of [API, FRONTEND]) {
      const node = imageFacts(text).baseImages.filter((i) => i.startsWith('node:'));
      expect(node.length).toBeGreaterThan(0);
      for (const image of node) expect(image).toMatch(new RegExp(`^node:${pinned}\\.`));
    }
  });
});

describe('frontend image', () => {
  it('follows every image rule as the uid the chart runs', () => {
    const spa = one(objects, 'Deployment', 'taskboard-frontend').spec.template.spec;
    const uid = spa.securityContext?.runAsUser ?? spa.containers[0].securityContext.runAsUser;
    expect(imageProblems(imageFacts(FRONTEND), uid)).toEqual([]);
  });
});

describe('the image rules bite', () => {
  const broken = (from: string, to: string) => {
    expect(API).toContain(from);
    return imageProblems(imageFacts(API.replace(from, to)), 10001);
  };
  it.each([
    ['@sha256:', ':latest@nope', /not pinned by digest/],
    ['USER 10001:10001', 'USER node', /USER must be the numeric/],
    ['STOPSIGNAL SIGTERM', '', /no STOPSIGNAL/],
    [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile build argument, not a JS template
      'org.opencontainers.image.revision="${REVISION}"',
      'org.opencontainers.image.revision="abc"',
      /revision must come from a build argument/,
    ],
    ['ARG VERSION=dev', 'ARG VERSION=dev\nARG NPM_TOKEN', /NPM_TOKEN looks like a secret/],
    ['COPY tsconfig.base.json ./', 'COPY .env tsconfig.base.json ./', /copies "\.env"/],
  ])('%s -> %s is refused', (from, to, message) => {
    expect(broken(from, to).join('\n')).toMatch(message);
  });

  it('a CMD that drifted from the chart is caught by the comparison', () => {
    const drifted = imageFacts(API.replace('"dist/src/main.js"]', '"dist/main.js"]'));
    expect(drifted.cmd).not.toEqual(api.command);
  });
});

describe('.dockerignore (the build context of both images)', () => {
  const rules = ignore().add(read('.dockerignore'));
  const tracked = execFileSync('git', ['ls-files'], { cwd: REPO_ROOT, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);

  it('keeps out dependencies, local data, git, env files, state and tools', () => {
    for (const path of [
      'node_modules/yaml/package.json',
      'api/node_modules/x/index.js',
      'api/dist/src/main.js',
      '.data/pglite/PG_VERSION',
      'api/.data/x',
      '.git/HEAD',
      '.env',
      'api/.env.production',
      'cdktf.out/stacks/prod-data/cdk.tf.json',
      'bin/helm',
      '.tools/node/bin/node',
      'stacks/data.ts',
    ]) {
      expect(rules.ignores(path), path).toBe(true);
    }
  });

  it('lets in everything the Dockerfiles copy from the context', () => {
    for (const text of [API, FRONTEND]) {
      const sources = imageFacts(text)
        .copies.filter(([kind]) => kind === 'COPY')
        .flatMap((c) => c.slice(1, -1))
        .filter((s) => !s.startsWith('/')); // --from stages copy absolute paths
      for (const source of sources) {
        const files = tracked.filter(
          (f) => f === source || f.startsWith(source.endsWith('/') ? source : `${source}/`),
        );
        expect(files.length, `${source} is not in git`).toBeGreaterThan(0);
        const kept = files.filter((f) => !rules.ignores(f));
        expect(kept.length, `${source} is excluded from the context`).toBeGreaterThan(0);
      }
    }
    for (const needed of [
      'api/src/main.ts',
      'contracts/src/index.ts',
      'frontend/nginx/nginx.conf',
      'frontend/index.html',
    ]) {
      expect(rules.ignores(needed), needed).toBe(false);
    }
  });
});
