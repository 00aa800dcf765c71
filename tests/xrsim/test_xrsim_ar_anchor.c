// SPDX-License-Identifier: Apache-2.0
// xrsim's spatial anchors: XR_MSFT_spatial_anchor (an anchor stays where it
// was made while the head moves and LOCAL is recentred) and
// XR_MSFT_spatial_anchor_persistence (an anchor persisted in one run is
// found in the next, through the store folder). Runs under the OpenXR core
// validation layer (tests/xrsim/CMakeLists.txt).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stoa_test.h"
#include "xrsim_ar_frame.h"

typedef struct fns {
    PFN_xrCreateSpatialAnchorMSFT create;
    PFN_xrCreateSpatialAnchorSpaceMSFT space;
    PFN_xrDestroySpatialAnchorMSFT destroy;
    PFN_xrCreateSpatialAnchorStoreConnectionMSFT store;
    PFN_xrDestroySpatialAnchorStoreConnectionMSFT unstore;
    PFN_xrPersistSpatialAnchorMSFT persist;
    PFN_xrEnumeratePersistedSpatialAnchorNamesMSFT names;
    PFN_xrCreateSpatialAnchorFromPersistedNameMSFT from_name;
    PFN_xrUnpersistSpatialAnchorMSFT unpersist;
    PFN_xrClearSpatialAnchorStoreMSFT clear;
} fns;

static PFN_xrVoidFunction fn(tapp *a, const char *name)
{
    PFN_xrVoidFunction f = NULL;
    CHECK_MSG(xrGetInstanceProcAddr(a->instance, name, &f) == XR_SUCCESS && f, "%s", name);
    return f;
}

// Instance with both anchor extensions, session running and FOCUSED.
static void start(tapp *a, fns *f, const char *script, const char *store)
{
    tapp_env(a, true);
    setenv("XR_ENABLE_API_LAYERS", "XR_APILAYER_LUNARG_core_validation", 1);
    setenv("STOA_XRSIM_FAST", "1", 1);
    if (store)
        setenv("STOA_XRSIM_ANCHOR_STORE", store, 1);
    else
        unsetenv("STOA_XRSIM_ANCHOR_STORE");
    if (script)
        tapp_script(a, script);
    a->extra_extensions[0] = XR_MSFT_SPATIAL_ANCHOR_EXTENSION_NAME;
    a->extra_extensions[1] = XR_MSFT_SPATIAL_ANCHOR_PERSISTENCE_EXTENSION_NAME;
    CHECK(tapp_create(a) == XR_SUCCESS);
    CHECK(tapp_session(a) == XR_SUCCESS);
    *f = (fns){(PFN_xrCreateSpatialAnchorMSFT)fn(a, "xrCreateSpatialAnchorMSFT"),
               (PFN_xrCreateSpatialAnchorSpaceMSFT)fn(a, "xrCreateSpatialAnchorSpaceMSFT"),
               (PFN_xrDestroySpatialAnchorMSFT)fn(a, "xrDestroySpatialAnchorMSFT"),
               (PFN_xrCreateSpatialAnchorStoreConnectionMSFT)fn(
                   a, "xrCreateSpatialAnchorStoreConnectionMSFT"),
               (PFN_xrDestroySpatialAnchorStoreConnectionMSFT)fn(
                   a, "xrDestroySpatialAnchorStoreConnectionMSFT"),
               (PFN_xrPersistSpatialAnchorMSFT)fn(a, "xrPersistSpatialAnchorMSFT"),
               (PFN_xrEnumeratePersistedSpatialAnchorNamesMSFT)fn(
                   a, "xrEnumeratePersistedSpatialAnchorNamesMSFT"),
               (PFN_xrCreateSpatialAnchorFromPersistedNameMSFT)fn(
                   a, "xrCreateSpatialAnchorFromPersistedNameMSFT"),
               (PFN_xrUnpersistSpatialAnchorMSFT)fn(a, "xrUnpersistSpatialAnchorMSFT"),
               (PFN_xrClearSpatialAnchorStoreMSFT)fn(a, "xrClearSpatialAnchorStoreMSFT")};
    XrSessionBeginInfo bi = {XR_TYPE_SESSION_BEGIN_INFO, NULL,
                             XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO};
    tapp_poll(a);
    CHECK(xrBeginSession(a->session, &bi) == XR_SUCCESS);
    CHECK(tapp_run_until(a, XR_SESSION_STATE_FOCUSED, 10));
}

