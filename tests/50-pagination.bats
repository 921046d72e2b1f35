#!/usr/bin/env bats
# Pagination: every input request is a chain of pages (an async generator
# over pages); chains run concurrently under -c, pages of a chain one by one.

load helper

setup_file() { fixture_start; }
teardown_file() { fixture_stop; }

# pages of the records in $output: "index:page" lines
pages() { jq -r '"\(.index):\(.page)"' <<<"$output"; }

@test "pagination: --next-link follows Link rel=next (several links, several headers, relative targets)" {
	run --separate-stderr "$VOLLEY" --next-link "$BASE/pg/link?n=4&chain=1"
	assert_success
	[ "${#lines[@]}" -eq 4 ]
	run jq -s -e --arg b "$BASE" '
		[.[].page] == [1,2,3,4] and all(.[]; .ok and .index == 0)
		and [.[].body[0]] == ["c1-p1-i1","c1-p2-i1","c1-p3-i1","c1-p4-i1"]
		and .[0].url == "\($b)/pg/link?n=4&chain=1"
		and .[1].url == "\($b)/pg/link?page=2&n=4&chain=1"' <<<"$output"
	assert_success
}

@test "pagination: --next-field follows a JSON pointer, relative and absolute" {
	run --separate-stderr "$VOLLEY" --next-field /links/next --items /data \
		"$BASE/pg/field?n=3&chain=1&abs=0" "$BASE/pg/field?n=3&chain=2&abs=1"
	assert_success
	run pages
	assert_output "$(printf '0:1\n0:2\n0:3\n1:1\n1:2\n1:3')"
}

@test "pagination: --next-field \"\" is the whole body: a body that is a JSON string is the next URL" {
	hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
	# page 1's body is "<page 2's URL>"; page 2's body is "<the end: null>"
	p2="$BASE/body?hex=$(hex null)"
	run --separate-stderr "$VOLLEY" --next-field "" "$BASE/body?hex=$(hex "\"$p2\"")"
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	jq -s -e --arg p2 "$p2" '.[0].page == 1 and .[1].page == 2 and .[1].url == $p2 and .[1].last' <<<"$output"
	# a body that is not a string: the chain fails, and the message
	# shows the empty pointer as ""
	run --separate-stderr "$VOLLEY" --next-field "" "$BASE/body?hex=$(hex "\"$BASE/json\"")"
	assert_failure 1
	echo "${lines[2]}" | jq -e '.page == 3 and .error.kind == "pagination" and .error.message == "--next-field \"\" is not a string"'
	# a parameter's name cannot be empty
	for o in --page-param --cursor-param; do
		run --separate-stderr "$VOLLEY" "$o" "" "$BASE/json"
		assert_failure 2
		[[ $stderr == *"$o: empty argument"* ]]
	done
}

@test "pagination: a page with a lone surrogate (a cut emoji) is JSON, and its values are read" {
	hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
	# RFC 8259 lets "\ud83d" alone pass; cJSON refuses it.  The record
	# is the same with pagination as without, and the chain goes on.
	u="$BASE/body?hex=$(hex '{"items":[1],"name":"cut\ud83d","next":"/json"}')"
	run --separate-stderr "$VOLLEY" "$u"
	echo "$output" | jq -e '.body_encoding == "json"'
	run --separate-stderr "$VOLLEY" --next-field /next --items /items --flatten "$u"
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	jq -s -e '.[0].item == 1 and .[0].body_encoding == null and .[1].page == 2 and .[1].last' <<<"$output"
}

@test "pagination: --page-param increments the page, keeps other parameters, ends on an empty page" {
	run --separate-stderr "$VOLLEY" --page-param page --items /items "$BASE/pg/num?n=3&other=X"
	assert_success
	[ "${#lines[@]}" -eq 4 ]
	run jq -s -e '[.[].page] == [1,2,3,4] and all(.[]; .body.other == "X")
		and [.[].body.items | length] == [2,2,2,0]
		and (.[1].url | test("page=2")) and (.[3].url | test("page=4"))' <<<"$output"
	assert_success
}

