/* SPDX-License-Identifier: Apache-2.0 */
/* The panel's words in English and Chinese. Keys are used by data-i18n
   attributes in index.html and by t() in panel.js. */
'use strict';

const STOA_TEXT = {
  'en': {
    app_title: 'Stoa classroom', join_hint: 'Headsets join with the code', language: 'Language',
    logout: 'Log out', login_title: 'Teacher login', password: 'Password', login: 'Log in',
    login_hint: 'The password was printed when the hub started for the first time.',
    login_wrong: 'Wrong password. Try again.', login_wait: 'Too many tries. Wait one minute, then try again.',
    lesson_title: '1. Choose a lesson', launch_all: 'Start on all headsets',
    launch_selected: 'Start on selected headsets', class_title: '2. Guide the class',
    pause_all: 'Pause everyone', resume_all: 'Resume', skip: 'Skip to the next part',
    end: 'End the lesson', look_label: 'Point everyone at', look: 'Show the arrow',
    message_label: 'Message to everyone', message_placeholder: 'e.g. Look at the columns',
    send: 'Send', selected_hint: 'Buttons act on the selected headsets, or on all when none is selected.',
    roster_title: 'Headsets', roster_empty: 'No headset has joined yet. On each headset, run: stoa run --hub ADDRESS --join CODE',
    quiz_title: 'Quiz answers of the class', quiz_empty: 'No answers yet.', question: 'Question',
    right: 'Right', wrong: 'Wrong', runs_title: 'Reports',
    runs_empty: 'A report appears here for every lesson you start.', open_report: 'Open report',
    class_eval: 'Class knowledge map and learner archives',
    learners: 'learners', online: 'Online', offline: 'Offline', no_lesson: 'Waiting for a lesson',
    paused: 'Paused', idle: 'Not moving for {s}', stuck: 'Stuck: {s} in this part (expected {e})',
    progress: 'Progress', score: 'Score', answers: 'Answers: {r} right, {w} wrong',
    select: 'Select', sent: 'Sent to {n} headset(s).', sent_none: 'No headset is online to receive it.',
    confirm_end: 'End the lesson on these headsets?', error: 'Something went wrong: {m}',
    no_lessons: 'No lessons in the library', whole_lesson: 'key places of the lesson',
    connection_lost: 'The hub does not answer. Is it still running?', statements: '{n} records',
    remove: 'Remove', confirm_remove: 'Remove {n}? It must join again with the class code.',
    removed: '{n} was removed.', waiting_title: 'Waiting to be admitted', admit: 'Admit',
    admitted: '{n} was admitted.', new_key: 'New xAPI key',
    new_key_hint: 'Tools that read the class\'s records need the new key afterwards.',
    confirm_new_key: 'Replace the xAPI key? The old key stops working at once.',
    new_key_done: 'New xAPI key: {k}',
  },
  'zh-CN': {
    app_title: 'Stoa 课堂', join_hint: '头显加入码', language: '语言',
    logout: '退出登录', login_title: '教师登录', password: '密码', login: '登录',
    login_hint: '密码在课堂服务器第一次启动时显示。',
    login_wrong: '密码错误，请重试。', login_wait: '尝试次数太多，请等一分钟再试。',
    lesson_title: '1. 选择课程', launch_all: '在所有头显上开始',
    launch_selected: '在选中的头显上开始', class_title: '2. 引导全班',
    pause_all: '全部暂停', resume_all: '继续', skip: '跳到下一部分',
    end: '结束课程', look_label: '让大家看向', look: '显示箭头',
    message_label: '发给全班的消息', message_placeholder: '例如：请看这些柱子',
    send: '发送', selected_hint: '按钮作用于选中的头显；没有选中时作用于全部头显。',
    roster_title: '头显', roster_empty: '还没有头显加入。在每个头显上运行：stoa run --hub 地址 --join 加入码',
    quiz_title: '全班测验答案', quiz_empty: '还没有答案。', question: '题目',
    right: '答对', wrong: '答错', runs_title: '报告',
    runs_empty: '每次开始课程后，这里会出现一份报告。', open_report: '打开报告',
    class_eval: '班级知识图谱与学习者档案',
    learners: '名学生', online: '在线', offline: '离线', no_lesson: '等待课程',
    paused: '已暂停', idle: '{s} 没有动作', stuck: '卡住了：在这一部分 {s}（预计 {e}）',
    progress: '进度', score: '得分', answers: '答对 {r} 题，答错 {w} 题',
    select: '选择', sent: '已发送到 {n} 个头显。', sent_none: '没有在线的头显可以接收。',
    confirm_end: '要在这些头显上结束课程吗？', error: '出错了：{m}',
    no_lessons: '课程库中没有课程', whole_lesson: '课程中的关键位置',
    connection_lost: '课堂服务器没有响应，它还在运行吗？', statements: '{n} 条记录',
    remove: '移除', confirm_remove: '要移除 {n} 吗？它需要用加入码重新加入。',
    removed: '已移除 {n}。', waiting_title: '等待准入', admit: '准入',
    admitted: '已准入 {n}。', new_key: '新的 xAPI 密钥',
    new_key_hint: '读取全班记录的工具之后需要使用新密钥。',
    confirm_new_key: '要更换 xAPI 密钥吗？旧密钥会立即失效。',
    new_key_done: '新的 xAPI 密钥：{k}',
  },
};

function stoaPickLanguage() {
  const saved = window.localStorage ? localStorage.getItem('stoa.lang') : null;
  if (saved && STOA_TEXT[saved]) return saved;
  return (navigator.language || 'en').toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}
