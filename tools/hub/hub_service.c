// SPDX-License-Identifier: Apache-2.0
// What the hub does for the service manager: reload the lesson library
// (SIGHUP) and tell the headsets before it stops (SIGTERM). See
// stoa_hub_service.h.
#include <dirent.h>
#include <string.h>

#include "hub_internal.h"
#include "stoa_hub_service.h"

int stoa_hub_reload_lessons(stoa_hub *hub, int *out_skipped)
{
    // The library is read from its folder on every request: a reload is a
    // fresh read that reports what the panel and headsets will now get
    // (hub_lessons_list names each file it skips, and why, on stderr).
    cJSON *list = hub_lessons_list(hub);
    int valid = cJSON_GetArraySize(list);
    cJSON_Delete(list);
    int files = 0;
    DIR *dir = opendir(hub->lessons_dir);
    struct dirent *e;
    while (dir && (e = readdir(dir)) != NULL) {
        size_t n = strlen(e->d_name);
        if (e->d_name[0] != '.' && ((n > 5 && !strcmp(e->d_name + n - 5, ".yaml")) ||
                                    (n > 4 && !strcmp(e->d_name + n - 4, ".yml"))))
            files++;
    }
    if (dir)
        closedir(dir);
    if (out_skipped)
        *out_skipped = files > valid ? files - valid : 0;
    return valid;
}

int stoa_hub_say_goodbye(stoa_hub *hub)
{
    // Headsets that do not know "bye" ignore it (docs/hub.md); all of them
    // keep unacknowledged statements and send them again on reconnect.
    return hub_ws_send_command(hub, NULL, 0, "{\"t\":\"bye\",\"why\":\"the hub is stopping\"}");
}

const char *stoa_hub_sqlite_version(void) { return sqlite3_libversion(); }

const char *stoa_hub_data_dir(const stoa_hub *hub) { return hub->data_dir; }
