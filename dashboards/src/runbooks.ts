/**
 * Runbook links. Alerts carry a repo-relative path to the Markdown file so the link survives
 * forks and renames of the hosting repository; the link-check test resolves every one to a file.
 */
export const RUNBOOK_DIR = 'docs/runbooks';

export function runbookUrl(name: string): string {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) {
    throw new Error(`runbook name must be kebab-case: ${name}`);
  }
  return `${RUNBOOK_DIR}/${name}.md`;
}
