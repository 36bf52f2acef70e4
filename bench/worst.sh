#!/bin/sh
# Benchmark of the worst searches fouine-serve takes: queries of up to
# 1 KB (its limit) made to cost the most (one-letter and two-letter
# prefixes, phrases of stop words, frequent words OR-ed, a pasted
# paragraph...), on the index of the 22,026 articles of the shared corpus.
# Reports, for each query, the CPU time the server spends on it (the
# server's own CPU time, from /proc, over requests sent one at a time,
# divided by their number) and what its answer says (total, truncated_by);
# then the time /api/health takes to answer while 4 clients send the worst
# query over and over to a server of 2 threads (50 requests, p50, p95 and
# the longest; as many as a minute allows, if fewer).
#
#   [BASELINE=OTHER/fouine-serve] bench/worst.sh [BUILD_DIR] [SHARED_DIR] [ROUNDS]
#
# BUILD_DIR (default: build) holds a release build (fouine-index and
# fouine-serve); SHARED_DIR defaults to ../shared beside the source tree;
# each query is sent ROUNDS (3) times or more, until the server has spent
# half a second on it (at most 200 times).  With BASELINE, another fouine-serve
# (a build of an earlier commit) is measured the same way on the same
# index, side by side.  Needs curl.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
shared=${2:-$here/../../shared}
rounds=${3:-3}
corpus=$shared/corpus/orangesum-2016-2019.jsonl
tick=$(getconf CLK_TCK)

if [ ! -f "$corpus" ]; then
    echo "bench/worst.sh: skipped: $corpus is absent (the shared corpus)"
    exit 77
fi
if ! command -v curl >/dev/null 2>&1; then
    echo "bench/worst.sh: curl is missing (scripts/install-deps)" >&2
    exit 2
fi
index=$build/bench-worst.db
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fouine-worst-XXXXXX")
pids=
cleanup() {
    for p in $pids; do
        kill "$p" 2>/dev/null || true
    done
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

echo "== index of $corpus (incremental)"
"$build/fouine-index" -o "$index" "$corpus" | tail -1

# The queries, one a file, each cut to 1024 bytes at a word's end.
cut_kb() {
    LC_ALL=C awk 'BEGIN { RS = "\001" } { s = $0; gsub(/\n/, " ", s);
        if (length(s) > 1024) { s = substr(s, 1, 1024); sub(/ [^ ]*$/, "", s) }
        printf "%s", s }'
}
letters="a b c d e f g h i j k l m n o p q r s t u v w x y z"
stops="le la les de des du un une"
words="france paris gouvernement président ministre euros ville police"
for i in 1 2 3 4 5; do for l in $letters; do printf '%s* OR ' "$l"; done; done |
    cut_kb >"$tmp/q-letters"
for a in p c m s d; do for b in a e i o u r; do printf '%s%s* OR ' "$a" "$b"; done; done |
    cut_kb >"$tmp/q-prefixes"
for a in $stops; do for b in $stops; do for c in $stops; do
    [ "$a" != "$b" ] && [ "$b" != "$c" ] && printf '"%s %s %s" OR ' "$a" "$b" "$c"
done; done; done | cut_kb >"$tmp/q-stop-phrases"
for a in $stops; do for b in $stops; do
    [ "$a" != "$b" ] && printf '"%s %s paris" OR ' "$a" "$b"
done; done | cut_kb >"$tmp/q-mixed-phrases"
for a in $words; do for b in $words; do
    [ "$a" != "$b" ] && printf '"%s %s" OR ' "$a" "$b"
done; done | cut_kb >"$tmp/q-word-phrases"
for i in 1 2 3 4 5 6; do for w in $words santé travail école prix semaine monde; do
    printf '%s%s OR ' "$w" "$i"; printf '%s OR ' "$w"
