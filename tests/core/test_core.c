// SPDX-License-Identifier: Apache-2.0
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/stoa_clock.h"
#include "core/stoa_stats.h"
#include "core/stoa_file.h"
#include "core/stoa_url.h"
#include "core/stoa_log.h"
#include "core/stoa_path.h"

#include "stoa_test.h"

STOA_TEST(path_confine_accepts_inside)
{
    char out[256];
    stoa_error err = {0};
    CHECK(stoa_path_confine("/scenes/a", "tex/b.png", out, sizeof out, &err) == STOA_OK);
    CHECK_STR(out, "/scenes/a/tex/b.png");
    CHECK(stoa_path_confine("/scenes/a", "./x/../y.bin", out, sizeof out, &err) == STOA_OK);
    CHECK_STR(out, "/scenes/a/y.bin");
    CHECK(stoa_path_confine("d", "my%20file.bin", out, sizeof out, &err) == STOA_OK);
    CHECK_STR(out, "d/my file.bin");
}

STOA_TEST(path_confine_rejects_escape)
{
    char out[256];
    stoa_error err = {0};
    const char *bad[] = {"../x.bin", "a/../../x.bin", "/etc/passwd", "%2e%2e/x", "file:///etc/passwd",
                         "C:\\x", "", "a/..", "%00", "%zz"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err.message[0] = 0;
        CHECK_MSG(stoa_path_confine("/s", bad[i], out, sizeof out, &err) == STOA_ERROR_UNSAFE_PATH,
                  "%s", bad[i]);
        CHECK(err.message[0] != 0);
    }
    stoa_path_confine("/s", "../x.bin", out, sizeof out, &err);
    CHECK_CONTAINS(err.message, "leaves the asset's folder");
}

// Only regular files are read: a FIFO would block open() until a writer
// comes; a device never ends. Both are refused at once.
STOA_TEST(file_read_refuses_what_is_not_a_regular_file)
{
    char dir[] = "/tmp/stoa-core-XXXXXX", fifo[64];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(fifo, sizeof fifo, "%s/lesson.yaml", dir);
    CHECK(mkfifo(fifo, 0600) == 0);
    uint8_t *data = NULL;
    size_t size = 0;
    stoa_error err = {0};
    time_t t0 = time(NULL);
    CHECK(stoa_file_read(fifo, 0, &data, &size, &err) == STOA_ERROR_IO);
    CHECK_CONTAINS(err.message, "not a regular file");
    CHECK(stoa_file_read("/dev/zero", 0, &data, &size, &err) == STOA_ERROR_IO);
    CHECK(stoa_file_read(dir, 0, &data, &size, &err) == STOA_ERROR_IO);
    CHECK(time(NULL) - t0 < 5 && data == NULL);
    unlink(fifo);
    rmdir(dir);
}

// stoa_file_write_replace: the new bytes whole under the name, readable by
// others (0644, whatever mkstemp made), no temporary file left; a folder
// that is not there is an error that names the file, and nothing is left.
STOA_TEST(file_write_replace_replaces_whole)
{
    char dir[] = "/tmp/stoa-core-XXXXXX", file[64], missing[80];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(file, sizeof file, "%s/a.memo", dir);
    stoa_error err = {0};
    CHECK(stoa_file_write_replace(file, "first, longer", 13, &err) == STOA_OK);
    CHECK(stoa_file_write_replace(file, "second", 6, &err) == STOA_OK);
    uint8_t *data = NULL;
    size_t size = 0;
    CHECK(stoa_file_read(file, 0, &data, &size, &err) == STOA_OK);
    CHECK(size == 6 && data && !memcmp(data, "second", 6));
    free(data);
    struct stat st;
    CHECK(stat(file, &st) == 0 && (st.st_mode & 0777) == 0644);
    snprintf(missing, sizeof missing, "%s/gone/b.memo", dir);
    CHECK(stoa_file_write_replace(missing, "x", 1, &err) == STOA_ERROR_IO);
    CHECK_CONTAINS(err.message, "gone/b.memo");
    CHECK(unlink(file) == 0);
    CHECK_MSG(rmdir(dir) == 0, "a temporary file was left in %s", dir);
}

