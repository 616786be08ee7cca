// The shape of a policy rule and the helper that counts what it examined; shared by rules.ts
// (AWS resources) and helm-rules.ts (what is installed on the cluster).
import type { Entry, SynthesizedStack, TfDocument } from './tf-json';

export interface Finding {
  rule: string;
  stack: string;
  address: string;
  message: string;
}

export interface RuleResult {
  checked: number;
  findings: Finding[];
}

export interface PolicyRule {
  id: string;
  rationale: string;
  check(stack: SynthesizedStack): RuleResult;
}

/** Small helper that counts what a rule examined and collects its findings. */
function ruleCheck(id: string, stack: SynthesizedStack) {
  const result: RuleResult = { checked: 0, findings: [] };
  return {
    result,
    expect(entry: Pick<Entry, 'address'>, ok: boolean, message: string) {
      result.checked += 1;
      if (!ok) result.findings.push({ rule: id, stack: stack.name, address: entry.address, message });
    },
  };
}

export function rule(
  id: string,
  rationale: string,
  body: (doc: TfDocument, c: ReturnType<typeof ruleCheck>) => void,
): PolicyRule {
  return {
    id,
    rationale,
    check(stack) {
      const c = ruleCheck(id, stack);
      body(stack.doc, c);
      return c.result;
    },
  };
}
