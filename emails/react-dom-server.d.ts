// react-dom ships no types and @types/react-dom is not installed: the one function emails/render.tsx uses.
declare module 'react-dom/server' {
  import type { ReactNode } from 'react';
  export function renderToStaticMarkup(element: ReactNode): string;
}
