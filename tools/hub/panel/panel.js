/* SPDX-License-Identifier: Apache-2.0 */
/* The control panel's behaviour. Every text that comes from a headset or a
   lesson is put in the page with textContent, never as HTML. */
'use strict';

const panel = {
  csrf: '', lang: 'en', lessons: [], selected: new Set(), rows: new Map(), timer: null,
};

const $ = (id) => document.getElementById(id);

function t(key, vars) {
  let s = (STOA_TEXT[panel.lang] || STOA_TEXT.en)[key] || STOA_TEXT.en[key] || key;
  for (const [k, v] of Object.entries(vars || {})) s = s.replace('{' + k + '}', v);
  return s;
}

function applyLanguage() {
  document.documentElement.lang = panel.lang;
  const ev = document.getElementById('class-eval'); // the evaluation pages, in the teacher's language
  if (ev)
    ev.href = '/evaluation/class.html?lang=' + encodeURIComponent(panel.lang);
  document.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
  document.querySelectorAll('[data-i18n-placeholder]').forEach((el) => {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  });
  document.title = t('app_title');
  fillLessons();
  if (typeof renderClasses === 'function' && klass.classes.length) renderClasses();
  if (typeof renderLibrary === 'function') renderLibrary();
}

function textIn(map) {
  if (!map) return '';
  return map[panel.lang] || map[panel.lang.split('-')[0]] || map.en || map.und || Object.values(map)[0] || '';
}

/* Durations in the teacher's language ("57 s" / "57 秒"). */
function duration(s) {
  s = Math.round(s);
  if (s < 60) return t('dur_s', { n: s });
  const m = Math.floor(s / 60);
  return m < 60 ? t('dur_min', { n: m }) : t('dur_h', { h: Math.floor(m / 60), n: m % 60 });
}

/* The library's lesson with this id, and a state's or question's text in
   the teacher's language (the headset reports them in its own). */
function lessonById(id) { return panel.lessons.find((l) => l.id === id); }
function stateTitle(h) {
  const lesson = lessonById(h.lesson);
  const s = lesson && lesson.states.find((x) => x.id === h.state);
  return (s && textIn(s.title)) || h.state_title || h.state;
}
function questionText(q) {
  const tail = q.id.slice(q.id.lastIndexOf('/') + 1);
  for (const l of panel.lessons)
    for (const x of (l.quizzes || [])) if (x.iri_id === tail && q.id.includes(l.id)) return textIn(x.question);
  return q.name;
}

async function api(method, path, body) {
  const headers = { 'Content-Type': 'application/json' };
  if (method !== 'GET') headers['X-CSRF-Token'] = panel.csrf;
  const res = await fetch(path, {
    method, headers, credentials: 'same-origin', body: body ? JSON.stringify(body) : undefined,
  });
  let data = {};
  try { data = await res.json(); } catch (e) { data = {}; }
  return { status: res.status, data };
}

function toast(message, bad) {
  const el = $('toast');
  el.textContent = message;
  el.classList.toggle('bad', !!bad);
}

/* ---- login ---------------------------------------------------------------- */

function showLogin() {
  $('login').hidden = false;
  $('app').hidden = true;
  $('logout').hidden = true;
  $('join-box').hidden = true;
  if (panel.timer) clearInterval(panel.timer);
  panel.timer = null;
  $('password').focus();
}

async function showApp() {
  $('login').hidden = true;
  $('app').hidden = false;
  $('logout').hidden = false;
  const { data } = await api('GET', '/api/lessons');
  panel.lessons = data.lessons || [];
  fillLessons();
  renderLibrary();
  await loadClasses();
  await refresh();
  panel.timer = setInterval(refresh, 1000);
}

async function login(ev) {
  ev.preventDefault();
  const { status, data } = await api('POST', '/api/login', { password: $('password').value });
  $('password').value = '';
  if (status === 200) {
    panel.csrf = data.csrf;
    $('login-error').textContent = '';
    showApp();
  } else {
    $('login-error').textContent = status === 429 ? t('login_wait') : t('login_wrong');
  }
}

