import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/** Text files worth compressing; images and fonts in the build are already compressed. */
export const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|map)$/;
/** Below this the headers cost more than the bytes saved (nginx's gzip_min_length is the same). */
export const MIN_BYTES = 512;
/** Encodings written beside each file, by file suffix, as @fastify/static and nginx look them up. */
export const ENCODINGS = { br: '.br', gzip: '.gz' } as const;

/**
 * Writes `<file>.br` (brotli, quality 11) and `<file>.gz` (gzip, level 9) beside every text file
 * of the build, once, at build time, so neither the API (local mode) nor nginx compresses per
 * request: maximum compression costs nothing at request time. A variant that would not be
 * smaller than its file is not written, and servers then send the file itself.
 */
export function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'taskboard:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
    },
    writeBundle(_options, bundle) {
      for (const fileName of Object.keys(bundle)) {
        if (!COMPRESSIBLE.test(fileName)) continue;
        const path = join(outDir, fileName);
        const raw = readFileSync(path);
        if (raw.length < MIN_BYTES) continue;
        const variants = {
          [ENCODINGS.br]: brotliCompressSync(raw, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
              [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
            },
          }),
          [ENCODINGS.gzip]: gzipSync(raw, { level: 9 }),
        };
        for (const [suffix, data] of Object.entries(variants))
          if (data.length < raw.length) writeFileSync(path + suffix, data);
      }
    },
  };
}
