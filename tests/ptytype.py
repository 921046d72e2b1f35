#!/usr/bin/env python3
"""Type into an interactive shell on a pseudo-terminal, as a person would.

    ptytype.py bash|zsh SETUP KEYS

Starts `bash --norc -i` or `zsh -f -i` on a pty, runs the SETUP line, binds
Ctrl-T to list the possible completions and Ctrl-X to print the edit
buffer between << and >>, waits for the prompt, then types KEYS and Ctrl-X.  Prints what the terminal showed after KEYS (with CR and escape
sequences removed) up to and including the <<buffer>> line, and exits 0;
exits 1 if the buffer did not show within 30 s.  Used by tests/70-docs.bats
to check the completions in a real shell without bash-completion.
"""
import os
import pty
import re
import select
import sys
import time

BIND = {
    "bash": "bind 'set show-all-if-ambiguous on'; bind 'set bell-style none'; "
            "__dump() { printf '\\n<<%s>>\\n' \"$READLINE_LINE\"; }; "
            "bind -x '\"\\C-x\": __dump'; bind '\"\\C-t\": possible-completions'",
    "zsh": "__dump() { print -r -- $'\\n'\"<<$BUFFER>>\" >/dev/tty; }; "
           "zle -N __dump; bindkey '^X' __dump; bindkey '^T' list-choices; "
           "unsetopt beep prompt_cr prompt_sp",
}
ARGV = {
    "bash": ["bash", "--norc", "--noprofile", "-i"],
    "zsh": ["zsh", "-f", "-i"],
}
ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|[\r\x07]")


def read_until(fd, pattern, seen, deadline):
    while not pattern.search(ANSI.sub(b"", seen)):
        left = deadline - time.monotonic()
        if left <= 0:
            return seen, False
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                return seen, False
            if not chunk:
                return seen, False
            seen += chunk
    return seen, True


def main():
    shell, setup, keys = sys.argv[1], sys.argv[2], sys.argv[3]
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "dumb"
        os.environ["PS1"] = "$ "
        os.execvp(ARGV[shell][0], ARGV[shell])
    deadline = time.monotonic() + 30
    # Each step waits for what it makes the shell print, not for time to
    # pass; keys typed before the line editor has the terminal would be
    # seen by the terminal driver instead.
    os.write(fd, ("PS1='$ '; %s; %s; echo READY''-1\n"
                  % (setup, BIND[shell])).encode())
    _, ok = read_until(fd, re.compile(rb"READY-1\n\$ "), b"", deadline)
    if ok:
        os.write(fd, keys.encode() + b"\x18")
        seen, ok = read_until(fd, re.compile(rb"<<[^\n]*>>"), b"", deadline)
        text = ANSI.sub(b"", seen).decode(errors="replace")
        sys.stdout.write(text[:text.rindex(">>") + 2] + "\n" if ok else text)
    os.write(fd, b"\x15exit\n")
    os.close(fd)
    os.waitpid(pid, 0)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
