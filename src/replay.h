/* replay — --replay FILE: the records of an earlier run read back and
 * counted as the run counted them, for --stats and --report; nothing
 * is fetched. */
#ifndef VOLLEY_REPLAY_H
#define VOLLEY_REPLAY_H

#include <stddef.h>

#include "report.h"
#include "stats.h"

/* Count every record of path ("-" is stdin; jsonl, or -f json's
 * array) into st and rp.  Lines that are not records are skipped with
 * a warning.  0, or -1 with err when the file cannot be read. */
int	 replay_run(const char *path, struct stats *, struct report *,
	     char *err, size_t errlen);

#endif
