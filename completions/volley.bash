# bash completion for volley(1)                         -*- shell-script -*-
# Installed as share/bash-completion/completions/volley.  Every option of
# `volley --help` is listed here; tests/70-docs.bats checks it.

_volley()
{
    # Plain bash is enough: bash-completion's helpers are used for file
    # names when they are loaded, never needed.  cur is the text being
    # completed ($2).  bash splits "--mode=as" at '=' (a COMP_WORDBREAKS
    # character) into "--mode" "=" "as", or "--mode" "=" with the cursor
    # just after '='; without '=' in COMP_WORDBREAKS the word stays whole
    # and the replies must keep the "--mode=" before the value.
    local cur=$2 prev pre= split=false
    COMPREPLY=()
    if [[ ${COMP_WORDS[COMP_CWORD]} == = && $COMP_CWORD -ge 2 ]]; then
        prev=${COMP_WORDS[COMP_CWORD-1]} cur= split=true
    elif [[ ${COMP_WORDS[COMP_CWORD-1]} == = && $COMP_CWORD -ge 3 ]]; then
        prev=${COMP_WORDS[COMP_CWORD-2]} split=true
    elif [[ $cur == --*=* ]]; then
        prev=${cur%%=*} pre=${cur%%=*}= cur=${cur#*=} split=true
    else
        prev=${COMP_WORDS[COMP_CWORD-1]}
    fi

    local longopts="--input --template
        --concurrency --per-host --rate --timeout --connect-timeout
        --deadline --retries --retry-delay --retry-max-wait --retry-on
        --no-adapt --fail-fast --accept
        --request --header --data --json --user-agent --location
        --max-redirs --location-trusted --insecure --cacert --capath --proxy
        --compressed --http1.1 --http2 --http2-prior-knowledge
        --next-link --next-field --page-param --page-start --cursor-param
        --cursor-field --items --flatten --max-pages
        --mode --format --body --max-body --window --include-headers --output
        --save --stats --stats=json --stats=text --report --replay --progress --no-progress --quiet
        --shard --resume
        --help --version"
    local shortopts="-i -c -t -X -H -d -A -L -k -x -m -f -I -o -q -h -V"

    case $prev in
        -i | --input | -o | --output | --cacert | --resume | --replay)
            _volley_files
            return
            ;;
        --save | --capath)
            _volley_dirs
            return
            ;;
        -d | --data | --json)
            # A literal, or @FILE: complete file names after @.
            if [[ $cur == @* ]]; then
                local IFS=$'\n' f
                COMPREPLY=()
                for f in $(compgen -f -- "${cur#@}"); do
                    [[ -d $f ]] && f+=/
                    COMPREPLY+=("$pre@$f")
                done
                compopt -o nospace 2>/dev/null
            fi
            return
            ;;
        # The options with a fixed set of values (tests/70-docs.bats
        # checks these lists against volley's own).
        -m | --mode)
            _volley_words "gather as-completed"
            return
            ;;
        -f | --format)
            _volley_words "jsonl json"
            return
            ;;
        --body)
            _volley_words "auto json text base64 none"
            return
            ;;
        --stats)
            # The value is optional, so only after '='.
            if [[ $split == true ]]; then
                _volley_words "json text"
                return
            fi
            ;;
        --report)
            # FORMAT:PATH: the formats, then a file name after the ':'.
            if [[ $cur == *:* ]]; then
                local fmt=${cur%%:*}: IFS=$'\n' f
                for f in $(compgen -f -- "${cur#*:}"); do
                    COMPREPLY+=("$pre$fmt$f")
                done
            else
                _volley_words "junit: tap: github: markdown:"
            fi
            compopt -o nospace 2>/dev/null
            return
            ;;
        --accept)
            _volley_words "200-299 200-299,304 200-399 200-299,404"
            return
            ;;
        -X | --request)
            _volley_words "GET HEAD POST PUT PATCH DELETE OPTIONS
                TRACE"
            return
            ;;
        -H | --header)
            _volley_words "Accept: Accept-Encoding: Authorization:
                Cache-Control: Content-Type: Cookie: If-None-Match: Range:
                Referer: User-Agent:"
            return
            ;;
        -t | --timeout | --connect-timeout | --deadline | --retry-delay | \
        --retry-max-wait)
            _volley_words "250ms 500ms 1s 5s 10s 30s 1m 1m30s 5m"
            return
            ;;
        --max-body)
            _volley_words "512K 1M 10M 100M 1G"
            return
            ;;
        --retry-on)
            # A comma-separated list: a few whole lists to start from.
            _volley_words "408,429,500,502,503,504,connect,timeout
                429,503,connect,timeout connect,timeout,read 500-599"
            return
            ;;
        --window)
            _volley_words "1M 8M 32M 128M 1G"
            return
            ;;
        --rate)
            _volley_words "1/s 10/s 100/s 60/m 1000/h"
            return
            ;;
        -x | --proxy)
            _volley_words "http:// https:// socks5://
                socks5h://"
            compopt -o nospace 2>/dev/null
            return
            ;;
        --template)
            _volley_words "http:// https://"
            compopt -o nospace 2>/dev/null
            return
            ;;
        -c | --concurrency | --per-host | --retries | --max-redirs | \
        --max-pages | --page-start | --shard | -A | --user-agent | \
        --next-field | --page-param | --cursor-param | --cursor-field | \
        --items)
            # A value the user has to type.
            return
            ;;
    esac
    [[ $split == true ]] && return

    if [[ $cur == --* ]]; then
        _volley_words "$longopts"
        return
    fi
    if [[ $cur == -* ]]; then
        _volley_words "$shortopts $longopts"
        return
    fi
    # Arguments are URLs; offer the schemes.
    _volley_words "http:// https://"
    [[ ${#COMPREPLY[@]} -gt 0 ]] && compopt -o nospace 2>/dev/null
}

# The words of $1 that start with $cur, after $pre.
_volley_words()
{
    local w
    for w in $(compgen -W "$1" -- "$cur"); do
        COMPREPLY+=("$pre$w")
    done
}

_volley_files()
{
    if declare -F _filedir >/dev/null 2>&1; then
        _filedir
    else
        local IFS=$'\n'
        COMPREPLY=($(compgen -f -- "$cur"))
        compopt -o filenames 2>/dev/null
    fi
    [[ -n $pre ]] && COMPREPLY=("${COMPREPLY[@]/#/$pre}")
}

_volley_dirs()
{
    if declare -F _filedir >/dev/null 2>&1; then
        _filedir -d
    else
        local IFS=$'\n'
        COMPREPLY=($(compgen -d -- "$cur"))
        compopt -o filenames 2>/dev/null
    fi
    [[ -n $pre ]] && COMPREPLY=("${COMPREPLY[@]/#/$pre}")
}

complete -F _volley volley

# ex: filetype=sh