@test "pagination: --page-param starts from the URL's value, else --page-start" {
	run --separate-stderr "$VOLLEY" --page-param page --items /items "$BASE/pg/num?n=3&page=3"
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	run --separate-stderr "$VOLLEY" --page-param page --page-start 2 --items /items "$BASE/pg/num?n=3"
	assert_success
	run jq -s -e '[.[].body.items[0]] == ["c0-p2-i1","c0-p3-i1",null]' <<<"$output"
	assert_success
}

@test "pagination: --cursor-param carries the cursor until it is null" {
	run --separate-stderr "$VOLLEY" --cursor-param cursor --cursor-field /meta/next_cursor --items /items "$BASE/pg/cursor?n=3&chain=4"
	assert_success
	run jq -s -e '[.[].page] == [1,2,3] and [.[].body.items[0]] == ["c4-p1-i1","c4-p2-i1","c4-p3-i1"]
		and (.[1].url | test("cursor=c2")) and (.[2].url | test("cursor=c3"))' <<<"$output"
	assert_success
}

@test "pagination: a loop ends at once with a pagination error record" {
	start=$(date +%s%N)
	run --separate-stderr "$VOLLEY" --next-link "$BASE/pg/loop?page=1"
	end=$(date +%s%N)
	assert_failure 1
	[ "${#lines[@]}" -eq 2 ]
	echo "${lines[0]}" | jq -e '.ok and .page == 1'
	echo "${lines[1]}" | jq -e '.page == 2 and .error.kind == "pagination" and (.error.message | test("already"))'
	[ $(( (end - start) / 1000000 )) -lt 10000 ]
	run --separate-stderr "$VOLLEY" --next-field /next --items /items "$BASE/pg/loop?page=1"
	assert_failure 1
	echo "${lines[1]}" | jq -e '.error.kind == "pagination"'
}

@test "pagination: a page that fails ends its chain with that error; other chains go on" {
	run --separate-stderr "$VOLLEY" --next-field /links/next --items /data \
		"$BASE/pg/fail?n=4&chain=1" "$BASE/pg/field?n=3&chain=2"
	assert_failure 1
	run jq -r '"\(.index):\(.page):\(.error.kind // "ok")"' <<<"$output"
	assert_output "$(printf '0:1:ok\n0:2:http\n1:1:ok\n1:2:ok\n1:3:ok')"
}

@test "pagination: 40 chains of 4 pages at -c 8 come out in exact gather order" {
	for i in $(seq 0 39); do
		echo "$BASE/pg/slow?n=4&chain=$i&ms=$(( (i * 37) % 60 ))"
	done >"$BATS_TEST_TMPDIR/in"
	fixture_reset
	base=$(fixture_stats | jq .inflight)
	run --separate-stderr "$VOLLEY" -c 8 --next-field /links/next --items /data -i "$BATS_TEST_TMPDIR/in"
	assert_success
	[ "${#lines[@]}" -eq 160 ]
	expected=$(for i in $(seq 0 39); do for p in 1 2 3 4; do echo "$i:$p"; done; done)
	run pages
	assert_output "$expected"
	fixture_stats | jq -e --argjson b "$base" '.max_inflight <= 8 + $b and .requests == 160'
}

@test "pagination: as-completed mode gives every page, each chain in page order" {
	run --separate-stderr "$VOLLEY" -m as-completed -c 4 --next-field /links/next --items /data \
		"$BASE/pg/slow?n=3&chain=0&ms=200" "$BASE/pg/slow?n=3&chain=1&ms=10"
	assert_success
	[ "${#lines[@]}" -eq 6 ]
	# chain 1 is faster: its first page comes before chain 0's
	echo "${lines[0]}" | jq -e '.index == 1'
	run jq -s -e '[.[] | select(.index == 0) | .page] == [1,2,3] and [.[] | select(.index == 1) | .page] == [1,2,3]' <<<"$output"
	assert_success
}

