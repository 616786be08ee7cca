#!/usr/bin/env bash
# Manual snapshot of an environment's database before a deploy applies anything, waited for, so a
# failed migration can be undone from it (deploy.yml via `make rds-snapshot`). The identifier is
# read from the synthesized data stack (`make synth`), so it is always the name the stack gives:
# taskboard-<env>-postgres (RDS instance) or taskboard-<env>-aurora (Aurora cluster).
# Prints the snapshot id on stdout.
set -euo pipefail

[[ $# -eq 2 ]] || { echo "usage: $0 <env> <label (e.g. the commit SHA)>" >&2; exit 2; }
env=$1 label=$2
stack="${CDKTF_OUT:-cdktf.out}/stacks/$env-data/cdk.tf.json"
[[ -f $stack ]] || { echo "rds-snapshot: $stack missing (run make synth)" >&2; exit 1; }

instance=$(jq -r '[.resource.aws_db_instance // {} | .[].identifier] | first // empty' "$stack")
cluster=$(jq -r '[.resource.aws_rds_cluster // {} | .[].cluster_identifier] | first // empty' "$stack")
db=${instance:-$cluster}
[[ -n $db ]] || { echo "rds-snapshot: no aws_db_instance or aws_rds_cluster in $stack" >&2; exit 1; }

# Snapshot ids: letters, digits and single hyphens only, so the label is reduced to that.
label12=$(echo "${label:0:12}" | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '-')
snapshot="${db%-*}-predeploy-$label12-$(date -u +%Y%m%d%H%M%S)"
snapshot=$(echo "$snapshot" | tr -s '-')

echo "rds-snapshot: $db -> $snapshot (waiting until available)" >&2
if [[ -n $instance ]]; then
  aws rds create-db-snapshot --db-instance-identifier "$db" --db-snapshot-identifier "$snapshot" >/dev/null
  aws rds wait db-snapshot-available --db-snapshot-identifier "$snapshot"
else
  aws rds create-db-cluster-snapshot --db-cluster-identifier "$db" --db-cluster-snapshot-identifier "$snapshot" >/dev/null
  aws rds wait db-cluster-snapshot-available --db-cluster-snapshot-identifier "$snapshot"
fi
echo "$snapshot"
