#!/bin/sh
# A deployment, tested: a primary fouine-serve, three replicas that follow
# it (--follow URL) and Debian's nginx in front of them (the configuration
# of tests/deploy/nginx.conf.in), or Debian's HAProxy (haproxy.cfg.in, its
# active health checks), all on loopback.  While a bounded load of
# searches runs through the front (LOAD_REQUESTS, 4 at once), articles are
# written on the primary and a new snapshot rolls out, one replica is
# killed with -9 and restarted, another is stopped with SIGTERM (and
# started again).  Passes when no request failed, when /api/health through
# the front only ever gave the old generation or the new one, and when the
# new articles were found on every replica within DELAY_MS of the snapshot.
# Skips (exit 77), saying so, without the front's program or curl.
#   deploy.sh BUILD_DIR SOURCE_DIR [nginx|haproxy]
set -eu
build=$1
source=$2
front_name=${3:-nginx}
. "$source/tests/deploy/lib.sh"
LOAD_REQUESTS=${LOAD_REQUESTS:-3000}
DELAY_MS=${DELAY_MS:-10000} # the stated delay: poll 200 ms, fetch, check
case $front_name in
nginx) FRONT_PROGRAM=$(command -v nginx || echo /usr/sbin/nginx) ;;
haproxy) FRONT_PROGRAM=$(command -v haproxy || echo /usr/sbin/haproxy) ;;
*) echo "deploy.sh: unknown front '$front_name' (nginx or haproxy)" >&2; exit 2 ;;
esac
if [ ! -x "$FRONT_PROGRAM" ]; then
    echo "skipped: $front_name is missing (Debian package $front_name:" \
        "scripts/install-deps --with-deploy)"
    exit 77
