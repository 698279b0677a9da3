import type { OutgoingEmail, RenderedEmail } from '../../domain/mail/email.js';
import type { NotificationEmailData } from '../../domain/notifications/notification-email.js';

type RenderEmail = (email: OutgoingEmail) => Promise<RenderedEmail>;

type Field = keyof NotificationEmailData;
const FIELDS: readonly Field[] = [
  'typeLabel',
  'title',
  'preview',
  'body',
  'url',
  'actor',
  'project',
  'when',
  'why',
  'settingsUrl',
  'unsubscribeUrl',
];
const OPTIONAL: readonly Field[] = ['body', 'url', 'actor', 'project', 'unsubscribeUrl'];
const PLACEHOLDER = /\{\{cph:(\w+)\}\}/g;

/** A rendered email cut at its placeholders: literal, field, literal, field, …, literal. */
type Parts = readonly string[];
interface Compiled {
  readonly subject: Parts;
  readonly html: Parts;
  readonly text: Parts;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;',
};
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

function cut(rendered: string): Parts {
  return rendered.split(PLACEHOLDER);
}

// react-email pads the hidden preview to 150 characters with invisible characters (about 2.5 KB of
// UTF-8 for a short preview) so the body does not leak into the inbox preview line. Rendered with a
// placeholder, that padding would be sized for the placeholder: it is cut out and sized per email.
const PADDING = /(\{\{cph:preview\}\})<div>[\u00a0\u200b-\u200f\ufeff]*<\/div>/;
const PAD_CODES = '\u00a0\u200c\u200b\u200d\u200e\u200f\ufeff';
const PREVIEW_LENGTH = 150;

/** The padding element react-email would render after this preview (none from 150 characters on). */
function previewPad(preview: string): string {
  const missing = PREVIEW_LENGTH - preview.length;
  return missing > 0 ? `<div>${PAD_CODES.repeat(missing)}</div>` : '';
}

function fill(parts: Parts, data: NotificationEmailData, encode: (s: string) => string): string {
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    const field = parts[i]!;
    // The padding is markup of our own; everything else is the caller's text and is encoded.
    const value =
      field === 'previewPad' ? previewPad(data.preview) : encode(String(data[field as Field] ?? ''));
    out += value + parts[i + 1]!;
  }
  return out;
}

/**
 * Renders emails, notification emails fast: react rendering costs about a millisecond per email, far
 * more than the database work of a delivery, so each notification template shape (which optional parts
 * are present) is rendered once with placeholders, and every email is then filled in by string
 * substitution: escaped for the HTML part, verbatim for the text part and the subject. Other templates
 * go to `render` as they are.
 */
export function notificationFiller(render: RenderEmail): RenderEmail {
  const compiled = new Map<string, Promise<Compiled>>();
  const compile = (data: NotificationEmailData): Promise<Compiled> => {
    const key = OPTIONAL.map((f) => (data[f] ? '1' : '0')).join('');
    let found = compiled.get(key);
    if (!found) {
      const placeholders = Object.fromEntries(
        FIELDS.map((f) => [f, OPTIONAL.includes(f) && !data[f] ? null : `{{cph:${f}}}`]),
      ) as unknown as NotificationEmailData;
      found = render({ template: 'notification', to: 'placeholder@invalid', data: placeholders }).then(
        (r) => ({
          subject: cut(r.subject),
          html: cut(r.html.replace(PADDING, '$1{{cph:previewPad}}')),
          text: cut(r.text),
        }),
      );
      found.catch(() => compiled.delete(key));
      compiled.set(key, found);
    }
    return found;
  };
  const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');
  return async (email) => {
    if (email.template !== 'notification') return render(email);
    const c = await compile(email.data);
    return {
      subject: fill(c.subject, email.data, oneLine).slice(0, 250),
      html: fill(c.html, email.data, escapeHtml),
      text: fill(c.text, email.data, (s) => s),
    };
  };
}
