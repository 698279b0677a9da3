// The baseline: a bare Hono "hello" route on @hono/node-server, nothing else. Usage: node hello-server.js PORT
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.get('/', (c) => c.text('hello'));
serve({ fetch: app.fetch, port: Number(process.argv[2]), hostname: '127.0.0.1' });
process.on('SIGTERM', () => process.exit(0));