/* ---- lessons and commands --------------------------------------------------- */

function fillLessons() {
  const sel = $('lesson');
  const keep = sel.value;
  sel.replaceChildren();
  if (panel.lessons.length === 0) sel.append(new Option(t('no_lessons'), ''));
  for (const l of panel.lessons) sel.append(new Option(textIn(l.title) || l.id, l.file));
  if (keep) sel.value = keep;
  fillNodes();
}

function fillNodes() {
  const lesson = panel.lessons.find((l) => l.file === $('lesson').value);
  const sel = $('look-node');
  sel.replaceChildren();
  const seen = new Set();
  for (const s of (lesson ? lesson.states : [])) {
    for (const n of s.key_nodes) {
      if (seen.has(n)) continue;
      seen.add(n);
      sel.append(new Option(n + ' (' + (textIn(s.title) || s.id) + ')', n));
    }
  }
}

function targets(forceAll) {
  return forceAll ? [] : Array.from(panel.selected);
}

async function command(body, forceAll) {
  body.targets = targets(forceAll);
  const { status, data } = await api('POST', '/api/command', body);
  if (status === 401) return showLogin();
  if (status !== 200) return toast(t('error', { m: data.error || status }), true);
  toast(data.sent > 0 ? t('sent', { n: data.sent }) : t('sent_none'), data.sent === 0);
  refresh();
}

function wireButtons() {
  $('login-form').addEventListener('submit', login);
  $('lesson').addEventListener('change', fillNodes);
  $('launch-all').addEventListener('click', () => command({ cmd: 'launch', lesson: $('lesson').value }, true));
  $('launch-selected').addEventListener('click', () => command({ cmd: 'launch', lesson: $('lesson').value }));
  $('pause').addEventListener('click', () => command({ cmd: 'pause' }));
  $('resume').addEventListener('click', () => command({ cmd: 'resume' }));
  $('skip').addEventListener('click', () => command({ cmd: 'skip' }));
  $('end').addEventListener('click', () => {
    if (window.confirm(t('confirm_end'))) command({ cmd: 'end' });
  });
  $('look').addEventListener('click', () => command({ cmd: 'look_here', node: $('look-node').value }));
  $('send-message').addEventListener('click', () => {
    const text = $('message').value.trim();
    if (text) command({ cmd: 'message', text });
    $('message').value = '';
  });
  $('logout').addEventListener('click', async () => { await api('POST', '/api/logout'); showLogin(); });
  $('new-key').addEventListener('click', async () => {
    if (!window.confirm(t('confirm_new_key'))) return;
    const { status, data } = await api('POST', '/api/xapi-key', {});
    if (status !== 200) return toast(t('error', { m: data.error || status }), true);
    toast(t('new_key_done', { k: data.xapi_key }));
  });
  $('lang').addEventListener('change', () => {
    panel.lang = $('lang').value;
    if (window.localStorage) localStorage.setItem('stoa.lang', panel.lang);
    applyLanguage();
    toast('');
    refresh();
  });
}

