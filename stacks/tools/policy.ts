// `make policy-infra`: the policy suite over what `make synth` wrote, as a report for operators.
import { evaluate } from '../policy/rules';
import { readSynthesized } from '../synth';

const outdir = process.argv[2] ?? 'cdktf.out';
const stacks = readSynthesized(outdir);
const results = evaluate(stacks);
let failed = 0;
for (const { rule, checked, findings } of results) {
  const status = findings.length === 0 ? 'pass' : 'FAIL';
  console.log(`${status}  ${rule.id.padEnd(26)} ${String(checked).padStart(4)} checked  ${rule.rationale}`);
  for (const f of findings) console.log(`      ${f.stack}: ${f.address}: ${f.message}`);
  failed += findings.length;
}
console.log(`policy-infra: ${results.length} rules over ${stacks.length} stacks, ${failed} findings`);
process.exit(failed === 0 ? 0 : 1);
