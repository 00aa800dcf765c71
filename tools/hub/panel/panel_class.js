/* SPDX-License-Identifier: Apache-2.0 */
/* The panel's class period: the class roster (create, import a CSV, add,
   edit, archive, export, delete a learner), signing learners in on
   headsets, the lesson library, and the history with reports and the
   gradebook. Every name is put in the page with textContent. Uses api(),
   t(), el(), toast() and textIn() from panel.js. */
'use strict';

const klass = { classes: [], current: '', learners: [] };

async function loadClasses() {
  const { status, data } = await api('GET', '/api/classes');
  if (status !== 200) return;
  klass.classes = data.classes || [];
  klass.current = data.current || '';
  klass.learners = data.learners || [];
  renderClasses();
}

function learnerName(id) {
  const l = klass.learners.find((x) => x.learner_id === id);
  return l ? l.name : '';
}

function renderClasses() {
  const sel = $('class-select');
  sel.replaceChildren();
  for (const c of klass.classes) sel.append(new Option(c.title + ' (' + c.learners + ')', c.id));
  sel.value = klass.current;
  $('class-tools').hidden = !klass.current;
  const body = $('learners').tBodies[0];
  body.replaceChildren();
  $('learners-empty').hidden = klass.learners.length > 0;
  for (const l of klass.learners) {
    const tr = el('tr', l.archived ? 'archived' : '');
    const actions = el('td', 'actions');
    const button = (key, fn) => { const b = el('button', 'small', t(key)); b.addEventListener('click', fn); actions.append(b); };
    button('rename', async () => {
      const name = window.prompt(t('learner_name'), l.name);
      if (name) await learnerAction('/api/learner/edit', { learner_id: l.learner_id, name });
    });
    button(l.archived ? 'unarchive' : 'archive', () =>
      learnerAction('/api/learner/edit', { learner_id: l.learner_id, archived: !l.archived }));
    const exp = el('a', 'button small', t('export'));
    exp.href = '/api/learner/export?learner=' + encodeURIComponent(l.learner_id);
    exp.download = 'learner.json';
    actions.append(exp);
    button('delete', async () => {
      if (!window.confirm(t('confirm_delete_learner', { n: l.name }))) return;
      const { status, data } = await api('POST', '/api/learner/delete', { learner_id: l.learner_id });
      if (status !== 200) return toast(t('error', { m: data.error || status }), true);
      const d = data.deleted;
      toast(t('deleted_learner', { n: d.learner.name, s: d.statements, r: d.runs }));
      loadClasses();
    });
    const device = l.device ? (panel.rows.get(l.device)?.parts.label.textContent || '#' + l.device) : '';
    tr.append(el('td', '', l.name), el('td', '', l.number), el('td', '', l.pin ? t('yes') : ''),
      el('td', 'signed-in', device), actions);
    body.append(tr);
  }
}

async function learnerAction(path, body) {
  const { status, data } = await api('POST', path, body);
  if (status !== 200) toast(t('error', { m: data.error || status }), true);
  await loadClasses();
}

async function importCsv(file) {
  const text = await file.text();
  const { status, data } = await api('POST', '/api/class/import', { class_id: klass.current, csv: text });
  const box = $('import-errors');
  box.replaceChildren();
  if (status === 200) {
    toast(t('imported', { n: data.added }));
  } else {
    toast(t('import_failed'), true);
    for (const e of (data.errors || [])) box.append(el('li', '', t('line', { n: e.line }) + ': ' + e.why));
  }
  await loadClasses();
}

/* A select on each headset card: who is signed in on it. */
function fillAssign(select, h) {
  const want = h.learner_id || '';
  const key = klass.learners.map((l) => l.learner_id + (l.archived ? '-' : '')).join() + '|' + panel.lang;
  if (select.dataset.key !== key) {
    select.replaceChildren(new Option(t('not_signed_in'), ''));
    for (const l of klass.learners) if (!l.archived) select.append(new Option(l.name + (l.number ? ' · ' + l.number : ''), l.learner_id));
    select.dataset.key = key;
  }
  if (document.activeElement !== select) select.value = want;
}

async function assign(h, learnerId) {
  const { status, data } = await api('POST', '/api/learner/assign', { device: h.id, learner_id: learnerId });
  if (status !== 200) return toast(t('error', { m: data.error || status }), true);
  toast(learnerId ? t('signed_in_on', { n: learnerName(learnerId), d: h.name }) : t('signed_out', { d: h.name }));
  loadClasses();
}

function renderLibrary() {
  const list = $('library');
  list.replaceChildren();
  for (const l of panel.lessons) {
    const li = el('li');
    li.append(el('span', 'run-title', textIn(l.title) || l.id),
      // (no expected time in the lesson file: no duration, rather than "0 s")
      el('span', 'run-meta', [(l.languages || []).join(', '), l.expected_s > 0 ? duration(l.expected_s) : '',
        (l.concepts || []).join(', ')].filter(Boolean).join(' · ')));
    list.append(li);
  }
}

function gradebookLink(query, format) {
  const a = el('a', 'button small', format.toUpperCase());
  a.href = '/api/gradebook?' + query + '&format=' + format + '&lang=' + encodeURIComponent(panel.lang);
  a.download = 'gradebook.' + format;
  return a;
}

/* A lesson archive goes to the hub in base64 (the API takes JSON only). */
async function uploadLesson(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  const { status, data } = await api('POST', '/api/lessons/upload', { name: file.name, data: btoa(bin) });
  const box = $('upload-problems');
  box.replaceChildren();
  for (const p of (data.problems || [])) box.append(el('li', '', (p.file ? p.file + (p.line ? ':' + p.line : '') + ': ' : '') + p.message));
  if (status !== 200) return toast(t('upload_failed'), true);
  toast(t('uploaded', { n: (data.added || []).length }));
  panel.lessons = (await api('GET', '/api/lessons')).data.lessons || [];
  fillLessons();
  renderLibrary();
}

function wireClass() {
  $('lesson-file').addEventListener('change', () => { const f = $('lesson-file').files[0]; if (f) uploadLesson(f); $('lesson-file').value = ''; });
  $('class-select').addEventListener('change', async () => {
    await api('POST', '/api/class/current', { class_id: $('class-select').value });
    loadClasses();
  });
  $('class-new').addEventListener('click', async () => {
    const title = window.prompt(t('class_name'));
    if (!title) return;
    const { status, data } = await api('POST', '/api/class/create', { title });
    if (status !== 200) return toast(t('error', { m: data.error || status }), true);
    await api('POST', '/api/class/current', { class_id: data.id });
    loadClasses();
  });
  $('csv-file').addEventListener('change', () => { const f = $('csv-file').files[0]; if (f) importCsv(f); $('csv-file').value = ''; });
  $('learner-add').addEventListener('click', async () => {
    const name = $('learner-name').value.trim();
    if (!name) return;
    await learnerAction('/api/learner/add', { class_id: klass.current, name, number: $('learner-number').value.trim(),
      pin: $('learner-pin').value.trim() });
    $('learner-name').value = $('learner-number').value = $('learner-pin').value = '';
  });
  $('class-gradebook-csv').addEventListener('click', () => { window.location = '/api/gradebook?class=' + klass.current + '&format=csv&lang=' + panel.lang; });
  $('class-gradebook-xlsx').addEventListener('click', () => { window.location = '/api/gradebook?class=' + klass.current + '&format=xlsx&lang=' + panel.lang; });
}
