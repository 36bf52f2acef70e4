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
#
# With REPLICAS (a list: REPLICAS=1,2,3), the runs are instead those of
# replicas behind nginx: as many fouine-serve processes as the largest
# number of the list, each --threads 1 (REPLICA_THREADS) --per-ip 0 on the
# index, and an nginx a number of the list in front of that many of them
# (the configuration of tests/deploy/nginx.conf.in, through
# tests/deploy/lib.sh); each round runs wrk at 16 connections straight at
# the first fouine-serve ("direct", no nginx), then through each nginx
# ("nginx-1", "nginx-2"...), the order turned by one each round.  "front
# CPUs" is then nginx's worker's CPU time a second, "server CPUs" the
# replicas' together.
# Needs wrk and sqlite3 (scripts/install-deps --with-bench), and nginx for
# REPLICAS (--with-deploy).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
shared=${2:-$here/../../shared}
seconds=${3:-5}
rounds=${4:-3}
corpus=$shared/corpus/orangesum-2016-2019
threads=$(nproc 2>/dev/null || echo 2)
replicas=$(echo "${REPLICAS:-}" | tr ',' ' ')
serve_args=""
if [ -n "$replicas" ]; then
    threads=${REPLICA_THREADS:-1}
    serve_args="--per-ip 0"
    NGINX=$(command -v nginx || echo /usr/sbin/nginx)
    if [ ! -x "$NGINX" ]; then
        echo "bench/serve.sh: nginx is missing (scripts/install-deps --with-deploy)" >&2
        exit 2
    fi
    . "$here/../tests/deploy/lib.sh"
fi

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
    "$1" -i "$index" --listen 127.0.0.1:0 --threads "$threads" $serve_args $quiet 2>"$2" &
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
fronts=""
trap 'kill $server $base $others $fronts 2>/dev/null || true' EXIT
# Replicas behind nginx: the first server and others (pids in $others);
# nginx k (pid in nginx_pid_k, its worker's in worker_k) at front_k in
# front of replica_pids_k, the first k.
others=""
if [ -n "$replicas" ]; then
    # shellcheck disable=SC2086
    most=$(printf '%s\n' $replicas | sort -n | tail -1)
    replica_ports=$(echo "$server_url" | sed 's/.*://')
    replica_pids=$server
    for i in $(seq 2 "$most"); do
        start_server "$build/fouine-serve" "$log.$i"
        others="$others $pid"
        replica_pids="$replica_pids $pid"
        replica_ports="$replica_ports $port"
    done
    for k in $replicas; do
        d=$build/bench-serve-nginx-$k
        rm -rf "$d"
        mkdir -p "$d"
        p=$(deploy_free_port)
        # shellcheck disable=SC2046
        deploy_nginx_conf "$here/../tests/deploy/nginx.conf.in" "$d" "$p" \
            $(echo "$replica_ports" | cut -d' ' -f1-"$k")
        deploy_nginx_start "$NGINX" "$d"
        fronts="$fronts $nginx_pid"
        for _ in $(seq 1 100); do
            curl -s -o /dev/null "http://127.0.0.1:$p/api/health" && break
            sleep 0.1
        done
        w=$(ps -o pid= --ppid "$nginx_pid" | tr -d ' ' | head -n 1)
        [ -n "$w" ] || { cat "$d/nginx.log" "$d/nginx-error.log" >&2; exit 1; }
        eval "front_$k=http://127.0.0.1:$p worker_$k=$w"
        eval "replica_pids_$k=\"$(echo "$replica_pids" | cut -d' ' -f1-"$k")\""
        echo "== nginx (1 worker) on http://127.0.0.1:$p in front of $k fouine-serve"
    done
fi
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
for k in $replicas; do
    eval "u=\$front_$k"
    wrk -t2 -c16 -d2s -s "$here/serve.lua" "$u" -- "$queries" >/dev/null
done
for u in $server_url $base_url; do
    wrk -t1 -c2 -d2s -s "$here/serve.lua" "$u" -- "$queries" >/dev/null
done

