#!/usr/bin/env bats
# The documentation against the binary: every long option of `volley --help`
# must be in the man page and in the three completion files, and no document
# may name an option that does not exist.  Also the man page markup, its
# ERROR KINDS, RECORDS and EXIT STATUS sections, the completion files'
# syntax and their value lists: for every option with a fixed set of
# values (read from volley's own messages, made from its option table),
# bash (plain, no bash-completion), zsh and fish offer exactly those
# values, checked at a terminal (tests/ptytype.py) where only a terminal
# shows them.  No fixture server: nothing is fetched.

load helper

ROOT=$BATS_TEST_DIRNAME/..
MAN=$ROOT/man/volley.1
BASH_COMP=$ROOT/completions/volley.bash
ZSH_COMP=$ROOT/completions/_volley
FISH_COMP=$ROOT/completions/volley.fish

# The long options of --help, one per line, without the dashes: the
# option lines are "  -c, --concurrency N" or "      --per-host N".
help_longs() {
	"$VOLLEY" --help |
		grep -oE -- '^ +(-[A-Za-z0-9], )?--[a-z0-9][a-z0-9.-]*' |
		sed -E 's/.*--//; s/[.-]+$//' | sort -u
}

# "X name" for every option that has a short form.
help_pairs() {
	"$VOLLEY" --help |
		sed -nE 's/^ +-([A-Za-z0-9]), --([a-z0-9][a-z0-9.-]*).*/\1 \2/p'
}

# The hyphen-tolerant ERE for --NAME: each hyphen may follow a backslash
# (roff's \-), dots are literal, and the name must not continue (so that
# --http2 is not found inside --http2-prior-knowledge).
long_re() {
	printf '%s' "--$1" | sed -e 's/\./\\./g' -e 's/-/\\\\?-/g'
	printf '%s' '([^A-Za-z0-9.\\-]|\\-[^A-Za-z0-9]|$)'
}

