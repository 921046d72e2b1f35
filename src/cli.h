/* cli — the command line: the one option table (each option's kind, range
 * and field of struct config, parsed by opt.c), the checks across options,
 * and --help.  The config is read-only after cli_parse. */
#ifndef VOLLEY_CLI_H
#define VOLLEY_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

enum out_mode { MODE_GATHER, MODE_AS_COMPLETED };
enum out_format { FORMAT_JSONL, FORMAT_JSON };
enum body_mode { BODY_AUTO, BODY_JSON, BODY_TEXT, BODY_BASE64, BODY_NONE };
enum page_style { PAGE_NONE, PAGE_LINK, PAGE_FIELD, PAGE_PARAM, PAGE_CURSOR };
enum http_version { HTTPV_DEFAULT, HTTPV_1_1, HTTPV_2, HTTPV_2_PRIOR };
enum stats_mode { STATS_OFF, STATS_AUTO, STATS_JSON, STATS_TEXT };
enum progress_mode { PROGRESS_AUTO, PROGRESS_ON, PROGRESS_OFF };

struct config {
	/* input; urls and the strings in inputs are borrowed from argv */
	char		**urls;
	size_t		  nurls;
	const char	**inputs;	/* owned array */
	size_t		  ninputs;
	const char	 *template;

	/* limits and time (durations in ms, 0 = none) */
	long		  concurrency;
	long		  per_host;
	double		  rate;		/* requests per second, 0 = none */
	int64_t		  timeout_ms;
	int64_t		  connect_timeout_ms;
	bool		  connect_timeout_set;
	int64_t		  deadline_ms;
	long		  retries;
	int64_t		  retry_delay_ms;
	int64_t		  retry_max_wait_ms;
	const char	 *retry_on;	/* --retry-on LIST, or NULL */
	bool		  no_adapt;	/* --no-adapt */
	bool		  retry_delay_set, retry_max_wait_set;
	bool		  fail_fast;
	/* --accept: status ranges that count as ok; none = below 400 */
	struct util_range accept[32];
	size_t		  naccept;

	/* request */
	const char	 *method;	/* -X, or NULL */
	const char	**headers;	/* owned array of borrowed "K: V" */
	size_t		  nheaders;
	char		 *data;		/* owned; -d or --json body */
	size_t		  data_len;
	bool		  has_data;
	bool		  data_json;	/* --json */
	const char	 *user_agent;
	bool		  location;
	long		  max_redirs;
	bool		  max_redirs_set;
	bool		  location_trusted;
	bool		  insecure;
	const char	 *cacert;
	const char	 *capath;
	const char	 *proxy;
	bool		  compressed;
	enum http_version http;

	/* pagination */
	enum page_style	  page;
	const char	 *next_field;
	const char	 *page_param;
	long		  page_start;
	bool		  page_start_set;
	const char	 *cursor_param;
	const char	 *cursor_field;
	const char	 *items;
	bool		  flatten;
	long		  max_pages;
	bool		  max_pages_set;

	/* output */
	enum out_mode	  mode;
	enum out_format	  format;
	enum body_mode	  body;
	uint64_t	  max_body;
	uint64_t	  window;	/* --window: bytes held for output */
	bool		  include_headers;
	const char	 *output;
	enum stats_mode	  stats;
	enum progress_mode progress;
	bool		  quiet;
	const char	 *save_dir;
	long		  shard_k;
	long		  shard_n;	/* 0 = no sharding */
	const char	 *resume;
	const char	**reports;	/* owned array of "FORMAT:PATH" */
	size_t		  nreports;
	const char	 *replay;	/* --replay FILE: no fetching */
};

enum cli_result {
	CLI_OK,		/* run with the config */
	CLI_EXIT,	/* --help or --version was printed: exit 0 */
	CLI_USAGE	/* err holds the message: exit 2 */
};

enum cli_result	 cli_parse(int argc, char **argv, struct config *,
		     char *err, size_t errlen);
void		 cli_usage(void);
/* Warn (diag_warn) about options that can have no effect with the others
 * given; called once -q is known. */
void		 cli_warn(const struct config *);
void		 cli_config_free(struct config *);

#endif