/* ---- live view --------------------------------------------------------------- */

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function makeRow(h) {
  const row = el('article', 'headset');
  const head = el('div', 'head');
  const box = el('input');
  box.type = 'checkbox';
  box.addEventListener('change', () => {
    if (box.checked) panel.selected.add(h.id); else panel.selected.delete(h.id);
    row.classList.toggle('selected', box.checked);
  });
  const name = el('label', 'name');
  name.append(box, el('span', 'label'));
  // Removing a headset revokes its token: it must join again with the code.
  const remove = el('button', 'remove', t('remove'));
  remove.dataset.i18n = 'remove';
  const rename = el('button', 'remove', t('rename'));
  rename.dataset.i18n = 'rename';
  rename.addEventListener('click', async () => {
    const name = window.prompt(t('device_name'), h.name);
    if (!name) return;
    const { status, data } = await api('POST', '/api/device/rename', { device: h.id, name });
    if (status !== 200) toast(t('error', { m: data.error || status }), true);
    refresh();
  });
  remove.addEventListener('click', async () => {
    if (!window.confirm(t('confirm_remove', { n: h.name }))) return;
    const { status, data } = await api('POST', '/api/device/remove', { device: h.id });
    if (status !== 200) return toast(t('error', { m: data.error || status }), true);
    panel.selected.delete(h.id);
    panel.rows.delete(h.id);
    row.remove();
    toast(t('removed', { n: h.name }));
  });
  head.append(name, el('span', 'dot'), rename, remove);
  const bar = el('div', 'bar');
  bar.append(el('div', 'fill'));
  const who = el('select', 'assign');
  who.addEventListener('change', () => assign(row.h, who.value));
  row.append(head, who, el('div', 'state'), bar, el('div', 'meta'), el('div', 'alerts'));
  row.parts = { box, label: name.querySelector('.label'), dot: head.querySelector('.dot'), who,
    state: row.children[2], fill: bar.firstChild, bar, meta: row.children[4], alerts: row.children[5] };
  return row;
}

function updateRow(row, h) {
  const p = row.parts;
  row.h = h;
  p.label.textContent = h.name;
  p.who.setAttribute('aria-label', t('signed_in') + ' ' + h.name);
  fillAssign(p.who, h);
  p.box.setAttribute('aria-label', t('select') + ' ' + h.name);
  p.dot.textContent = h.connected ? t('online') : t('offline');
  p.dot.className = 'dot ' + (h.connected ? 'on' : 'off');
  // Where the headset is: the lobby, loading (with the transfer), the lesson's
  // part (in the teacher's language), or the result of the lesson just ended.
  const lesson = lessonById(h.lesson);
  let where = h.lesson ? (stateTitle(h) || '…') : t('no_lesson');
  if (h.phase === 'lobby') where = t('in_lobby');
  if (h.phase === 'loading') where = t('loading') + (h.transfer ? ' ' + Math.round(100 * h.transfer.done / Math.max(1, h.transfer.total)) + '%' : '');
  if (h.phase === 'result' && h.result) where = t(h.result.completed ? 'result_done' : 'result_stopped');
  if (h.phase === 'lesson' && lesson) where = textIn(lesson.title) + ' — ' + where;
  p.state.textContent = where;
  const pct = Math.round(Math.max(0, Math.min(1, h.progress)) * 100);
  p.fill.style.width = pct + '%';
  p.bar.title = t('progress') + ' ' + pct + '%';
  p.bar.setAttribute('role', 'progressbar');
  p.bar.setAttribute('aria-valuenow', String(pct));
  p.meta.textContent = t('progress') + ' ' + pct + '%  ·  ' + t('score') + ' ' + h.score +
    '  ·  ' + t('answers', { r: h.right, w: h.wrong });
  p.alerts.replaceChildren();
  const alert = (cls, text) => p.alerts.append(el('span', 'alert ' + cls, text));
  if (h.paused) alert('paused', t('paused'));
  if (h.connected && h.lesson && !h.paused && h.idle_s >= 30) alert('idle', t('idle', { s: duration(h.idle_s) }));
  if (h.connected && h.lesson && !h.paused && h.expected_s > 0 && h.in_state_s > h.expected_s)
    alert('stuck', t('stuck', { s: duration(h.in_state_s), e: duration(h.expected_s) }));
  row.classList.toggle('offline', !h.connected);
  // No lesson yet: no bar to read. Offline, the bar stays where the lesson stopped.
  row.classList.toggle('idle-card', !h.lesson && !(h.progress > 0));
  row.classList.toggle('warn', p.alerts.childElementCount > 0 && !h.paused);
}

