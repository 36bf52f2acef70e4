#!/bin/sh
# Benchmark of fouine-serve: wrk against GET /api/search, the queries
# rotating through a file of 1 to 4 words drawn from the titles of the
# articles (a third of them without accents), on persistent connections
# (HTTP/1.1 keep-alive: each connection sends request after request), at 1
# connection and then at 16, and, as the baseline, at 16 connections that
# each carry one request ("Connection: close": a new connection a request,
# as before fouine-serve kept them), side by side in the same run, on the
# index of the 22,026 articles of the shared corpus.  Reports requests/s,
# p50, p99 and errors, and the ratios of the request rates.
#
#   bench/serve.sh [BUILD_DIR] [SHARED_DIR] [SECONDS] [ROUNDS]
#
# BUILD_DIR (default: build) holds a release build (fouine-index and
# fouine-serve); SHARED_DIR defaults to ../shared beside the source tree;
# each of ROUNDS (3) rounds runs wrk SECONDS (5) at 1, then 16 connections.
# Needs wrk and sqlite3 (scripts/install-deps --with-bench).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
shared=${2:-$here/../../shared}
seconds=${3:-5}
rounds=${4:-3}
corpus=$shared/corpus/orangesum-2016-2019
threads=$(nproc 2>/dev/null || echo 2)

if [ ! -d "$corpus" ]; then
    echo "bench/serve.sh: skipped: $corpus is absent (the shared corpus)"
    exit 77
fi
for tool in wrk sqlite3; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "bench/serve.sh: $tool is missing (scripts/install-deps --with-bench)" >&2
        exit 2
    fi
done
index=$build/bench-serve.db
queries=$build/bench-serve-queries.txt
log=$build/bench-serve.log

echo "== index of $corpus (incremental)"
"$build/fouine-index" -o "$index" "$corpus" | tail -1

# 1 to 4 words from titles in a fixed pseudo-random order, from the first
# word of 4 letters or more (a query of articles and prepositions alone,
# "Le", matches every article: a worst case of the search library, not of
# the server); every third query without accents.
sqlite3 "$index" "SELECT title FROM article ORDER BY (rowid * 7919) % 22037 LIMIT 600" |
    awk '{ gsub(/«|»|[:,?!".]/, " "); n = 1 + NR % 4; q = ""; s = 1;
           while (s <= NF && length($s) < 4) s++;
           for (i = s; i <= NF && i < s + n; i++) q = q (i > s ? " " : "") $i;
           if (q != "") print q }' >"$queries.tmp"
awk 'NR % 3 != 0' "$queries.tmp" >"$queries"
awk 'NR % 3 == 0' "$queries.tmp" | LC_ALL=C.UTF-8 iconv -f UTF-8 -t ASCII//TRANSLIT -c >>"$queries"
rm -f "$queries.tmp"
echo "== $(wc -l <"$queries") queries, e.g.: $(head -3 "$queries" | tr '\n' '|')"

rm -f "$log"
"$build/fouine-serve" -i "$index" --listen 127.0.0.1:0 --threads "$threads" --quiet 2>"$log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
port=""
for _ in $(seq 1 100); do
    port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' "$log" 2>/dev/null || true)
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { cat "$log" >&2; exit 1; }
url=http://127.0.0.1:$port
echo "== fouine-serve --threads $threads on $url; $(nproc) CPUs; wrk $seconds s a run"
# The connections must be persistent, or wrk would measure new connections.
reused=$(curl -s -o /dev/null -o /dev/null -w '%{num_connects} ' "$url/api/health" "$url/api/health")
if [ "$reused" != "1 0 " ]; then
    echo "bench/serve.sh: fouine-serve did not keep the connection (curl connects: $reused)" >&2
    exit 1
fi
echo "== persistent connections: checked (two requests, one connection)"

# Warm the page cache and the connections' caches.
wrk -t1 -c2 -d2s -s "$here/serve.lua" "$url" -- "$queries" >/dev/null

# CPU time of the server in clock ticks (user + system).
ticks() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }
hz=$(getconf CLK_TCK)
run() {
    t0=$(ticks)
    # $3: extra wrk arguments (the baseline's header), or nothing.
    # shellcheck disable=SC2086
    r=$(wrk -t"$1" -c"$2" -d"${seconds}s" ${3:-} -s "$here/serve.lua" "$url" -- "$queries" |
        sed -n 's/^RESULT //p')
    t1=$(ticks)
    echo "$r cpu_s=$(awk -v t="$((t1 - t0))" -v hz="$hz" 'BEGIN { printf "%.2f", t / hz }')"
}
echo "== load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
# Rounds of 1 then 16 connections, one after the other, so that both see
# the same machine (it is shared and noisy); the median round is reported.
: >"$build/bench-serve-rounds.txt"
for round in $(seq 1 "$rounds"); do
    one=$(run 1 1)
    sixteen=$(run 2 16)
    closing=$(run 2 16 "-H Connection:close")
    echo "$round 1 $one" >>"$build/bench-serve-rounds.txt"
    echo "$round 16 $sixteen" >>"$build/bench-serve-rounds.txt"
    echo "$round 16-close $closing" >>"$build/bench-serve-rounds.txt"
done
kill $server
wait $server 2>/dev/null || true
trap - EXIT

printf '%-6s %-12s %10s %8s %8s %8s %7s %12s\n' round connections "requests/s" \
    "p50 ms" "p99 ms" "max ms" errors "server CPUs"
awk '{ for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
       printf "%-6s %-12s %10.1f %8.2f %8.2f %8.2f %7d %12.2f\n", $1, $2,
              v["rps"], v["p50_ms"], v["p99_ms"], v["max_ms"],
              v["errors"] + v["non200"], v["cpu_s"] / v["seconds"] }' \
    "$build/bench-serve-rounds.txt"
# The median of each figure over the rounds, and of the ratio of rates.
awk '{ for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
       n[$2]++; rps[$2, n[$2]] = v["rps"]; p50[$2, n[$2]] = v["p50_ms"];
       p99[$2, n[$2]] = v["p99_ms"]; err[$2] += v["errors"] + v["non200"] }
     function median(a, c, k,    i, j, t, x) {
         for (i = 1; i <= n[c]; i++) x[i] = a[c, i];
         for (i = 1; i <= n[c]; i++) for (j = i + 1; j <= n[c]; j++)
             if (x[j] < x[i]) { t = x[i]; x[i] = x[j]; x[j] = t }
         return x[int((n[c] + 1) / 2)] }
     END {
         for (i = 1; i <= n[1]; i++) {
             ratio[0, i] = rps[16, i] / rps[1, i];
             ratio[-1, i] = rps[16, i] / rps["16-close", i];
         }
         n[0] = n[1]; n[-1] = n[1]
         printf "median      1 connection: %.1f requests/s, p50 %.2f ms, p99 %.2f ms\n",
                median(rps, 1), median(p50, 1), median(p99, 1)
         printf "median    16 connections: %.1f requests/s, p50 %.2f ms, p99 %.2f ms\n",
                median(rps, 16), median(p50, 16), median(p99, 16)
         printf "median 16, one request a connection: %.1f requests/s, p50 %.2f ms, p99 %.2f ms\n",
                median(rps, "16-close"), median(p50, "16-close"), median(p99, "16-close")
         printf "median ratio 16/1 connections: %.2fx requests/s; keep-alive/one request a connection at 16: %.2fx; errors: %d\n",
                median(ratio, 0), median(ratio, -1), err[1] + err[16] + err["16-close"] }' "$build/bench-serve-rounds.txt"
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
