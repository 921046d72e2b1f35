#!/usr/bin/env bats
# Security defaults and HTTP/2 over TLS: the origin rule for -H headers on
# redirects and pagination links, no https -> http downgrade, TLS
# verification, and GOAWAY failing only the streams it hits.

load helper

setup_file() {
	fixture_start
	NG=$BATS_FILE_TMPDIR/nginx
	tls_cert "$NG"
	NG_PORT=$(free_port)
	cat >"$NG/nginx.conf" <<-EOF
	worker_processes 1;
	pid $NG/nginx.pid;
	error_log $NG/error.log;
	events { worker_connections 1024; }
	http {
	  access_log off;
	  client_body_temp_path $NG; proxy_temp_path $NG; fastcgi_temp_path $NG;
	  uwsgi_temp_path $NG; scgi_temp_path $NG;
	  server {
	    listen 127.0.0.1:$NG_PORT ssl http2;
	    ssl_certificate $NG/cert.pem;
	    ssl_certificate_key $NG/key.pem;
	    keepalive_requests 5;
	    location /down { return 302 http://127.0.0.1:$FIXTURE_PORT/json; }
	    location /same { return 302 /item; }
	    location /next-down {
	      add_header Link '<http://127.0.0.1:$FIXTURE_PORT/json?key=downgraded>; rel="next"' always;
	      default_type application/json; return 200 '[1]';
	    }
	    location /next-field-down {
	      default_type application/json;
	      return 200 '{"next":"http://127.0.0.1:$FIXTURE_PORT/json?key=downgraded"}';
	    }
	    location /next-ftp {
	      add_header Link '<ftp://127.0.0.1:$FIXTURE_PORT/x>; rel="next"' always;
	      default_type application/json; return 200 '[1]';
	    }
	    location /next-up {
	      add_header Link '</item>; rel="next"' always;
	      default_type application/json; return 200 '[1]';
	    }
	    location /rst { return 444; }
	    location / { default_type application/json; return 200 '{"ok":true}'; }
	  }
	}
	EOF
	nginx -p "$NG" -c "$NG/nginx.conf"
	export NG NG_PORT
}

teardown_file() {
	[ -f "$NG/nginx.pid" ] && kill "$(cat "$NG/nginx.pid")" 2>/dev/null
	fixture_stop
}

@test "security: an https to http redirect is refused unless --location-trusted" {
	run --separate-stderr "$VOLLEY" -L --cacert "$NG/cert.pem" "https://127.0.0.1:$NG_PORT/down" "https://127.0.0.1:$NG_PORT/same"
	assert_failure 1
	echo "${lines[0]}" | jq -e '.error.kind == "unsupported_protocol" and (.error.message | test("https to http"))'
	echo "${lines[1]}" | jq -e '.ok and .status == 200'
	run --separate-stderr "$VOLLEY" -L --location-trusted --cacert "$NG/cert.pem" "https://127.0.0.1:$NG_PORT/down"
	assert_success
	echo "$output" | jq -e '.body.ok and (.final_url | startswith("http://"))'
}

@test "security: a next link from https to http, or to another scheme, is refused as a redirect is, unless --location-trusted" {
	fixture_reset
	for how in "--next-link /next-down" "--next-field /next /next-field-down"; do
		set -- $how
		run --separate-stderr "$VOLLEY" --cacert "$NG/cert.pem" "${@:1:$#-1}" "https://127.0.0.1:$NG_PORT${!#}"
		assert_failure 1
		[ "${#lines[@]}" -eq 2 ]
		echo "${lines[0]}" | jq -e '.ok and .page == 1 and .last == false'
		# the refused link's record names it; nothing was sent to it
		echo "${lines[1]}" | jq -e --arg u "http://127.0.0.1:$FIXTURE_PORT/json?key=downgraded" '.page == 2 and .last
			and .url == $u and .status == null and .error.kind == "unsupported_protocol"
			and .error.message == "next link from https to http refused (--location-trusted allows it)"'
	done
	[ "$(fixture_count downgraded)" -eq 0 ]
	run --separate-stderr "$VOLLEY" --next-link --location-trusted --cacert "$NG/cert.pem" "https://127.0.0.1:$NG_PORT/next-down"
	assert_success
	echo "${lines[1]}" | jq -e '.ok and .page == 2 and (.url | startswith("http://"))'
	[ "$(fixture_count downgraded)" -eq 1 ]
	# another scheme: refused before libcurl sees it, trusted or not
	for trust in "" --location-trusted; do
		run --separate-stderr "$VOLLEY" --next-link $trust --cacert "$NG/cert.pem" "https://127.0.0.1:$NG_PORT/next-ftp"
		assert_failure 1
		echo "${lines[1]}" | jq -e '.page == 2 and .error.kind == "unsupported_protocol"
			and .error.message == "next link to a scheme that is not fetched: ftp" and .error.curl_code == null'
	done
	# https to https goes on
	run --separate-stderr "$VOLLEY" --next-link --max-pages 2 --cacert "$NG/cert.pem" "https://127.0.0.1:$NG_PORT/next-up"
	assert_success
	echo "${lines[1]}" | jq -e '.ok and .page == 2'
}

@test "security: TLS is verified unless -k" {
	run --separate-stderr "$VOLLEY" "https://127.0.0.1:$NG_PORT/x"
	assert_failure 1
	echo "$output" | jq -e '.error.kind == "tls"'
	run --separate-stderr "$VOLLEY" -k "https://127.0.0.1:$NG_PORT/x"
	assert_success
}

@test "security: -H headers do not follow a pagination link to another origin" {
	link=$(printf '<http://localhost:%s/echo>; rel="next"' "$FIXTURE_PORT" | jq -sRr @uri)
	url="$BASE/header-echo?name=Link&value=$link"
	run --separate-stderr "$VOLLEY" --next-link -H 'Authorization: Bearer t0k' -H 'X-Secret: s' "$url"
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	echo "${lines[1]}" | jq -e '.page == 2 and (.body.headers | has("Authorization") or has("X-Secret") | not)'
	run --separate-stderr "$VOLLEY" --next-link --location-trusted -H 'X-Secret: s' "$url"
	echo "${lines[1]}" | jq -e '.body.headers["X-Secret"] == "s"'
	# to the same origin they are sent
	link=$(printf '</echo>; rel="next"' | jq -sRr @uri)
	run --separate-stderr "$VOLLEY" --next-link -H 'X-Secret: s' "$BASE/header-echo?name=Link&value=$link"
	echo "${lines[1]}" | jq -e '.body.headers["X-Secret"] == "s"'
}

@test "http2: GOAWAY every 5 requests fails only the streams it hits" {
	# -c 5: libcurl gives a stream up after 5 connections died under it
	# (code 55 on 7.88, 56 on 8.x), and with 20 streams on connections
	# that serve 5 each that happens to a few in every run on a busy
	# machine; it is libcurl's limit, not volley's.
	run --separate-stderr bash -c "seq 1 200 | sed 's|^|https://127.0.0.1:$NG_PORT/i/|' | '$VOLLEY' -c 5 --cacert '$NG/cert.pem' --body none"
	[ "${#lines[@]}" -eq 200 ]
	recs=$output
	jq -s -e '[.[] | select(.ok)] | length >= 180' <<<"$recs"
	jq -s -e 'all(.[]; .ok or (.error.kind | IN("read", "protocol")))' <<<"$recs"
	jq -s -e '[.[] | select(.ok) | .http_version] | unique == ["2"]' <<<"$recs"
}

@test "http2: a stream reset (RST_STREAM) fails only that record" {
	run --separate-stderr bash -c "for i in \$(seq 1 9); do echo https://127.0.0.1:$NG_PORT/a/\$i; done; echo https://127.0.0.1:$NG_PORT/rst; for i in \$(seq 1 9); do echo https://127.0.0.1:$NG_PORT/b/\$i; done" 
	urls=$output
	run --separate-stderr bash -c "'$VOLLEY' -c 4 --cacert '$NG/cert.pem' --body none <<<'$urls'"
	assert_failure 1
	[ "${#lines[@]}" -eq 19 ]
	echo "${lines[9]}" | jq -e '.ok == false and (.error.kind | IN("protocol", "read"))'
	jq -s -e '[.[] | select(.ok)] | length == 18' <<<"$output"
}
