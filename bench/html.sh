#!/bin/sh
# bench/html.sh: the HTML reader on the sample of real pages.
#
#     bench/html.sh [-b BUILD_DIR] [-r ROUNDS] [DIR]
#
# DIR (default: ../shared/corpus/orangesum-html-sample next to the source
# tree) holds the pages and truth.jsonl.  First bench_html (accuracy, and
# CPU throughput of the reader side by side with libxml2 alone, ROUNDS
# rounds, default 5).  Then fouine-index indexes the pages 1, 10, 40 and 80
# times over (symbolic links to them in as many subdirectories: as many
# times more articles), each into a new index, under GNU time, and beside
# each run, as the baseline, the same articles as text files (the .txt of
# each page in ../orangesum-2016-2019 beside DIR, when it is there): wall
# time, CPU time and peak RSS of each run, and the ratios of the peaks.
# Memory grows until SQLite's page cache, the FTS5 hash and the queue
# between the threads are full (some thousands of articles), then stays
# flat.  BUILD_DIR must hold a Release build (default: build/, as `make`
# builds it).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
src=$(dirname "$here")
build="$src/build"
rounds=5
bench_options "[-b BUILD_DIR] [-r ROUNDS] [DIR]" "$@"
shift $((OPTIND - 1))
dir=${1:-"$src/../shared/corpus/orangesum-html-sample"}
build=$(cd "$build" && pwd)
index="$build/fouine-index"
bench="$build/bench/bench_html"

bench_need "$index" "$bench"
if [ ! -f "$dir/truth.jsonl" ]; then
    echo "$0: $dir: no truth.jsonl (give the sample's directory)" >&2
    exit 2
fi
dir=$(cd "$dir" && pwd)

tmp=$(mktemp -d /tmp/fouine-bench-html.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

echo "machine: $(nproc) cores, $(uname -sr), $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$bench" "$dir" -r "$rounds"

# The same articles as text files, for the baseline: the .txt of each page
# in the text corpus beside the sample (same number), when it is there.
corpus="$(dirname "$dir")/orangesum-2016-2019"
: >"$tmp/txt.list"
if [ -d "$corpus" ]; then
    for f in "$dir"/*.html; do
        n=$(basename "$f" .html)
        find "$corpus" -name "$n.txt" >>"$tmp/txt.list"
    done
fi
ls "$dir"/*.html >"$tmp/html.list"

# copies KIND N: a directory of N subdirectories of links to the files
copies() {
    mkdir "$tmp/$1$2"
    i=1
    while [ "$i" -le "$2" ]; do
        mkdir "$tmp/$1$2/$i"
        while read -r f; do
            ln -s "$f" "$tmp/$1$2/$i/"
        done <"$tmp/$1.list"
        i=$((i + 1))
    done
}

# run NAME PATH: index PATH into a new index, print
# "NAME articles wall_s user_s sys_s rss_kb"
run() {
    bench_index "$tmp/$1.db" "$2"
    echo "$1 $arts $wall $user $sys $rss"
}

: >"$tmp/results"
for n in 1 10 40 80; do
    copies html $n
    run "html-x$n" "$tmp/html$n" >>"$tmp/results"
    if [ -s "$tmp/txt.list" ]; then
        copies txt $n
        run "txt-x$n" "$tmp/txt$n" >>"$tmp/results"
    fi
done
echo
echo "fouine-index, the pages (html) and the same articles as text files (txt,"
echo "the baseline), 1, 10, 40 and 80 times over, each into a new index:"
awk '
{ cpu = $4 + $5; printf "  %-9s %6d articles  wall %6.2f s  CPU %6.2f s  peak RSS %6.1f MB\n", $1, $2, $3, cpu, $6 / 1024; rss[$1] = $6 }
END {
    split("html txt", kinds, " ")
    for (k = 1; k <= 2; k++) {
        x = kinds[k]
        if (rss[x "-x1"] > 0)
            printf "  %s peak RSS x10 / x1: %.2f, x40 / x10: %.2f, x80 / x40: %.2f\n", x, rss[x "-x10"] / rss[x "-x1"], rss[x "-x40"] / rss[x "-x10"], rss[x "-x80"] / rss[x "-x40"]
    }
    if (rss["txt-x80"] > 0)
        printf "  peak RSS html / txt at x80: %.2f\n", rss["html-x80"] / rss["txt-x80"]
}
' "$tmp/results"
