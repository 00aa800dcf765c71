// SPDX-License-Identifier: Apache-2.0
// The validator: one broken lesson per class of problem, each checked for
// its exact message and line:column; and the sample lessons lint clean.
#include <stdlib.h>
#include <unistd.h>

#include "lesson_rig.h"
#ifdef STOA_HAVE_SCENE
#include "scene/stoa_scene.h"
#endif

// The named nodes and animations of scenes/agora/agora.glb.
static const char *k_nodes[] = {
    "Floor",     "Steps",     "Platform",  "Column_01",   "Column_02", "Column_03",
    "Column_04", "Column_05", "Column_06", "Column_07",   "Column_08", "Entablature",
    "Roof",      "BackWall",  "Statue",    "Pedestal",    "Inscription", "Door",
    "Exhibit",   "Plinth",    "Spawn",     "Zone_Statue", "Zone_Door", "OverviewCamera"};
static const char *k_anims[] = {"DoorOpen", "ExhibitSpin"};

static bool only_a_wav(void *user, const char *rel)
{
    (void)user;
    return strcmp(rel, "a.wav") == 0;
}

// Parses and checks; returns all diagnostics formatted, one per line.
static char *lint(const char *yaml)
{
    stoa_lesson_diags d;
    stoa_lesson_diags_init(&d);
    stoa_lesson *l = NULL;
    stoa_error err = {0};
    stoa_lesson_parse(yaml, strlen(yaml), &(stoa_lesson_parse_desc){.file_name = "x.yaml"}, &l, &d,
                      &err);
    if (l) {
        stoa_lesson_check_desc desc = {
            .has_scene = true,
            .node_count = sizeof k_nodes / sizeof k_nodes[0],
            .nodes = k_nodes,
            .animation_count = 2,
            .animations = k_anims,
            .asset_exists = only_a_wav,
        };
        stoa_lesson_check(l, &desc, &d);
    }
    stoa_lesson_diags_sort(&d);
    size_t cap = 64 + d.count * 1200, n = 0;
    char *out = calloc(1, cap);
    for (uint32_t i = 0; out && i < d.count; i++) {
        stoa_lesson_diag_format(&d.items[i], "x.yaml", out + n, cap - n);
        n += strlen(out + n);
        out[n++] = '\n';
    }
    stoa_lesson_destroy(&l);
    stoa_lesson_diags_fini(&d);
    return out;
}

// The lesson yields exactly `want` (all diagnostics, in order).
#define CHECK_LINT(yaml, want)                                                                     \
    do {                                                                                           \
        char *got_ = lint(yaml);                                                                   \
        CHECK_STR(got_, want);                                                                     \
        free(got_);                                                                                \
    } while (0)

// A good tail for lessons that need a reachable end.
#define END_STATE "  z: {on_enter: [end: completed]}\n"

STOA_TEST(lint_syntax_error)
{
    CHECK_LINT(LESSON_HDR "states:\n  a: {on_enter: [end: completed]\n",
               "x.yaml:8:1: error: YAML syntax error: did not find expected ',' or '}' while "
               "parsing a flow mapping [syntax]\n");
}

STOA_TEST(lint_unknown_key_with_suggestion)
{
    CHECK_LINT(LESSON_HDR "states:\n"
                          "  a:\n"
                          "    triggerz: [{select: Door, goto: z}]\n" END_STATE,
               // Parse errors stop the lesson there: no graph checks follow.
               "x.yaml:8:5: error: unknown key 'triggerz' in state 'a'; did you mean 'triggers'? "
               "[unknown-key]\n");
    CHECK_LINT("id: t\ntitel: T\nlanguages: [en]\nscene: s.glb\nstart: a\nstates:\n" END_STATE,
               "x.yaml:1:1: error: missing required field 'title' in the lesson [missing-field]\n"
               "x.yaml:2:1: error: unknown key 'titel' in the lesson; did you mean 'title'? "
               "[unknown-key]\n"
               "x.yaml:5:8: error: 'start' names unknown state 'a' [unknown-state]\n");
}

