#!/bin/bash
# HTTP probe against nginx (generated config in a temp dir): status ranges, Host and custom
# headers, body digest as keepalived's genhash prints it (MD5, SHA-256), PCRE2 body regex, body
# size cap, slow responses against the timeout; the keep-alive experiment (HttpSpec::keepAlive):
# connections reused up to the server's limit, an idle connection the server closed replaced.
source "$(dirname "$0")/lib_check.sh"
need_cmd nginx

port=$(free_port)
mkdir -p "$TMP/www" "$TMP/nginx"
printf 'hello from lvsd test\n' > "$TMP/www/index.html"
head -c 200000 /dev/urandom | base64 > "$TMP/www/big.txt"
head -c 6000 /dev/zero | tr '\0' 's' > "$TMP/www/slow.txt"
cat > "$TMP/nginx/nginx.conf" <<CONF
daemon off;
master_process off;
error_log $TMP/nginx/error.log;
pid $TMP/nginx/nginx.pid;
events { worker_connections 64; }
http {
  access_log off;
  log_format conn '\$connection \$connection_requests \$status';
  client_body_temp_path $TMP/nginx/body;
  proxy_temp_path $TMP/nginx/proxy;
  fastcgi_temp_path $TMP/nginx/fastcgi;
  uwsgi_temp_path $TMP/nginx/uwsgi;
  scgi_temp_path $TMP/nginx/scgi;
  server {
    listen 127.0.0.1:$port default_server;
    server_name _;
    location / { return 421 "wrong vhost\n"; }
  }
  server {
    listen 127.0.0.1:$port;
    server_name app.lvsd.test;
    root $TMP/www;
    location = /teapot { return 418 "short and stout\n"; }
    location = /redirect { return 302 /index.html; }
    location = /needs-header {
      if (\$http_x_lvsd_check != "yes") { return 403; }
      return 200 "header ok\n";
    }
    location = /slow.txt { limit_rate 2k; limit_rate_after 0; }
    location = /ka { keepalive_requests 3; access_log $TMP/nginx/ka.log conn; return 200 "ka\n"; }
    location = /ka-idle {
      keepalive_timeout 1s; access_log $TMP/nginx/ka-idle.log conn; return 200 "ka\n";
    }
  }
}
CONF
start_bg nginx -c "$TMP/nginx/nginx.conf" -p "$TMP/nginx"
poll_until 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port"

H=(--kind http --port "$port" --host app.lvsd.test)
expect up "200 with Host" "${H[@]}" --path /index.html
expect down "default vhost answers 421" --kind http --port "$port" --path /index.html
expect down "404 outside 200-299" "${H[@]}" --path /missing
expect up "404 expected" "${H[@]}" --path /missing --status 404
expect up "418 in a range list" "${H[@]}" --path /teapot --status 200-299,400-418
expect down "302 not followed" "${H[@]}" --path /redirect
expect up "302 allowed" "${H[@]}" --path /redirect --status 300-399
expect down "custom header missing" "${H[@]}" --path /needs-header
expect up "custom header sent" "${H[@]}" --path /needs-header --header 'X-Lvsd-Check: yes'
expect up "HEAD method" "${H[@]}" --path /index.html --method HEAD

md5=$(md5sum < "$TMP/www/index.html" | cut -d' ' -f1)
sha=$(sha256sum < "$TMP/www/index.html" | cut -d' ' -f1)
expect up "md5 digest" "${H[@]}" --path /index.html --digest "md5:$md5"
expect up "md5 digest upper case" "${H[@]}" --path /index.html --digest "md5:${md5^^}"
expect down "md5 digest mismatch" "${H[@]}" --path /index.html --digest "md5:00000000000000000000000000000000"
expect up "sha256 digest" "${H[@]}" --path /index.html --digest "sha256:$sha"
bigmd5=$(md5sum < "$TMP/www/big.txt" | cut -d' ' -f1)
expect up "md5 of a 270 kB body" "${H[@]}" --path /big.txt --digest "md5:$bigmd5"
expect up "regex match" "${H[@]}" --path /index.html --regex '^hello\s+from\s+\w+'
expect down "regex no match" "${H[@]}" --path /index.html --regex '^goodbye'
expect_match "body over the cap" '"reason":"http: body exceeds 1000 bytes","verdict":"down"' \
  "${H[@]}" --path /big.txt --max-body 1000
expect_match "slow body hits the timeout" '"reason":"timeout","verdict":"down"' \
  "${H[@]}" --path /slow.txt --timeout-ms 500
expect up "slow body within a long timeout" "${H[@]}" --path /slow.txt --timeout-ms 10000
expect_match "bad regex is a spec error" '"error":"regex: ' "${H[@]}" --regex '('

# keep-alive experiment: 7 checks over 3 connections (the server allows 3 requests each)
# expect_summary DESCRIPTION REGEX ARGS...: the driver's final summary line must match REGEX.
expect_summary() {
  local what=$1 re=$2 out; shift 2
  out=$("$DRIVER" "$@" | tail -n 1 || true)
  if grep -Eq "$re" <<<"$out"; then
    echo "ok   $what: $out"
  else
    echo "FAIL $what: wanted /$re/, got: $out" >&2
    FAILS=$((FAILS + 1))
  fi
}
expect_summary "keep-alive, 7 checks" '"summary":true.*"up":7' "${H[@]}" --path /ka --keepalive \
  --count 7
conns() { awk '{ print $1 }' "$1" | sort -u | wc -l; }
if [ "$(wc -l < "$TMP/nginx/ka.log")" = 7 ] && [ "$(conns "$TMP/nginx/ka.log")" = 3 ]; then
  echo "ok   keep-alive: 7 requests on 3 connections"
else
  echo "FAIL keep-alive: $(wc -l < "$TMP/nginx/ka.log") requests on $(conns "$TMP/nginx/ka.log") connections" >&2
  FAILS=$((FAILS + 1))
fi
# the server closes idle connections after 1 s: each later check starts a fresh one, still up
expect_summary "keep-alive, idle connection closed by the server" '"summary":true.*"up":3' \
  "${H[@]}" --path /ka-idle --keepalive --count 3 --gap-ms 1300
if [ "$(conns "$TMP/nginx/ka-idle.log")" = 3 ]; then
  echo "ok   keep-alive: closed idle connections replaced"
else
  echo "FAIL keep-alive idle: $(conns "$TMP/nginx/ka-idle.log") connections" >&2
  FAILS=$((FAILS + 1))
fi
# without the flag every check has its own connection
expect_summary "no keep-alive, 3 checks" '"summary":true.*"up":3' "${H[@]}" --path /ka --count 3
if [ "$(conns "$TMP/nginx/ka.log")" = 6 ]; then
  echo "ok   Connection: close: one connection per check"
else
  echo "FAIL Connection: close: $(conns "$TMP/nginx/ka.log") connections in total (want 6)" >&2
  FAILS=$((FAILS + 1))
fi
finish
