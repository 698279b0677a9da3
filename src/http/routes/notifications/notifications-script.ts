// Progressive enhancement of /inbox and /account/notifications: JSON calls to the API, which checks
// everything; the pages work as plain reading pages without it.
export const notificationsScript = `
(() => {
  const out = document.getElementById('result');
  const show = (ok, text) => { if (out) { out.className = ok ? 'ok' : 'error'; out.textContent = text; } };
  const send = (method, url, body) => fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  document.getElementById('mark-all-read')?.addEventListener('click', async () => {
    const res = await send('POST', '/api/v1/me/notifications/read', { all: true });
    if (res.ok) location.reload(); else show(false, (await res.json()).detail);
  });
  document.getElementById('inbox')?.addEventListener('click', (event) => {
    const li = event.target.closest('li[data-id]');
    if (!li || li.dataset.unread !== '1') return;
    li.dataset.unread = '0';
    li.style.fontWeight = '400';
    send('POST', '/api/v1/me/notifications/read', { ids: [li.dataset.id] });
  });

  const form = document.getElementById('notification-settings');
  if (!form) return;
  const save = document.getElementById('save');
  const boxes = [...form.querySelectorAll('input[data-type]')];
  const digestFields = ['digest-frequency', 'digest-weekday', 'digest-time', 'digest-zone', 'notify-own'].map((id) => document.getElementById(id));
  const snapshot = () => JSON.stringify([boxes.map((b) => b.checked), digestFields.map((f) => f.type === 'checkbox' ? f.checked : f.value)]);
  let initial = snapshot();
  let initialBoxes = boxes.map((b) => b.checked);
  form.addEventListener('change', () => { save.hidden = snapshot() === initial; });
  form.addEventListener('input', () => { save.hidden = snapshot() === initial; });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    // Only the cells the person changed become overrides; the rest keep following the workspace default.
    const byType = new Map();
    boxes.forEach((b, i) => {
      if (b.checked === initialBoxes[i]) return;
      const entry = byType.get(b.dataset.type) ?? { type: b.dataset.type, channels: {} };
      entry.channels[b.dataset.channel] = b.checked;
      byType.set(b.dataset.type, entry);
    });
    const [frequency, weekday, time, timeZone, own] = digestFields;
    const body = {
      types: [...byType.values()],
      digest: { frequency: frequency.value, weekday: Number(weekday.value), time: time.value, timeZone: timeZone.value },
      notifyOwnActions: own.checked,
    };
    const res = await send('PUT', '/api/v1/me/notification-settings', body);
    const data = await res.json();
    if (!res.ok) return show(false, data.detail);
    initial = snapshot();
    initialBoxes = boxes.map((b) => b.checked);
    save.hidden = true;
    show(true, 'Saved.');
  });
})();
`;
