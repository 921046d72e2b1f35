#!/bin/sh
# `make demo`: start the local fixture server, fetch a small sample list
# in both modes, show the records, stop the server.
set -eu
cd "$(dirname "$0")/.."
line=$(tests/server/fixture --daemon)
eval "$line"
trap 'kill "$FIXTURE_PID" 2>/dev/null || true' EXIT INT TERM
B=http://127.0.0.1:$FIXTURE_PORT
list=$(mktemp)
cat >"$list" <<LIST
# a sample list: comments and blank lines are skipped
$B/delay/300/slow
$B/json/fast
$B/status/404

{"url": "$B/echo", "method": "POST", "body": {"hello": "volley"}, "id": "req-1"}
$B/redirect/2
not a url
LIST
echo "== the list"
cat "$list"
echo
echo "== volley -m gather (default): records in input order"
./volley -L -i "$list" | cut -c1-160 || true
echo
echo "== volley -m as-completed --body none: records as they finish"
./volley -m as-completed --body none -L -i "$list" | cut -c1-160 || echo "(exit status $?: some records are not ok)"
echo
echo "== a summary with jq"
./volley -L --body none -i "$list" | jq -r '[.index, .status, (.error.kind // "ok"), .url] | @tsv' || true
rm -f "$list"