fi
if ! command -v curl >/dev/null 2>&1; then
    echo "skipped: the curl command is missing (Debian package curl)"
    exit 77
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/fouine-deploy-XXXXXX")
pids=""
cleanup() {
    # SIGTERM: nginx's master stops its worker (-9 would orphan it).
    for p in $pids; do kill -TERM "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT
fail() {
    echo "deploy: FAILED: $*" >&2
    for f in "$dir"/*.log; do
        echo "--- $f" >&2
        tail -n 20 "$f" >&2
    done
    exit 1
}
now_ms() { date +%s%3N; }
# Wait until the file $1 names the port it listens on; prints the port.
port_of() {
    t0=$(now_ms)
    while :; do
        p=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' "$1" 2>/dev/null | head -n 1)
        [ -n "$p" ] && { echo "$p"; return 0; }
        [ $(($(now_ms) - t0)) -lt 60000 ] || return 1
        sleep 0.05
    done
}
# The generation in the /api/health of URL $1 ("" when it does not answer).
generation_at() {
    curl -s --max-time 5 "$1/api/health" |
        sed -n 's/.*"generation":\([0-9]*\),"follow".*/\1/p; t; s/.*"generation":\([0-9]*\).*/\1/p'
}

key=cle-des-repliques-deploiement-2019
wkey=cle-du-cms-deploiement-0123456789
echo "$key" >"$dir/snapshot-keys"
echo "$wkey" >"$dir/write-keys"
mkdir "$dir/snaps"
"$build/fouine-index" -o "$dir/primary.db" "$source/corpus" >/dev/null 2>&1 ||
    fail "fouine-index"
"$build/fouine-index" -o "$dir/primary.db" --snapshot "$dir/snaps" >/dev/null ||
    fail "the first snapshot"
"$build/fouine-serve" -i "$dir/primary.db" --listen 127.0.0.1:0 --threads 1 \
    --snapshot-dir "$dir/snaps" --snapshot-key-file "$dir/snapshot-keys" \
    --write-key-file "$dir/write-keys" --quiet 2>"$dir/primary.log" &
pids="$pids $!"
pport=$(port_of "$dir/primary.log") || fail "the primary did not start"
primary=http://127.0.0.1:$pport

# Replica $1 (1 to 3), started in the background; its pid in rpid_$1.
start_replica() {
    mkdir -p "$dir/r$1"
    "$build/fouine-serve" -i "$dir/r$1/replica.db" --listen "127.0.0.1:${2:-0}" \
        --threads 1 --per-ip 0 --follow "$primary" \
        --follow-key-file "$dir/snapshot-keys" --follow-interval 200ms \
        --quiet 2>>"$dir/r$1.log" &
    eval "rpid_$1=$!"
    pids="$pids $!"
}
for i in 1 2 3; do
    start_replica $i
    p=$(port_of "$dir/r$i.log") || fail "replica $i did not start"
    eval "rport_$i=$p"
done
nport=$(deploy_free_port)
if [ "$front_name" = nginx ]; then
    deploy_nginx_conf "$source/tests/deploy/nginx.conf.in" "$dir" "$nport" \
        "$rport_1" "$rport_2" "$rport_3"
    deploy_nginx_start "$FRONT_PROGRAM" "$dir"
    pids="$pids $nginx_pid"
else
    deploy_front_conf "$source/tests/deploy/haproxy.cfg.in" "$dir/haproxy.cfg" \
        "$dir" "$nport" "$rport_1" "$rport_2" "$rport_3"
    deploy_haproxy_start "$FRONT_PROGRAM" "$dir"
    pids="$pids $haproxy_pid"
fi
front=http://127.0.0.1:$nport
t0=$(now_ms)
until [ -n "$(generation_at "$front")" ]; do
    [ $(($(now_ms) - t0)) -lt 30000 ] || fail "$front_name did not answer"
    sleep 0.05
done
old=$(generation_at "$front")

# The load: LOAD_REQUESTS searches, 4 at once, one line a request.
: >"$dir/load.cfg"
echo 'write-out = "%{http_code} %{exitcode}\n"' >>"$dir/load.cfg"
n=0
while [ $n -lt "$LOAD_REQUESTS" ]; do
    for q in gr%C3%A8ve h%C3%B4pitaux canicule s%C3%A9curit%C3%A9 incendie \
        %C3%A9lections; do
        printf 'url = "%s/api/search?q=%s"\noutput = "/dev/null"\n' "$front" "$q" >>"$dir/load.cfg"
        n=$((n + 1))
    done
done
curl -s --parallel --parallel-max 4 -K "$dir/load.cfg" >"$dir/load.out" 2>/dev/null &
loadpid=$!
# Health through the front meanwhile, a line each poll, until the load ends.
(while kill -0 $loadpid 2>/dev/null; do
    g=$(generation_at "$front")
    echo "$g"
    sleep 0.05
done) \
    >"$dir/generations.out" &
watchpid=$!

# Articles written on the primary, then a new snapshot.
cat >"$dir/new.jsonl" <<'JSON'
{"id": "tempete-eleanor-bretagne", "title": "Tempête Eleanor : 40 000 foyers bretons privés d’électricité", "date": "2018-01-03", "section": "societe", "body": "La tempête Eleanor a balayé le Finistère avec des rafales à 140 km/h ; Enedis mobilise 800 techniciens à Quimperlé."}
{"id": "fete-citron-menton", "title": "Menton : la Fête du citron attire 240 000 visiteurs", "date": "2019-02-28", "section": "culture", "body": "Les agrumiers de Menton ont monté des chars de quinze tonnes d’agrumes pour la 86e Fête du citron."}
JSON
code=$(curl -s -o "$dir/write.out" -w '%{http_code}' -H "Authorization: Bearer $wkey" \
    --data-binary "@$dir/new.jsonl" "$primary/api/articles")
[ "$code" = 201 ] || fail "the write on the primary: $code $(cat "$dir/write.out")"
"$build/fouine-index" -o "$dir/primary.db" --snapshot "$dir/snaps" >"$dir/snapshot.out" ||
    fail "the second snapshot"
tsnap=$(now_ms)
new=$(sed -n 's/.*generation \([0-9]*\),.*/\1/p' "$dir/snapshot.out")
[ "$new" -gt "$old" ] || fail "the snapshot's generation $new is not above $old"

# Replica 1 killed outright and started again on its port; replica 2
# stopped by SIGTERM, then started again.
kill -9 "$rpid_1"
wait "$rpid_1" 2>/dev/null || true
start_replica 1 "$rport_1"
kill -TERM "$rpid_2"
wait "$rpid_2" || fail "replica 2 did not exit 0 on SIGTERM"
start_replica 2 "$rport_2"

# The new articles on every replica, within the stated delay.
for i in 1 2 3; do
    eval "p=\$rport_$i"
    until curl -s --max-time 5 "http://127.0.0.1:$p/api/search?q=Quimperl%C3%A9" |
        grep -q '"total":1,'; do
        [ $(($(now_ms) - tsnap)) -lt "$DELAY_MS" ] ||
            fail "replica $i has not the new articles $DELAY_MS ms after the snapshot"
        sleep 0.05
    done
    echo "deploy: replica $i finds the new articles $(($(now_ms) - tsnap)) ms after the snapshot"
done

wait $loadpid || true
wait $watchpid || true
total=$(wc -l <"$dir/load.out")
bad=$(grep -vc '^200 0$' "$dir/load.out" || true)
echo "deploy: $total searches through $front_name, $bad failed"
[ "$total" -eq "$LOAD_REQUESTS" ] || fail "$total answers for $LOAD_REQUESTS requests"
[ "$bad" -eq 0 ] || fail "$bad requests failed: $(grep -v '^200 0$' "$dir/load.out" | sort | uniq -c)"
others=$(grep -v -x -e "$old" -e "$new" "$dir/generations.out" | sort | uniq -c || true)
[ -z "$others" ] || fail "health through $front_name gave other generations than $old and $new: $others"
echo "deploy: health through $front_name gave generations $old and $new only ($(wc -l <"$dir/generations.out") polls)"
