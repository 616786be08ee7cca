# Renders `make help`: targets annotated `## text`, grouped under the nearest `##@ Group`
# header, groups printed in the phase order below whatever file they are defined in.
BEGIN {
  FS = ":.*## "
  split("Setup,Local,Infrastructure phases,Day 1,Day 2,Day 3,Drills,Quality", order, ",")
}
/^##@ / { group = substr($0, 5); next }
/^[a-zA-Z0-9_.-]+:.*## / {
  if (!(group in rows)) groups[++n] = group
  rows[group] = rows[group] sprintf("  \033[36m%-22s\033[0m %s\n", $1, $2)
}
END {
  for (i = 1; i in order; i++) if (order[i] in rows) { printf "\n%s\n%s", order[i], rows[order[i]]; done[order[i]] = 1 }
  for (i = 1; i <= n; i++) if (!(groups[i] in done)) printf "\n%s\n%s", groups[i], rows[groups[i]]
}
