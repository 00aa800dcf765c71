/* SPDX-License-Identifier: Apache-2.0 */
/* Live views (issue 16): a thumbnail of what each learner sees on their
   card, a large live view of one learner with their gaze point and "look
   here", the class's switch and bandwidth budget, raised hands in order and
   attention at a glance. Pictures are pushed on the panel's WebSocket
   (/ws/panel: the hub sends each new picture of a watched headset the
   moment it arrives); while that socket is not open they are fetched from
   GET /api/view. Either way they are drawn on canvases (the panel's CSP
   allows no blob: images), and the hub tells a headset to send pictures
   only while they are watched here. Uses api(),
   t(), el(), toast(), $() and renderRoster() from panel.js. */
'use strict';

Object.assign(STOA_TEXT.en, {
  views_on: 'Live views', views_budget: 'Budget (MB/s)', views_rate: '{r} of {b} MB/s',
  views_off_hint: 'Live views are off: no pictures leave the headsets.',
  hands_title: 'Raised hands', hand_up: 'Hand raised', answer: 'Answer', look_here: 'Look here',
  answer_placeholder: 'A message to this learner only', attention_share: 'Looking at the step: {n} of {m}',
  looking: 'Looking at the step', looking_away: 'Looking elsewhere', close: 'Close',
  view_of: 'What {n} sees', no_picture: 'Waiting for a picture…',
  desktop_seat: 'Desktop', desktop_seat_hint: 'A learner at a computer (stoa play), not in a headset',
});
Object.assign(STOA_TEXT['zh-CN'], {
  views_on: '实时画面', views_budget: '带宽上限 (MB/s)', views_rate: '{r} / {b} MB/s',
  views_off_hint: '实时画面已关闭：头显不发送任何画面。',
  hands_title: '举手', hand_up: '举手了', answer: '回复', look_here: '看这里',
  answer_placeholder: '只发给这位学生的消息', attention_share: '在看当前内容：{n} / {m}',
  looking: '在看当前内容', looking_away: '在看别处', close: '关闭',
  view_of: '{n} 看到的画面', no_picture: '等待画面…',
  desktop_seat: '电脑', desktop_seat_hint: '在电脑上学习的学生（stoa play），不是头显',
});

const views = {
  enabled: true, budget: 4000000, rate: 0, headsets: [], // from /api/views and /api/state
  thumbs: new Map(), // device id -> { canvas, busy, last }
  large: null,       // { id, canvas, timer, seq }
  ui: null,
};

const THUMB_MS = 500;  // the hub fits the real rate into the budget; asking more often costs nothing
const LARGE_MS = 100;
const NEXT_MARGIN_MS = 25; // after the hub's X-Stoa-Next: the picture's way from the headset varies a little

function viewsUi() {
  if (views.ui) return views.ui;
  const roster = $('roster');
  const bar = el('div', 'views-bar row');
  const on = el('input');
  on.type = 'checkbox';
  on.id = 'views-on';
  const onLabel = el('label', null);
  onLabel.append(on, el('span', null, t('views_on')));
  const budget = el('input', 'short');
  budget.id = 'views-budget';
  budget.type = 'number';
  budget.min = '0.1';
  budget.step = '0.5';
  const budgetLabel = el('label', null);
  budgetLabel.append(el('span', null, t('views_budget') + ' '), budget);
  const rate = el('span', 'views-rate');
  rate.id = 'views-rate';
  const share = el('span', 'attention-share');
  share.id = 'attention-share';
  bar.append(onLabel, budgetLabel, rate, share);
  const hands = el('div', 'hands');
  hands.id = 'hands';
  hands.hidden = true;
  roster.before(bar, hands);
  on.addEventListener('change', () => setViews({ enabled: on.checked }));
  budget.addEventListener('change', () => {
    const mb = parseFloat(budget.value);
    if (mb > 0) setViews({ budget: Math.round(mb * 1e6) });
  });
  views.ui = { bar, on, budget, rate, share, hands };
  return views.ui;
}

async function setViews(body) {
  const { status, data } = await api('POST', '/api/views', body);
  if (status !== 200) return toast(t('error', { m: data.error || status }), true);
  takeViews(data);
  if (!views.enabled) for (const th of views.thumbs.values()) clearCanvas(th.canvas);
}

function takeViews(data) {
  views.enabled = !!data.enabled;
  views.budget = data.budget;
  views.rate = data.bytes_per_s || 0;
  const ui = viewsUi();
  ui.on.checked = views.enabled;
  if (document.activeElement !== ui.budget) ui.budget.value = String(views.budget / 1e6);
  ui.rate.textContent = views.enabled ? t('views_rate', { r: (views.rate / 1e6).toFixed(2), b: (views.budget / 1e6).toFixed(1) })
    : t('views_off_hint');
}

