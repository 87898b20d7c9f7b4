#!/bin/bash
# HTTP probe against nginx (generated config in a temp dir): status ranges, Host and custom
# headers, body digest as keepalived's genhash prints it (MD5, SHA-256), PCRE2 body regex, body
# size cap, slow responses against the timeout.
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
finish
