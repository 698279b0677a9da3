import type { Child } from 'hono/jsx';

const css = `
  body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; background: #f4f5f7; margin: 0; color: #111827; }
  main { max-width: 520px; margin: 48px auto; background: #fff; padding: 32px; border-radius: 8px; box-shadow: 0 1px 3px #0002; }
  h1 { font-size: 1.4rem; margin-top: 0; }
  label { display: block; margin: 12px 0 4px; font-weight: 600; }
  input { width: 100%; box-sizing: border-box; padding: 8px; border: 1px solid #d1d5db; border-radius: 4px; font: inherit; }
  button { margin-top: 16px; padding: 10px 18px; background: #2563eb; color: #fff; border: 0; border-radius: 6px; font: inherit; cursor: pointer; }
  .error { color: #b91c1c; } .ok { color: #15803d; } .muted { color: #6b7280; font-size: .9rem; }
`;

/** The frame of every server-rendered page. */
export function Layout(props: { title: string; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title} · Concierge</title>
        <style>{css}</style>
      </head>
      <body>
        <main>{props.children}</main>
      </body>
    </html>
  );
}
