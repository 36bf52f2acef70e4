# tests/deploy/lib.sh: the nginx front of fouine-serve replicas, made from
# tests/deploy/nginx.conf.in; sourced by tests/deploy.sh and bench/serve.sh.
#
#   deploy_free_port           prints a loopback port free a moment ago (one
#                              the kernel gave and let go)
#   deploy_nginx_conf TEMPLATE DIR PORT REPLICA_PORT...
#                              writes DIR/nginx.conf from TEMPLATE: nginx
#                              on 127.0.0.1:PORT, its files in DIR, one
#                              upstream server a REPLICA_PORT
#   deploy_nginx_start NGINX DIR
#                              runs NGINX on DIR/nginx.conf in the
#                              background (its log in DIR/nginx.log); sets
#                              nginx_pid (stop it with SIGTERM: its master
#                              then stops its worker, -9 would orphan it)
deploy_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
        echo $((20000 + $$ % 20000))
}

deploy_nginx_conf() {
    template=$1
    conf_dir=$2
    conf_port=$3
    shift 3
    awk -v dir="$conf_dir" -v port="$conf_port" -v replicas="$*" '
        /@REPLICA@/ {
            n = split(replicas, r, " ")
            for (i = 1; i <= n; i++) { line = $0; gsub(/@REPLICA@/, r[i], line); print line }
            next
        }
        { gsub(/@DIR@/, dir); gsub(/@PORT@/, port); print }' \
        "$template" >"$conf_dir/nginx.conf"
}

deploy_nginx_start() {
    "$1" -p "$2" -c "$2/nginx.conf" -e "$2/nginx-error.log" \
        </dev/null >"$2/nginx.log" 2>&1 &
    nginx_pid=$!
}
