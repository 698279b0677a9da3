import type { ServerResponse } from 'node:http';
import type { Context } from 'hono';

/**
 * Sets a response header before the route answers. Served by @hono/node-server it goes straight onto
 * Node's response, so a JSON answer needs no fetch Headers object (the costly part of a small
 * response); in-process requests (tests) use Hono's headers. A header the answer sets itself wins.
 */
export function earlyHeader(c: Context, name: string, value: string): void {
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (outgoing) outgoing.setHeader(name, value);
  else c.header(name, value);
}
