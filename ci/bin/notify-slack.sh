#!/usr/bin/env bash
# Posts a deploy/rollback result to Slack (incoming webhook). The JSON is built by jq, so quotes,
# newlines and backslashes in the text cannot break it. No webhook configured = no notification.
set -euo pipefail

[[ $# -eq 2 ]] || { echo "usage: $0 <result> <text>" >&2; exit 2; }
result=$1 text=$2
if [[ -z ${SLACK_WEBHOOK_URL:-} ]]; then
  echo "notify-slack: SLACK_WEBHOOK_URL is not set; skipped ($result: $text)"
  exit 0
fi
case "$result" in
  success) icon=':white_check_mark:' ;;
  cancelled | skipped) icon=':warning:' ;;
  *) icon=':x:' ;;
esac
run=''
if [[ -n ${GITHUB_RUN_ID:-} && -n ${GITHUB_REPOSITORY:-} ]]; then
  run="${GITHUB_SERVER_URL:-https://github.com}/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID"
fi
jq -n --arg icon "$icon" --arg result "$result" --arg text "$text" --arg run "$run" \
  '{text: ("\($icon) \($text): \($result)" + (if $run == "" then "" else " (<\($run)|run>)" end))}' |
  curl -fsS --retry 3 -X POST -H 'Content-Type: application/json' --data-binary @- "$SLACK_WEBHOOK_URL" >/dev/null
echo "notify-slack: sent ($result)"