# CPU time of the processes $1 (pids) in clock ticks (user + system).
ticks() {
    for p in $1; do awk '{ print $14 + $15 }' "/proc/$p/stat"; done |
        awk '{ t += $1 } END { print t + 0 }'
}
hz=$(getconf CLK_TCK)
seconds_of() { awk -v t="$1" -v hz="$hz" 'BEGIN { printf "%.2f", t / hz }'; }
# [FRONT=PID] run PIDS URL THREADS CONNECTIONS [WRK ARGUMENTS]
run() {
    t0=$(ticks "$1")
    f0=$(ticks "${FRONT:-}")
    # $5: extra wrk arguments (the baseline's header), or nothing.
    # shellcheck disable=SC2086
    r=$(wrk -t"$3" -c"$4" -d"${seconds}s" ${5:-} -s "$here/serve.lua" "$2" -- "$queries" |
        sed -n 's/^RESULT //p')
    t1=$(ticks "$1")
    f1=$(ticks "${FRONT:-}")
    echo "$r cpu_s=$(seconds_of $((t1 - t0))) front_s=$(seconds_of $((f1 - f0)))"
}
echo "== load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
# Rounds of every kind of run, one after the other, so that all see the
# same machine (it is shared and noisy); the median round is reported.
rounds_file=$build/bench-serve-rounds.txt
: >"$rounds_file"
# Replicas: direct, then through each nginx, round $1 starting $1 - 1 on.
replica_order() {
    awk -v r="$1" -v l="direct $replicas" 'BEGIN { n = split(l, k, " ");
        for (i = 0; i < n; i++) print k[(r - 1 + i) % n + 1] }'
}
for round in $(seq 1 "$rounds"); do
    if [ -n "$replicas" ]; then
        for kind in $(replica_order "$round"); do
            if [ "$kind" = direct ]; then
                echo "$round direct $(run "$server" "$server_url" 2 16)" >>"$rounds_file"
            else
                eval "u=\$front_$kind w=\$worker_$kind group=\"\$replica_pids_$kind\""
                echo "$round nginx-$kind $(FRONT=$w run "$group" "$u" 2 16)" >>"$rounds_file"
            fi
        done
        continue
    fi
    echo "$round 1 $(run "$server" "$server_url" 1 1)" >>"$rounds_file"
    echo "$round 16 $(run "$server" "$server_url" 2 16)" >>"$rounds_file"
    echo "$round 16-close $(run "$server" "$server_url" 2 16 "-H Connection:close")" >>"$rounds_file"
    if [ -n "$base" ]; then
        echo "$round base-1 $(run "$base" "$base_url" 1 1)" >>"$rounds_file"
        echo "$round base-16 $(run "$base" "$base_url" 2 16)" >>"$rounds_file"
    fi
done
# SIGTERM: nginx's master stops its worker.
# shellcheck disable=SC2086
kill $server $base $others $fronts
# shellcheck disable=SC2086
wait $server $base $others $fronts 2>/dev/null || true
trap - EXIT

printf '%-6s %-12s %10s %8s %8s %8s %7s %12s %11s\n' round connections "requests/s" \
    "p50 ms" "p99 ms" "max ms" errors "server CPUs" "front CPUs"
awk '{ for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
       printf "%-6s %-12s %10.1f %8.2f %8.2f %8.2f %7d %12.2f %11.2f\n", $1, $2,
              v["rps"], v["p50_ms"], v["p99_ms"], v["max_ms"],
              v["errors"] + v["non200"], v["cpu_s"] / v["seconds"],
              v["front_s"] / v["seconds"] }' \
    "$rounds_file"
# The median of each figure over the rounds, and of the ratio of rates.
awk '{ for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
       n[$2]++; rps[$2, n[$2]] = v["rps"]; p50[$2, n[$2]] = v["p50_ms"];
       p99[$2, n[$2]] = v["p99_ms"]; err[$2] += v["errors"] + v["non200"]
       cpu[$2, n[$2]] = v["cpu_s"] * 1000 / v["requests"]
       fcpu[$2, n[$2]] = v["front_s"] * 1000 / v["requests"] }
     function median(a, c, k,    i, j, t, x) {
         for (i = 1; i <= n[c]; i++) x[i] = a[c, i];
         for (i = 1; i <= n[c]; i++) for (j = i + 1; j <= n[c]; j++)
             if (x[j] < x[i]) { t = x[i]; x[i] = x[j]; x[j] = t }
         return x[int((n[c] + 1) / 2)] }
     function line(c, what) {
         printf "median %-36s %7.1f requests/s, p50 %.2f ms, p99 %.2f ms\n",
                what ":", median(rps, c), median(p50, c), median(p99, c) }
     function ratio(a, b, what,    i) {
         for (i = 1; i <= n[a]; i++) q[i] = rps[a, i] / rps[b, i];
         for (i = 1; i <= n[a]; i++) r["q", i] = q[i];
         n["q"] = n[a]
         printf "median ratio %s: %.2fx requests/s\n", what, median(r, "q") }
     END {
         if (n["direct"]) {
             line("direct", "direct, 16 connections")
             for (k = 1; k <= 16; k++)
                 if (n["nginx-" k]) line("nginx-" k, k " behind nginx, 16 connections")
             for (k = 1; k <= 16; k++)
                 if (n["nginx-" k]) ratio("nginx-" k, "direct", k " behind nginx/direct")
             for (k = 2; k <= 16; k++)
                 if (n["nginx-" k] && n["nginx-1"]) ratio("nginx-" k, "nginx-1", k "/1 behind nginx")
             # CPU time a request: what the machine'"'"'s load leaves alone.
             printf "median CPU a request: direct %.2f ms", median(cpu, "direct")
             for (k = 1; k <= 16; k++)
                 if (n["nginx-" k])
                     printf "; %d behind nginx %.2f ms (nginx %.3f ms)", k,
                            median(cpu, "nginx-" k), median(fcpu, "nginx-" k)
             printf "\n"
         }
         if (n[1]) {
         line(1, "1 connection")
         line(16, "16 connections")
         line("16-close", "16, a request a connection")
         }
         if (n["base-1"]) {
             line("base-1", "baseline, 1 connection")
             line("base-16", "baseline, 16 connections")
         }
         if (n[1]) {
         ratio(16, 1, "16/1 connections")
         ratio(16, "16-close", "keep-alive/a request a connection at 16")
         }
         if (n["base-1"]) {
             ratio(1, "base-1", "fouine-serve/baseline at 1")
             ratio(16, "base-16", "fouine-serve/baseline at 16")
         }
         for (c in err) errors += err[c]
         printf "errors: %d\n", errors }' "$rounds_file"
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
