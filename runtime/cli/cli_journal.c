// SPDX-License-Identifier: Apache-2.0
// Logging under systemd: when the service manager connects our output to
// the journal it says so in JOURNAL_STREAM ("device:inode" of that stream),
// and a line starting "<N>" (sd-daemon(3)) is stored with syslog priority N.
// No libsystemd needed: the prefix is the documented protocol.
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "core/stoa_log.h"
#include "stoa_cli.h"

static bool g_journal;

static bool fd_is_stream(int fd, const char *env)
{
    struct stat st;
    unsigned long long dev, ino;
    if (fstat(fd, &st) != 0 || sscanf(env, "%llu:%llu", &dev, &ino) != 2)
        return false;
    return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

static int priority(stoa_log_level level)
{
    switch (level) {
    case STOA_LOG_ERROR:
        return 3; // LOG_ERR
    case STOA_LOG_WARN:
        return 4; // LOG_WARNING
    case STOA_LOG_INFO:
        return 6; // LOG_INFO
    default:
        return 7; // LOG_DEBUG
    }
}

static void journal_sink(void *user, const char *module, stoa_log_level level, const char *message)
{
    (void)user;
    fprintf(stderr, "<%d>%s: %s\n", priority(level), module, message);
}

bool stoa_cli_journal_init(void)
{
    const char *env = getenv("JOURNAL_STREAM");
    g_journal = env && (fd_is_stream(2, env) || fd_is_stream(1, env));
    if (g_journal) {
        setvbuf(stdout, NULL, _IOLBF, 0); // each line reaches the journal when written
        stoa_log_set_sink(journal_sink, NULL);
    }
    return g_journal;
}

bool stoa_cli_journal(void) { return g_journal; }

void stoa_cli_note(int prio, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (g_journal)
        fprintf(stdout, "<%d>", prio);
    vfprintf(stdout, fmt, ap);
    fputc('\n', stdout);
    fflush(stdout);
    va_end(ap);
}
