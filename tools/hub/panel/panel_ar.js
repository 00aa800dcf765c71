/* SPDX-License-Identifier: Apache-2.0 */
/* Tabletop AR (docs/ar.md, "Placing together"): the "Place together"
   button asks every (selected) headset to put its model at one physical
   spot (the class's shared anchor, or the teacher's marker where the
   headsets cannot share anchors); each card says where its model stands.
   Uses command(), t(), el() and $() from panel.js and wraps renderRoster. */
'use strict';

Object.assign(STOA_TEXT.en, {
  place_together: 'Place together',
  place_together_hint: 'Tabletop lessons in AR: every headset puts the model at the same spot in the room (a shared anchor, or your marker where the headsets cannot share one).',
  placement_placing: 'Placing the model', placement_marker: 'Aim at your marker',
  placement_waiting: 'Waiting for the shared spot', placement_placed: 'Model placed',
  placement_shared: 'Placed together',
});
Object.assign(STOA_TEXT['zh-CN'], {
  place_together: '一起放置',
  place_together_hint: 'AR 桌面课程：所有头显把模型放在教室里的同一个位置（共享锚点；头显不能共享时，用你放的标记）。',
  placement_placing: '正在放置模型', placement_marker: '请对准老师的标记',
  placement_waiting: '等待共同位置', placement_placed: '模型已放置',
  placement_shared: '已一起放置',
});

function placeTogetherUi() {
  if ($('place-together')) return;
  const look = $('look');
  const row = el('div', 'row place-row');
  const button = el('button', null, t('place_together'));
  button.id = 'place-together';
  button.dataset.i18n = 'place_together';
  button.addEventListener('click', () => command({ cmd: 'place_together' }));
  const hint = el('span', 'hint', t('place_together_hint'));
  hint.dataset.i18n = 'place_together_hint';
  row.append(button, hint);
  look.closest('.row').after(row);
}

function renderPlacement(headsets) {
  for (const h of headsets) {
    const row = panel.rows.get(h.id);
    if (!row) continue;
    let badge = row.querySelector('.placement');
    if (!badge) {
      badge = el('span', 'placement');
      row.parts.state.after(badge);
    }
    const p = h.connected ? h.placement : undefined;
    badge.hidden = !p;
    if (p) {
      badge.textContent = (p === 'placed' || p === 'shared' ? '▣ ' : '□ ') + t('placement_' + p);
      badge.className = 'placement ' + p;
      badge.dataset.placement = p;
    }
  }
}

const arBaseRenderRoster = renderRoster;
// eslint-disable-next-line no-global-assign
renderRoster = function (headsets) {
  arBaseRenderRoster(headsets);
  placeTogetherUi();
  renderPlacement(headsets);
};
