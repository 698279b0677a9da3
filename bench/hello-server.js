// The baseline: bare Hono routes on @hono/node-server, nothing else. Usage: node hello-server.js PORT
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.get('/', (c) => c.text('hello'));
// The same bare route for a POST with a small JSON body answered with JSON: the baseline of the same
// shape for POST endpoints (reading a request body costs Node about as much as a whole bare GET).
app.post('/', async (c) => {
  const { token } = await c.req.json();
  return c.json({ active: typeof token === 'string' });
});
serve({ fetch: app.fetch, port: Number(process.argv[2]), hostname: '127.0.0.1' });
process.on('SIGTERM', () => process.exit(0));
