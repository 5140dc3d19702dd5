# Filters that turn Terraform's and the sandbox's output into what scripts/demo.sh shows (source this file). They
# need awk, jq and curl.

# tf_summary [DROP_REGEX [NOTE]] < terraform output: keeps the diagnostics (title and text, without the source
# excerpts Terraform quotes), with JSON documents folded to one line, and the "Plan:", "No changes." and "Apply
# complete!" lines; drops the resource-by-resource plan, and the count of a plan that failed part-way. Diagnostics
# whose title matches DROP_REGEX are counted on one line, with NOTE, instead of shown.
tf_summary() {
  awk -v drop="${1:-^$}" -v note="${2:-}" '
    function flush_dropped() {
      for (t in dropped) { printf "(not shown: %d x \"%s\"%s)\n", dropped[t], t, (note == "" ? "" : ", " note); delete dropped[t] }
    }
    function emit(line) {
      if (line == "") { if (!blank && printed) { print ""; blank = 1 } ; return }
      print line; blank = 0; printed = 1
    }
    # A plan that then failed lists only what it planned before the problem: its count is left out.
    /^Terraform planned the following actions, but then encountered a problem/ { partial = 1 }
    /^Plan: / && partial { next }
    # Resource progress and the plan itself end a diagnostic.
    /^[^ ]+: (Reading|Read complete|Refreshing|Creating|Creation complete|Modifying|Modifications complete|Destroying|Destruction complete|Still)/ ||
    /^Terraform (used|will|planned)/ { in_diag = 0; next }
    /^Warning: Provider development overrides are in effect/ { in_diag = 1; skip = 1; next }
    /^(Error|Warning): / {
      title = substr($0, index($0, ":") + 2)
      skip = (title ~ drop)
      if (skip) { dropped[title]++; next }
      in_diag = 1; emit(""); emit($0); next
    }
    /^(Plan: |No changes\.|Apply complete!|Destroy complete!)/ { in_diag = 0; skip = 0; emit(""); emit($0); next }
    /^(Outputs:|Changes to Outputs:)/ { in_diag = 0; skip = 0; next }
    !in_diag || skip { next }
    # Source excerpts: "  with ADDR,", "  on FILE line N, in ...:", "  NN: code", and the expression values.
    /^  with .*,$/ || /^  on .* line [0-9]+/ || /^ *[0-9]+: / || /[├│╵╷]/ { next }
    json_indent != "" {
      json_lines++
      if ($0 == json_indent "}") { emit(json_indent "{ ... a JSON document of " json_lines " lines ... }"); json_indent = "" }
      next
    }
    /^ +\{$/ { json_indent = substr($0, 1, index($0, "{") - 1); json_lines = 1; next }
    { emit($0) }
    END { flush_dropped() }
  '
}

# health_table < `terraform output -json tunnel_health`: one row per tunnel (status, root cause, since when), then
# each root cause once, with the other issues its diagnosis weighed and its fix.
health_table() {
  jq -r '
    def ago: if . == null then "-" else
      ((now - (sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601)) / 60 | floor) as $m
      | if $m >= 60 then "\($m / 60 | floor)h \($m % 60)m ago" else "\($m)m ago" end end;
    (["TUNNEL", "STATUS", "ROOT CAUSE", "SINCE"] | @tsv),
    (to_entries[] | [.key, .value.status, (.value.cause // "-"), (.value.since | ago)] | @tsv),
    "",
    "Each root cause, what else its diagnosis weighed (symptoms, times logged), and the fix:",
    ([.[] | select(.cause != null)] | unique_by(.cause)[]
      | "  \(.cause) (\(.evidence[0].count)x): \([.evidence[1:][] | "\(.code) \(.count)x"] | join(", ") | if . == "" then "nothing else" else . end)",
        "    fix: \(.remediation)")
  ' | awk -F'\t' 'NF == 4 { printf "  %-36s %-9s %-24s %s\n", $1, $2, $3, $4; next } { print }'
}

# sandbox_stats: the sandbox's call counters, {"ec2": {"DescribeVpnConnections": N, ...}, ...}.
sandbox_stats() { curl -fsS "$AWS_ENDPOINT_URL/_sandbox/stats"; }

# sandbox_requests: the AWS calls the sandbox served, in order, [{"service": "ec2", "action": ..., ...}, ...].
sandbox_requests() { curl -fsS "$AWS_ENDPOINT_URL/_sandbox/requests"; }
