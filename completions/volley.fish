# fish completion for volley(1).  Installed as
# share/fish/vendor_completions.d/volley.fish.  One line per option of
# `volley --help`; tests/70-docs.bats checks it.

# Arguments are URLs.
complete -c volley -f

# -d/--json take a literal or @FILE: complete file names after an @.
function __volley_at_file
    set -l tok (commandline -ct)
    string match -q -- '@*' $tok; or return
    set -l tok (string replace -r -- '^.*?@' '' $tok)
    __fish_complete_path $tok | string replace -r -- '^' '@'
end

# --report FORMAT:PATH: the formats, then file names after the ':'.
function __volley_report
    set -l tok (string replace -r -- '^--report=' '' (commandline -ct))
    if string match -q -- '*:*' $tok
        set -l fmt (string replace -r -- ':.*' '' $tok)
        __fish_complete_path (string replace -r -- '^[^:]*:' '' $tok) | string replace -r -- '^' "$fmt:"
    else
        printf '%s\n' junit: tap: github: markdown:
    end
end

# Input
complete -c volley -s i -l input -r -F -d 'Read request lines from FILE (- is stdin)'
complete -c volley -l template -x -d 'Build each URL from URL: {} = line percent-encoded, {raw} = as is'

# Limits and time
complete -c volley -s c -l concurrency -x -d 'At most N requests in flight (default 50)'
complete -c volley -l per-host -x -d 'At most N in flight per host (default 0 = no limit)'
complete -c volley -l rate -x -a '1/s 10/s 100/s 60/m 1000/h' -d 'Start at most N requests per second (or /m, /h)'
complete -c volley -s t -l timeout -x -a '250ms 1s 5s 10s 30s 0' -d 'Time limit for each attempt (default 30s; 0 = none)'
complete -c volley -l connect-timeout -x -a '1s 5s 10s 30s' -d 'Time limit to connect (default 10s)'
complete -c volley -l deadline -x -a '30s 1m 5m 1h' -d 'Time limit for the whole run'
complete -c volley -l retries -x -d 'Retry idempotent requests on connect errors, timeouts, 408, 429, 500, 502-504'
complete -c volley -l retry-delay -x -a '100ms 250ms 500ms 1s' -d 'Base of the exponential backoff (default 500ms)'
complete -c volley -l retry-max-wait -x -a '5s 10s 30s 1m' -d 'Longest single wait before a retry (default 30s)'
complete -c volley -l retry-on -x -a '408,429,500,502,503,504,connect,timeout 429,503,connect,timeout connect,timeout,read 500-599' -d 'What --retries retries instead: statuses, ranges, error kinds'
complete -c volley -l no-adapt -d "Keep each host's concurrency fixed on 429, 503 and rate limits"
complete -c volley -l fail-fast -d 'The first failed record cancels everything else (exit 3)'
complete -c volley -l accept -x -a '200-299 200-299,304 200-399' -d 'Statuses that are ok, e.g. 200-299,304 (default: below 400)'

# Request
complete -c volley -s X -l request -x -a 'GET HEAD POST PUT PATCH DELETE OPTIONS TRACE' -d 'HTTP method'
complete -c volley -s H -l header -x -d 'Add a request header (K: V, repeatable)'
complete -c volley -s d -l data -x -a '(__volley_at_file)' -d 'Send STR or @FILE as a form-encoded body'
complete -c volley -l json -x -a '(__volley_at_file)' -d 'Send a JSON body (STR or @FILE) with JSON Content-Type and Accept'
complete -c volley -s A -l user-agent -x -d 'User-Agent header (default volley/VERSION)'
complete -c volley -s L -l location -d 'Follow redirects'
complete -c volley -l max-redirs -x -d 'At most N redirects per request (default 10)'
complete -c volley -l location-trusted -d 'Send -H headers to other origins on redirects and next links'
complete -c volley -s k -l insecure -d 'Do not verify TLS certificates'
complete -c volley -l cacert -r -F -d 'Verify TLS peers with the CA certificates in FILE'
complete -c volley -l capath -x -a '(__fish_complete_directories (commandline -ct))' -d 'Also trust the hashed CA certificates in DIR'
complete -c volley -s x -l proxy -x -d 'Use this proxy'
complete -c volley -l compressed -d 'Ask for a compressed response and decompress it'
complete -c volley -l http1.1 -d 'Use HTTP/1.1'
complete -c volley -l http2 -d 'Use HTTP/2 (TLS ALPN, or h2c upgrade for http)'
complete -c volley -l http2-prior-knowledge -d 'Use HTTP/2 without HTTP/1.1 upgrade'

# Pagination
complete -c volley -l next-link -d 'Follow rel=next Link headers'
complete -c volley -l next-field -x -d 'Follow the URL at JSON pointer PTR in the body'
complete -c volley -l page-param -x -d 'Increment query parameter NAME until a page has no items'
complete -c volley -l page-start -x -d 'First page number when the URL has none (default 1)'
complete -c volley -l cursor-param -x -d 'Send the cursor in query parameter NAME'
complete -c volley -l cursor-field -x -d 'The next cursor is at JSON pointer PTR in the body'
complete -c volley -l items -x -d "A page's items are at PTR (default: the body if an array)"
complete -c volley -l flatten -d 'One record per item instead of one per page'
complete -c volley -l max-pages -x -d 'At most N pages per chain (default 1000)'

# Output
complete -c volley -s m -l mode -x -a 'gather\t"input order (default)" as-completed\t"as requests finish"' -d 'Output order'
complete -c volley -s f -l format -x -a 'jsonl\t"one record per line (default)" json\t"one JSON array"' -d 'Output format'
complete -c volley -l body -x -a 'auto json text base64 none' -d 'How bodies go into records (default auto)'
complete -c volley -l window -x -a '1M 8M 32M 128M 1G' -d 'Bytes of records held for output at most (default 32M)'
complete -c volley -l max-body -x -a '512K 1M 10M 100M 1G' -d 'Largest body kept (default 10M)'
complete -c volley -s I -l include-headers -d 'Add the response headers to each record'
complete -c volley -s o -l output -r -F -d 'Write records to FILE instead of stdout'
complete -c volley -l save -x -a '(__fish_complete_directories (commandline -ct))' -d 'Write bodies to files in DIR'
complete -c volley -l stats -a 'json\t"a JSON summary" text\t"the table, even off a terminal"' -d 'Print a summary on stderr at the end (--stats=json: JSON)'
complete -c volley -l report -x -a '(__volley_report)' -d 'Also write a junit, tap, github or markdown report (FORMAT:PATH, - = stderr)'
complete -c volley -l replay -r -F -d 'Fetch nothing: --stats and --report from the records in FILE'
complete -c volley -l progress -d 'Show progress on stderr even when it is not a terminal'
complete -c volley -l no-progress -d 'Never show progress'
complete -c volley -s q -l quiet -d 'No warnings or progress on stderr'
complete -c volley -l shard -x -d 'Fetch only requests whose index % N == K (K/N)'
complete -c volley -l resume -r -F -d 'Skip requests recorded ok in FILE and append new records to it'

# Other
complete -c volley -s h -l help -d 'Show the help and exit'
complete -c volley -s V -l version -d 'Show the version and exit'
