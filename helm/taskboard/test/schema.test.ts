import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHART_DIR, type Json, STACK_OUTPUTS, template } from './support/helm';

const invalid = (name: string) => join(CHART_DIR, 'test', 'fixtures', 'invalid', `${name}.yaml`);

/** Proof 3: wrong values fail `helm template` with a message that names the key. */
describe('values.schema.json rejects bad values, naming the key', () => {
  it.each([
    ['typo-key', "at '/api': additional properties 'replicaCont' not allowed"],
    ['wrong-type', "at '/api/ports/metrics': got string, want integer"],
    ['negative-replicas', "at '/frontend/replicaCount': minimum: got -1, want 0"],
  ])('%s', (fixture, message) => {
    const run = template([STACK_OUTPUTS, invalid(fixture)]);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("values don't meet the specifications of the schema");
    expect(run.stderr).toContain(message);
  });

  it('refuses the `latest` tag and a malformed digest', () => {
    const latest = template([STACK_OUTPUTS], ['--set', 'api.image.tag=latest']);
    expect(latest.status).not.toBe(0);
    expect(latest.stderr).toContain('/api/image/tag');
    const digest = template([STACK_OUTPUTS], ['--set', 'frontend.image.digest=sha256:nothex']);
    expect(digest.status).not.toBe(0);
    expect(digest.stderr).toContain('/frontend/image/digest');
  });

  it('refuses a weakened security context', () => {
    const run = template(
      [STACK_OUTPUTS],
      ['--set', 'api.containerSecurityContext.readOnlyRootFilesystem=false'],
    );
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('/api/containerSecurityContext/readOnlyRootFilesystem');
  });
});

describe('the schema is closed everywhere', () => {
  const schema = JSON.parse(readFileSync(join(CHART_DIR, 'values.schema.json'), 'utf8'));

  /** Every object schema with declared properties forbids others, so any typo fails. */
  function openObjects(node: Json, path: string, out: string[]): string[] {
    if (node === null || typeof node !== 'object') return out;
    if (node.properties && node.additionalProperties !== false) out.push(path);
    for (const [k, v] of Object.entries(node)) {
      // if/then/else only add constraints to the closed object they sit in; closing them would
      // make `if` never match.
      if (k === 'if' || k === 'then' || k === 'else') continue;
      openObjects(v, `${path}/${k}`, out);
    }
    return out;
  }

  it('has additionalProperties: false on every object with properties', () => {
    expect(openObjects(schema, '#', [])).toEqual([]);
  });

  it('describes every key of values.yaml (the defaults validate against it)', () => {
    const run = template([STACK_OUTPUTS]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
