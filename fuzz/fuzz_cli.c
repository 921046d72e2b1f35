/* fuzz_cli — option parsing (cli_parse) over any command line: the input
 * split on NUL bytes into argv.  stdin and stdout are /dev/null (--help
 * prints; -d @- reads), and the target runs in an empty directory of its
 * own; a value naming a file by an absolute or dotted path (@/x, @../x)
 * is left out, so no run reads a file of the machine's.  Checked: a usage
 * error has a message; an accepted line gives a config within the
 * table's ranges, with valid JSON pointers, header lines without CR or
 * LF, and the options that need each other together. */
#include "fuzz.h"

#include "cli.h"

#include <fcntl.h>
#include <unistd.h>

#define MAX_ARGS	64

static int
valid_pointer(const char *p)
{
	if (p == NULL)
		return 1;
	if (*p != '\0' && *p != '/')
		return 0;
	for (; *p; p++)
		if (*p == '~' && p[1] != '0' && p[1] != '1')
			return 0;
	return 1;
}

static void
setup(void)
{
	char dir[] = "/tmp/volley-fuzz-cli.XXXXXX";
	int fd = open("/dev/null", O_RDWR);

	if (fd == -1 || dup2(fd, 0) == -1 || dup2(fd, 1) == -1 ||
	    mkdtemp(dir) == NULL || chdir(dir) == -1)
		abort();
	close(fd);
	rmdir(dir);	/* stays the cwd; nothing can be made in it */
}

static void
check_config(const struct config *c)
{
	size_t i;

	FUZZ_ASSERT(c->concurrency >= 1 && c->concurrency <= 100000);
	FUZZ_ASSERT(c->per_host >= 0 && c->per_host <= 100000);
	FUZZ_ASSERT(c->retries >= 0 && c->retries <= 1000);
	FUZZ_ASSERT(c->max_pages >= 1);
	FUZZ_ASSERT(c->rate >= 0);
	FUZZ_ASSERT(c->timeout_ms >= 0 && c->connect_timeout_ms >= 0 &&
	    c->deadline_ms >= 0 && c->retry_delay_ms >= 0 &&
	    c->retry_max_wait_ms >= 0);
	FUZZ_ASSERT(valid_pointer(c->next_field));
	FUZZ_ASSERT(valid_pointer(c->cursor_field));
	FUZZ_ASSERT(valid_pointer(c->items));
	FUZZ_ASSERT((c->page == PAGE_CURSOR) == (c->cursor_field != NULL));
	FUZZ_ASSERT(c->page != PAGE_FIELD || c->next_field != NULL);
	FUZZ_ASSERT(c->page != PAGE_PARAM || c->page_param != NULL);
	FUZZ_ASSERT(c->shard_n == 0 || (c->shard_k >= 0 &&
	    c->shard_k < c->shard_n));
	FUZZ_ASSERT(c->template == NULL || strstr(c->template, "{}") ||
	    strstr(c->template, "{raw}"));
	FUZZ_ASSERT(!c->has_data || c->data != NULL || c->data_len == 0);
	for (i = 0; i < c->nheaders; i++)
		FUZZ_ASSERT(strpbrk(c->headers[i], "\r\n") == NULL);
	if (c->method != NULL)
		FUZZ_ASSERT(*c->method != '\0' &&
		    strpbrk(c->method, " \t\r\n:") == NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static char prog[] = "volley";
	char *copy, *argv[MAX_ARGS + 2], err[512];
	struct config c;
	enum cli_result r;
	int argc = 1, i;

	if (!ready) {
		setup();
		ready = 1;
	}
	copy = fuzz_cstr(data, size);
	argv[0] = prog;
	for (i = 0; (size_t)i < size; ) {
		if (argc > MAX_ARGS)
			goto out;
		argv[argc++] = copy + i;
		i += (int)strlen(copy + i) + 1;
	}
	argv[argc] = NULL;
	for (i = 1; i < argc; i++)
		if (strstr(argv[i], "@/") != NULL ||
		    strstr(argv[i], "@.") != NULL)
			goto out;
	err[0] = '\0';
	r = cli_parse(argc, argv, &c, err, sizeof err);
	if (r == CLI_USAGE)
		FUZZ_ASSERT(err[0] != '\0');
	else if (r == CLI_OK)
		check_config(&c);
	cli_config_free(&c);
out:
	free(copy);
	return 0;
}
