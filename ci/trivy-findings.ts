// What `make security` concludes from trivy's JSON reports: the findings left unsuppressed, and
// the ignore-file entries that no longer suppress anything. Trivy itself says neither: it exits 0
// on an ignore file full of stale entries, and `trivy config` v0.74 has no --show-suppressed, so
// each target is scanned twice (with and without the ignore file) and the two are compared.
import { matchesGlob } from 'node:path';
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
  line: number;
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
      // One reason per entry: two entries with one statement should be one entry.
      if (seen.has(s)) problems.push(`${at}: same statement as misconfigurations[${seen.get(s)}]`);
      seen.set(s, i);
    }
  });
  return problems;
}

/** The failing misconfigurations of one trivy JSON report. */
export function failedFindings(report: Json): Finding[] {
  const failed: Finding[] = [];
  for (const result of report.Results ?? []) {
    for (const m of result.Misconfigurations ?? []) {
      if (m.Status === 'FAIL') failed.push(finding(m, String(result.Target)));
    }
  }
  return failed;
}

/**
 * The failing and the suppressed findings of one target: `filtered` scanned with the ignore
 * file, `all` without it; what `all` has and `filtered` lacks was suppressed.
 */
export function reportFindings(filtered: Json, all: Json): { failed: Finding[]; suppressed: Finding[] } {
  const failed = failedFindings(filtered);
  const left = new Set(failed.map(key));
  return { failed, suppressed: failedFindings(all).filter((f) => !left.has(key(f))) };
}

const key = (f: Finding) => `${f.id} ${f.target} ${f.resource} ${f.line}`;

function finding(m: Json, target: string): Finding {
  return {
    id: String(m.ID),
    avdId: String(m.AVDID ?? ''),
    severity: String(m.Severity),
    title: String(m.Title ?? ''),
    target,
    resource: String(m.CauseMetadata?.Resource ?? ''),
    line: Number(m.CauseMetadata?.StartLine ?? 0),
  };
}

/** Whether an entry covers a finding: same check id and one of its paths globs the file. */
export const covers = (e: IgnoreEntry, f: Finding) =>
  (f.id === e.id || f.avdId === e.id) && e.paths.some((p) => matchesGlob(f.target, p));

/** Entries that suppressed nothing in these reports: stale (the finding was fixed) or mistyped. */
export function unusedEntries(entries: IgnoreEntry[], suppressed: Finding[]): IgnoreEntry[] {
  return entries.filter((e) => !suppressed.some((f) => covers(e, f)));
}

export const describeFinding = (f: Finding) =>
  `${f.id} ${f.severity} ${f.target}${f.resource ? ` ${f.resource}` : ''}: ${f.title}`;
