#!/bin/sh
# bench/write.sh: throughput of articles written into fouine-serve over
# HTTP, side by side with fouine-index writing the same articles.
#
#     bench/write.sh [-b BUILD_DIR] [-r ROUNDS] [JSONL [ARTICLES]]
#
# The first ARTICLES (default 1000) lines of JSONL (default
# ../shared/corpus/orangesum-2016-2019.jsonl next to the source tree) are
# written into a new, empty index, ROUNDS times (default 3) by each of:
#   index   fouine-index over them as one .jsonl file: the baseline;
#   batch   one POST /api/articles holding them all (JSON Lines);
#   single  one POST /api/articles an article, in a row, on one
#           keep-alive connection (curl --next: checked, one connect);
# in turn in each round, so that all see the same machine.  Each writes
# into a copy of the same empty index; the servers run with --quiet,
# --threads 2, a key file and a --max-body that takes the batch.  The time
# is the client's wall time (fouine-index's run; curl's requests, every
# answer checked to be a 2xx), not the start of a program.
# Reports the articles/s of each round and the medians, and the ratios of
# the medians to fouine-index.  BUILD_DIR must hold a Release build
# (default: build/, as `make` builds it).  Needs curl.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
src=$(dirname "$here")
build="$src/build"
rounds=3
bench_options "[-b BUILD_DIR] [-r ROUNDS] [JSONL [ARTICLES]]" "$@"
shift $((OPTIND - 1))
jsonl=${1:-"$src/../shared/corpus/orangesum-2016-2019.jsonl"}
count=${2:-1000}
index="$build/fouine-index"
serve="$build/fouine-serve"

bench_need "$index" "$serve"
if [ ! -f "$jsonl" ]; then
    echo "$0: $jsonl: no such file (the shared corpus; give one)" >&2
    exit 2
fi
if ! command -v curl >/dev/null 2>&1; then
    echo "$0: curl is missing (Debian package curl)" >&2
    exit 2
fi

tmp=$(mktemp -d /tmp/fouine-bench-write.XXXXXX)
server=""
trap 'if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi; rm -rf "$tmp"' EXIT INT TERM

# The articles: one .jsonl file (fouine-index, the batch) and one file an
# article (the single requests), with curl's configuration of the row.
head -n "$count" "$jsonl" >"$tmp/articles.jsonl"
got=$(wc -l <"$tmp/articles.jsonl")
bytes=$(stat -c %s "$tmp/articles.jsonl")
mkdir "$tmp/one" "$tmp/empty"
split -l 1 -a 5 -d "$tmp/articles.jsonl" "$tmp/one/a"
key=bench-de-la-gazette-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
printf '# the key of the benchmark\n%s\n' "$key" >"$tmp/keys"
"$index" -q -o "$tmp/empty.db" "$tmp/empty"

# start DB: fouine-serve on DB; sets server (its pid) and url.
start() {
    "$serve" -i "$1" --listen 127.0.0.1:0 --threads 2 --quiet \
        --write-key-file "$tmp/keys" --max-body $((bytes + 1024)) 2>"$tmp/serve.log" &
    server=$!
    port=""
    for _ in $(seq 1 100); do
        port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' "$tmp/serve.log")
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$tmp/serve.log" >&2; exit 2; }
    url=http://127.0.0.1:$port
}

stop() {
    kill "$server"
    wait "$server" 2>/dev/null || true
    server=""
}

# The row of single requests: one curl, one connection, an article a
# request ("next" between them), each answer's status and the connections
# it made written out.
for f in "$tmp"/one/a*; do
    [ "$f" = "$tmp/one/a00000" ] || echo next
    printf 'url = "%s"\nheader = "Authorization: Bearer %s"\ndata-binary = "@%s"\noutput = "/dev/null"\nwrite-out = "%%{http_code} %%{num_connects}\\n"\n' \
        "URL" "$key" "$f"
