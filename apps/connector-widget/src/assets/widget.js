/* crm-channels website chat. Plain JS, no dependencies, no build step. Embed:
   <script src="https://<crm>/widget/widget.js" data-key="<publicKey>" async></script> */
/* global window, document, localStorage, location, navigator, fetch, WebSocket, crypto, setTimeout, clearTimeout, URL */
(function () {
  'use strict';
  var script = document.currentScript || document.querySelector('script[data-key][src*="widget.js"]');
  var KEY = script && script.getAttribute('data-key');
  if (!KEY || window.__crmWidget) return;
  window.__crmWidget = 1;
  var ORIGIN = new URL(script.src, location.href).origin;
  var API = ORIGIN + '/widget/v1/' + encodeURIComponent(KEY);
  var lang = (document.documentElement.lang || navigator.language || 'ru').toLowerCase();
  var L = lang.indexOf('ru') === 0 ? 'ru' : 'en';
  var T = {
    ru: { open: 'Открыть чат', close: 'Закрыть чат', title: 'Чат с нами', greeting: 'Здравствуйте! Чем можем помочь?', ph: 'Напишите сообщение…', send: 'Отправить',
      sending: 'отправляется', sent: 'отправлено', delivered: 'доставлено', failed: 'не отправлено — нажмите, чтобы повторить', unread: 'Непрочитанных сообщений: ',
      name: 'Имя', phone: 'Телефон', email: 'Email', start: 'Начать чат', intro: 'Представьтесь, пожалуйста, чтобы мы могли связаться с вами', offline: 'Нет связи, переподключаемся…', log: 'Сообщения' },
    en: { open: 'Open chat', close: 'Close chat', title: 'Chat with us', greeting: 'Hello! How can we help?', ph: 'Type a message…', send: 'Send',
      sending: 'sending', sent: 'sent', delivered: 'delivered', failed: 'not sent — click to retry', unread: 'Unread messages: ',
      name: 'Name', phone: 'Phone', email: 'Email', start: 'Start chat', intro: 'Please introduce yourself so we can get back to you', offline: 'Offline, reconnecting…', log: 'Messages' }
  }[L];
  var STORE = 'crm-widget:' + KEY;
  var st = load();
  var S = { session: null, msgs: {}, cursor: null, open: false, ws: null, tries: 0, timer: 0, acked: {}, read: {}, unread: 0, pendingAck: [] };

  function load() { try { return JSON.parse(localStorage.getItem(STORE)) || {}; } catch { return {}; } }
  function save() { try { localStorage.setItem(STORE, JSON.stringify(st)); } catch { /* private mode */ } }
  function uuid() { // v4; randomUUID exists only in secure contexts (https), getRandomValues everywhere
    return crypto.randomUUID ? crypto.randomUUID() : '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, function (c) { return (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16); });
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs) if (attrs[k] != null) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }
  function api(method, path, body) {
    var h = { 'Accept-Language': L };
    if (body) h['Content-Type'] = 'application/json';
    if (S.session && path !== '/session') h.Authorization = 'Bearer ' + S.session.token;
    return fetch(API + path, { method: method, headers: h, body: body ? JSON.stringify(body) : undefined, mode: 'cors', credentials: 'omit' }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) { if (!r.ok) { j.status = r.status; throw j; } return j; });
    });
  }
  function startSession(profile) {
    return api('POST', '/session', { token: st.token || undefined, profile: profile }).catch(function (e) {
      if (e.status === 401 && st.token) { st.token = null; return api('POST', '/session', { profile: profile }); }
      throw e;
    }).then(function (s) { S.session = s; st.token = s.token; save(); return s; });
  }

  // ---- UI (shadow DOM: the host page's CSS cannot reach in) ----
  var host = el('div', { 'data-crm-widget': '' }), root = host.attachShadow({ mode: 'open' }), ui = {};
  var CSS = ':host{all:initial}*{box-sizing:border-box;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0}' +
    '[hidden]{display:none!important}button{cursor:pointer;border:0;background:none;color:inherit}' +
    ':focus-visible{outline:2px solid var(--c);outline-offset:2px}' +
    '.l{position:fixed;right:20px;bottom:20px;z-index:2147483000;width:56px;height:56px;border-radius:50%;background:var(--c);color:#fff;box-shadow:0 4px 14px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center}' +
    '.l svg{width:28px;height:28px;fill:#fff}.b{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 5px;border-radius:10px;background:#e11d48;color:#fff;font-size:12px;font-weight:700;line-height:20px;text-align:center}' +
    '.p{position:fixed;right:20px;bottom:88px;z-index:2147483000;width:360px;max-width:calc(100vw - 40px);height:520px;max-height:calc(100vh - 110px);background:#fff;color:#111827;border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden}' +
    '.h{background:var(--c);color:#fff;padding:14px 12px 14px 16px;display:flex;align-items:center;gap:8px}.h h2{flex:1;font-size:16px;font-weight:600}.x{width:32px;height:32px;border-radius:6px;font-size:22px;line-height:1}.x:hover{background:rgba(255,255,255,.15)}' +
    '.o{background:#fef3c7;color:#92400e;font-size:12px;padding:4px 12px}.g{overflow-y:auto;flex:1;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f8fafc}' +
    '.m{max-width:82%;padding:8px 11px;border-radius:12px;white-space:pre-wrap;word-wrap:break-word;overflow-wrap:anywhere}.a{align-self:flex-start;background:#fff;border:1px solid #e5e7eb;border-bottom-left-radius:4px}' +
    '.v{align-self:flex-end;background:var(--c);color:#fff;border-bottom-right-radius:4px}.m a{color:inherit}.t{display:block;font-size:11px;opacity:.7;margin-top:3px;text-align:right}' +
    '.f{background:#fee2e2;color:#991b1b}.e{color:#b91c1c;font-size:12px;padding:4px 12px}' +
    '.c{display:flex;gap:8px;padding:10px;border-top:1px solid #e5e7eb;align-items:flex-end}textarea{flex:1;resize:none;border:1px solid #d1d5db;border-radius:10px;padding:8px 10px;max-height:120px;color:#111827;background:#fff}' +
    '.s{width:40px;height:40px;border-radius:50%;background:var(--c);color:#fff;font-size:18px}.s:disabled{opacity:.5}' +
    '.q{padding:14px;display:flex;flex-direction:column;gap:8px;border-top:1px solid #e5e7eb}.q label{font-size:12px;color:#374151;display:flex;flex-direction:column;gap:3px}' +
    '.q input{border:1px solid #d1d5db;border-radius:8px;padding:8px;color:#111827;background:#fff}.q button{background:var(--c);color:#fff;border-radius:8px;padding:9px}' +
    '@media (max-width:480px){.p{right:0;bottom:0;width:100vw;max-width:100vw;height:100%;max-height:100%;border-radius:0}}';

  function render(s) {
    var c = s.channel;
    host.style.setProperty('all', 'initial');
    host.style.setProperty('--c', c.color || '#2563eb');
    // A constructed stylesheet is not subject to the site's CSP style-src; <style> is the fallback.
    try { var sheet = new window.CSSStyleSheet(); sheet.replaceSync(CSS); root.adoptedStyleSheets = [sheet]; } catch { root.appendChild(el('style', null, CSS)); }
    ui.l = el('button', { 'class': 'l', type: 'button', 'aria-label': T.open, 'aria-expanded': 'false', 'aria-controls': 'crm-p' });
    ui.l.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z"/></svg>';
    ui.b = el('span', { 'class': 'b', hidden: '' });
    ui.l.appendChild(ui.b);
    ui.p = el('div', { 'class': 'p', id: 'crm-p', role: 'dialog', 'aria-label': c.title || T.title, hidden: '' });
    var h = el('div', { 'class': 'h' });
    h.appendChild(el('h2', null, c.title || T.title));
    ui.x = el('button', { 'class': 'x', type: 'button', 'aria-label': T.close }, '×');
    h.appendChild(ui.x);
    ui.o = el('div', { 'class': 'o', role: 'status', hidden: '' }, T.offline);
    ui.g = el('div', { 'class': 'g', role: 'log', 'aria-live': 'polite', 'aria-label': T.log, tabindex: '0' });
    ui.g.appendChild(el('div', { 'class': 'm a' }, c.greeting || T.greeting));
    ui.e = el('div', { 'class': 'e', role: 'alert', hidden: '' });
    ui.q = el('form', { 'class': 'q', hidden: '' });
    ui.c = el('form', { 'class': 'c' });
    ui.i = el('textarea', { rows: '1', maxlength: '4000', placeholder: T.ph, 'aria-label': T.ph });
    ui.s = el('button', { 'class': 's', type: 'submit', 'aria-label': T.send }, '➤');
    ui.c.appendChild(ui.i); ui.c.appendChild(ui.s);
    [h, ui.o, ui.g, ui.e, ui.q, ui.c].forEach(function (n) { ui.p.appendChild(n); });
    root.appendChild(ui.l); root.appendChild(ui.p);
    document.body.appendChild(host);
    preChat();
    ui.l.addEventListener('click', function () { toggle(!S.open); });
    ui.x.addEventListener('click', function () { toggle(false); });
    ui.p.addEventListener('keydown', function (e) { if (e.key === 'Escape') { e.preventDefault(); toggle(false); } });
    ui.i.addEventListener('keydown', function (e) { if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); } });
    ui.i.addEventListener('input', grow);
    ui.g.addEventListener('scroll', function () { if (ui.g.scrollTop < 30 && S.more && !S.loading) history(S.older).catch(showError); });
    ui.c.addEventListener('submit', function (e) { e.preventDefault(); submit(); });
    document.addEventListener('visibilitychange', function () { if (!document.hidden) { markRead(); if (!S.ws) connect(); } });
    window.addEventListener('online', function () { if (!S.ws) connect(); });
  }
  function grow() { ui.i.style.height = 'auto'; ui.i.style.height = Math.min(ui.i.scrollHeight + 2, 120) + 'px'; }
  function toggle(open) {
    S.open = open;
    ui.p.hidden = !open;
    ui.l.setAttribute('aria-expanded', String(open));
    ui.l.setAttribute('aria-label', open ? T.close : T.open);
    if (open) { (ui.q.hidden ? ui.i : ui.q.querySelector('input')).focus(); ui.g.scrollTop = ui.g.scrollHeight; markRead(); } else ui.l.focus();
  }
  // The pre-chat form: until its required fields are filled; optional-only forms are offered once, before chatting.
  function preChat() {
    var s = S.session, form = s.channel.preChat, mine = false;
    for (var k in S.msgs) if (S.msgs[k].m.author === 'visitor') mine = true;
    ui.q.hidden = !form || !(s.missingFields.length || (!st.pre && !mine));
    ui.c.hidden = !ui.q.hidden;
    if (ui.q.hidden || ui.q.firstChild) return;
    ui.q.appendChild(el('p', null, T.intro));
    form.fields.forEach(function (f) {
      var lab = el('label', null, T[f] + (form.required.indexOf(f) >= 0 ? ' *' : ''));
      var inp = el('input', { name: f, type: f === 'email' ? 'email' : f === 'phone' ? 'tel' : 'text', autocomplete: f === 'name' ? 'name' : f, value: s.profile[f] || null });
      if (form.required.indexOf(f) >= 0) inp.required = true;
      lab.appendChild(inp); ui.q.appendChild(lab);
    });
    ui.q.appendChild(el('button', { type: 'submit' }, T.start));
    ui.q.addEventListener('submit', function (e) {
      e.preventDefault();
      var p = {};
      form.fields.forEach(function (f) { p[f] = ui.q.elements[f].value; });
      startSession(p).then(function () { st.pre = 1; save(); error(''); preChat(); ui.i.focus(); }, showError);
    });
  }
  function error(text) { ui.e.textContent = text; ui.e.hidden = !text; }
  function showError(e) { error((e && e.code && e.message) || T.failed); }

  // ---- messages ----
  function time(iso) { var d = new Date(iso); return ('0' + d.getHours()).slice(-2) + ':' + ('0' + d.getMinutes()).slice(-2); }
  function add(m) {
    var old = S.msgs[m.key];
    if (m.cursor && (!S.cursor || m.createdAt >= S.cursorAt)) { S.cursor = m.cursor; S.cursorAt = m.createdAt; }
    if (old) {
      if (m.author === 'visitor' && old.m.status === 'delivered') m.status = 'delivered';
      m.id = m.id || old.m.id; m.cursor = m.cursor || old.m.cursor; m.createdAt = old.m.createdAt;
      old.m = m; draw(old); return;
    }
    var rec = { m: m, n: el('div') };
    S.msgs[m.key] = rec;
    draw(rec);
    var next = null, list = ui.g.children;
    for (var i = list.length - 1; i > 0 && list[i].__at > m.createdAt; i--) next = list[i];
    rec.n.__at = m.createdAt;
    ui.g.insertBefore(rec.n, next);
    if (m.author === 'agent') {
      if (m.status === 'queued' || m.status === 'sent') ack('ack', m.id);
      // Unread: not reported read yet, and newer than what this browser last showed in the open chat.
      if (!S.open || document.hidden) { if (m.status !== 'read' && (!st.lastRead || m.createdAt > st.lastRead)) badge(S.unread + 1); } else markRead();
    }
    if (!next) ui.g.scrollTop = ui.g.scrollHeight;
  }
  function draw(rec) {
    var m = rec.m, n = rec.n, v = m.author === 'visitor';
    n.className = 'm ' + (v ? 'v' : 'a') + (m.status === 'failed' && v ? ' f' : '');
    n.textContent = m.text || '';
    (m.attachments || []).forEach(function (a) {
      if (!a.url) return;
      n.appendChild(document.createTextNode(n.textContent ? '\n' : ''));
      n.appendChild(el('a', { href: a.url, target: '_blank', rel: 'noopener noreferrer' }, a.fileName || a.kind));
    });
    var meta = time(m.createdAt) + (v ? ' · ' + (T[m.status] || m.status) : '');
    n.appendChild(el('span', { 'class': 't' }, meta));
    n.onclick = v && m.status === 'failed' ? function () { send(m.text, m.key); } : null;
  }
  function badge(count) {
    S.unread = count;
    ui.b.hidden = !count;
    ui.b.textContent = count > 99 ? '99+' : String(count);
    ui.l.setAttribute('aria-label', T.open + (count ? '. ' + T.unread + count : ''));
  }
  function markRead() {
    if (!S.open || document.hidden || !ui.p) return;
    var ids = [], last = st.lastRead || '';
    for (var k in S.msgs) {
      var m = S.msgs[k].m;
      if (m.author === 'agent') { if (m.status !== 'read' && !S.read[m.id]) { S.read[m.id] = 1; ids.push(m.id); } if (m.createdAt > last) last = m.createdAt; }
    }
    if (ids.length) frame({ type: 'read', ids: ids });
    st.lastRead = last; save(); badge(0);
  }
  function ack(type, id) { if (id && !S.acked[id]) { S.acked[id] = 1; S.pendingAck.push(id); flush(); } }
  function flush() { if (S.ready && S.pendingAck.length) { frame({ type: 'ack', ids: S.pendingAck.splice(0, 100) }); flush(); } }
  function frame(f) { if (S.ready) S.ws.send(JSON.stringify(f)); else if (f.type === 'read') f.ids.forEach(function (id) { delete S.read[id]; }); }

  function submit() {
    var text = ui.i.value.trim();
    if (!text) return;
    ui.i.value = ''; grow();
    send(text);
  }
  function send(text, key, retried) {
    key = key || uuid();
    add({ key: key, id: null, clientMessageId: key, author: 'visitor', kind: 'text', text: text, attachments: [], status: 'sending', createdAt: (S.msgs[key] ? S.msgs[key].m.createdAt : new Date().toISOString()), cursor: null });
    api('POST', '/messages', { clientMessageId: key, text: text, page: { url: location.href.slice(0, 2000), title: document.title.slice(0, 300) } }).then(function (r) {
      error(''); add(r.message);
    }, function (e) {
      if (e.status === 401 && !retried) return startSession().then(function () { send(text, key, true); }, fail);
      fail(e);
      function fail(err) { var rec = S.msgs[key]; rec.m.status = 'failed'; draw(rec); showError(err); }
    });
  }

  // ---- live connection: auth frame, catch-up after a gap, reconnect with backoff ----
  function connect() {
    clearTimeout(S.timer);
    if (S.ws || !S.session) return;
    var ws = new WebSocket(API.replace(/^http/, 'ws') + '/live');
    S.ws = ws;
    ws.onopen = function () { ws.send(JSON.stringify({ type: 'auth', token: S.session.token, after: S.cursor || undefined })); };
    ws.onmessage = function (e) {
      var f; try { f = JSON.parse(e.data); } catch { return; }
      if (f.type === 'ready') { S.ready = true; S.tries = 0; ui.o.hidden = true; flush(); markRead(); }
      else if (f.type === 'message') add(f.message);
      else if (f.type === 'catch-up') { f.items.forEach(add); if (f.hasMore) history(); }
    };
    ws.onclose = function (e) {
      S.ws = null; S.ready = false;
      if (e.code === 1000 || e.code === 4409) return;
      S.timer = setTimeout(function () { ui.o.hidden = false; }, 2000);
      var wait = Math.min(30000, 1000 * Math.pow(2, S.tries++)) * (0.5 + Math.random() / 2);
      setTimeout(function () {
        if (e.code === 4401) startSession().then(connect, function () { setTimeout(connect, 30000); });
        else connect();
      }, wait);
    };
  }
  // Latest page first; scrolling to the top pages back through older messages.
  function history(before) {
    S.loading = 1;
    return api('GET', '/messages?limit=50' + (before ? '&before=' + before : '')).then(function (page) {
      var h = ui.g.scrollHeight;
      page.items.forEach(add);
      if (!before || !S.older) S.more = page.hasMore;
      if (before) { S.more = page.hasMore; ui.g.scrollTop = ui.g.scrollHeight - h; }
      if (page.items[0] && (!S.older || page.items[0].createdAt < S.olderAt)) { S.older = page.items[0].cursor; S.olderAt = page.items[0].createdAt; }
      S.loading = 0;
    }, function (e) { S.loading = 0; throw e; });
  }

  function boot() {
    startSession().then(function (s) {
      render(s);
      return history().then(preChat, function () { /* live catch-up fills the gap */ });
    }).then(connect, function (e) {
      if (window.console) window.console.warn('[crm-widget] not started:', (e && (e.code || e.message)) || e);
    });
  }
  if (document.body) boot(); else document.addEventListener('DOMContentLoaded', boot);
})();