static XrSpace ref_space(tapp *a, XrReferenceSpaceType t)
{
    XrReferenceSpaceCreateInfo ri = {
        XR_TYPE_REFERENCE_SPACE_CREATE_INFO, NULL, t, {{0, 0, 0, 1}, {0, 0, 0}}};
    XrSpace s = XR_NULL_HANDLE;
    CHECK(xrCreateReferenceSpace(a->session, &ri, &s) == XR_SUCCESS);
    return s;
}

static XrSpaceLocation locate(XrSpace space, XrSpace base, XrTime t)
{
    XrSpaceLocation loc = {XR_TYPE_SPACE_LOCATION};
    CHECK(xrLocateSpace(space, base, t, &loc) == XR_SUCCESS);
    CHECK(loc.locationFlags & XR_SPACE_LOCATION_POSITION_TRACKED_BIT);
    return loc;
}

STOA_TEST(anchor_stays_where_it_was_made_while_the_head_moves)
{
    tapp a;
    fns f;
    // The head walks 1 m to the right and turns; LOCAL is recentred on it.
    start(&a, &f,
          "head:\n"
          "  - {t: 0, position: [0, 1.7, 0]}\n"
          "  - {t: 0.2, position: [1, 1.6, 0.5], yaw: 90}\n"
          "events:\n"
          "  - {t: 0.3, do: recentre}\n",
          NULL);
    XrSpace local = ref_space(&a, XR_REFERENCE_SPACE_TYPE_LOCAL);
    XrSpace stage = ref_space(&a, XR_REFERENCE_SPACE_TYPE_STAGE);
    XrFrameState fs;
    CHECK(tapp_frame(&a, &fs) == XR_SUCCESS);
    // 1 m ahead and 0.5 m below the head's start: STAGE (0.2, 1.2, -1).
    XrSpatialAnchorCreateInfoMSFT ci = {XR_TYPE_SPATIAL_ANCHOR_CREATE_INFO_MSFT,
                                        NULL,
                                        local,
                                        {{0, 0, 0, 1}, {0.2f, -0.5f, -1}},
                                        fs.predictedDisplayTime};
    XrSpatialAnchorMSFT anchor;
    CHECK(f.create(a.session, &ci, &anchor) == XR_SUCCESS);
    XrSpatialAnchorSpaceCreateInfoMSFT si = {
        XR_TYPE_SPATIAL_ANCHOR_SPACE_CREATE_INFO_MSFT, NULL, anchor, {{0, 0, 0, 1}, {0, 0, 0}}};
    XrSpace aspace;
    CHECK(f.space(a.session, &si, &aspace) == XR_SUCCESS);
    for (int i = 0; i < 40; i++) // 0.44 s at 90 Hz: past the walk and the recentre
        CHECK(tapp_frame(&a, &fs) == XR_SUCCESS);
    tapp_poll(&a);
    CHECK(a.space_changes == 1);
    XrSpaceLocation l = locate(aspace, stage, fs.predictedDisplayTime);
    CHECK_NEAR(l.pose.position.x, 0.2, 1e-5);
    CHECK_NEAR(l.pose.position.y, 1.2, 1e-5);
    CHECK_NEAR(l.pose.position.z, -1.0, 1e-5);
    // In the recentred LOCAL (origin at the head, turned 90°) it is elsewhere.
    l = locate(aspace, local, fs.predictedDisplayTime);
    CHECK(fabsf(l.pose.position.x - 0.2f) > 0.5f || fabsf(l.pose.position.z + 1) > 0.5f);
    // The anchor space outlives its anchor, where it was.
    CHECK(f.destroy(anchor) == XR_SUCCESS);
    l = locate(aspace, stage, fs.predictedDisplayTime);
    CHECK_NEAR(l.pose.position.z, -1.0, 1e-5);
    tapp_destroy(&a);
}

