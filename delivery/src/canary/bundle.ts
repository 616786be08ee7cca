import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { build } from 'esbuild-wasm';

/** The delivery workspace, from src/canary (tests) or dist/src/canary (make). */
function workspaceDir(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}
const DELIVERY = workspaceDir(__dirname);
/** Where `make canary-bundle` writes the zip and its manifest (the app-alarms stack reads both). */
export const CANARY_OUT_DIR = join(DELIVERY, 'dist', 'canary');
export const CANARY_MANIFEST = 'manifest.json';
/** File at the zip's root; the canary's handler is `<this without .js>.handler`. */
export const CANARY_SCRIPT = 'canary.js';
export const CANARY_HANDLER = 'canary.handler';
/** Provided by the Synthetics Playwright runtime (its layer and Lambda's Node.js 20 AWS SDK v3). */
const RUNTIME_MODULES = ['@aws/synthetics-playwright', '@aws-sdk/*', 'playwright-core'];

export interface CanaryManifest {
  /** Zip file name inside CANARY_OUT_DIR; it embeds the hash, so a new script is a new file. */
  file: string;
  sha256: string;
  handler: string;
}

/** handler.ts + the journey + the contracts it uses, as one CommonJS file for Node.js 20. */
export async function bundleCanaryScript(): Promise<string> {
  const result = await build({
    entryPoints: [join(DELIVERY, 'src', 'canary', 'handler.ts')],
    absWorkingDir: DELIVERY,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: RUNTIME_MODULES,
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/**
 * A one-entry zip with fixed timestamps and attributes: the same script always gives the same
 * bytes, so the hash (and the canary's plan) changes only when the script does.
 */
export function deterministicZip(name: string, content: Buffer): Buffer {
  const data = deflateRawSync(content, { level: 9 });
  const crc = crc32(content);
  const nameBytes = Buffer.from(name, 'utf8');
  const DOS_TIME = 0;
  const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01, the zip epoch
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed
  local.writeUInt16LE(0x0800, 6); // UTF-8 names
  local.writeUInt16LE(8, 8); // deflate
  local.writeUInt16LE(DOS_TIME, 10);
  local.writeUInt16LE(DOS_DATE, 12);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  local.writeUInt16LE(0, 28);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(0x0800, 8);
  central.writeUInt16LE(8, 10);
  central.writeUInt16LE(DOS_TIME, 12);
  central.writeUInt16LE(DOS_DATE, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  central.writeUInt32LE(((0o100644 << 16) >>> 0) as number, 38); // -rw-r--r--
  central.writeUInt32LE(0, 42); // offset of the local header
  const localSize = local.length + nameBytes.length + data.length;
  const centralSize = central.length + nameBytes.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(localSize, 16);
  return Buffer.concat([local, nameBytes, data, central, nameBytes, end]);
}

/** Builds the canary zip in memory: its bytes and manifest (the staleness test compares these). */
export async function buildCanaryZip(): Promise<{ zip: Buffer; manifest: CanaryManifest }> {
  const script = await bundleCanaryScript();
  const zip = deterministicZip(CANARY_SCRIPT, Buffer.from(script, 'utf8'));
  const sha256 = createHash('sha256').update(zip).digest('hex');
  return {
    zip,
    manifest: { file: `taskboard-canary-${sha256.slice(0, 16)}.zip`, sha256, handler: CANARY_HANDLER },
  };
}

/** `make canary-bundle`: writes the zip (only the current one) and manifest.json. */
async function main(): Promise<void> {
  const { zip, manifest } = await buildCanaryZip();
  mkdirSync(CANARY_OUT_DIR, { recursive: true });
  for (const old of readdirSync(CANARY_OUT_DIR)) if (old.endsWith('.zip')) rmSync(join(CANARY_OUT_DIR, old));
  writeFileSync(join(CANARY_OUT_DIR, manifest.file), zip);
  writeFileSync(join(CANARY_OUT_DIR, CANARY_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(
    `canary-bundle: ${join(CANARY_OUT_DIR, manifest.file)} (${zip.length} bytes, sha256 ${manifest.sha256})`,
  );
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`canary-bundle: ${(err as Error).stack ?? err}`);
    process.exit(1);
  });
}
