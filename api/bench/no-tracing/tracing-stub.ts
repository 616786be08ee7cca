import type * as Tracing from '../../src/tracing/tracing';

/**
 * The tracing module as a build without tracing would have it: every export the app calls,
 * doing nothing (inSpan is the bare call its call sites would make). It
 * is typed as the real module, so the type checker fails the build when the two drift apart.
 */
export const tracingStub: typeof Tracing = {
  activeTracer: () => undefined,
  activeTracing: () => undefined,
  startTracing: () => false,
  flushTracing: async () => undefined,
  stopTracing: async () => undefined,
  inSpan: (_name, _attributes, fn) => fn(),
};
