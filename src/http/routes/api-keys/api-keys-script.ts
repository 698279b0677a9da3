// Progressive enhancement of /account/api-keys: create (show the key once, copy it), revoke.
// Text goes into the page with textContent only: key names are user input.
export const apiKeysScript = `
const form = document.getElementById('create-key');
const errorOut = document.getElementById('create-error');
const panel = document.getElementById('new-key');
const secret = document.getElementById('new-key-value');
const copyStatus = document.getElementById('copy-status');
const table = document.getElementById('keys');
const empty = document.getElementById('no-keys');

async function problemDetail(res) {
  try { return (await res.json()).detail || res.statusText; } catch { return res.statusText; }
}

form?.addEventListener('submit', async (event) => {
  event.preventDefault();
  errorOut.textContent = '';
  const data = new FormData(form);
  const body = { name: String(data.get('name') || '') };
  const days = String(data.get('expiresInDays') || '');
  if (days) body.expiresInDays = Number(days);
  const res = await fetch('/api/v1/me/api-keys', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) { errorOut.textContent = await problemDetail(res); return; }
  const key = await res.json();
  secret.value = key.key;
  copyStatus.textContent = '';
  panel.hidden = false;
  secret.focus();
  secret.select();
  addRow(key);
  form.reset();
  form.querySelector('[name=name]').value = '';
});

function cell(text) { const td = document.createElement('td'); td.textContent = text; return td; }

function addRow(key) {
  const row = document.createElement('tr');
  row.dataset.keyId = key.id;
  const prefix = document.createElement('code');
  prefix.textContent = key.prefix + '…';
  const prefixCell = document.createElement('td');
  prefixCell.append(prefix);
  const button = document.createElement('button');
  button.type = 'button'; button.className = 'revoke'; button.dataset.id = key.id; button.dataset.name = key.name;
  button.textContent = 'Revoke';
  const buttonCell = document.createElement('td');
  buttonCell.append(button);
  row.append(cell(key.name), prefixCell, cell('just now'), cell(key.expiresAt ? new Date(key.expiresAt).toLocaleDateString() : 'never'), cell('never'), buttonCell);
  table.tBodies[0].prepend(row);
  table.hidden = false;
  empty.hidden = true;
}

document.getElementById('copy-key')?.addEventListener('click', async () => {
  secret.select();
  try {
    await navigator.clipboard.writeText(secret.value);
    copyStatus.textContent = 'Copied to the clipboard.';
  } catch {
    copyStatus.textContent = document.execCommand('copy') ? 'Copied to the clipboard.' : 'Select the key and copy it yourself.';
  }
});

table?.addEventListener('click', async (event) => {
  const button = event.target.closest('button.revoke');
  if (!button) return;
  if (!confirm('Revoke the key "' + button.dataset.name + '"? Anything using it stops working at once.')) return;
  const res = await fetch('/api/v1/me/api-keys/' + encodeURIComponent(button.dataset.id), { method: 'DELETE' });
  if (!res.ok && res.status !== 404) { alert(await problemDetail(res)); return; }
  button.closest('tr').remove();
  if (table.tBodies[0].rows.length === 0) { table.hidden = true; empty.hidden = false; }
});
`;