done; done | cut_kb >"$tmp/q-words-or"
for i in 1 2 3 4 5; do
    printf "Le gouvernement a annoncé mardi une série de mesures pour soutenir les entreprises touchées par la crise, alors que le président de la République doit s'exprimer devant les maires des grandes villes de France sur les transports et la santé publique dans les hôpitaux du pays. "
done | cut_kb >"$tmp/q-paragraph"
prev=monde
for w in $words santé travail école prix semaine monde; do
    printf '(%s OR -%s (%s OR titre:(%s -%s))) ' "$w" "$prev" "$prev" "$w" "$prev"
    prev=$w
done | cut_kb >"$tmp/q-groups"
printf 'sécurité des hôpitaux' >"$tmp/q-plain"
worst=$tmp/q-letters

cpu_of() { # the CPU time of process $1 so far, in clock ticks
    awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# Start a fouine-serve ($1) on the index with 2 threads; sets port, pid.
start() {
    "$1" -i "$index" --listen 127.0.0.1:0 --threads 2 --quiet 2>"$tmp/serve.log" &
    pid=$!
    pids="$pids $pid"
    port=
    n=0
    while [ -z "$port" ] && [ $n -lt 100 ]; do
        sleep 0.1
        port=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\)\/.*/\1/p' "$tmp/serve.log")
        n=$((n + 1))
    done
    [ -n "$port" ] || { cat "$tmp/serve.log" >&2; exit 2; }
}

search() { # $1 query file, $2 output
    curl -s -G -o "$2" --data-urlencode "q@$1" "http://127.0.0.1:$port/api/search"
}

measure() { # $1 the server, $2 its name
    start "$1"
    echo "== $2: CPU of each query (ms, mean of $rounds requests or more), total, truncated_by"
    for q in "$tmp"/q-*; do
        search "$q" "$tmp/answer" # warm up
        before=$(cpu_of "$pid")
        after=$before
        r=0
        # ROUNDS at least, and half a second of CPU (the clock counts
        # ticks of 10 ms), up to 200 requests.
        while [ $r -lt "$rounds" ] ||
            { [ $((after - before)) -lt $((tick / 2)) ] && [ $r -lt 200 ]; }; do
            search "$q" "$tmp/answer"
            r=$((r + 1))
            after=$(cpu_of "$pid")
        done
        total=$(sed -n 's/.*"total":\([0-9]*\).*/\1/p' "$tmp/answer")
        cut=$(sed -n 's/.*"truncated_by":\(\[[^]]*\]\).*/\1/p' "$tmp/answer")
        printf '%-16s %6s ms  total %-6s %s (%s bytes)\n' "${q##*/q-}" \
            "$(awk -v t="$((after - before))" -v hz="$tick" -v r="$r" \
                'BEGIN { printf "%.0f", t * 1000 / hz / r }')" \
            "${total:--}" "${cut:--}" "$(wc -c <"$q")"
    done
    echo "== $2: /api/health while 4 clients send q-${worst##*/q-} on 2 threads"
    : >"$tmp/stop"
    for c in 1 2 3 4; do
        (while [ -f "$tmp/stop" ]; do search "$worst" /dev/null; done) &
        pids="$pids $!"
    done
    sleep 1
    i=0
    end=$(($(date +%s) + 60))
    # 50 requests, or as many as a minute allows.
    while [ $i -lt 50 ] && [ "$(date +%s)" -lt $end ]; do
        curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port/api/health"
        sleep 0.1
        i=$((i + 1))
    done | sort -n | awk '{ t[NR] = $1 * 1000 } END {
        p50 = int((NR + 1) / 2); p95 = int(NR * 0.95 + 0.5)
        if (p95 < 1) p95 = 1
        printf "health: p50 %.1f ms, p95 %.1f ms, max %.1f ms (%d requests)\n",
               t[p50], t[p95], t[NR], NR }'
    rm -f "$tmp/stop"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
}

measure "$build/fouine-serve" "fouine-serve"
if [ -n "${BASELINE:-}" ]; then
    measure "$BASELINE" "baseline $BASELINE"
fi