STOA_TEST(lint_unknown_action_and_trigger_key)
{
    CHECK_LINT(LESSON_HDR "states:\n"
                          "  a:\n"
                          "    on_enter: [narate: {audio: a.wav, text: hi}]\n"
                          "    triggers:\n"
                          "      - select: Door\n"
                          "        got: z\n" END_STATE,
               "x.yaml:8:16: error: unknown action 'narate'; did you mean 'narrate'? "
               "[unknown-key]\n"
               "x.yaml:10:9: error: missing required field 'goto' in a trigger [missing-field]\n"
               "x.yaml:11:9: error: unknown key 'got' in a trigger; did you mean 'goto'? "
               "[unknown-key]\n");
}

STOA_TEST(lint_wrong_types)
{
    CHECK_LINT(LESSON_HDR "states:\n"
                          "  a:\n"
                          "    weight: heavy\n"
                          "    concepts: {x: 1}\n"
                          "    triggers: [{timer: soon, goto: z}]\n" END_STATE,
               "x.yaml:8:13: error: 'weight' must be a number, not 'heavy' [type]\n"
               "x.yaml:9:15: error: 'concepts' must be a name or a list of names, not a map "
               "[type]\n"
               "x.yaml:10:24: error: 'timer' must be a number, not 'soon' [type]\n");
}

STOA_TEST(lint_missing_required_field)
{
    CHECK_LINT(LESSON_HDR "states:\n"
                          "  a:\n"
                          "    on_enter: [narrate: {audio: a.wav}]\n"
                          "    triggers: [{select: Door, goto: z}]\n" END_STATE,
               "x.yaml:8:25: error: missing required field 'text' in narrate "
               "[missing-field]\n");
}

// Narration without a recording is a note (its subtitle is timed), never an
// error or a warning: such a lesson lints clean.
STOA_TEST(lint_narration_without_recording)
{
    CHECK_LINT(LESSON_HDR "states:\n"
                          "  a:\n"
                          "    on_enter: [narrate: {id: hi, text: hi}]\n"
                          "    triggers: [{select: Door, goto: z}]\n" END_STATE,
               "x.yaml:8:40: note: narration 'hi' has no recording: its subtitle is shown for "
               "its reading time [no-recording]\n");
}

STOA_TEST(lint_unknown_state_with_suggestion)
{
    CHECK_LINT(LESSON_HDR "states:\n"
                          "  a:\n"
                          "    triggers: [{select: Door, goto: zz}]\n"
                          "  zzz: {on_enter: [end: completed]}\n",
               "x.yaml:8:37: error: 'goto' names unknown state 'zz'; did you mean 'zzz'? "
               "[unknown-state]\n");
}

STOA_TEST(lint_unreachable_and_dead_end_states)
{
    CHECK_LINT(LESSON_HDR "states:\n"
                          "  a:\n"
                          "    triggers: [{select: Door, goto: z}, {select: Statue, goto: b}]\n"
                          "  b:\n"
                          "    triggers: [{select: Door, goto: a}]\n"
                          "  c:\n"
                          "    triggers: [{select: Door, goto: z}]\n"
                          "  d: {}\n" END_STATE,
               "x.yaml:11:3: warning: state 'c' cannot be reached from start state 'a' "
               "[unreachable]\n"
               "x.yaml:13:3: warning: state 'd' cannot be reached from start state 'a' "
               "[unreachable]\n");
    CHECK_LINT(LESSON_HDR "states:\n"
                          "  a:\n"
                          "    triggers: [{select: Door, goto: z}, {select: Statue, goto: b}]\n"
                          "  b:\n"
                          "    title: stuck\n" END_STATE,
               "x.yaml:9:3: error: state 'b' cannot reach an end of the lesson [no-end]\n");
    CHECK_LINT(LESSON_HDR "states:\n  a: {triggers: [{timer: 1, goto: a}]}\n",
               "x.yaml:7:3: error: no state ends the lesson: add an 'end' action to the last "
               "state [no-end]\n");
}

