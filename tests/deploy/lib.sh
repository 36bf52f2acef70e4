# tests/deploy/lib.sh: the fronts of fouine-serve replicas, nginx and
# HAProxy, made from tests/deploy/nginx.conf.in and haproxy.cfg.in;
# sourced by tests/deploy.sh and bench/serve.sh.
#
#   deploy_free_port           prints a loopback port free a moment ago (one
#                              the kernel gave and let go)
#   deploy_front_conf TEMPLATE OUT DIR PORT REPLICA_PORT...
#                              writes OUT from TEMPLATE: the front on
#                              127.0.0.1:PORT (@PORT@), its files in DIR
#                              (@DIR@), the line of @REPLICA@ once a
#                              REPLICA_PORT (@N@: 1, 2...)
#   deploy_nginx_conf TEMPLATE DIR PORT REPLICA_PORT...
#                              deploy_front_conf into DIR/nginx.conf
#   deploy_nginx_start NGINX DIR
#                              runs NGINX on DIR/nginx.conf in the
#                              background (its log in DIR/nginx.log); sets
#                              nginx_pid (stop it with SIGTERM: its master
#                              then stops its worker, -9 would orphan it)
#   deploy_haproxy_start HAPROXY DIR
#                              runs HAPROXY in the foreground on
#                              DIR/haproxy.cfg in the background (its log
#                              in DIR/haproxy.log); sets haproxy_pid
deploy_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
        echo $((20000 + $$ % 20000))
}

deploy_front_conf() {
    template=$1
    conf_out=$2
    conf_dir=$3
    conf_port=$4
    shift 4
    awk -v dir="$conf_dir" -v port="$conf_port" -v replicas="$*" '
        /@REPLICA@/ {
            n = split(replicas, r, " ")
            for (i = 1; i <= n; i++) {
                line = $0; gsub(/@REPLICA@/, r[i], line); gsub(/@N@/, i, line); print line
            }
            next
        }
        { gsub(/@DIR@/, dir); gsub(/@PORT@/, port); print }' \
        "$template" >"$conf_out"
}

deploy_nginx_conf() {
    template=$1
    shift
    deploy_front_conf "$template" "$1/nginx.conf" "$@"
}

deploy_nginx_start() {
    "$1" -p "$2" -c "$2/nginx.conf" -e "$2/nginx-error.log" \
        </dev/null >"$2/nginx.log" 2>&1 &
    nginx_pid=$!
}

deploy_haproxy_start() {
    "$1" -db -f "$2/haproxy.cfg" </dev/null >"$2/haproxy.log" 2>&1 &
    haproxy_pid=$!
}
