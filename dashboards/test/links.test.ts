/**
 * Link checker: every runbook_url of a generated alert, every runbook link of a dashboard, and
 * every relative link in docs/ resolves to a file in the repository.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedFiles } from '../src/outputs';
import { WORKSPACE } from './promtool/run';

const REPO = resolve(WORKSPACE, '..');

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.md'))
    .map((e) => join(e.parentPath, e.name));
}

/** Relative link targets of a Markdown file, code blocks and spans left out, anchors stripped. */
export function relativeLinks(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((m) => m[1] ?? '')
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('#'))
    .map((target) => decodeURIComponent(target.split('#')[0] ?? ''));
}

/** Repo-relative paths a generated file points at as runbooks. */
function runbookTargets(content: string): string[] {
  return [...content.matchAll(/docs\/runbooks\/[A-Za-z0-9._-]+\.md/g)].map((m) => m[0]);
}

describe('links resolve to files in the repository', () => {
  it('the link extractor finds relative links and ignores URLs, anchors and code', () => {
    expect(
      relativeLinks(
        '[a](x.md) [b](https://e.org/y.md) [c](#top) `[d](no.md)` [e](../f.md#sec "t")\n```\n[g](h.md)\n```',
      ),
    ).toEqual(['x.md', '../f.md']);
  });

  it('every runbook link in the generated rules and dashboards exists', () => {
    const targets = [...generatedFiles().values()].flatMap(runbookTargets);
    expect(targets.length).toBeGreaterThan(0);
    const missing = [...new Set(targets)].filter((t) => !existsSync(join(REPO, t)));
    expect(missing).toEqual([]);
  });

  it('every runbook is linked from an alert or the index (no orphans)', () => {
    // AWS-side CloudWatch alarms link theirs from the generated docs/alarms.md (stacks/alarm-table.ts).
    const cloudwatch = [
      ...readFileSync(join(REPO, 'docs/alarms.md'), 'utf8').matchAll(/\(runbooks\/([\w.-]+\.md)\)/g),
    ].map((m) => `docs/runbooks/${m[1]}`);
    const linked = new Set([...[...generatedFiles().values()].flatMap(runbookTargets), ...cloudwatch]);
    const index = readFileSync(join(REPO, 'docs/runbooks/README.md'), 'utf8');
    const orphans = readdirSync(join(REPO, 'docs/runbooks'))
      .filter((f) => f.endsWith('.md') && f !== 'README.md')
      .filter((f) => !linked.has(`docs/runbooks/${f}`) || !index.includes(`(${f})`));
    expect(orphans).toEqual([]);
  });

  const docs = markdownFiles(join(REPO, 'docs'));
  for (const file of docs) {
    it(`links in ${relative(REPO, file)}`, () => {
      const broken = relativeLinks(readFileSync(file, 'utf8')).filter((target) => {
        const path = resolve(dirname(file), target);
        return (
          !path.startsWith(REPO) ||
          !existsSync(path) ||
          !(statSync(path).isFile() || statSync(path).isDirectory())
        );
      });
      expect(broken).toEqual([]);
    });
  }
});
