// SPDX-License-Identifier: Apache-2.0
// The WAL checkpoint off the request path (docs/lrs.md "Benchmark"). A
// commit only appends its pages to the WAL (synchronous=NORMAL, as before:
// what was committed survives the hub being killed). Copying the WAL back
// into the database file, and the fsyncs that go with it, are done by this
// thread on its own connection, PASSIVE: it never waits for and never
// blocks a writer or a reader. SQLite's autocheckpoint did that work inside
// the commit that crossed the threshold, while the request (and every
// other request, under db_mu) waited for the disk.
//
// A commit that leaves HUB_CKPT_FRAMES or more frames in the WAL wakes the
// thread; it checkpoints until it has caught up with the writer, then the
// writer's next transaction starts the WAL again from its beginning. If the
// thread ever falls HUB_CKPT_INLINE frames behind, the committing request
// checkpoints itself, as the autocheckpoint would have.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hub_internal.h"

#define HUB_CKPT_FRAMES 8192   // 32 MiB of WAL (4 KiB pages): a hot page is copied back once per round
#define HUB_CKPT_INLINE 65536  // 256 MiB: the writer helps
#define HUB_CKPT_CHASE 16      // checkpoints in one round while the writer keeps writing

struct hub_ckpt {
    sqlite3 *db;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool due, stop;
    int frames;   // the threshold (HUB_CKPT_FRAMES; tests lower it)
    int64_t runs; // checkpoints that copied frames back
    double cpu_s; // this thread's CPU time (the benchmark prints it)
};

// SQLite's WAL hook: after every commit of hub->db, db_mu held.
static int on_commit(void *user, sqlite3 *db, const char *name, int frames)
{
    hub_ckpt *c = user;
    if (frames >= HUB_CKPT_INLINE) {
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        return SQLITE_OK;
    }
    pthread_mutex_lock(&c->mu);
    if (frames >= c->frames) {
        c->due = true;
        pthread_cond_signal(&c->cv);
    }
    pthread_mutex_unlock(&c->mu);
    return SQLITE_OK;
}

static void *ckpt_main(void *arg)
{
    hub_ckpt *c = arg;
    pthread_mutex_lock(&c->mu);
    for (;;) {
        while (!c->due && !c->stop)
            pthread_cond_wait(&c->cv, &c->mu);
        if (c->stop)
            break;
        c->due = false;
        pthread_mutex_unlock(&c->mu);
        // Each pass copies what was committed when it began; the writer
        // may have added more meanwhile, so chase it a few times.
        for (int i = 0; i < HUB_CKPT_CHASE; i++) {
            int log = 0, done = 0;
            int rc = sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
            if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
                fprintf(stderr, "stoa hub: checkpoint: %s\n", sqlite3_errmsg(c->db));
                break;
            }
            struct timespec t;
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
            pthread_mutex_lock(&c->mu);
            c->runs += done > 0;
            c->cpu_s = (double)t.tv_sec + (double)t.tv_nsec / 1e9;
            bool stop = c->stop;
            pthread_mutex_unlock(&c->mu);
            if (stop || rc == SQLITE_BUSY || done >= log)
                break;
        }
        pthread_mutex_lock(&c->mu);
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

stoa_result hub_db_ckpt_start(stoa_hub *hub, stoa_error *err)
{
    hub_ckpt *c = calloc(1, sizeof *c);
    char path[1100];
    snprintf(path, sizeof path, "%s/hub.sqlite", hub->data_dir);
    if (!c)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    c->frames = HUB_CKPT_FRAMES;
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    // A connection knows the database is in WAL mode once it has read it.
    if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK ||
        sqlite3_exec(c->db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) != SQLITE_OK ||
        pthread_create(&c->thread, NULL, ckpt_main, c) != 0) {
        stoa_error_set(err, STOA_ERROR_IO, "%s: cannot open the checkpoint connection: %s", path,
                       c->db ? sqlite3_errmsg(c->db) : "out of memory");
        sqlite3_close_v2(c->db);
        pthread_mutex_destroy(&c->mu);
        pthread_cond_destroy(&c->cv);
        free(c);
        return STOA_ERROR_IO;
    }
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_wal_hook(hub->db, on_commit, c); // replaces SQLite's autocheckpoint on this connection
    hub->ckpt = c;
    pthread_mutex_unlock(&hub->db_mu);
    return STOA_OK;
}

void hub_db_ckpt_stop(stoa_hub *hub)
{
    hub_ckpt *c = hub->ckpt;
    if (!c)
        return;
    pthread_mutex_lock(&hub->db_mu);
    if (hub->db)
        sqlite3_wal_hook(hub->db, NULL, NULL);
    hub->ckpt = NULL;
    pthread_mutex_unlock(&hub->db_mu);
    pthread_mutex_lock(&c->mu);
    c->stop = true;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    sqlite3_close_v2(c->db); // hub->db, closed last, checkpoints what is left
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
    free(c);
}

int64_t hub_db_ckpt_runs(stoa_hub *hub, int frames)
{
    hub_ckpt *c = hub->ckpt;
    if (!c)
        return -1;
    pthread_mutex_lock(&c->mu);
    if (frames > 0)
        c->frames = frames;
    int64_t runs = c->runs;
    pthread_mutex_unlock(&c->mu);
    return runs;
}

double hub_db_ckpt_cpu(stoa_hub *hub)
{
    hub_ckpt *c = hub->ckpt;
    if (!c)
        return 0;
    pthread_mutex_lock(&c->mu);
    double s = c->cpu_s;
    pthread_mutex_unlock(&c->mu);
    return s;
}
