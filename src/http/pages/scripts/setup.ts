// Progressive enhancement of /setup: post the form as JSON and show the problem detail it answers.
export const setupScript = `
document.getElementById('setup')?.addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  const out = document.getElementById('result');
  const body = Object.fromEntries(new FormData(form));
  const res = await fetch('/api/v1/setup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const data = await res.json();
  out.className = res.ok ? 'ok' : 'error';
  out.textContent = res.ok ? 'Administrator ' + data.username + ' created. You can now sign in.' : data.detail;
  if (res.ok) form.remove();
});
`;