function clearCanvas(c) {
  c.getContext('2d').clearRect(0, 0, c.width, c.height);
  c.classList.remove('has-picture');
}

// One picture of a headset onto a canvas; its headers say where the learner looks.
async function fetchView(id, canvas, large) {
  const res = await fetch(`/api/view?device=${id}&from=panel${large ? '&size=large' : ''}`, { credentials: 'same-origin' });
  if (res.status !== 200) return null;
  const seq = res.headers.get('X-Stoa-Seq');
  const gaze = (res.headers.get('X-Stoa-Gaze') || '').split(',').map(Number);
  const drawn = Number(res.headers.get('X-Stoa-Drawn')) || 0;
  const bitmap = await createImageBitmap(await res.blob());
  if (canvas.width !== bitmap.width || canvas.height !== bitmap.height) {
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
  }
  const g = canvas.getContext('2d');
  g.drawImage(bitmap, 0, 0);
  bitmap.close();
  markCanvas(canvas, seq, drawn, (res.headers.get('X-Stoa-Stages') || '0,0,0,0').split(',').map(Number));
  const next = res.headers.get('X-Stoa-Next');
  return { seq, gaze: gaze.length === 2 && gaze.every((v) => v >= 0 && v <= 1) ? gaze : null,
    next: next === null ? null : Number(next) };
}

// The picture's way (Unix ms) on a canvas: drawn, recorded, picked up
// from the GPU, encoded, at the hub, here (the tests and the bench read it).
function markCanvas(canvas, seq, drawn, stages) {
  canvas.classList.add('has-picture');
  canvas.dataset.seq = seq || '';
  canvas.dataset.latency = drawn ? String(Date.now() - drawn) : '';
  canvas.dataset.stages = drawn ? [drawn, ...stages, Date.now()].join(',') : '';
}

/* ---- pictures pushed: the panel's WebSocket ---------------------------------- */

const push = { ws: null, open: false, key: '', sent: 0, wait: 1000 };
const WATCH_RENEW_MS = 1000; // keeps the headsets watched (the hub forgets after 3 s)