# Plain text of roff: \- is -, font escapes go, other backslashes go.
deroff() {
	sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\f([A-Z][A-Z]//g' \
		-e 's/\\(..//g' -e 's/\\//g' "$@"
}

# The body of man page section $1 (exact .SH argument, quotes allowed).
man_section() {
	awk -v want="$1" '
		/^\.SH / {
			name = substr($0, 5); gsub(/"/, "", name)
			insec = (name == want); next
		}
		insec { print }' "$MAN"
}

# The words of the tags (the line after each .TP) of section $1, one a
# line: ".BR item_index \", \" item" gives item_index and item.
man_tags() {
	man_section "$1" | awk '
		prev == ".TP" {
			line = $0; sub(/^\.[A-Z]+ */, "", line)
			gsub(/"[^"]*"/, " ", line); gsub(/\\-/, "-", line)
			n = split(line, w, /[ \t]+/)
			for (i = 1; i <= n; i++)
				if (w[i] != "") print w[i]
		}
		{ prev = $1 }'
}

# --NAME tokens of a file (after deroff), dashes removed, one a line.
doc_longs() {
	deroff "$@" | grep -oE -- '--[a-z0-9][a-z0-9.-]*' |
		sed -E 's/^--//; s/[.-]+$//' | sort -u
}

# Print the lines of $1 (a list) that are not in $2 (a list); fail if any.
only_in_first() {
	local extra

	extra=$(comm -23 <(printf '%s\n' "$1" | sort -u) \
		<(printf '%s\n' "$2" | sort -u) | sed '/^$/d')
	if [[ -n $extra ]]; then
		printf '%s\n' "$extra"
		return 1
	fi
}

@test "--help lists a sane set of long options" {
	run help_longs
	assert_success
	# Guard the extraction itself: a broken regex would make every other
	# test here pass vacuously.
	(( ${#lines[@]} >= 50 ))
	assert_line concurrency
	assert_line http1.1
	assert_line http2-prior-knowledge
	assert_line stats
	assert_line version
}

@test "every long option of --help is in the man page" {
	local opt missing=()

	for opt in $(help_longs); do
		grep -qE -- "$(long_re "$opt")" "$MAN" || missing+=("--$opt")
	done
	if (( ${#missing[@]} > 0 )); then
		echo "missing from man/volley.1: ${missing[*]}"
		return 1
	fi
}

@test "every long option of --help is in the man page OPTIONS section" {
	local opt missing=() opts

	opts=$(man_section OPTIONS)
	for opt in $(help_longs); do
		grep -qE -- "$(long_re "$opt")" <<<"$opts" ||
			missing+=("--$opt")
	done
	if (( ${#missing[@]} > 0 )); then
		echo "not described under OPTIONS: ${missing[*]}"
		return 1
	fi
}

@test "every long option of --help is in the bash and zsh completions" {
	local opt f missing=()

	for f in "$BASH_COMP" "$ZSH_COMP"; do
		for opt in $(help_longs); do
			grep -qE -- "$(long_re "$opt")" "$f" ||
				missing+=("--$opt in ${f#"$ROOT"/}")
		done
	done
	if (( ${#missing[@]} > 0 )); then
		printf 'missing: %s\n' "${missing[@]}"
		return 1
	fi
}

@test "every long option of --help is in the fish completion" {
	local opt re missing=()

	for opt in $(help_longs); do
		re="(-l|--long(-option)?)[ =]['\"]?${opt//./\\.}(['\" ]|\$)"
		grep -qE -- "$re" "$FISH_COMP" || missing+=("--$opt")
	done
	if (( ${#missing[@]} > 0 )); then
		echo "missing from completions/volley.fish: ${missing[*]}"
		return 1
	fi
}

@test "every short option of --help is in the man page and completions" {
	local x name missing=()

	while read -r x name; do
		# Man page: "\-c ", \-\-concurrency" on one line.
		grep -qE -- "\\\\?-$x\\b.*$(long_re "$name")" "$MAN" ||
			missing+=("-$x in man/volley.1")
		grep -qE -- "(^|[ \"])-$x( |\"|\$)" "$BASH_COMP" ||
			missing+=("-$x in completions/volley.bash")
		grep -qE -- "\\{-$x\\+?,--${name//./\\.}=?\\}" "$ZSH_COMP" ||
			missing+=("-$x in completions/_volley")
		grep -qE -- "-s $x -l ${name//./\\.}( |\$)" "$FISH_COMP" ||
			missing+=("-$x in completions/volley.fish")
	done < <(help_pairs)
	if (( ${#missing[@]} > 0 )); then
		printf 'missing: %s\n' "${missing[@]}"
		return 1
	fi
}

@test "the man page OPTIONS section names no option --help lacks" {
	local help

	help=$(help_longs)
	run only_in_first "$(man_section OPTIONS | doc_longs)" "$help"
	if (( status != 0 )); then
		echo "man page OPTIONS names unknown options:"
		printf '  --%s\n' "${lines[@]}"
		return 1
	fi
}

@test "the completion files name no option --help lacks" {
	local help f fish_l

	help=$(help_longs)
	for f in "$BASH_COMP" "$ZSH_COMP" "$FISH_COMP"; do
		run only_in_first "$(doc_longs "$f")" "$help"
		if (( status != 0 )); then
			echo "${f#"$ROOT"/} names unknown options:"
			printf '  --%s\n' "${lines[@]}"
			return 1
		fi
	done
	# fish spells long options "-l NAME".
	fish_l=$(grep -E '^complete ' "$FISH_COMP" |
		grep -oE -- ' -l [a-z0-9][a-z0-9.-]*' | sed -E 's/.*-l //')
	[[ -n $fish_l ]]
	run only_in_first "$fish_l" "$help"
	if (( status != 0 )); then
		echo "completions/volley.fish names unknown options:"
		printf '  -l %s\n' "${lines[@]}"
		return 1
	fi
}

@test "the man page has no groff warnings" {
	run groff -man -ww -z "$MAN"
	assert_success
	assert_output ''
}

@test "the man page has every section" {
	local s

	for s in NAME SYNOPSIS DESCRIPTION INPUT OPTIONS RECORDS \
	    "ERROR KINDS" PAGINATION "EXIT STATUS" ENVIRONMENT EXAMPLES \
	    "SEE ALSO"; do
		grep -qE "^\.SH \"?$s\"?\$" "$MAN" || {
			echo "no section $s"
			return 1
		}
	done
	# At least 8 examples, and the asyncio patterns of DESCRIPTION.
	(( $(man_section EXAMPLES | grep -c '^\.EX') >= 8 ))
	run man_section DESCRIPTION
	for s in gather as_completed Semaphore wait_for TaskGroup \
	    "async generators"; do
		assert_output --partial "$s"
	done
}

@test "the man page ERROR KINDS are exactly the stable kinds" {
	local want="input invalid_url unsupported_protocol dns connect tls
	    timeout read protocol decode too_many_redirects body_too_large
	    http pagination cancelled deadline"

	run man_tags "ERROR KINDS"
	assert_success
	run diff <(printf '%s\n' $want | sort) <(printf '%s\n' "${lines[@]}" |
		sort)
	if (( status != 0 )); then
		echo "ERROR KINDS differ from the stable set (< expected, > man):"
		echo "$output"
		return 1
	fi
}

@test "the man page RECORDS lists the record fields in order" {
	local want="index id url input final_url method status ok http_version
	    content_type size time_ms timing attempts page headers item_index item
	    saved sha256 body body_encoding error" doc real

	doc=$(man_tags RECORDS | tr '\n' ' ')
	[[ $(echo $doc) == "$(echo $want)" ]] || {
		echo "RECORDS: $doc"
		echo "wanted:  $(echo $want)"
		return 1
	}
	# A record volley really prints (a scheme-less URL fails offline)
	# has its fields in the documented order.
	run "$VOLLEY" -I --no-progress example.invalid/x
	assert_failure 1
	real=$(jq -r 'keys_unsorted[]' <<<"$output" | tr '\n' ' ')
	[[ -n $real ]]
	run awk -v real="$real" -v doc="$doc" 'BEGIN {
		n = split(real, r, " "); m = split(doc, d, " "); j = 1
		for (i = 1; i <= n; i++) {
			while (j <= m && d[j] != r[i]) j++
			if (j > m) { print "field " r[i] " out of order"; exit 1 }
		}
	}'
	assert_success
}

@test "the man page EXIT STATUS lists every status" {
	run man_tags "EXIT STATUS"
	assert_success
	[[ $(echo $output) == "0 1 2 3 4 130 143" ]]
}

@test "the man page and --version agree on the version" {
	local v

	v=$("$VOLLEY" --version)
	grep -qF "\"$v\"" "$MAN" || {
		echo ".TH of man/volley.1 does not say \"$v\""
		return 1
	}
}

@test "--version prints volley X.Y.Z" {
	run "$VOLLEY" --version
	assert_success
	assert_output --regexp '^volley [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "the completion files parse" {
	run bash -n "$BASH_COMP"
	assert_success
	if command -v zsh >/dev/null; then
		run zsh -n "$ZSH_COMP"
		assert_success
	fi
	if command -v fish >/dev/null; then
		run fish -n "$FISH_COMP"
		assert_success
	fi
	head -n 1 "$ZSH_COMP" | grep -qx '#compdef volley'
}

@test "bash completion completes options and values" {
	local comp

	comp() {
		# Without bash-completion's helpers loaded, the file falls
		# back on compgen.
		bash -c '
			source "$1"; shift
			COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
			COMPREPLY=()
			_volley volley "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"
			printf "%s\n" "${COMPREPLY[@]}"' comp "$BASH_COMP" "$@"
	}
	run comp volley --max-r
	assert_output --max-redirs
	run comp volley -m ''
	assert_line gather
	assert_line as-completed
	run comp volley --format j
	assert_line jsonl
	assert_line json
	run comp volley --body ''
	assert_equal "$(echo $output)" "auto json text base64 none"
	run comp volley --save "$BATS_TEST_DIRNAME"
	assert_output "$BATS_TEST_DIRNAME"
}

@test "the values the completions offer are accepted by volley" {
	local opt v f

	for v in gather as-completed; do
		run "$VOLLEY" -m "$v" --help
		assert_success
	done
	for v in jsonl json; do
		run "$VOLLEY" -f "$v" --help
		assert_success
	done
	for v in auto json text base64 none; do
		run "$VOLLEY" --body "$v" --help
		assert_success
		for f in "$BASH_COMP" "$ZSH_COMP" "$FISH_COMP"; do
			grep -qw -- "$v" "$f"
		done
	done
	run "$VOLLEY" --stats=json --help
	assert_success
	# And a value they do not offer is refused.
	run "$VOLLEY" --body html --help
	assert_failure 2
}

# The values volley takes for --$1, one a line, read from its message for
# a value it refuses ("volley: --mode: '%' is not gather or as-completed",
# made from the option table); nothing if --$1 has no fixed set of values.
# The --help after it makes volley stop there when the value is taken
# (--output=% must not run a fetch, nor create a file).
enum_values() {
	"$VOLLEY" "--$1=%" --help </dev/null 2>&1 >/dev/null | head -n 1 |
		sed -nE "s/^volley: --${1//./\\.}: '%' is not ([a-z0-9-]+((, [a-z0-9-]+)* or [a-z0-9-]+)?)\$/\\1/p" |
		sed -E 's/ or |, /\n/g'
}

# The long options of --help that have a fixed set of values.
enum_opts() {
	local opt

	for opt in $(help_longs); do
		if [[ -n $(enum_values "$opt") ]]; then
			echo "$opt"
		fi
	done
}

# Whether --$1's value is optional (--help shows "--stats[=json]").
optional_value() {
	"$VOLLEY" --help | grep -qF -- "--$1[="
}

# The short letter of --$1, if it has one.
short_of() {
	help_pairs | awk -v n="$1" '$2 == n { print $1 }'
}

# The bash completion of the words given (the last is being completed),
# in a bash without bash-completion, with COMP_WORDS as bash builds them:
# with '=' in COMP_WORDBREAKS, "--mode=as" is the words "--mode" "=" "as",
# and just after the '=' the words end with "=" while the text being
# completed ($2) is empty.
bash_complete() {
	bash --norc --noprofile -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		cur=${COMP_WORDS[-1]}
		[[ $cur == = ]] && cur=
		COMPREPLY=()
		_volley volley "$cur" "${COMP_WORDS[-2]}"
		printf "%s\n" "${COMPREPLY[@]}"' bash_complete "$BASH_COMP" "$@"
}

# Print "want" and "got" and fail if the sorted lists $2 and $3 differ.
same_values() {
	if [[ $(sort <<<"$2") != "$(sort <<<"$3")" ]]; then
		echo "$1: volley takes [$(echo $2)], completion offers [$(echo $3)]"
		return 1
	fi
}

# The values a listing on the terminal shows (ptytype.py's output after
# Ctrl-T): the lines up to the next prompt, without "-- description".
listed() {
	sed -n '2,$p' | sed '/^\$ /,$d' | sed -E 's/ +-- .*//' |
		tr -s ' \t' '\n' | sed '/^$/d'
}

@test "the options with a fixed set of values are read from volley" {
	run enum_opts
	assert_success
	# Guard the extraction: every test below loops over this list.
	assert_line mode
	assert_line format
	assert_line body
	assert_line stats
	run enum_values body
	assert_equal "$(echo $output)" "auto json text base64 none"
	run enum_values timeout
	assert_output ''
}

@test "bash completion offers volley's values for each fixed-value option, in every spelling" {
	local opt want x

	for opt in $(enum_opts); do
		want=$(enum_values "$opt")
		# --opt=<Tab>, as bash splits it; and with '=' no word break.
		same_values "--$opt=" "$want" "$(bash_complete volley "--$opt" =)"
		same_values "--$opt= (one word)" "$want" \
			"$(bash_complete volley "--$opt=" | sed "s/^--$opt=//")"
		if ! optional_value "$opt"; then
			same_values "--$opt " "$want" \
				"$(bash_complete volley "--$opt" '')"
		fi
		x=$(short_of "$opt")
		if [[ -n $x ]]; then
			same_values "-$x " "$want" "$(bash_complete volley "-$x" '')"
		fi
	done
	# What is typed after '=' narrows the values.
	run bash_complete volley --mode = as
	assert_output as-completed
	run bash_complete volley --mode=as
	assert_output --mode=as-completed
	run bash_complete volley --stats = j
	assert_output json
	# --stats takes a value only after '=': a word after it is a URL.
	run bash_complete volley --stats ''
	refute_line json
}

@test "bash completion completes values at a terminal in a plain bash --norc" {
	local setup opt

	command -v python3 >/dev/null || skip "python3 is not installed"
	# No bash-completion helpers, even if a system file loaded them.
	setup="unset -f _init_completion _filedir 2>/dev/null; source '$BASH_COMP'"
	run python3 "$BATS_TEST_DIRNAME/ptytype.py" bash "$setup" $'volley --mode=as\t'
	assert_success
	assert_line '<<volley --mode=as-completed >>'
	run python3 "$BATS_TEST_DIRNAME/ptytype.py" bash "$setup" $'volley --mode as\t'
	assert_line '<<volley --mode as-completed >>'
	run python3 "$BATS_TEST_DIRNAME/ptytype.py" bash "$setup" $'volley --stats=j\t'
	assert_line '<<volley --stats=json >>'
	for opt in $(enum_opts); do
		run python3 "$BATS_TEST_DIRNAME/ptytype.py" bash "$setup" \
			"volley --$opt="$'\x14'
		assert_success
		same_values "--$opt=" "$(enum_values "$opt")" "$(listed <<<"$output")"
	done
}

@test "zsh completion offers volley's values for each fixed-value option" {
	local setup opt x

	command -v zsh >/dev/null || skip "zsh is not installed"
	command -v python3 >/dev/null || skip "python3 is not installed"
	setup="fpath=('$ROOT/completions' \$fpath); autoload -U compinit;"
	setup+=" compinit -u -d '$BATS_TEST_TMPDIR/zcompdump'"
	for opt in $(enum_opts); do
		run python3 "$BATS_TEST_DIRNAME/ptytype.py" zsh "$setup" \
			"volley --$opt="$'\x14'
		assert_success
		same_values "--$opt=" "$(enum_values "$opt")" "$(listed <<<"$output")"
		x=$(short_of "$opt")
		if [[ -n $x ]]; then
			run python3 "$BATS_TEST_DIRNAME/ptytype.py" zsh "$setup" \
				"volley -$x "$'\x14'
			same_values "-$x " "$(enum_values "$opt")" \
				"$(listed <<<"$output")"
		fi
	done
	run python3 "$BATS_TEST_DIRNAME/ptytype.py" zsh "$setup" $'volley --mode=as\t'
	assert_line '<<volley --mode=as-completed >>'
}

@test "fish completion offers volley's values for each fixed-value option, --stats= too" {
	local opt want x

	command -v fish >/dev/null || skip "fish is not installed"
	fish_complete() {
		fish --no-config -c "source '$FISH_COMP'; complete -C'$1'" | cut -f1
	}
	for opt in $(enum_opts); do
		want=$(enum_values "$opt")
		same_values "--$opt=" "$want" \
			"$(fish_complete "volley --$opt=" | sed "s/^--$opt=//")"
		if ! optional_value "$opt"; then
			same_values "--$opt " "$want" \
				"$(fish_complete "volley --$opt ")"
		fi
		x=$(short_of "$opt")
		if [[ -n $x ]]; then
			same_values "-$x " "$want" "$(fish_complete "volley -$x ")"
		fi
	done
	run fish_complete "volley --stats="
	assert_output "--stats=json
--stats=text"
}
