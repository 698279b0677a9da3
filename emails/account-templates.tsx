/** @jsxImportSource react */
import type { ReactElement } from 'react';
import type { AccountEmailModel } from '../src/domain/accounts/account-emails.js';
import { AccountLocked } from './account-locked.js';
import { EmailChanged } from './email-changed.js';
import { EmailVerify } from './email-verify.js';
import { Invitation } from './invitation.js';
import { PasswordChanged } from './password-changed.js';
import { PasswordHelp } from './password-help.js';
import { PasswordReset } from './password-reset.js';

type Entry<T extends AccountEmailModel['template']> = {
  subject(data: Extract<AccountEmailModel, { template: T }>['data']): string;
  component(data: Extract<AccountEmailModel, { template: T }>['data'], publicUrl: string): ReactElement;
};

/** The registry entries of the account emails, spread into render.tsx's templates. */
export const accountTemplates: { [T in AccountEmailModel['template']]: Entry<T> } = {
  'password-reset': {
    subject: () => 'Reset your Concierge password',
    component: (data, publicUrl) => <PasswordReset data={data} publicUrl={publicUrl} />,
  },
  'password-help': {
    subject: () => 'About your Concierge password',
    component: (data, publicUrl) => <PasswordHelp data={data} publicUrl={publicUrl} />,
  },
  'password-changed': {
    subject: (data) => `Your Concierge password was ${data.how === 'reset' ? 'reset' : 'changed'}`,
    component: (data, publicUrl) => <PasswordChanged data={data} publicUrl={publicUrl} />,
  },
  'email-verify': {
    subject: () => 'Confirm your new email address',
    component: (data, publicUrl) => <EmailVerify data={data} publicUrl={publicUrl} />,
  },
  'email-changed': {
    subject: () => 'Your Concierge email address was changed',
    component: (data, publicUrl) => <EmailChanged data={data} publicUrl={publicUrl} />,
  },
  'account-locked': {
    subject: () => 'Sign-in to your Concierge account is paused',
    component: (data, publicUrl) => <AccountLocked data={data} publicUrl={publicUrl} />,
  },
  invitation: {
    subject: () => 'You are invited to Concierge',
    component: (data, publicUrl) => <Invitation data={data} publicUrl={publicUrl} />,
  },
};
