#!/bin/sh
# bench/index.sh: indexing throughput of fouine-index, side by side with a
# plain FTS5 load of the same parsed text.
#
#     bench/index.sh [-b BUILD_DIR] [-r ROUNDS] [DIR [EXTRA]]
#
# DIR (default: ../shared/corpus/orangesum-2016-2019 next to the source
# tree) is indexed ROUNDS times (default 2) by each of:
#   french  fouine-index as shipped: the French analyzer ("french" FTS5
#           tokenizer, one token a word, and the lexicon of their forms);
#   plain   the same program, pipeline, schema and transactions, with FTS5's
#           own tokenizer "unicode61 remove_diacritics 2" (the hidden option
#           --plain-tokenizer): the baseline;
# alternately, so that both see the same machine.  Then, with the French
# analyzer: a re-run that finds nothing changed, and a run over DIR and
# EXTRA together (default: DIR.jsonl, the same articles as JSON Lines) to
# show that peak memory stays flat when the corpus doubles.
#
# Reports wall time (best of the rounds), CPU time (user + system, both
# threads), CPU time of the writing thread (the critical path when the
# two cores are free), articles/s, MB/s of input, peak RSS (GNU time),
# index size, and the ratios french/plain.  BUILD_DIR must hold a Release
# build (default: build/, as `make` builds it).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
src=$(dirname "$here")
build="$src/build"
rounds=2
bench_options "[-b BUILD_DIR] [-r ROUNDS] [DIR [EXTRA]]" "$@"
shift $((OPTIND - 1))
dir=${1:-"$src/../shared/corpus/orangesum-2016-2019"}
extra=${2:-"$dir.jsonl"}
index="$build/fouine-index"

bench_need "$index"
if [ ! -d "$dir" ]; then
    echo "$0: $dir: no such directory (give one)" >&2
    exit 2
fi

tmp=$(mktemp -d /tmp/fouine-bench-index.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

# sizes PATH: bytes of the input files under PATH
sizes() {
    find "$1" -type f \( -name '*.txt' -o -name '*.json' -o -name '*.jsonl' \) \
        -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'
}
bytes=$(sizes "$dir")
xbytes=0
if [ -e "$extra" ]; then
    xbytes=$(sizes "$extra")
fi

# run NAME DB ARGS...: index, then print
# "NAME wall_s articles rss_kb size user_s sys_s writer_cpu_s"
run() {
    name=$1 db=$2
    shift 2
    bench_index "$db" "$@"
    size=$(stat -c %s "$db")
    echo "$name $wall $arts $rss $size $user $sys ${writer:-0}"
}

echo "fouine-index benchmark: $(basename "$dir") ($bytes bytes; extra: $(basename "$extra"), $xbytes bytes), $rounds rounds"
echo "machine: $(nproc) cores, $(uname -sr), $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$tmp/results"
i=1
while [ "$i" -le "$rounds" ]; do
    rm -f "$tmp"/plain.db* "$tmp"/french.db*
    run plain "$tmp/plain.db" --plain-tokenizer "$dir" >>"$tmp/results"
    run french "$tmp/french.db" "$dir" >>"$tmp/results"
    i=$((i + 1))
done
run rerun "$tmp/french.db" "$dir" >>"$tmp/results"
if [ -e "$extra" ]; then
    rm -f "$tmp"/double.db*
    run double "$tmp/double.db" "$dir" "$extra" >>"$tmp/results"
fi

report() {
awk -v bytes="$bytes" -v xbytes="$xbytes" '
function mb(x) { return x / 1048576 }
function ratio(x, y) { if (y > 0) return x / y; return 0 }
{
    n[$1]++
    # keep the best (lowest) wall time of each configuration
    if (!($1 in t) || $2 < t[$1]) { t[$1] = $2; a[$1] = $3; r[$1] = $4; s[$1] = $5 }
    if (!($1 in cpu) || $6 + $7 < cpu[$1]) cpu[$1] = $6 + $7
    if (!($1 in wcpu) || $8 < wcpu[$1]) wcpu[$1] = $8
}
END {
    printf "\n| run | wall s | CPU s | writer CPU s | articles | articles/s | MB/s | peak RSS MB | index MB |\n"
    printf "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
    split("plain french rerun double", order, " ")
    for (k = 1; k <= 4; k++) {
        c = order[k]
        if (!(c in t)) continue
        in_mb = (c == "double") ? mb(bytes + xbytes) : mb(bytes)
        rate = (t[c] > 0) ? a[c] / t[c] : 0
        speed = (t[c] > 0) ? in_mb / t[c] : 0
        printf "| %s | %.2f | %.2f | %.2f | %d | %.0f | %.1f | %.1f | %.1f |\n", c,
               t[c], cpu[c], wcpu[c], a[c], rate, speed, r[c] / 1024, mb(s[c])
    }
    printf "\nfrench / plain: wall time %.2fx (target <= 1.0), CPU time %.2fx, writer CPU %.2fx, index size %.2fx (target <= 1.3)\n",
           ratio(t["french"], t["plain"]), ratio(cpu["french"], cpu["plain"]),
           ratio(wcpu["french"], wcpu["plain"]), ratio(s["french"], s["plain"])
    printf "peak RSS: %.1f MB (target < 150)", r["french"] / 1024
    if ("double" in r)
        printf "; corpus doubled: %.1f MB (%.2fx)", r["double"] / 1024, ratio(r["double"], r["french"])
    printf "\nno-change re-run: %.2f s = %.1f%% of a full run\n", t["rerun"],
           100 * ratio(t["rerun"], t["french"])
}' "$1"
}
report "$tmp/results"
