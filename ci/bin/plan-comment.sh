#!/usr/bin/env bash
# One pull-request comment holding every plan (`make plan-ci` writes <env>-<stack>.txt), edited in
# place on every push: it is found by a hidden marker, so the PR does not fill up with plans.
# Needs: gh, jq, GH_TOKEN, GITHUB_REPOSITORY, PR_NUMBER.
set -euo pipefail

[[ $# -eq 1 ]] || { echo "usage: $0 <plan dir>" >&2; exit 2; }
dir=$1
repo=${GITHUB_REPOSITORY:?GITHUB_REPOSITORY (owner/name) is required}
pr=${PR_NUMBER:?PR_NUMBER is required}
MARKER='<!-- taskboard-plan -->'
LIMIT=65536 # GitHub refuses a comment body longer than this (characters)
export LC_ALL=C.UTF-8 # ${#x} and ${x:0:n} count characters, as GitHub does

shopt -s nullglob
files=("$dir"/*.txt)
[[ ${#files[@]} -gt 0 ]] || { echo "plan-comment: no plan files in $dir" >&2; exit 1; }

header="$MARKER
### \`cdktf plan\` ($(git rev-parse --short HEAD 2>/dev/null || echo '?'))
"
plans=()
for f in "${files[@]}"; do plans+=("$(sed 's/\x1b\[[0-9;]*m//g' "$f")"); done # colours would show as garbage
# Plans under an equal share of the room stay whole; the long ones split what they leave over.
room=$((LIMIT - ${#header} - 300 * ${#files[@]}))
share=$((room / ${#files[@]})) long=0
for p in "${plans[@]}"; do if ((${#p} <= share)); then room=$((room - ${#p})); else long=$((long + 1)); fi; done
budget=$((long > 0 ? room / long : room))
body=$header
for i in "${!files[@]}"; do
  f=${files[$i]} plan=${plans[$i]}
  name=$(basename "$f" .txt)
  status=ok
  grep -q '^plan-ci: failed' "$f" && status=FAILED
  note=''
  if ((${#plan} > budget)); then
    note="
_Truncated: first $budget of ${#plan} characters (GitHub's comment limit); the full plan is in the job log._"
    plan=${plan:0:budget}
  fi
  body+="
<details><summary>$name: $status</summary>

\`\`\`
$plan
\`\`\`
$note
</details>
"
done

existing=$(gh api --paginate "repos/$repo/issues/$pr/comments?per_page=100" |
  jq -rs --arg m "$MARKER" 'add // [] | map(select(.body | startswith($m))) | first | .id // empty')
if [[ -n $existing ]]; then
  jq -n --arg body "$body" '{body: $body}' |
    gh api --method PATCH "repos/$repo/issues/comments/$existing" --input - >/dev/null
  echo "plan-comment: updated comment $existing (${#files[@]} plans, ${#body} characters)"
else
  jq -n --arg body "$body" '{body: $body}' |
    gh api --method POST "repos/$repo/issues/$pr/comments" --input - >/dev/null
  echo "plan-comment: created the comment (${#files[@]} plans, ${#body} characters)"
fi