function pushConnect() {
  if (push.ws || typeof WebSocket === 'undefined') return;
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/panel`);
  ws.binaryType = 'arraybuffer';
  push.ws = ws;
  ws.onopen = () => { push.open = true; push.wait = 1000; push.key = ''; sendWatch(); };
  ws.onmessage = (e) => { if (typeof e.data !== 'string') takePushed(e.data); };
  ws.onclose = () => {
    push.ws = null;
    push.open = false; // fetched meanwhile (pollThumbs), and tried again a little later
    setTimeout(pushConnect, push.wait);
    push.wait = Math.min(10000, push.wait * 2);
  };
}

// What this panel looks at: the visible thumbnails, and the large view.
function sendWatch() {
  if (!push.open) return;
  const large = views.large ? views.large.id : 0;
  const thumbs = [];
  if (views.enabled)
    for (const [id, th] of views.thumbs) if (th.row.h && th.row.h.connected && id !== large) thumbs.push(id);
  const key = views.enabled ? thumbs.join(',') + '|' + large : '';
  const now = Date.now();
  if (key === push.key && now - push.sent < WATCH_RENEW_MS) return;
  push.key = key;
  push.sent = now;
  push.ws.send(JSON.stringify({ t: 'watch', thumbs, large: views.enabled ? large : 0 }));
}

// One pushed picture: 4 bytes the header's length, the JSON header, the JPEG.
async function takePushed(buf) {
  const n = new DataView(buf).getUint32(0);
  const head = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, n)));
  const L = views.large && views.large.id === head.device ? views.large : null;
  const th = views.thumbs.get(head.device);
  const canvas = L ? L.canvas : th && th.canvas;
  if (!canvas || !views.enabled) return;
  canvas.pushedSeq = head.seq;
  const bitmap = await createImageBitmap(new Blob([new Uint8Array(buf, 4 + n)], { type: 'image/jpeg' }));
  if (canvas.pushedSeq !== head.seq) return bitmap.close(); // a newer one came while this one was decoded
  if (canvas.width !== bitmap.width || canvas.height !== bitmap.height) {
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
  }
  canvas.getContext('2d').drawImage(bitmap, 0, 0);
  bitmap.close();
  markCanvas(canvas, String(head.seq), head.drawn || 0, head.stages || [0, 0, 0, 0]);
  if (L && views.large === L) {
    L.waiting.hidden = true;
    if (Array.isArray(head.gaze) && head.gaze.length === 2) drawGaze(canvas, head.gaze);
  }
}

function thumbOf(row, h) {
  let th = views.thumbs.get(h.id);
  if (th && th.row === row) return th;
  const canvas = el('canvas', 'thumb');
  canvas.width = 256;
  canvas.height = 192;
  canvas.title = t('view_of', { n: h.name });
  canvas.setAttribute('role', 'button');
  canvas.addEventListener('click', () => openLarge(row.h.id));
  row.parts.state.before(canvas);
  th = { row, canvas, busy: false, last: 0 };
  views.thumbs.set(h.id, th);
  return th;
}

function pollThumbs() {
  sendWatch();
  if (push.open) return; // pushed
  const now = Date.now();
  for (const [id, th] of views.thumbs) {
    const h = th.row.h;
    if (!views.enabled || !h || !h.connected || th.busy || now < (th.due || 0)) continue;
    if (views.large && views.large.id === id) continue; // the large view asks for this one
    th.busy = true;
    th.due = now + THUMB_MS;
    // The hub says when the next picture should be there: asked then (never
    // later than the beat, which a headset's uneven pictures fall back to).
    fetchView(id, th.canvas, false).then((got) => {
      if (got && got.next !== null && got.seq !== th.seq) th.due = Date.now() + Math.min(THUMB_MS, got.next + NEXT_MARGIN_MS);
      else if (got) th.due = Date.now() + THUMB_MS / 2; // late: asked again sooner than the beat
      if (got) th.seq = got.seq;
    }).catch(() => null).finally(() => { th.busy = false; });
  }
}

/* ---- one learner, large -------------------------------------------------------- */

function openLarge(id) {
  closeLarge();
  const box = el('div', 'large-view');
  box.id = 'large-view';
  box.setAttribute('role', 'dialog');
  const title = el('h3', 'large-title');
  const state = el('div', 'large-state');
  const canvas = el('canvas', 'large');
  canvas.width = 720;
  canvas.height = 540;
  const waiting = el('p', 'hint', t('no_picture'));
  const tools = el('div', 'row');
  const node = el('select');
  node.id = 'large-node';
  const look = el('button', null, t('look_here'));
  look.id = 'large-look';
  look.addEventListener('click', () => sendTo(id, { cmd: 'look_here', node: node.value }));
  const msg = el('input');
  msg.id = 'large-message';
  msg.maxLength = 200;
  msg.placeholder = t('answer_placeholder');
  const send = el('button', null, t('send'));
  send.id = 'large-send';
  send.addEventListener('click', () => { if (msg.value.trim()) sendTo(id, { cmd: 'message', text: msg.value.trim() }); msg.value = ''; });
  const close = el('button', 'plain', t('close'));
  close.id = 'large-close';
  close.addEventListener('click', closeLarge);
  tools.append(node, look, msg, send, close);
  box.append(title, state, canvas, waiting, tools);
  document.body.append(box);
  views.large = { id, box, title, state, canvas, waiting, node, timer: null, busy: false };
  updateLarge();
  const tick = async () => {
    const L = views.large;
    if (!L || L.id !== id) return;
    const t0 = Date.now();
    const got = views.enabled && !push.open ? await fetchView(id, canvas, true).catch(() => null) : null;
    if (got) {
      L.waiting.hidden = true;
      if (got.gaze) drawGaze(canvas, got.gaze);
    }
    if (views.large === L) L.timer = setTimeout(tick, Math.max(10, LARGE_MS - (Date.now() - t0)));
  };
  tick();
}

function drawGaze(canvas, gaze) {
  const g = canvas.getContext('2d');
  const x = gaze[0] * canvas.width, y = gaze[1] * canvas.height, r = Math.max(8, canvas.width / 40);
  g.lineWidth = 3;
  g.strokeStyle = 'rgba(255, 200, 0, 0.95)';
  g.beginPath();
  g.arc(x, y, r, 0, 2 * Math.PI);
  g.moveTo(x - 2 * r, y); g.lineTo(x - r, y); g.moveTo(x + r, y); g.lineTo(x + 2 * r, y);
  g.stroke();
}

function updateLarge() {
  const L = views.large;
  if (!L) return;
  const row = panel.rows.get(L.id);
  const h = row && row.h;
  if (!h) return closeLarge();
  L.title.textContent = t('view_of', { n: h.name });
  L.state.textContent = row.parts.state.textContent + (h.hand_s !== undefined ? '  ·  ⚑ ' + t('hand_up') : '');
  // "Look here": the nodes of the lesson the learner plays (its key nodes first).
  // (In the lobby: the lesson chosen at the top, the one about to start.)
  const lesson = lessonById(h.lesson) || panel.lessons.find((l) => l.file === $('lesson').value);
  const names = [];
  for (const s of (lesson && lesson.states) || []) for (const n of s.key_nodes || []) if (!names.includes(n)) names.push(n);
  const key = (lesson && lesson.id) || '';
  if (L.node.dataset.lesson !== key) {
    L.node.replaceChildren(...names.map((n) => new Option(n, n)));
    L.node.dataset.lesson = key;
  }
}

function closeLarge() {
  const L = views.large;
  if (!L) return;
  clearTimeout(L.timer);
  L.box.remove();
  views.large = null;
}

async function sendTo(id, body) {
  const { status, data } = await api('POST', '/api/command', { ...body, targets: [id] });
  if (status !== 200) return toast(t('error', { m: data.error || status }), true);
  toast(data.sent > 0 ? t('sent', { n: data.sent }) : t('sent_none'), data.sent === 0);
}

/* ---- hands and attention -------------------------------------------------------- */

// Hands in the order they went up; an item stays while its hand is up (what
// the teacher types in it survives the refreshes).
function renderHands(headsets) {
  const ui = viewsUi();
  const up = headsets.filter((h) => h.connected && h.hand_s !== undefined).sort((a, b) => b.hand_s - a.hand_s);
  ui.hands.hidden = up.length === 0;
  if (!ui.handList) {
    ui.handTitle = el('h3');
    ui.handList = el('ol', 'hand-list');
    ui.hands.append(ui.handTitle, ui.handList);
    ui.handItems = new Map();
  }
  ui.handTitle.textContent = t('hands_title') + ' (' + up.length + ')';
  const keep = new Set(up.map((h) => h.id));
  for (const [id, li] of ui.handItems) if (!keep.has(id)) { li.remove(); ui.handItems.delete(id); }
  up.forEach((h, i) => {
    let li = ui.handItems.get(h.id);
    if (!li) {
      li = el('li', 'hand-item');
      li.dataset.device = String(h.id);
      const input = el('input');
      input.maxLength = 200;
      input.placeholder = t('answer_placeholder');
      const answer = el('button', 'small', t('answer'));
      answer.addEventListener('click', () => {
        if (input.value.trim()) sendTo(h.id, { cmd: 'message', text: input.value.trim() });
        input.value = '';
      });
      const look = el('button', 'small', t('look_here'));
      look.addEventListener('click', () => openLarge(h.id));
      li.parts = { name: el('strong'), since: el('span', 'hint') };
      li.append(li.parts.name, li.parts.since, input, answer, look);
      ui.handItems.set(h.id, li);
    }
    li.parts.name.textContent = '⚑ ' + h.name;
    li.parts.since.textContent = ' ' + duration(h.hand_s) + ' ';
    if (ui.handList.children[i] !== li) ui.handList.insertBefore(li, ui.handList.children[i] || null);
  });
}

function renderAttention(headsets) {
  let looking = 0, known = 0;
  for (const h of headsets) {
    const row = panel.rows.get(h.id);
    if (!row) continue;
    let badge = row.querySelector('.attention');
    if (!badge) {
      badge = el('span', 'attention');
      row.parts.alerts.before(badge);
    }
    const on = h.connected && h.attention !== undefined;
    badge.hidden = !on;
    if (on) {
      known++;
      if (h.attention) looking++;
      badge.textContent = (h.attention ? '◉ ' : '○ ') + t(h.attention ? 'looking' : 'looking_away');
      badge.className = 'attention ' + (h.attention ? 'yes' : 'no');
    }
    row.classList.toggle('hand', h.connected && h.hand_s !== undefined);
  }
  viewsUi().share.textContent = known ? t('attention_share', { n: looking, m: known }) : '';
}

// A desktop seat (`stoa play`) says so beside its name; a headset has no badge.
function renderSeats(headsets) {
  for (const h of headsets) {
    const row = panel.rows.get(h.id);
    if (!row) continue;
    let badge = row.querySelector('.seat');
    if (!badge && h.seat === 'desktop') {
      badge = el('span', 'seat', t('desktop_seat'));
      badge.title = t('desktop_seat_hint');
      row.parts.label.after(badge);
    }
    if (badge) badge.hidden = h.seat !== 'desktop';
  }
}

/* ---- hooks -------------------------------------------------------------------- */

const baseRenderRoster = renderRoster;
// eslint-disable-next-line no-global-assign
renderRoster = function (headsets) {
  baseRenderRoster(headsets);
  viewsUi();
  pushConnect(); // the roster is shown: the session is there
  for (const h of headsets) {
    const row = panel.rows.get(h.id);
    if (row) thumbOf(row, h).canvas.hidden = !views.enabled || !h.connected;
  }
  for (const id of [...views.thumbs.keys()]) if (!panel.rows.has(id)) views.thumbs.delete(id);
  renderHands(headsets);
  renderAttention(headsets);
  renderSeats(headsets);
  updateLarge();
  api('GET', '/api/views').then(({ status, data }) => { if (status === 200) takeViews(data); });
};

setInterval(pollThumbs, 25);
document.addEventListener('keydown', (e) => { if (e.key === 'Escape') closeLarge(); });
