import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from './all-stacks';
import type { InfraConfig } from './config';
import type { SynthesizedStack, TfDocument } from './policy/tf-json';

export interface SynthesizedFile extends SynthesizedStack {
  /** Exact file content, as an operator would review or apply it. */
  text: string;
}

/** Synthesizes every stack into `outdir` and reads the files back. */
export function synthesize(config: InfraConfig, outdir: string): SynthesizedFile[] {
  const { app, stacks } = buildApp(config, outdir);
  app.synth();
  return readSynthesized(
    outdir,
    stacks.map((s) => s.node.id),
  );
}

/** Reads `<outdir>/stacks/<name>/cdk.tf.json` for the given (default: all) stacks. */
export function readSynthesized(outdir: string, names?: string[]): SynthesizedFile[] {
  const root = join(outdir, 'stacks');
  if (!existsSync(root)) throw new Error(`${root} does not exist: run \`make synth\` first`);
  const list = names ?? readdirSync(root).sort();
  return list.map((name) => {
    const text = readFileSync(join(root, name, 'cdk.tf.json'), 'utf8');
    return { name, text, doc: JSON.parse(text) as TfDocument };
  });
}