STOA_TEST(anchor_goes_with_the_room_when_tracking_drifts)
{
    tapp a;
    fns f;
    // At t = 0.2 the tracking drifts: the room is 0.5 m further along +X
    // and turned 90° in STAGE from then on.
    start(&a, &f, "events:\n  - {t: 0.2, do: drift, offset: [0.5, 0, 0], turn: 90}\n", NULL);
    XrSpace stage = ref_space(&a, XR_REFERENCE_SPACE_TYPE_STAGE);
    XrFrameState fs;
    CHECK(tapp_frame(&a, &fs) == XR_SUCCESS);
    XrSpatialAnchorCreateInfoMSFT ci = {XR_TYPE_SPATIAL_ANCHOR_CREATE_INFO_MSFT,
                                        NULL,
                                        stage,
                                        {{0, 0, 0, 1}, {0, 0.75f, -1}},
                                        fs.predictedDisplayTime};
    XrSpatialAnchorMSFT anchor;
    CHECK(f.create(a.session, &ci, &anchor) == XR_SUCCESS);
    XrSpatialAnchorSpaceCreateInfoMSFT si = {
        XR_TYPE_SPATIAL_ANCHOR_SPACE_CREATE_INFO_MSFT, NULL, anchor, {{0, 0, 0, 1}, {0, 0, 0}}};
    XrSpace aspace;
    CHECK(f.space(a.session, &si, &aspace) == XR_SUCCESS);
    XrSpaceLocation l = locate(aspace, stage, fs.predictedDisplayTime);
    CHECK_NEAR(l.pose.position.z, -1, 1e-5);
    for (int i = 0; i < 30; i++)
        CHECK(tapp_frame(&a, &fs) == XR_SUCCESS);
    // (0, 0.75, -1) turned 90° left about +Y is (-1, 0.75, 0); then +0.5 in x.
    l = locate(aspace, stage, fs.predictedDisplayTime);
    CHECK_NEAR(l.pose.position.x, -0.5, 1e-4);
    CHECK_NEAR(l.pose.position.y, 0.75, 1e-4);
    CHECK_NEAR(l.pose.position.z, 0, 1e-4);
    CHECK_NEAR(fabs(l.pose.orientation.y), sinf((float)M_PI / 4), 1e-4);
    tapp_destroy(&a);
}

static void name(XrSpatialAnchorPersistenceNameMSFT *n, const char *s)
{
    memset(n, 0, sizeof *n);
    snprintf(n->name, sizeof n->name, "%s", s);
}

STOA_TEST(anchor_persisted_in_one_run_is_found_in_the_next)
{
    char store[300];
    tapp a;
    fns f;
    start(&a, &f, NULL, NULL);
    snprintf(store, sizeof store, "%s/anchors", a.dir); // a folder not made yet
    tapp_destroy(&a);
    // Run 1: the model is placed on the table and persisted as "agora".
    start(&a, &f, NULL, store);
    XrSpace stage = ref_space(&a, XR_REFERENCE_SPACE_TYPE_STAGE);
    XrFrameState fs;
    CHECK(tapp_frame(&a, &fs) == XR_SUCCESS);
    const float yaw = 0.3f;
    XrSpatialAnchorCreateInfoMSFT ci = {
        XR_TYPE_SPATIAL_ANCHOR_CREATE_INFO_MSFT,
        NULL,
        stage,
        {{0, sinf(yaw / 2), 0, cosf(yaw / 2)}, {0.1f, 0.75f, -1.1f}},
        fs.predictedDisplayTime};
    XrSpatialAnchorMSFT anchor;
    CHECK(f.create(a.session, &ci, &anchor) == XR_SUCCESS);
    XrSpatialAnchorStoreConnectionMSFT st;
    CHECK(f.store(a.session, &st) == XR_SUCCESS);
    XrSpatialAnchorPersistenceInfoMSFT pi = {XR_TYPE_SPATIAL_ANCHOR_PERSISTENCE_INFO_MSFT};
    name(&pi.spatialAnchorPersistenceName, "agora");
    pi.spatialAnchor = anchor;
    CHECK(f.persist(st, &pi) == XR_SUCCESS);
    name(&pi.spatialAnchorPersistenceName, "spare");
    CHECK(f.persist(st, &pi) == XR_SUCCESS);
    CHECK(f.unpersist(st, &pi.spatialAnchorPersistenceName) == XR_SUCCESS);
    CHECK(f.unstore(st) == XR_SUCCESS);
    tapp_destroy(&a);
    cJSON *sum = tapp_summary(&a);
    cJSON *ar = cJSON_GetObjectItem(sum, "ar");
    CHECK(cJSON_GetObjectItem(ar, "anchors_created")->valuedouble == 1);
    CHECK(cJSON_GetObjectItem(ar, "anchors_persisted")->valuedouble == 2);
    cJSON_Delete(sum);
    char file[400];
    snprintf(file, sizeof file, "%s/xrsim-anchors.txt", store);
    FILE *fp = fopen(file, "r");
    CHECK(fp != NULL);
    if (fp)
        fclose(fp);
    // Run 2: a new instance finds it, at the same place.
    start(&a, &f, NULL, store);
    stage = ref_space(&a, XR_REFERENCE_SPACE_TYPE_STAGE);
    CHECK(tapp_frame(&a, &fs) == XR_SUCCESS);
    CHECK(f.store(a.session, &st) == XR_SUCCESS);
    XrSpatialAnchorPersistenceNameMSFT names[4];
    uint32_t n = 0;
    CHECK(f.names(st, 0, &n, NULL) == XR_SUCCESS);
    CHECK(n == 1);
    CHECK(f.names(st, 4, &n, names) == XR_SUCCESS);
    CHECK(n == 1 && strcmp(names[0].name, "agora") == 0);
    XrSpatialAnchorFromPersistedAnchorCreateInfoMSFT fi = {
        XR_TYPE_SPATIAL_ANCHOR_FROM_PERSISTED_ANCHOR_CREATE_INFO_MSFT, NULL, st};
    name(&fi.spatialAnchorPersistenceName, "agora");
    CHECK(f.from_name(a.session, &fi, &anchor) == XR_SUCCESS);
    XrSpatialAnchorSpaceCreateInfoMSFT si = {
        XR_TYPE_SPATIAL_ANCHOR_SPACE_CREATE_INFO_MSFT, NULL, anchor, {{0, 0, 0, 1}, {0, 0, 0}}};
    XrSpace aspace;
    CHECK(f.space(a.session, &si, &aspace) == XR_SUCCESS);
    XrSpaceLocation l = locate(aspace, stage, fs.predictedDisplayTime);
    CHECK_NEAR(l.pose.position.x, 0.1, 1e-5);
    CHECK_NEAR(l.pose.position.y, 0.75, 1e-5);
    CHECK_NEAR(l.pose.position.z, -1.1, 1e-5);
    CHECK_NEAR(l.pose.orientation.y, sinf(yaw / 2), 1e-5);
    name(&fi.spatialAnchorPersistenceName, "spare"); // unpersisted in run 1
    CHECK(f.from_name(a.session, &fi, &anchor) == XR_ERROR_SPATIAL_ANCHOR_NAME_NOT_FOUND_MSFT);
    CHECK(f.clear(st) == XR_SUCCESS);
    CHECK(f.names(st, 0, &n, NULL) == XR_SUCCESS);
    CHECK(n == 0);
    tapp_destroy(&a);
}

