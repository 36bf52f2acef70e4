# bench/lib.sh: what the benchmark scripts share; sourced by them.
#
#   bench_options USAGE "$@"  reads -b BUILD_DIR into $build and -r ROUNDS
#                             into $rounds (set their defaults first); the
#                             caller then shifts $((OPTIND - 1))
#   bench_need PROGRAM...     exits 2 unless each program was built
#   bench_index DB ARGS...    runs fouine-index ($index) -v -o DB ARGS
#                             under GNU time, messages in $tmp/log; sets
#                             wall rss (KB) user sys (s), arts (indexed,
#                             updated and unchanged) and writer (CPU s of
#                             the writing thread); exits 2 unless
#                             fouine-index exits 0 or 1
gtime=/usr/bin/time

bench_options() {
    usage=$1
    shift
    while getopts b:r: opt; do
        case $opt in
        b) build=$OPTARG ;;
        r) rounds=$OPTARG ;;
        *) echo "usage: $0 $usage" >&2; exit 2 ;;
        esac
    done
}

bench_need() {
    for f in "$@"; do
        if [ ! -x "$f" ]; then
            echo "$0: $f: not built (make, or -b BUILD_DIR)" >&2
            exit 2
        fi
    done
    if [ ! -x "$gtime" ]; then
        echo "$0: $gtime missing (Debian package 'time')" >&2
        exit 2
    fi
}

bench_index() {
    db=$1
    shift
    "$gtime" -f '%e %M %U %S' -o "$tmp/time" "$index" -v -o "$db" "$@" 2>"$tmp/log" || {
        status=$?
        if [ $status -ne 1 ]; then
            cat "$tmp/log" >&2
            exit 2
        fi
    }
    arts=$(sed -n 's/.*fouine-index: \([0-9]*\) indexed, \([0-9]*\) updated, \([0-9]*\) unchanged.*/\1 \2 \3/p' "$tmp/log" |
           awk '{ print $1 + $2 + $3 }')
    writer=$(sed -n 's/.*CPU: writer \([0-9.]*\) s.*/\1/p' "$tmp/log")
    # the last line: GNU time puts "Command exited with..." before it
    tail -n 1 "$tmp/time" >"$tmp/time1"
    read -r wall rss user sys <"$tmp/time1"
}