function renderRoster(headsets) {
  const roster = $('roster');
  const online = headsets.filter((h) => h.connected).length;
  $('roster-count').textContent = '(' + online + ' / ' + headsets.length + ' ' + t('online') + ')';
  $('roster-empty').hidden = headsets.length > 0;
  const present = new Set(headsets.map((h) => h.id));
  for (const [id, row] of panel.rows) {
    if (!present.has(id)) { row.remove(); panel.rows.delete(id); panel.selected.delete(id); }
  }
  // The hub's order: online first, then by name; cards move when it changes.
  headsets.forEach((h, i) => {
    let row = panel.rows.get(h.id);
    if (!row) {
      row = makeRow(h);
      panel.rows.set(h.id, row);
    }
    if (roster.children[i] !== row) roster.insertBefore(row, roster.children[i] || null);
    updateRow(row, h);
  });
}

function renderWaiting(waiting) {
  $('waiting-box').hidden = waiting.length === 0;
  const list = $('waiting');
  list.replaceChildren();
  for (const w of waiting) {
    const li = el('li', '', w.name + ' ');
    const admit = el('button', 'primary', t('admit'));
    admit.addEventListener('click', async () => {
      const { status, data } = await api('POST', '/api/device/admit', { device: w.id });
      if (status !== 200) return toast(t('error', { m: data.error || status }), true);
      li.remove();
      toast(t('admitted', { n: w.name }));
    });
    li.append(admit);
    list.append(li);
  }
}

function renderQuiz(quiz) {
  $('quiz-empty').hidden = quiz.length > 0;
  $('quiz').hidden = quiz.length === 0;
  const body = $('quiz').tBodies[0];
  body.replaceChildren();
  for (const q of quiz) {
    const tr = el('tr');
    const total = q.right + q.wrong;
    const bar = el('div', 'bar small');
    const fill = el('div', 'fill good');
    fill.style.width = (total ? Math.round(100 * q.right / total) : 0) + '%';
    bar.append(fill);
    const td = el('td');
    td.append(bar);
    tr.append(el('td', '', questionText(q)), el('td', 'num', String(q.right)), el('td', 'num', String(q.wrong)), td);
    body.append(tr);
  }
}

function renderRuns(runs) {
  $('runs-empty').hidden = runs.length > 0;
  const list = $('runs');
  list.replaceChildren();
  for (const r of runs) {
    const lesson = lessonById(r.lesson);
    const li = el('li');
    const when = new Date(r.started).toLocaleString(panel.lang, { dateStyle: 'medium', timeStyle: 'short' });
    li.append(el('span', 'run-title', (lesson ? textIn(lesson.title) : r.lesson)),
      el('span', 'run-meta', when + ' · ' + r.learners + ' ' + t('learners') + ' · ' +
        t('statements', { n: r.statements }) + (r.names && r.names.length ? ' · ' + r.names.slice(0, 8).join(', ') +
          (r.names.length > 8 ? ' ' + t('and_more', { n: r.names.length - 8 }) : '') : '')));
    const a = el('a', 'button', t('open_report'));
    a.href = '/api/report?run=' + encodeURIComponent(r.run) + '&lang=' + encodeURIComponent(panel.lang);
    a.target = '_blank';
    a.rel = 'noopener';
    li.append(a, gradebookLink('run=' + encodeURIComponent(r.run), 'csv'),
      gradebookLink('run=' + encodeURIComponent(r.run), 'xlsx'));
    list.append(li);
  }
}

async function refresh() {
  let res;
  try {
    res = await api('GET', '/api/state');
  } catch (e) {
    return toast(t('connection_lost'), true);
  }
  if (res.status === 401) return showLogin();
  const s = res.data;
  $('join-box').hidden = false;
  $('join-code').textContent = s.join_code;
  renderRoster(s.headsets || []);
  renderWaiting(s.waiting || []);
  renderQuiz(s.quiz || []);
  renderRuns(s.runs || []);
}

async function start() {
  panel.lang = stoaPickLanguage();
  $('lang').value = panel.lang;
  applyLanguage();
  wireButtons();
  wireClass();
  const { data } = await api('GET', '/api/session');
  if (data.logged_in) {
    panel.csrf = data.csrf;
    showApp();
  } else {
    showLogin();
  }
}

document.addEventListener('DOMContentLoaded', start);