// Run 1 of the next test, in a process of its own: persists "table" at
// STAGE (0.3, 0.75, -0.9) in the store XRSIM_TEST_CHILD_STORE names.
// Does nothing in a normal run.
STOA_TEST(child_persists_an_anchor)
{
    const char *store = getenv("XRSIM_TEST_CHILD_STORE");
    if (!store)
        return;
    char dir[300];
    snprintf(dir, sizeof dir, "%s", store);
    tapp a;
    fns f;
    start(&a, &f, NULL, dir);
    XrSpace stage = ref_space(&a, XR_REFERENCE_SPACE_TYPE_STAGE);
    XrFrameState fs;
    CHECK(tapp_frame(&a, &fs) == XR_SUCCESS);
    XrSpatialAnchorCreateInfoMSFT ci = {XR_TYPE_SPATIAL_ANCHOR_CREATE_INFO_MSFT,
                                        NULL,
                                        stage,
                                        {{0, 0, 0, 1}, {0.3f, 0.75f, -0.9f}},
                                        fs.predictedDisplayTime};
    XrSpatialAnchorMSFT anchor;
    CHECK(f.create(a.session, &ci, &anchor) == XR_SUCCESS);
    XrSpatialAnchorStoreConnectionMSFT st;
    CHECK(f.store(a.session, &st) == XR_SUCCESS);
    XrSpatialAnchorPersistenceInfoMSFT pi = {XR_TYPE_SPATIAL_ANCHOR_PERSISTENCE_INFO_MSFT};
    const char *base = getenv("XRSIM_TEST_CHILD_NAME");
    // Several names, one persist each, so that two children overlap.
    for (int i = 0; i < (base ? 8 : 1); i++) {
        char n[64];
        snprintf(n, sizeof n, "%s-%d", base ? base : "table", i);
        name(&pi.spatialAnchorPersistenceName, base ? n : "table");
        pi.spatialAnchor = anchor;
        CHECK(f.persist(st, &pi) == XR_SUCCESS);
    }
    tapp_destroy(&a);
}

