#!/bin/sh
# bench/dup.sh: wire-story duplicates: how many near-duplicates are grouped
# with their original, how many distinct articles are grouped wrongly, and
# what the fingerprints cost fouine-index.
#
#     bench/dup.sh [-b BUILD_DIR] [-r ROUNDS] [JSONL [COPIES]]
#
# COPIES (default 1000) articles of JSONL (default
# ../shared/corpus/orangesum-2016-2019.jsonl next to the source tree) are
# copied with one change each, of four kinds in turn (bench/dup_copies.py:
# a title word changed, a paragraph dropped or added, another date, a
# sentence reworded), and the copies indexed with the whole corpus, ROUNDS
# times (default 3) each way, in turn in each round:
#   near   fouine-index as it is: the fingerprints and the groups;
#   plain  FOUINE_NO_NEAR=1: nothing fingerprinted (the baseline).
# Reports, for the last index of near: the share of the copies of each
# kind whose group is their original's; the share of the corpus articles
# grouped with an article that is neither their copy nor their original
# (wrongly grouped); and the ratios of the median wall and CPU (user +
# sys) times of near to plain.  Needs python3.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
src=$(dirname "$here")
build="$src/build"
rounds=3
bench_options "[-b BUILD_DIR] [-r ROUNDS] [JSONL [COPIES]]" "$@"
shift $((OPTIND - 1))
jsonl=${1:-"$src/../shared/corpus/orangesum-2016-2019.jsonl"}
count=${2:-1000}
index="$build/fouine-index"

bench_need "$index"
if [ ! -f "$jsonl" ]; then
    echo "$0: $jsonl: no such file (the shared corpus; give one)" >&2
    exit 2
fi
tmp=$(mktemp -d /tmp/fouine-bench-dup.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/in"
ln -s "$(cd "$(dirname "$jsonl")" && pwd)/$(basename "$jsonl")" "$tmp/in/corpus.jsonl"
python3 "$here/dup_copies.py" "$jsonl" "$count" 12 "$tmp/in/copies.jsonl"

# One run: a new index of the corpus and the copies; prints wall and CPU.
run() {
    rm -f "$tmp/$1.db" "$tmp/$1.db-wal" "$tmp/$1.db-shm"
    if [ "$1" = plain ]; then
        FOUINE_NO_NEAR=1 "$gtime" -f "%e %U %S" -o "$tmp/time" \
            "$index" -q -o "$tmp/$1.db" "$tmp/in"
    else
        "$gtime" -f "%e %U %S" -o "$tmp/time" "$index" -q -o "$tmp/$1.db" "$tmp/in"
    fi
    awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' "$tmp/time"
}

: >"$tmp/near.times"
: >"$tmp/plain.times"
i=1
while [ "$i" -le "$rounds" ]; do
    for way in plain near; do
        t=$(run "$way")
        echo "$t" >>"$tmp/$way.times"
        echo "round $i $way: wall ${t% *} s, cpu ${t#* } s"
    done
    i=$((i + 1))
done

python3 - "$tmp" <<'PY'
import sqlite3, statistics, sys
tmp = sys.argv[1]
def med(way, col):
    with open("%s/%s.times" % (tmp, way)) as f:
        return statistics.median(float(l.split()[col]) for l in f if l.strip())
db = sqlite3.connect("%s/near.db" % tmp)
grp = dict(db.execute("SELECT a.id, coalesce(n.grp, a.rowid) FROM article a"
                      " LEFT JOIN near n ON n.rowid = a.rowid"))
kinds = {}
copy_of = {}
for cid in grp:
    if cid.startswith("copy-"):
        kind, orig = cid[5:].split("-", 1)
        copy_of[cid] = orig
        ok = grp.get(orig) == grp[cid]
        got, n = kinds.get(kind, (0, 0))
        kinds[kind] = (got + ok, n + 1)
members = {}
for aid, g in grp.items():
    members.setdefault(g, []).append(aid)
wrong = 0
distinct = [a for a in grp if a not in copy_of]
for aid in distinct:
    own = {aid} | {c for c, o in copy_of.items() if o == aid}
    if any(m not in own for m in members[grp[aid]]):
        wrong += 1
total = sum(n for _, n in kinds.values())
print("copies grouped with their original:")
for kind in ("title", "paragraph", "date", "sentence"):
    got, n = kinds.get(kind, (0, 0))
    print("  %-9s %6.1f %% (%d of %d)" % (kind, 100.0 * got / n if n else 0, got, n))
print("  all       %6.1f %% (%d of %d)" % (100.0 * sum(g for g, _ in kinds.values()) / total, sum(g for g, _ in kinds.values()), total))
print("distinct articles grouped wrongly: %.2f %% (%d of %d)" % (100.0 * wrong / len(distinct), wrong, len(distinct)))
print("index time near / plain (medians): wall %.2f s / %.2f s = %.3fx, cpu %.2f s / %.2f s = %.3fx" % (
    med("near", 0), med("plain", 0), med("near", 0) / med("plain", 0),
    med("near", 1), med("plain", 1), med("near", 1) / med("plain", 1)))
PY
