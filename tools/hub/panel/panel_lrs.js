/* SPDX-License-Identifier: Apache-2.0 */
/* The panel's xAPI credentials (docs/lrs.md): other learning tools (web
   courses, quiz apps, analytics) get a named key and secret with the
   scopes the teacher picks — read, write, only their own statements — and
   lose it when the teacher revokes it. The secret is shown once. Uses
   api(), t(), el(), toast() and $() from panel.js; its words are added to
   STOA_TEXT here. Every name goes in the page with textContent. */
'use strict';

Object.assign(STOA_TEXT.en, {
  lrs_title: 'Other learning tools (xAPI credentials)',
  lrs_hint: 'Give each tool its own credential. Its address is this hub followed by /xapi/.',
  lrs_name: 'Tool name', lrs_read: 'Read', lrs_write: 'Write', lrs_mine: 'Only its own statements',
  lrs_make: 'Make credential', lrs_revoke: 'Revoke', lrs_revoked: 'revoked',
  lrs_made: 'Key {k} — secret {s}. Copy the secret now: it is not shown again.',
  lrs_stored: '{n} stored', lrs_none: 'No credential yet.',
});
Object.assign(STOA_TEXT['zh-CN'], {
  lrs_title: '其他学习工具（xAPI 凭据）',
  lrs_hint: '每个工具使用自己的凭据。地址是本集线器地址加 /xapi/。',
  lrs_name: '工具名称', lrs_read: '读取', lrs_write: '写入', lrs_mine: '仅限自己的记录',
  lrs_make: '创建凭据', lrs_revoke: '撤销', lrs_revoked: '已撤销',
  lrs_made: '密钥 {k} — 密码 {s}。请立即复制密码：之后不再显示。',
  lrs_stored: '已存 {n} 条', lrs_none: '尚无凭据。',
});

async function lrsLoad() {
  const { status, data } = await api('GET', '/api/xapi-credentials');
  if (status !== 200) return;
  const list = $('lrs-list');
  list.replaceChildren();
  $('lrs-none').hidden = (data.credentials || []).length > 0;
  for (const c of data.credentials || []) {
    const li = el('li', c.revoked ? 'archived' : '');
    li.append(el('strong', '', c.name), el('span', '', ' ' + c.key + ' · ' + c.scope.trim() + ' · ' +
      t('lrs_stored', { n: c.stored }) + (c.revoked ? ' · ' + t('lrs_revoked') : '')));
    if (!c.revoked) {
      const b = el('button', 'small', t('lrs_revoke'));
      b.addEventListener('click', async () => {
        if (!window.confirm(t('lrs_revoke') + ' ' + c.name + '?')) return;
        await api('POST', '/api/xapi-credentials/revoke', { id: c.id });
        lrsLoad();
      });
      li.append(' ', b);
    }
    list.append(li);
  }
}

async function lrsMake(ev) {
  ev.preventDefault();
  const body = { name: $('lrs-name').value.trim(), read: $('lrs-read').checked,
                 write: $('lrs-write').checked, mine: $('lrs-mine').checked };
  const { status, data } = await api('POST', '/api/xapi-credentials/new', body);
  if (status !== 200) { toast(data.error || String(status)); return; }
  $('lrs-secret').textContent = t('lrs_made', { k: data.key, s: data.secret });
  $('lrs-secret').hidden = false;
  $('lrs-name').value = '';
  lrsLoad();
}

document.addEventListener('DOMContentLoaded', () => {
  const box = $('lrs-box');
  if (!box) return;
  box.addEventListener('toggle', () => { if (box.open) lrsLoad(); });
  $('lrs-form').addEventListener('submit', lrsMake);
});