done >"$tmp/row.template"

now() { date +%s.%N; }

# check DB: the index holds the articles written.
check() {
    n=$(sqlite3 "$1" 'SELECT count(*) FROM article' 2>/dev/null || echo "?")
    if [ "$n" != "$got" ]; then
        echo "$0: $1 holds $n articles, not $got" >&2
        exit 2
    fi
}

# run MODE: write the articles into a new copy of the empty index; prints
# "MODE seconds articles/s".  (Not in a subshell: the trap stops the
# server it starts, whatever happens.)
run() {
    db="$tmp/$1.db"
    rm -f "$db" "$db-wal" "$db-shm"
    cp "$tmp/empty.db" "$db"
    case $1 in
    index)
        t0=$(now)
        "$index" -q -o "$db" "$tmp/articles.jsonl"
        t1=$(now)
        ;;
    batch)
        start "$db"
        t0=$(now)
        status=$(curl -s -o "$tmp/answer" -w '%{http_code}' \
            -H "Authorization: Bearer $key" --data-binary "@$tmp/articles.jsonl" \
            "$url/api/articles")
        t1=$(now)
        stop
        case $status in 2??) ;; *) echo "$0: batch: $status $(cat "$tmp/answer")" >&2; exit 2 ;; esac
        ;;
    single)
        start "$db"
        sed "s|URL|$url/api/articles|" "$tmp/row.template" >"$tmp/row.curl"
        t0=$(now)
        curl -s -K "$tmp/row.curl" >"$tmp/row.out"
        t1=$(now)
        stop
        bad=$(awk '$1 !~ /^2/' "$tmp/row.out" | wc -l)
        connects=$(awk '{ s += $2 } END { print s }' "$tmp/row.out")
        if [ "$bad" -ne 0 ] || [ "$(wc -l <"$tmp/row.out")" -ne "$got" ] || [ "$connects" -ne 1 ]; then
            echo "$0: single: $bad answers not 2xx, $connects connections" >&2
            exit 2
        fi
        ;;
    esac
    check "$db"
    awk -v m="$1" -v a="$t0" -v b="$t1" -v n="$got" \
        'BEGIN { printf "%s %.3f %.1f\n", m, b - a, n / (b - a) }'
}

if ! command -v sqlite3 >/dev/null 2>&1; then
    echo "$0: sqlite3 is missing (scripts/install-deps --with-bench)" >&2
    exit 2
fi
echo "write benchmark: $got articles of $(basename "$jsonl") ($bytes bytes), $rounds rounds"
echo "machine: $(nproc) cores, $(uname -sr), $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$tmp/results"
i=1
while [ "$i" -le "$rounds" ]; do
    for mode in index batch single; do
        printf '%s ' "$i" >>"$tmp/results"
        run "$mode" >>"$tmp/results"
    done
    i=$((i + 1))
done
printf '%-6s %-7s %10s %12s\n' round mode seconds "articles/s"
awk '{ printf "%-6s %-7s %10.3f %12.1f\n", $1, $2, $3, $4 }' "$tmp/results"
awk '{ n[$2]++; v[$2, n[$2]] = $4 }
     function median(m,    i, j, t, x) {
         for (i = 1; i <= n[m]; i++) x[i] = v[m, i];
         for (i = 1; i <= n[m]; i++) for (j = i + 1; j <= n[m]; j++)
             if (x[j] < x[i]) { t = x[i]; x[i] = x[j]; x[j] = t }
         return x[int((n[m] + 1) / 2)] }
     END {
         b = median("index")
         printf "median fouine-index:       %8.1f articles/s\n", b
         printf "median one batch request:  %8.1f articles/s (%.2fx fouine-index)\n", median("batch"), median("batch") / b
         printf "median single requests:    %8.1f articles/s (%.2fx fouine-index)\n", median("single"), median("single") / b
     }' "$tmp/results"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
