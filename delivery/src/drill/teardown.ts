/** Cleanup steps run once, newest first, whether the drill ends, fails or is interrupted. */
export class Teardown {
  private readonly steps: Array<{ name: string; fn: () => Promise<void> | void }> = [];
  private running?: Promise<string[]>;

  add(name: string, fn: () => Promise<void> | void): void {
    this.steps.push({ name, fn });
  }

  /** Every step runs even if one fails; returns the failures, one line each. */
  run(): Promise<string[]> {
    this.running ??= (async () => {
      const failures: string[] = [];
      for (const { name, fn } of this.steps.reverse()) {
        try {
          await fn();
        } catch (err) {
          failures.push(`${name}: ${(err as Error).message}`);
        }
      }
      return failures;
    })();
    return this.running;
  }
}