STOA_TEST(lint_triggers_that_never_fire)
{
    CHECK_LINT(LESSON_HDR "states:\n"
                          "  a:\n"
                          "    triggers:\n"
                          "      - quiz: right\n"
                          "        goto: z\n"
                          "      - narration_finished: all\n"
                          "        goto: z\n"
                          "      - narration_finished: intro\n"
                          "        goto: z\n"
                          "      - condition: visited_door\n"
                          "        goto: z\n"
                          "      - timer: 0\n"
                          "        goto: z\n"
                          "      - select: Door\n"
                          "        goto: z\n" END_STATE,
               "x.yaml:9:9: warning: quiz trigger can never fire: state 'a' asks no quiz "
               "[never-fires]\n"
               "x.yaml:11:9: warning: narration_finished can never fire: state 'a' narrates "
               "nothing [never-fires]\n"
               "x.yaml:13:9: warning: narration_finished can never fire: state 'a' has no "
               "narration 'intro' [never-fires]\n"
               "x.yaml:15:9: warning: condition reads variable 'visited_door', which is never "
               "declared or set [never-set]\n"
               "x.yaml:19:9: warning: trigger can never fire: trigger 5 above it always holds "
               "[never-fires]\n");
    CHECK_LINT(LESSON_HDR "states:\n"
                          "  a:\n"
                          "    on_enter: [quiz: {id: q, question: Q, choices: [x, y], correct: 0}]\n"
                          "    triggers:\n"
                          "      - gaze: {node: Door, seconds: 1}\n"
                          "        goto: z\n"
                          "      - gaze: {node: Door, seconds: 3}\n"
                          "        goto: z\n"
                          "      - quiz: {choice: 4}\n"
                          "        goto: z\n" END_STATE,
               "x.yaml:12:9: warning: trigger can never fire: trigger 1 above it catches the "
               "same event [never-fires]\n"
               "x.yaml:14:9: warning: quiz trigger can never fire: quiz 'q' has no choice 4 "
               "(choices are 0 to 1) [never-fires]\n");
}

STOA_TEST(lint_scene_references)
{
    CHECK_LINT(LESSON_HDR "states:\n"
                          "  a:\n"
                          "    key_nodes: [Statua]\n"
                          "    on_enter: [play: DoorOpn, highlight: Colum_04, hide: [Roof, Rooof]]\n"
                          "    triggers: [{enter_zone: Zone_Dor, goto: z}]\n" END_STATE,
               "x.yaml:8:17: error: the scene has no node 'Statua'; did you mean 'Statue'? "
               "[unknown-node]\n"
               "x.yaml:9:22: error: the scene has no animation 'DoorOpn'; did you mean "
               "'DoorOpen'? [unknown-animation]\n"
               "x.yaml:9:42: error: the scene has no node 'Colum_04'; did you mean 'Column_04'? "
               "[unknown-node]\n"
               "x.yaml:9:65: error: the scene has no node 'Rooof'; did you mean 'Roof'? "
               "[unknown-node]\n"
               "x.yaml:10:29: error: the scene has no node 'Zone_Dor'; did you mean 'Zone_Door'? "
               "[unknown-node]\n");
}

STOA_TEST(lint_missing_audio)
{
    CHECK_LINT(LESSON_HDR "states:\n"
                          "  a:\n"
                          "    on_enter:\n"
                          "      - narrate: {audio: a.wav, text: one}\n"
                          "      - narrate: {audio: b.wav, text: two}\n"
                          "    triggers: [{select: Door, goto: z}]\n" END_STATE,
               "x.yaml:10:26: error: audio file 'b.wav' does not exist [missing-audio]\n");
}

STOA_TEST(lint_unsafe_paths)
{
    CHECK_LINT(LESSON_HDR "states:\n"
                          "  a:\n"
                          "    on_enter:\n"
                          "      - narrate: {audio: ../../etc/x.wav, text: three}\n"
                          "    triggers: [{select: Door, goto: z}]\n" END_STATE,
               "x.yaml:9:26: error: audio '../../etc/x.wav' is not a relative path inside the "
               "lesson's folder [unsafe-path]\n");
    CHECK_LINT("id: t\ntitle: T\nlanguages: [en]\nscene: /etc/passwd\nstart: z\nstates:\n" END_STATE,
               "x.yaml:4:8: error: scene '/etc/passwd' is not a relative path inside the lesson's "
               "folder (or the folder above a 'lessons' folder) [unsafe-path]\n");
}

