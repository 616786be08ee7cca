import Module from 'node:module';
import { join } from 'node:path';
import { tracingStub } from './tracing-stub';

/**
 * The bench's "no tracing code paths" baseline: the compiled API with `tracing/register` and
 * `tracing/tracing` replaced in the module cache before main.js loads them, so no tracing setup
 * runs at boot and no tracing hook is registered. Compared (interleaved) with the real build
 * with tracing off, it shows what merely carrying tracing costs.
 */
const SRC = join(__dirname, '..', '..', 'src');

function preload(file: string, exports: object): void {
  const m = new Module(file);
  m.filename = file;
  m.loaded = true;
  m.exports = exports;
  require.cache[file] = m;
}

preload(join(SRC, 'tracing', 'register.js'), {});
preload(join(SRC, 'tracing', 'tracing.js'), tracingStub);
require(join(SRC, 'main.js'));
