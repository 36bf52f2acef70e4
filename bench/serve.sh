#!/bin/sh
# Benchmark of fouine-serve: wrk against GET /api/search, the queries
# rotating through a file of 1 to 4 words drawn from the titles of the
# articles (a third of them without accents), at 1 connection and then at
# 16, side by side in the same run, on the index of the 22,026 articles of
# the shared corpus.  Reports requests/s, p50, p99 and errors, and the ratio
# of the two request rates.
#
#   bench/serve.sh [BUILD_DIR] [SHARED_DIR] [SECONDS]
#
# BUILD_DIR (default: build) holds a release build (fouine-index and
# fouine-serve); SHARED_DIR defaults to ../shared beside the source tree.
# Needs wrk and sqlite3 (scripts/install-deps --with-bench).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
shared=${2:-$here/../../shared}
seconds=${3:-10}
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

# Warm the page cache and the connections' caches.
wrk -t1 -c2 -d2s -s "$here/serve.lua" "$url" -- "$queries" >/dev/null

# CPU time of the server in clock ticks (user + system).
ticks() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }
hz=$(getconf CLK_TCK)
run() {
    t0=$(ticks)
    r=$(wrk -t"$1" -c"$2" -d"${seconds}s" -s "$here/serve.lua" "$url" -- "$queries" |
        sed -n 's/^RESULT //p')
    t1=$(ticks)
    echo "$r cpu_s=$(awk -v t="$((t1 - t0))" -v hz="$hz" 'BEGIN { printf "%.2f", t / hz }')"
}
echo "== load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
one=$(run 1 1)
sixteen=$(run 2 16)
kill $server
wait $server 2>/dev/null || true
trap - EXIT

field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
printf '%-12s %10s %8s %8s %8s %7s %14s\n' connections "requests/s" "p50 ms" \
    "p99 ms" "max ms" errors "server CPU/s"
for c in 1 16; do
    if [ $c = 1 ]; then r=$one; else r=$sixteen; fi
    printf '%-12s %10s %8s %8s %8s %7s %14s\n' $c "$(field "$r" rps)" \
        "$(field "$r" p50_ms)" "$(field "$r" p99_ms)" "$(field "$r" max_ms)" \
        "$(($(field "$r" errors) + $(field "$r" non200)))" \
        "$(awk -v c="$(field "$r" cpu_s)" -v s="$(field "$r" seconds)" 'BEGIN { printf "%.2f", c / s }')"
done
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v a="$(field "$one" rps)" -v b="$(field "$sixteen" rps)" \
    'BEGIN { printf "ratio 16/1 connections: %.2fx requests/s\n", b / a }'
