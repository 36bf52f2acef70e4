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
#   [BASELINE=OTHER/fouine-serve] bench/serve.sh [BUILD_DIR] [SHARED_DIR] [SECONDS] [ROUNDS]
#
# BUILD_DIR (default: build) holds a release build (fouine-index and
# fouine-serve); SHARED_DIR defaults to ../shared beside the source tree;
# each of ROUNDS (3) rounds runs wrk SECONDS (5) at 1, then 16 connections,
# then 16 one request a connection.  With BASELINE, another fouine-serve
# (a build of an earlier commit) serves the same index beside it, and each
# round also runs 1 and 16 connections against it ("base-1", "base-16").
# With SERVE_LOG=1, both servers write their access log (into their log
# files in BUILD_DIR) instead of running --quiet.
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

# Start the fouine-serve $1 with its log in $2; sets pid and url.
quiet=--quiet
[ "${SERVE_LOG:-0}" = 1 ] && quiet=""
start_server() {
    rm -f "$2"
    # shellcheck disable=SC2086
    "$1" -i "$index" --listen 127.0.0.1:0 --threads "$threads" $quiet 2>"$2" &
    pid=$!
    port=""
    for _ in $(seq 1 100); do
        port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' "$2" 2>/dev/null || true)
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$2" >&2; exit 1; }
    url=http://127.0.0.1:$port
}
start_server "$build/fouine-serve" "$log"
server=$pid
server_url=$url
base=""
base_url=""
trap 'kill $server $base 2>/dev/null || true' EXIT
if [ -n "${BASELINE:-}" ]; then
    start_server "$BASELINE" "$log.base"
    base=$pid
    base_url=$url
    echo "== baseline: $BASELINE on $base_url"
fi
echo "== fouine-serve --threads $threads on $server_url; $(nproc) CPUs; wrk $seconds s a run"
# The connections must be persistent, or wrk would measure new connections.
reused=$(curl -s -o /dev/null -o /dev/null -w '%{num_connects} ' "$server_url/api/health" "$server_url/api/health")
if [ "$reused" != "1 0 " ]; then
    echo "bench/serve.sh: fouine-serve did not keep the connection (curl connects: $reused)" >&2
    exit 1
fi
echo "== persistent connections: checked (two requests, one connection)"

# Warm the page cache and the connections' caches.
for u in $server_url $base_url; do
    wrk -t1 -c2 -d2s -s "$here/serve.lua" "$u" -- "$queries" >/dev/null
done

# CPU time of a server ($1) in clock ticks (user + system).
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
# run PID URL THREADS CONNECTIONS [WRK ARGUMENTS]
run() {
    t0=$(ticks "$1")
    # $5: extra wrk arguments (the baseline's header), or nothing.
    # shellcheck disable=SC2086
    r=$(wrk -t"$3" -c"$4" -d"${seconds}s" ${5:-} -s "$here/serve.lua" "$2" -- "$queries" |
        sed -n 's/^RESULT //p')
    t1=$(ticks "$1")
    echo "$r cpu_s=$(awk -v t="$((t1 - t0))" -v hz="$hz" 'BEGIN { printf "%.2f", t / hz }')"
}
echo "== load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
# Rounds of every kind of run, one after the other, so that all see the
# same machine (it is shared and noisy); the median round is reported.
rounds_file=$build/bench-serve-rounds.txt
: >"$rounds_file"
for round in $(seq 1 "$rounds"); do
    echo "$round 1 $(run "$server" "$server_url" 1 1)" >>"$rounds_file"
    echo "$round 16 $(run "$server" "$server_url" 2 16)" >>"$rounds_file"
    echo "$round 16-close $(run "$server" "$server_url" 2 16 "-H Connection:close")" >>"$rounds_file"
    if [ -n "$base" ]; then
        echo "$round base-1 $(run "$base" "$base_url" 1 1)" >>"$rounds_file"
        echo "$round base-16 $(run "$base" "$base_url" 2 16)" >>"$rounds_file"
    fi
done
kill $server $base
wait $server $base 2>/dev/null || true
trap - EXIT

printf '%-6s %-12s %10s %8s %8s %8s %7s %12s\n' round connections "requests/s" \
    "p50 ms" "p99 ms" "max ms" errors "server CPUs"
awk '{ for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
       printf "%-6s %-12s %10.1f %8.2f %8.2f %8.2f %7d %12.2f\n", $1, $2,
              v["rps"], v["p50_ms"], v["p99_ms"], v["max_ms"],
              v["errors"] + v["non200"], v["cpu_s"] / v["seconds"] }' \
    "$rounds_file"
# The median of each figure over the rounds, and of the ratio of rates.
awk '{ for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
       n[$2]++; rps[$2, n[$2]] = v["rps"]; p50[$2, n[$2]] = v["p50_ms"];
       p99[$2, n[$2]] = v["p99_ms"]; err[$2] += v["errors"] + v["non200"] }
     function median(a, c, k,    i, j, t, x) {
         for (i = 1; i <= n[c]; i++) x[i] = a[c, i];
         for (i = 1; i <= n[c]; i++) for (j = i + 1; j <= n[c]; j++)
             if (x[j] < x[i]) { t = x[i]; x[i] = x[j]; x[j] = t }
         return x[int((n[c] + 1) / 2)] }
     function line(c, what) {
         printf "median %-28s %7.1f requests/s, p50 %.2f ms, p99 %.2f ms\n",
                what ":", median(rps, c), median(p50, c), median(p99, c) }
     function ratio(a, b, what,    i) {
         for (i = 1; i <= n[a]; i++) q[i] = rps[a, i] / rps[b, i];
         for (i = 1; i <= n[a]; i++) r["q", i] = q[i];
         n["q"] = n[a]
         printf "median ratio %s: %.2fx requests/s\n", what, median(r, "q") }
     END {
         line(1, "1 connection")
         line(16, "16 connections")
         line("16-close", "16, a request a connection")
         if (n["base-1"]) {
             line("base-1", "baseline, 1 connection")
             line("base-16", "baseline, 16 connections")
         }
         ratio(16, 1, "16/1 connections")
         ratio(16, "16-close", "keep-alive/a request a connection at 16")
         if (n["base-1"]) {
             ratio(1, "base-1", "fouine-serve/baseline at 1")
             ratio(16, "base-16", "fouine-serve/baseline at 16")
         }
         for (c in err) errors += err[c]
         printf "errors: %d\n", errors }' "$rounds_file"
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
