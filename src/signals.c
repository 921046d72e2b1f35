/* signals — the process's SIGINT/SIGTERM handler and its self-pipe. */
#include "signals.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t caught;
static volatile sig_atomic_t winched;
static int sig_pipe[2] = {-1, -1};

static void
on_os_signal(int signo)
{
	int saved = errno;
	char b = (char)signo;

	if (caught != 0)
		_exit(128 + signo);	/* a second signal: at once */
	caught = signo;
	if (write(sig_pipe[1], &b, 1) < 0) {
		/* the loop reads caught anyway when it wakes */
	}
	errno = saved;
}

int
signals_install(void)
{
	struct sigaction sa;
	int i;

	if (sig_pipe[0] == -1) {
		if (pipe(sig_pipe) == -1)
			return -1;
		for (i = 0; i < 2; i++)
			if (fcntl(sig_pipe[i], F_SETFL, O_NONBLOCK) == -1 ||
			    fcntl(sig_pipe[i], F_SETFD, FD_CLOEXEC) == -1)
				return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_os_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: see signals.h */
	if (sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1)
		return -1;
	return sig_pipe[0];
}

static void
on_winch(int signo)
{
	int saved = errno;
	char b = (char)signo;

	winched = 1;
	if (write(sig_pipe[1], &b, 1) < 0) {
		/* the pipe is full: the loop wakes anyway */
	}
	errno = saved;
}

int
signals_watch_winch(void)
{
	struct sigaction sa;

	if (sig_pipe[0] == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_winch;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	return sigaction(SIGWINCH, &sa, NULL);
}

int
signals_take_winch(void)
{
	int w = winched;

	winched = 0;
	return w;
}

int
signals_take(int fd)
{
	char b[16];

	while (read(fd, b, sizeof b) > 0)
		;
	return (int)caught;
}

volatile sig_atomic_t *
signals_flag(void)
{
	return &caught;
}
