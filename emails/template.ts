import type { EmailModel, TemplateName } from '../src/domain/mail/email.js';

/** What every template component receives: its model's data and where links should point. */
export interface TemplateProps<T extends TemplateName> {
  readonly data: Extract<EmailModel, { template: T }>['data'];
  readonly publicUrl: string;
}
