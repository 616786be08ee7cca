#!/usr/bin/env bash
# The production deploy history, kept as GitHub deployments (version = image tag = commit SHA,
# actor, time, result in the statuses, link to the run) plus a Release per successful deploy.
# deploy.yml and rollback.yml call it; docs/delivery.md "The history".
# Needs: gh, jq, GH_TOKEN, GITHUB_REPOSITORY; GITHUB_SERVER_URL and GITHUB_RUN_ID for the log link.
set -euo pipefail

usage() {
  echo "usage: $0 start <sha> | finish <id> <success|failure> <url> | last-success <current-sha> | rollback-tag [sha] | release <sha>" >&2
  exit 2
}
ENVIRONMENT=production
repo() { echo "${GITHUB_REPOSITORY:?GITHUB_REPOSITORY (owner/name) is required}"; }
log_url() { echo "${GITHUB_SERVER_URL:-https://github.com}/$(repo)/actions/runs/${GITHUB_RUN_ID:-0}"; }
is_sha() { [[ $1 =~ ^[0-9a-f]{40}$ ]]; }
post() { gh api --method POST "$1" --input -; } # JSON body on stdin

# Versions of the successful production deployments, newest first (a deployment's newest status
# decides its result; GitHub lists both deployments and statuses newest first).
successful_versions() {
  local id version state
  gh api "repos/$(repo)/deployments?environment=$ENVIRONMENT&per_page=100" |
    jq -r '.[] | "\(.id) \(.payload.version // .sha)"' |
    while read -r id version; do
      state=$(gh api "repos/$(repo)/deployments/$id/statuses?per_page=1" | jq -r '.[0].state // "none"')
      if [[ $state == success ]]; then echo "$version"; fi
    done
}

cmd=${1:-}
case "$cmd" in
  start)
    [[ $# -eq 2 ]] || usage
    # required_contexts=[]: a rollback deploys an older commit whose checks GitHub would re-demand.
    id=$(jq -n --arg sha "$2" --arg env "$ENVIRONMENT" \
      '{ref: $sha, environment: $env, auto_merge: false, required_contexts: [], production_environment: true,
        payload: {version: $sha}, description: "taskboard \($sha[0:12])"}' |
      post "repos/$(repo)/deployments" | jq -r '.id')
    jq -n --arg log "$(log_url)" '{state: "in_progress", log_url: $log}' |
      post "repos/$(repo)/deployments/$id/statuses" >/dev/null
    echo "$id"
    ;;
  finish)
    [[ $# -eq 4 && $3 =~ ^(success|failure)$ ]] || usage
    jq -n --arg state "$3" --arg url "$4" --arg log "$(log_url)" \
      '{state: $state, environment_url: $url, log_url: $log}' |
      post "repos/$(repo)/deployments/$2/statuses" >/dev/null
    ;;
  last-success)
    [[ $# -eq 2 ]] || usage
    tag=$(successful_versions | grep -vxF "$2" | head -n 1 || true)
    [[ -n $tag ]] || { echo "deployments: no successful $ENVIRONMENT deployment other than $2" >&2; exit 1; }
    echo "$tag"
    ;;
  rollback-tag)
    [[ $# -le 2 ]] || usage
    wanted=${2:-}
    if [[ -n $wanted ]]; then
      # Only a commit SHA is an image tag CI pushed (ECR tags are the commit SHAs).
      is_sha "$wanted" || { echo "deployments: tag '$wanted' is not a 40-hex commit SHA" >&2; exit 1; }
      echo "$wanted"
      exit 0
    fi
    # The newest success is what runs now; the one before it (another version) is the target.
    mapfile -t versions < <(successful_versions)
    for v in "${versions[@]:1}"; do
      if [[ $v != "${versions[0]}" ]]; then echo "$v"; exit 0; fi
    done
    echo "deployments: no successful $ENVIRONMENT deployment before the current one" >&2
    exit 1
    ;;
  release)
    [[ $# -eq 2 ]] || usage
    # Date and minute in the tag: the same commit may be deployed again later (after a rollback).
    tag="deploy-$(date -u +%Y%m%d-%H%M)-${2:0:12}"
    jq -n --arg tag "$tag" --arg sha "$2" --arg log "$(log_url)" \
      '{tag_name: $tag, target_commitish: $sha, name: $tag,
        body: "Deployed \($sha) to production. Run: \($log)"}' |
      post "repos/$(repo)/releases" | jq -r '.html_url'
    ;;
  *) usage ;;
esac
