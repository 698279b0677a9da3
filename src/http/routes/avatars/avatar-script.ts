// Progressive enhancement of the avatar section: drop an image on the thumbnail or click to browse.
export const avatarScript = `
const drop = document.getElementById('avatar-drop');
const input = document.getElementById('avatar-file');
const image = document.getElementById('avatar-image');
const initials = document.getElementById('avatar-initials');
const remove = document.getElementById('avatar-remove');
const status = document.getElementById('avatar-status');
const MAX = 10 * 1024 * 1024;

function show(url) {
  image.hidden = !url; initials.hidden = !!url; remove.hidden = !url;
  if (url) image.src = url; else image.removeAttribute('src');
}

async function detail(res) {
  try { return (await res.json()).detail || res.statusText; } catch { return res.statusText; }
}

async function upload(file) {
  if (!file) return;
  status.className = '';
  if (file.size > MAX) { status.className = 'error'; status.textContent = 'The picture is larger than 10 MiB. Choose a smaller one.'; return; }
  const body = new FormData();
  body.append('file', file);
  drop.classList.add('busy');
  status.textContent = 'Uploading…';
  try {
    const res = await fetch('/api/v1/me/avatar', { method: 'PUT', body });
    if (!res.ok) { status.className = 'error'; status.textContent = await detail(res); return; }
    show((await res.json()).avatarUrl);
    status.className = 'ok'; status.textContent = 'Your new picture is saved.';
  } catch {
    status.className = 'error'; status.textContent = 'The upload failed. Check your connection and try again.';
  } finally {
    drop.classList.remove('busy');
    input.value = '';
  }
}

// A real button: Enter and Space click it too.
drop?.addEventListener('click', () => input.click());
input?.addEventListener('change', () => upload(input.files[0]));
drop?.addEventListener('dragover', (event) => { event.preventDefault(); drop.classList.add('dragging'); });
drop?.addEventListener('dragleave', () => drop.classList.remove('dragging'));
drop?.addEventListener('drop', (event) => {
  event.preventDefault();
  drop.classList.remove('dragging');
  upload(event.dataTransfer.files[0]);
});
remove?.addEventListener('click', async () => {
  const res = await fetch('/api/v1/me/avatar', { method: 'DELETE' });
  if (!res.ok) { status.className = 'error'; status.textContent = await detail(res); return; }
  show(null);
  status.className = 'ok'; status.textContent = 'Your picture was removed.';
});
`;