STOA_TEST(anchor_persisted_by_another_process_is_found)
{
    if (getenv("XRSIM_TEST_CHILD_STORE"))
        return; // the child runs only its own test
    tapp a;
    fns f;
    start(&a, &f, NULL, NULL);
    char store[300], cmd[700];
    snprintf(store, sizeof store, "%s/shared-store", a.dir);
    tapp_destroy(&a);
    // Run 1: another process (this test program, running only the child test).
    snprintf(cmd, sizeof cmd, "XRSIM_TEST_CHILD_STORE='%s' /proc/%d/exe child_persists_an_anchor",
             store, (int)getpid());
    CHECK(system(cmd) == 0);
    // Run 2: here.
    start(&a, &f, NULL, store);
    XrSpace stage = ref_space(&a, XR_REFERENCE_SPACE_TYPE_STAGE);
    XrFrameState fs;
    CHECK(tapp_frame(&a, &fs) == XR_SUCCESS);
    XrSpatialAnchorStoreConnectionMSFT st;
    CHECK(f.store(a.session, &st) == XR_SUCCESS);
    XrSpatialAnchorFromPersistedAnchorCreateInfoMSFT fi = {
        XR_TYPE_SPATIAL_ANCHOR_FROM_PERSISTED_ANCHOR_CREATE_INFO_MSFT, NULL, st};
    name(&fi.spatialAnchorPersistenceName, "table");
    XrSpatialAnchorMSFT anchor;
    CHECK(f.from_name(a.session, &fi, &anchor) == XR_SUCCESS);
    XrSpatialAnchorSpaceCreateInfoMSFT si = {
        XR_TYPE_SPATIAL_ANCHOR_SPACE_CREATE_INFO_MSFT, NULL, anchor, {{0, 0, 0, 1}, {0, 0, 0}}};
    XrSpace aspace;
    CHECK(f.space(a.session, &si, &aspace) == XR_SUCCESS);
    XrSpaceLocation l = locate(aspace, stage, fs.predictedDisplayTime);
    CHECK_NEAR(l.pose.position.x, 0.3, 1e-5);
    CHECK_NEAR(l.pose.position.z, -0.9, 1e-5);
    tapp_destroy(&a);
}

STOA_TEST(two_headsets_persisting_at_once_lose_nothing)
{
    if (getenv("XRSIM_TEST_CHILD_STORE"))
        return;
    tapp a;
    fns f;
    start(&a, &f, NULL, NULL);
    char store[300], cmd[1200];
    snprintf(store, sizeof store, "%s/class-store", a.dir);
    tapp_destroy(&a);
    // Two simulated headsets (processes) share one store, 8 names each.
    snprintf(cmd, sizeof cmd,
             "XRSIM_TEST_CHILD_STORE='%s' XRSIM_TEST_CHILD_NAME=left /proc/%d/exe "
             "child_persists_an_anchor & "
             "XRSIM_TEST_CHILD_STORE='%s' XRSIM_TEST_CHILD_NAME=right /proc/%d/exe "
             "child_persists_an_anchor & wait",
             store, (int)getpid(), store, (int)getpid());
    CHECK(system(cmd) == 0);
    start(&a, &f, NULL, store);
    XrSpatialAnchorStoreConnectionMSFT st;
    CHECK(f.store(a.session, &st) == XR_SUCCESS);
    uint32_t n = 0;
    CHECK(f.names(st, 0, &n, NULL) == XR_SUCCESS);
    CHECK_MSG(n == 16, "%u of 16 names in the store", n);
    tapp_destroy(&a);
}

STOA_TEST(store_file_lines_that_do_not_parse_are_skipped)
{
    tapp a;
    fns f;
    start(&a, &f, NULL, NULL);
    char store[300], file[400];
    snprintf(store, sizeof store, "%s/bad", a.dir);
    tapp_destroy(&a);
    CHECK(mkdir(store, 0755) == 0);
    snprintf(file, sizeof file, "%s/xrsim-anchors.txt", store);
    FILE *fp = fopen(file, "w");
    CHECK(fp != NULL);
    if (!fp)
        return;
    fputs("xrsim-anchors 1\n"
          "good\t0 1 -1 0 0 0 1\n"
          "no-tab 0 1 -1 0 0 0 1\n"
          "short\t0 1\n"
          "unnormalised\t0 1 -1 0 0 0 2\n"
          "nan\tnan 1 -1 0 0 0 1\n",
          fp);
    for (int i = 0; i < 600; i++) // an over-long line
        fputc('x', fp);
    fputs("\t0 0 0 0 0 0 1\nalso-good\t1 1 1 0 0 0 1\n", fp);
    fclose(fp);
    start(&a, &f, NULL, store);
    XrSpatialAnchorStoreConnectionMSFT st;
    CHECK(f.store(a.session, &st) == XR_SUCCESS);
    XrSpatialAnchorPersistenceNameMSFT names[8];
    uint32_t n = 0;
    CHECK(f.names(st, 8, &n, names) == XR_SUCCESS);
    CHECK_MSG(n == 2, "%u names", n);
    if (n == 2)
        CHECK(strcmp(names[0].name, "good") == 0 && strcmp(names[1].name, "also-good") == 0);
    tapp_destroy(&a);
}

STOA_TEST_MAIN()