@test "pagination: --flatten gives one record per item with its position" {
	run --separate-stderr "$VOLLEY" --flatten --page-param page --items /items "$BASE/pg/num?n=2"
	assert_success
	# the empty page 3 that ends the chain has its record too, item null
	[ "${#lines[@]}" -eq 5 ]
	run jq -s -e '[.[] | [.page, .item_index, .item]] == [[1,0,"c0-p1-i1"],[1,1,"c0-p1-i2"],[2,0,"c0-p2-i1"],[2,1,"c0-p2-i2"],[3,null,null]]
		and all(.[]; has("body") | not)' <<<"$output"
	assert_success
}

@test "pagination: --flatten without pagination splits one array body" {
	run --separate-stderr "$VOLLEY" --flatten "$BASE/pg/link?n=1"
	assert_success
	run jq -s -c '[.[].item]' <<<"$output"
	assert_output '["c0-p1-i1","c0-p1-i2"]'
}

@test "pagination: --max-pages caps a chain quietly" {
	run --separate-stderr "$VOLLEY" --max-pages 2 --next-link "$BASE/pg/link?n=9"
	assert_success
	[ "${#lines[@]}" -eq 2 ]
}

@test "pagination: --items or --next-field pointing at the wrong type is a pagination error" {
	run --separate-stderr "$VOLLEY" --next-field /links --items /data "$BASE/pg/field?n=3"
	assert_failure 1
	echo "${lines[-1]}" | jq -e '.error.kind == "pagination" and (.error.message | test("not a string"))'
	run --separate-stderr "$VOLLEY" --next-field /links/next --items /links "$BASE/pg/field?n=3"
	assert_failure 1
	echo "${lines[-1]}" | jq -e '.error.kind == "pagination" and (.error.message | test("not an array"))'
}

@test "pagination: a host with %7F in it: the page URL volley makes is still one libcurl takes" {
	# libcurl decodes the host's %7F to a raw DEL and prints it raw; the
	# page URL --page-param makes was that text, which libcurl refused
	# (invalid_url, nothing sent).  Through the fixture as a proxy the
	# request is made; the fixture (evhttp) answers the raw DEL libcurl
	# puts in the request line with 400, on 7.88 and 8.x alike.
	run --separate-stderr "$VOLLEY" -x "$BASE" --page-param page --items /items 'http://a%7Fb/pg/num?n=3'
	assert_failure 1
	echo "$output" | jq -e '.url == "http://a%7Fb/pg/num?n=3" and .status == 400 and .error.kind == "http"'
}

@test "pagination: a POST chain carries on with GET and no body; headers carry over" {
	run --separate-stderr "$VOLLEY" -d q=1 -H 'X-Key: k' --next-field /links/next --items /data "$BASE/pg/field?n=2"
	assert_success
	run jq -r '.method' <<<"$output"
	assert_output "$(printf 'POST\nGET')"
}

@test "pagination: memory does not grow with the number of pages" {
	# one chain of 50 pages and one of 5000: the same peak RSS
	for n in 50 5000; do
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4" \
		/usr/bin/time -f %M -o "$BATS_TEST_TMPDIR/rss.$n" "$VOLLEY" --body none --max-pages 100000 \
			--page-param page --items /items "$BASE/pg/num?n=$((n - 1))" >"$BATS_TEST_TMPDIR/out.$n"
		[ "$(wc -l <"$BATS_TEST_TMPDIR/out.$n")" -eq "$n" ]
	done
	small=$(tail -n 1 "$BATS_TEST_TMPDIR/rss.50")
	big=$(tail -n 1 "$BATS_TEST_TMPDIR/rss.5000")
	echo "peak RSS: 50 pages $small KB, 5000 pages $big KB"
	[ "$big" -le $(( small * 5 / 4 + 2048 )) ]
}