STOA_TEST(url_parse_one_way_for_everyone)
{
    stoa_url u;
    stoa_error err = {0};
    CHECK(stoa_url_parse("https://lrs.school.example:8443/xapi/", &u, &err) == STOA_OK);
    CHECK(u.tls && u.port == 8443 && strcmp(u.host, "lrs.school.example") == 0 && strcmp(u.path, "/xapi/") == 0);
    CHECK(stoa_url_parse("http://[fe80::1]:8480", &u, &err) == STOA_OK);
    CHECK(u.ipv6 && u.port == 8480 && strcmp(u.host, "fe80::1") == 0 && u.path[0] == 0);
    CHECK(stoa_url_parse("http://10.0.0.2", &u, &err) == STOA_OK && u.port == 80 && !u.tls);
    const char *bad[] = {"ftp://x", "http://", "http://a:0", "http://a:65536", "http://a:80x", "http://u@h/",
                         "http://a b/", "http://a/\x01", "https://[::1", "http://a?x"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CHECK_MSG(stoa_url_parse(bad[i], &u, &err) == STOA_ERROR_INVALID_ARGUMENT, "%s", bad[i]);
}

STOA_TEST(path_parts)
{
    char d[64];
    stoa_path_dirname("a/b/c.gltf", d, sizeof d);
    CHECK_STR(d, "a/b");
    stoa_path_dirname("c.gltf", d, sizeof d);
    CHECK_STR(d, ".");
    CHECK_STR(stoa_path_basename("a/b/c.gltf"), "c.gltf");
    CHECK_STR(stoa_path_ext("a.b/c.glb"), "glb");
}

STOA_TEST(fake_clock_moves_only_when_told)
{
    stoa_fake_clock c;
    stoa_fake_clock_init(&c, 100);
    CHECK(stoa_clock_now(&c.base) == 100);
    stoa_fake_clock_advance(&c, 50);
    CHECK(stoa_clock_now(&c.base) == 150);
    int64_t a = stoa_clock_now(stoa_clock_monotonic());
    int64_t b = stoa_clock_now(stoa_clock_monotonic());
    CHECK(b >= a);
}

static int g_sink_calls;
static char g_last[256];
static void sink(void *user, const char *module, stoa_log_level level, const char *msg)
{
    (void)user;
    (void)level;
    g_sink_calls++;
    snprintf(g_last, sizeof g_last, "%s:%s", module, msg);
}

STOA_TEST(log_sink_and_levels)
{
    stoa_log_set_sink(sink, NULL);
    STOA_LOGW("testmod", "hello %d", 7);
    STOA_LOGT("testmod", "hidden by default");
    CHECK(g_sink_calls == 1);
    CHECK_STR(g_last, "testmod:hello 7");
    stoa_log_set_sink(NULL, NULL);
    CHECK_STR(stoa_result_str(STOA_ERROR_UNSAFE_PATH), "unsafe path");
}

// Each loss has its own code and class: callers never read the message.
STOA_TEST(error_classes_tell_losses_apart)
{
    CHECK(STOA_ERROR_SESSION_LOST != STOA_ERROR_INSTANCE_LOST &&
          STOA_ERROR_INSTANCE_LOST != STOA_ERROR_DEVICE_LOST);
    CHECK_STR(stoa_result_str(STOA_ERROR_SESSION_LOST), "session lost");
    CHECK_STR(stoa_result_str(STOA_ERROR_INSTANCE_LOST), "instance lost");
    CHECK_STR(stoa_result_str(STOA_ERROR_STATE), "not allowed in this state");
    CHECK(stoa_result_classify(STOA_OK) == STOA_CLASS_OK);
    CHECK(stoa_result_classify(STOA_TIMEOUT) == STOA_CLASS_OK);
    CHECK(stoa_result_classify(STOA_ERROR_SESSION_LOST) == STOA_CLASS_SESSION);
    CHECK(stoa_result_classify(STOA_ERROR_INSTANCE_LOST) == STOA_CLASS_INSTANCE);
    CHECK(stoa_result_classify(STOA_ERROR_DEVICE_LOST) == STOA_CLASS_INSTANCE);
    CHECK(stoa_result_classify(STOA_ERROR_VULKAN) == STOA_CLASS_INSTANCE);
    CHECK(stoa_result_classify(STOA_ERROR_XR) == STOA_CLASS_INSTANCE);
    CHECK(stoa_result_classify(STOA_ERROR_LIMIT) == STOA_CLASS_SKIP_FRAME);
    CHECK(stoa_result_classify(STOA_ERROR_STATE) == STOA_CLASS_SKIP_FRAME);
    CHECK(stoa_result_classify(STOA_ERROR_NOT_FOUND) == STOA_CLASS_SKIP_FRAME);
    CHECK(stoa_result_classify(STOA_ERROR_OUT_OF_MEMORY) == STOA_CLASS_FATAL);
    CHECK(stoa_result_classify(STOA_ERROR_UNSUPPORTED) == STOA_CLASS_FATAL);
    CHECK(stoa_result_classify((stoa_result)-999) == STOA_CLASS_FATAL);
    for (int r = 1; r >= -16; r--) // every code has a name
        CHECK(strcmp(stoa_result_str((stoa_result)r), "unknown result") != 0);
}

STOA_TEST(median_and_sort)
{
    double odd[] = {3, -1, 2, 10, 0};
    CHECK(stoa_median(odd, 5) == 2.0);
    CHECK(odd[0] == -1 && odd[4] == 10); // sorted in place
    double even[] = {4, 1, 3, 2};
    CHECK(stoa_median(even, 4) == 2.5);
    CHECK(isnan(stoa_median(even, 0)));
    double one[] = {7};
    CHECK(stoa_median(one, 1) == 7.0);
    double v[] = {0.5, -0.5, 0.25, 0.5};
    stoa_sort_doubles(v, 4);
    CHECK(v[0] == -0.5 && v[1] == 0.25 && v[2] == 0.5 && v[3] == 0.5);
}

STOA_TEST_MAIN()
