// What `make security` concludes from trivy's JSON reports (`trivy config --format json
// --show-suppressed`): the findings left unsuppressed, and the ignore-file entries that no
// longer suppress anything. Trivy itself says neither: it exits 0 on an ignore file full of stale
// entries, and its table hides which entry silenced what.
import { parse } from 'yaml';

export const MAX_STATEMENT = 160;

export type IgnoreEntry = { id: string; paths: string[]; statement: string };

export type Finding = {
  id: string;
  avdId: string;
  severity: string;
  title: string;
  /** The scanned file, relative to the scan target (what an entry's `paths` globs match). */
  target: string;
  resource: string;
  /** The statement of the ignore entry that suppressed it; undefined for a failing finding. */
  statement?: string;
};

// biome-ignore lint/suspicious/noExplicitAny: trivy's JSON report is untyped until read here
type Json = any;

/** `.trivyignore.yaml`'s misconfiguration entries, as written (validated by ignoreProblems). */
export function ignoreEntries(text: string): IgnoreEntry[] {
  const doc = parse(text) ?? {};
  return (doc.misconfigurations ?? []) as IgnoreEntry[];
}

/** Every rule an entry must follow: an id, the narrowest paths, one short line of reason. */
export function ignoreProblems(entries: IgnoreEntry[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  entries.forEach((e, i) => {
    const at = `misconfigurations[${i}] (${e?.id ?? 'no id'})`;
    if (typeof e?.id !== 'string' || !/^[A-Z]+-\d{4}$/.test(e.id)) {
      problems.push(`${at}: id must be a check id such as AWS-0132 or KSV-0020`);
    }
    if (
      !Array.isArray(e?.paths) ||
      e.paths.length === 0 ||
      e.paths.some((p) => typeof p !== 'string' || !p)
    ) {
      problems.push(`${at}: paths must list the files it applies to (no global ignore)`);
    } else if (e.paths.some((p) => /^\*\*?$|^\*\*\/\*$/.test(p))) {
      problems.push(`${at}: a path matching every file is a global ignore`);
    }
    const s = e?.statement;
    if (typeof s !== 'string' || !s.trim()) problems.push(`${at}: statement (the reason) is missing`);
    else {
      if (s.length > MAX_STATEMENT)
        problems.push(`${at}: statement is ${s.length} chars (max ${MAX_STATEMENT})`);
      if (/\n/.test(s.trim())) problems.push(`${at}: statement must be one line`);
      // Trivy reports the statement of the entry that matched: it is how an entry is traced.
      if (seen.has(s)) problems.push(`${at}: same statement as misconfigurations[${seen.get(s)}]`);
      seen.set(s, i);
    }
  });
  return problems;
}

/** The failing and the suppressed misconfigurations of one trivy JSON report. */
export function reportFindings(report: Json): { failed: Finding[]; suppressed: Finding[] } {
  const failed: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const result of report.Results ?? []) {
    const target = String(result.Target);
    for (const m of result.Misconfigurations ?? []) {
      if (m.Status === 'FAIL') failed.push(finding(m, target));
    }
    for (const mod of result.ExperimentalModifiedFindings ?? []) {
      if (mod.Type !== 'misconfiguration') continue;
      suppressed.push({ ...finding(mod.Finding, target), statement: String(mod.Statement ?? '') });
    }
  }
  return { failed, suppressed };
}

function finding(m: Json, target: string): Finding {
  return {
    id: String(m.ID),
    avdId: String(m.AVDID ?? ''),
    severity: String(m.Severity),
    title: String(m.Title ?? ''),
    target,
    resource: String(m.CauseMetadata?.Resource ?? ''),
  };
}

/** Entries that suppressed nothing in these reports: stale (the finding was fixed) or mistyped. */
export function unusedEntries(entries: IgnoreEntry[], suppressed: Finding[]): IgnoreEntry[] {
  return entries.filter(
    (e) => !suppressed.some((f) => f.statement === e.statement && (f.id === e.id || f.avdId === e.id)),
  );
}

export const describeFinding = (f: Finding) =>
  `${f.id} ${f.severity} ${f.target}${f.resource ? ` ${f.resource}` : ''}: ${f.title}`;
