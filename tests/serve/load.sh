#!/bin/sh
# Load for the fouine-serve tests: 16 clients at once (curl --parallel),
# requesting the URLs of a curl config file over and over until STOPFILE
# exists.  Writes one line "HTTP_STATUS CURL_EXIT_CODE" a request to OUT.
#   load.sh CONFIG OUT STOPFILE
set -u
config=$1
out=$2
stop=$3
while [ ! -e "$stop" ]; do
    curl -s --parallel --parallel-max 16 --parallel-immediate -K "$config" \
        >>"$out" 2>/dev/null
done