STOA_TEST(lint_missing_translations)
{
    CHECK_LINT("id: t\ntitle: {en: T, zh-CN: 课}\nlanguages: [en, zh-CN]\nscene: s.glb\nstart: a\n"
               "states:\n"
               "  a:\n"
               "    title: {en: Hello}\n"
               "    on_enter:\n"
               "      - show_panel: {text: plain}\n"
               "      - score: {points: 1, feedback: {en: ok, zh-CN: 好, fr: bien}}\n"
               "      - narrate: {audio: {en: a.wav}, text: {en: a, zh-CN: 啊}}\n"
               "      - end: completed\n",
               "x.yaml:8:12: error: 'title' has no 'zh-CN' translation [missing-translation]\n"
               "x.yaml:10:28: error: 'text' is a plain string (en only); give it as a map with "
               "zh-CN [missing-translation]\n"
               "x.yaml:11:38: warning: 'feedback' has language 'fr', which the lesson does not "
               "declare in 'languages' [undeclared-language]\n"
               "x.yaml:12:26: note: narration 'a#1' has no 'zh-CN' recording: its subtitle is "
               "shown for its reading time [no-recording]\n");
}

// A quiz's own score and feedback (issue 15): one value per choice, points
// in range, a feedback map of right/wrong only; a clean one lints clean.
STOA_TEST(lint_quiz_score_and_feedback)
{
    CHECK_LINT(LESSON_HDR "states:\n"
                          "  a:\n"
                          "    on_enter:\n"
                          "      - quiz: {id: q1, question: Q, choices: [x, y, z], correct: 0, "
                          "score: [1, 0]}\n"
                          "      - quiz: {id: q2, question: Q, choices: [x, y], correct: 0, "
                          "score: 5000, feedback: [ok]}\n"
                          "      - quiz: {id: q3, question: Q, choices: [x, y], correct: 0, "
                          "feedback: {rite: ok}}\n"
                          "      - quiz: {id: q4, question: Q, choices: [x, y], correct: 1, "
                          "score: [0, 2], feedback: {right: yes, wrong: no}}\n"
                          "    triggers: [{quiz: {id: q4, answer: right}, goto: z}]\n" END_STATE,
               "x.yaml:9:76: error: quiz 'q1': 'score' lists 2 values for 3 choices (one per "
               "choice) [quiz-outcomes]\n"
               "x.yaml:10:73: error: 'score' of a quiz must lie in -1000..1000, not 5000 [range]\n"
               "x.yaml:10:89: error: quiz 'q2': 'feedback' lists 1 texts for 2 choices (one per "
               "choice) [quiz-outcomes]\n"
               "x.yaml:11:76: error: quiz 'q3': 'feedback' as a map needs 'right' or 'wrong' "
               "[missing-field]\n"
               "x.yaml:11:77: error: unknown key 'rite' in feedback [unknown-key]\n");
}

STOA_TEST(lint_quiz_problems)
{
    CHECK_LINT(LESSON_HDR "states:\n"
                          "  a:\n"
                          "    on_enter:\n"
                          "      - quiz: {id: q1, question: Q, choices: [x, y]}\n"
                          "      - quiz: {id: q2, question: Q, choices: [x], correct: 0}\n"
                          "      - quiz: {id: q3, question: Q, choices: [a, b, c, d, e, f, g], "
                          "correct: 0}\n"
                          "      - quiz: {id: q4, question: Q, choices: [x, y], correct: 2}\n"
                          "      - quiz: {id: q1, question: Q, choices: [x, y], correct: []}\n"
                          "    triggers: [{quiz: {id: q2, answer: right}, goto: z}]\n" END_STATE,
               "x.yaml:9:15: error: quiz 'q1' has no correct answer (add 'correct: N', choices "
               "numbered from 0) [quiz-no-correct]\n"
               "x.yaml:10:46: error: quiz 'q2' has 1 choices; a quiz has 2 to 6 [quiz-choices]\n"
               "x.yaml:11:46: error: quiz 'q3' has 7 choices; a quiz has 2 to 6 [quiz-choices]\n"
               "x.yaml:12:63: error: quiz 'q4': correct choice 2 does not exist (choices are "
               "numbered 0 to 1) [quiz-correct]\n"
               "x.yaml:13:20: error: quiz id 'q1' is used twice [duplicate-id]\n"
               "x.yaml:13:63: error: quiz 'q1' has no correct answer (add 'correct: N', choices "
               "numbered from 0) [quiz-no-correct]\n");
}

