#!/usr/bin/env bash
# Dev's night pause (schedule.yml via `make dev-sleep` / `make dev-wake`): node groups to zero and
# the database stopped at night, back in the morning. Names and daytime sizes come from the
# synthesized dev stacks (`make synth`), so they cannot drift from what the stacks create.
# The control plane, NAT gateway and ElastiCache cannot be paused (docs/delivery.md).
set -euo pipefail

[[ $# -eq 1 && $1 =~ ^(sleep|wake)$ ]] || { echo "usage: $0 sleep|wake" >&2; exit 2; }
action=$1
out="${CDKTF_OUT:-cdktf.out}/stacks"
cluster_json="$out/dev-cluster/cdk.tf.json"
data_json="$out/dev-data/cdk.tf.json"
for f in "$cluster_json" "$data_json"; do
  [[ -f $f ]] || { echo "dev-schedule: $f missing (run make synth)" >&2; exit 1; }
done

cluster=$(jq -r '.resource.aws_eks_cluster | to_entries[0].value.name' "$cluster_json")
instance=$(jq -r '[.resource.aws_db_instance // {} | .[].identifier] | first // empty' "$data_json")
db_cluster=$(jq -r '[.resource.aws_rds_cluster // {} | .[].cluster_identifier] | first // empty' "$data_json")

# An already stopped/started database is not an error: the schedule may be run again by hand.
database() { # start|stop
  if [[ -n $instance ]]; then
    aws rds "$1-db-instance" --db-instance-identifier "$instance" >/dev/null ||
      echo "dev-schedule: $1 $instance refused (already in that state?)" >&2
  else
    aws rds "$1-db-cluster" --db-cluster-identifier "$db_cluster" >/dev/null ||
      echo "dev-schedule: $1 $db_cluster refused (already in that state?)" >&2
  fi
}

jq -r '.resource.aws_eks_node_group[] | "\(.node_group_name) \(.scaling_config.min_size) \(.scaling_config.desired_size) \(.scaling_config.max_size)"' \
  "$cluster_json" | while read -r group min desired max; do
  if [[ $action == sleep ]]; then min=0 desired=0; fi
  echo "dev-schedule: $cluster/$group min=$min desired=$desired max=$max"
  aws eks update-nodegroup-config --cluster-name "$cluster" --nodegroup-name "$group" \
    --scaling-config "minSize=$min,maxSize=$max,desiredSize=$desired" >/dev/null
done
if [[ $action == sleep ]]; then database stop; else database start; fi
echo "dev-schedule: $action done"
