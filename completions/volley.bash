# bash completion for volley(1)                         -*- shell-script -*-
# Installed as share/bash-completion/completions/volley.  Every option of
# `volley --help` is listed here; tests/70-docs.bats checks it.

_volley()
{
    local cur prev words cword split
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion -s || return
    else
        COMPREPLY=()
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD-1]}
        split=false
        if [[ $cur == --*=* ]]; then
            prev=${cur%%=*}
            cur=${cur#*=}
            split=true
        fi
    fi

    local longopts="--input --template
        --concurrency --per-host --rate --timeout --connect-timeout
        --deadline --retries --retry-delay --retry-max-wait --fail-fast
        --request --header --data --json --user-agent --location
        --max-redirs --location-trusted --insecure --cacert --proxy
        --compressed --http1.1 --http2 --http2-prior-knowledge
        --next-link --next-field --page-param --page-start --cursor-param
        --cursor-field --items --flatten --max-pages
        --mode --format --body --max-body --include-headers --output
        --save --stats --stats=json --progress --no-progress --quiet
        --shard --resume
        --help --version"
    local shortopts="-i -c -t -X -H -d -A -L -k -x -m -f -I -o -q -h -V"

    case $prev in
        -i | --input | -o | --output | --cacert | --resume)
            _volley_files
            return
            ;;
        --save)
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
                    COMPREPLY+=("@$f")
                done
                compopt -o nospace 2>/dev/null
            fi
            return
            ;;
        -m | --mode)
            COMPREPLY=($(compgen -W "gather as-completed" -- "$cur"))
            return
            ;;
        -f | --format)
            COMPREPLY=($(compgen -W "jsonl json" -- "$cur"))
            return
            ;;
        --body)
            COMPREPLY=($(compgen -W "auto json text base64 none" -- "$cur"))
            return
            ;;
        --stats)
            if [[ $split == true ]]; then
                COMPREPLY=($(compgen -W "json" -- "$cur"))
                return
            fi
            ;;
        -X | --request)
            COMPREPLY=($(compgen -W "GET HEAD POST PUT PATCH DELETE OPTIONS
                TRACE" -- "$cur"))
            return
            ;;
        -H | --header)
            COMPREPLY=($(compgen -W "Accept: Accept-Encoding: Authorization:
                Cache-Control: Content-Type: Cookie: If-None-Match: Range:
                Referer: User-Agent:" -- "$cur"))
            return
            ;;
        -t | --timeout | --connect-timeout | --deadline | --retry-delay | \
        --retry-max-wait)
            COMPREPLY=($(compgen -W "250ms 500ms 1s 5s 10s 30s 1m 5m" \
                -- "$cur"))
            return
            ;;
        --max-body)
            COMPREPLY=($(compgen -W "512K 1M 10M 100M 1G" -- "$cur"))
            return
            ;;
        --rate)
            COMPREPLY=($(compgen -W "1/s 10/s 100/s 60/m 1000/h" -- "$cur"))
            return
            ;;
        -x | --proxy)
            COMPREPLY=($(compgen -W "http:// https:// socks5://
                socks5h://" -- "$cur"))
            compopt -o nospace 2>/dev/null
            return
            ;;
        --template)
            COMPREPLY=($(compgen -W "http:// https://" -- "$cur"))
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
        COMPREPLY=($(compgen -W "$longopts" -- "$cur"))
        return
    fi
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$shortopts $longopts" -- "$cur"))
        return
    fi
    # Arguments are URLs; offer the schemes.
    COMPREPLY=($(compgen -W "http:// https://" -- "$cur"))
    [[ ${#COMPREPLY[@]} -gt 0 ]] && compopt -o nospace 2>/dev/null
}

_volley_files()
{
    if declare -F _filedir >/dev/null 2>&1; then
        _filedir
    else
        local IFS=$'\n'
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}

_volley_dirs()
{
    if declare -F _filedir >/dev/null 2>&1; then
        _filedir -d
    else
        local IFS=$'\n'
        COMPREPLY=($(compgen -d -- "$cur"))
    fi
}

complete -F _volley volley

# ex: filetype=sh