STOA_TEST(lint_duplicates)
{
    CHECK_LINT(LESSON_HDR "states:\n"
                          "  a:\n"
                          "    on_enter: [narrate: {id: n, audio: a.wav, text: t}]\n"
                          "    triggers: [{select: Door, goto: z}]\n"
                          "    title: A\n"
                          "    title: B\n"
                          "  a: {}\n"
                          "  z: {on_enter: [narrate: {id: n, audio: a.wav, text: t}, end: completed]}\n",
               "x.yaml:11:5: error: duplicate key 'title' in state 'a' [duplicate-key]\n"
               "x.yaml:12:3: error: duplicate state 'a' [duplicate-key]\n"
               "x.yaml:13:32: error: narration id 'n' is used twice [duplicate-id]\n");
}

STOA_TEST(lint_bad_expression)
{
    CHECK_LINT(LESSON_HDR "states:\n"
                          "  a:\n"
                          "    triggers:\n"
                          "      - condition: \"score >= 3 &&\"\n"
                          "        goto: z\n" END_STATE,
               "x.yaml:9:34: error: condition 'score >= 3 &&': expression ends too early: "
               "expected a number, a name or '(' [expression]\n");
}

static char g_lesson_path[1024];

static bool file_exists(void *user, const char *rel)
{
    (void)user;
    char path[2048];
    stoa_error err = {0};
    return stoa_lesson_resolve_path(g_lesson_path, rel, path, sizeof path, &err) == STOA_OK &&
           access(path, R_OK) == 0;
}

static void lint_sample(const char *name)
{
    const char *src = getenv("STOA_SOURCE_DIR");
    snprintf(g_lesson_path, sizeof g_lesson_path, "%s/scenes/agora/lessons/%s", src ? src : ".",
             name);
    stoa_lesson_diags d;
    stoa_lesson_diags_init(&d);
    stoa_lesson *l = NULL;
    stoa_error err = {0};
    CHECK_MSG(stoa_lesson_load_file(g_lesson_path, &l, &d, &err) == STOA_OK, "%s", err.message);
    stoa_lesson_check_desc desc = {.has_scene = true,
                                   .node_count = sizeof k_nodes / sizeof k_nodes[0],
                                   .nodes = k_nodes,
                                   .animation_count = 2,
                                   .animations = k_anims,
                                   .asset_exists = file_exists};
#ifdef STOA_HAVE_SCENE
    // Against the real scene when its loader is built.
    char scene_path[2048];
    stoa_scene *scene = NULL;
    const char **nodes = NULL, **anims = NULL;
    if (l && stoa_lesson_resolve_path(g_lesson_path, l->scene, scene_path, sizeof scene_path,
                                      &err) == STOA_OK &&
        stoa_scene_load(scene_path, &(stoa_scene_load_desc){0}, &scene, &err) == STOA_OK) {
        nodes = calloc(scene->node_count + 1, sizeof *nodes);
        anims = calloc(scene->animation_count + 1, sizeof *anims);
        for (uint32_t i = 0; nodes && i < scene->node_count; i++)
            nodes[i] = scene->nodes[i].name;
        for (uint32_t i = 0; anims && i < scene->animation_count; i++)
            anims[i] = scene->animations[i].name;
        desc.nodes = nodes;
        desc.node_count = scene->node_count;
        desc.animations = anims;
        desc.animation_count = scene->animation_count;
    } else {
        fprintf(stderr, "note: %s: scene not loaded (%s); using the documented names\n", name,
                err.message);
    }
#endif
    if (l)
        stoa_lesson_check(l, &desc, &d);
    for (uint32_t i = 0; i < d.count; i++) {
        char line[1200];
        stoa_lesson_diag_format(&d.items[i], name, line, sizeof line);
        fprintf(stderr, "%s\n", line);
    }
    CHECK_MSG(d.count == 0, "%s: %u diagnostics", name, d.count);
#ifdef STOA_HAVE_SCENE
    free(nodes);
    free(anims);
    stoa_scene_destroy(&scene);
#endif
    stoa_lesson_destroy(&l);
    stoa_lesson_diags_fini(&d);
}

