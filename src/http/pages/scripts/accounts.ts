// Progressive enhancement of /login, /forgot-password, /reset-password, /verify-email,
// /undo-email-change and /account: forms post JSON to the API and show the problem detail it answers.
// Text from the server is only ever set through textContent.
export const accountsScript = `
const $ = (id) => document.getElementById(id);
const api = async (method, path, body) => {
  const init = { method, headers: {} };
  if (body !== undefined) { init.headers['content-type'] = 'application/json'; init.body = JSON.stringify(body); }
  const res = await fetch(path, init);
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch {}
  return { ok: res.ok, status: res.status, data };
};
const say = (el, ok, text) => { if (!el) return; el.className = ok ? 'ok' : 'error'; el.textContent = text; };
const fields = (form) => Object.fromEntries(new FormData(form));

$('login')?.addEventListener('submit', async (e) => {
  e.preventDefault();
  const r = await api('POST', '/api/v1/auth/login', fields(e.target));
  // The server wrote data-return-to through safeReturnTo (src/domain/shared/return-to.ts): it is already a
  // same-origin path, so no second rule here that could drift from the first.
  if (r.ok) location.assign(e.target.dataset.returnTo);
  else say($('result'), false, r.data?.detail ?? 'Sign-in failed.');
});

$('forgot')?.addEventListener('submit', async (e) => {
  e.preventDefault();
  const r = await api('POST', '/api/v1/auth/password-reset', fields(e.target));
  say($('result'), r.ok, r.data?.message ?? r.data?.detail ?? 'Something went wrong.');
});

$('reset')?.addEventListener('submit', async (e) => {
  e.preventDefault();
  const r = await api('POST', '/api/v1/auth/password-reset/confirm', fields(e.target));
  if (r.ok) { e.target.remove(); say($('result'), true, 'Your password is set. You can now sign in.'); }
  else say($('result'), false, r.data?.detail ?? 'Something went wrong.');
});

$('email-link')?.addEventListener('submit', async (e) => {
  e.preventDefault();
  const path = e.target.dataset.kind === 'undo' ? '/api/v1/auth/email/undo' : '/api/v1/auth/email/verify';
  const r = await api('POST', path, fields(e.target));
  if (r.ok) { e.target.remove(); say($('result'), true, e.target.dataset.kind === 'undo' ? 'Your previous email address is back. Sign in again.' : 'Your new email address is confirmed.'); }
  else say($('result'), false, r.data?.detail ?? 'Something went wrong.');
});

const profile = $('profile');
if (profile) {
  const read = () => {
    const v = {};
    for (const el of profile.querySelectorAll('input[name]')) {
      if (el.disabled || el.name === 'currentPassword') continue;
      v[el.name] = el.type === 'checkbox' ? el.checked : el.value;
    }
    return v;
  };
  let saved = read();
  const changed = () => Object.keys(saved).filter((k) => saved[k] !== read()[k]);
  const refresh = () => {
    const diff = changed();
    $('save').hidden = diff.length === 0;
    const pw = $('email-password');
    if (pw) pw.hidden = !diff.includes('email');
  };
  profile.addEventListener('input', refresh);
  profile.addEventListener('change', refresh);
  profile.addEventListener('submit', async (e) => {
    e.preventDefault();
    const now = read();
    const body = {};
    const prefs = {};
    for (const k of changed()) {
      if (k === 'fuzzyDates' || k === 'timeZone' || k === 'locale') prefs[k] = now[k];
      else body[k] = now[k];
    }
    if (Object.keys(prefs).length > 0) body.preferences = prefs;
    if (body.email !== undefined && $('currentPasswordForEmail')) body.currentPassword = $('currentPasswordForEmail').value;
    const r = await api('PATCH', '/api/v1/me', body);
    if (!r.ok) { say($('profile-result'), false, r.data?.detail ?? 'Not saved.'); return; }
    const me = r.data;
    if (me.pendingEmail && body.email !== undefined) profile.querySelector('[name=email]').value = me.email;
    if ($('currentPasswordForEmail')) $('currentPasswordForEmail').value = '';
    saved = read();
    refresh();
    if (list && me.preferences) {
      list.dataset.fuzzy = String(me.preferences.fuzzyDates);
      list.dataset.timeZone = me.preferences.timeZone;
      list.dataset.locale = me.preferences.locale;
      loadSessions();
    }
    say($('profile-result'), true, me.pendingEmail && body.email !== undefined
      ? 'Saved. Open the link we sent to ' + me.pendingEmail + ' to confirm your new address.'
      : 'Saved.');
  });
}

$('password-form')?.addEventListener('submit', async (e) => {
  e.preventDefault();
  const r = await api('POST', '/api/v1/me/password', fields(e.target));
  if (r.ok) { e.target.reset(); say($('password-result'), true, 'Your password is changed. Your other sessions were signed out.'); }
  else say($('password-result'), false, r.data?.detail ?? 'Not changed.');
});

const list = $('sessions');
// The person's date style, as the server formats it (src/domain/notifications/date-format.ts).
const UNITS = [['year', 31536e6], ['month', 2592e6], ['week', 6048e5], ['day', 864e5], ['hour', 36e5], ['minute', 6e4]];
const when = (iso) => {
  const date = new Date(iso);
  const p = list.dataset;
  try {
    if (p.fuzzy === 'true') {
      const rtf = new Intl.RelativeTimeFormat(p.locale, { numeric: 'auto' });
      const diff = date.getTime() - Date.now();
      for (const [unit, ms] of UNITS) if (Math.abs(diff) >= ms) return rtf.format(Math.round(diff / ms), unit);
      return rtf.format(0, 'second');
    }
    return new Intl.DateTimeFormat(p.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: p.timeZone }).format(date);
  } catch {
    return date.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  }
};
const loadSessions = async () => {
  if (!list) return;
  const r = await api('GET', '/api/v1/me/sessions');
  if (!r.ok) return;
  list.replaceChildren(...r.data.map((s) => {
    const li = document.createElement('li');
    li.textContent = (s.userAgent ?? 'Unknown browser') + ' · ' + (s.ip ?? 'unknown address') + ' · last seen ' + when(s.lastSeenAt) + (s.current ? ' (this session)' : ' ');
    if (!s.current) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = 'Sign out';
      b.addEventListener('click', async () => { await api('DELETE', '/api/v1/me/sessions/' + encodeURIComponent(s.id)); loadSessions(); });
      li.append(b);
    }
    return li;
  }));
};
loadSessions();
$('end-others')?.addEventListener('click', async () => { await api('DELETE', '/api/v1/me/sessions'); loadSessions(); });
$('sign-out')?.addEventListener('click', async () => { await api('POST', '/api/v1/auth/logout'); location.assign('/login'); });
`;