STOA_TEST(sample_lessons_lint_clean)
{
    lint_sample("stoa-poikile.yaml");
    lint_sample("zeno-zh.yaml");
}

STOA_TEST(sample_lesson_shape)
{
    const char *src = getenv("STOA_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/scenes/agora/lessons/stoa-poikile.yaml", src ? src : ".");
    stoa_lesson *l = NULL;
    stoa_error err = {0};
    if (stoa_lesson_load_file(path, &l, NULL, &err) != STOA_OK) {
        CHECK_MSG(false, "%s", err.message);
        return;
    }
    // What the issue asks of the sample: >= 6 states, gaze, select, grab, a
    // quiz with a right and a wrong branch, narration, an animation, concepts.
    bool kinds[16] = {0}, steps[16] = {0}, concepts = true;
    bool right = false, wrong = false;
    for (uint32_t s = 0; s < l->state_count; s++) {
        concepts &= l->states[s].concept_count > 0;
        for (uint32_t i = 0; i < l->states[s].trigger_count; i++) {
            const stoa_lesson_trigger *t = &l->states[s].triggers[i];
            kinds[t->kind] = true;
            right |= t->kind == STOA_LESSON_TRIG_QUIZ && t->match == STOA_LESSON_ANSWER_RIGHT;
            wrong |= t->kind == STOA_LESSON_TRIG_QUIZ && t->match == STOA_LESSON_ANSWER_WRONG;
        }
        for (uint32_t i = 0; i < l->states[s].step_count; i++)
            steps[l->states[s].steps[i].kind] = true;
    }
    CHECK(l->state_count >= 6);
    CHECK(kinds[STOA_LESSON_TRIG_GAZE] && kinds[STOA_LESSON_TRIG_SELECT] &&
          kinds[STOA_LESSON_TRIG_GRAB]);
    CHECK(right && wrong);
    CHECK(steps[STOA_LESSON_STEP_NARRATE] && steps[STOA_LESSON_STEP_PLAY] &&
          steps[STOA_LESSON_STEP_QUIZ]);
    CHECK(concepts);
    CHECK(l->language_count == 2 && strcmp(l->languages[1], "zh-CN") == 0);

    // Both quiz branches play to an end: right passes, wrong fails.
    for (int answer = 0; answer < 2; answer++) {
        stoa_lesson_machine *m;
        CHECK(stoa_lesson_machine_create(l, NULL, &m, &err) == STOA_OK);
        stoa_lesson_machine_start(m, 0, NULL);
        stoa_lesson_event q = {.kind = STOA_LESSON_EV_GOTO, .id = "quiz"};
        stoa_lesson_machine_handle_event(m, &q, 1, NULL);
        stoa_lesson_event a = {.kind = STOA_LESSON_EV_ANSWER, .id = "stoics-name",
                               .choices = answer ? 2u : 1u};
        stoa_lesson_machine_handle_event(m, &a, 2, NULL);
        stoa_lesson_machine_update(m, 60000000000, NULL);
        CHECK(stoa_lesson_machine_ended(m));
        CHECK(stoa_lesson_machine_outcome(m) ==
              (answer ? STOA_LESSON_OUTCOME_FAILED : STOA_LESSON_OUTCOME_PASSED));
        stoa_lesson_machine_destroy(&m);
    }

    // The graph names every state and the start edge.
    char *dot = stoa_lesson_graph_dot(l, "zh-CN");
    CHECK_CONTAINS(dot, "digraph lesson {");
    CHECK_CONTAINS(dot, "__start -> \"welcome\"");
    CHECK_CONTAINS(dot, "\"quiz\" -> \"wrong\" [label=\"2: quiz stoics-name wrong\"]");
    CHECK_CONTAINS(dot, "问题\\n(quiz)");
    free(dot);
    stoa_lesson_destroy(&l);
}

STOA_TEST_MAIN()
