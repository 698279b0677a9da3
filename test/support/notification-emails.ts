import type { NotificationEmailData } from '../../src/domain/notifications/notification-email.js';

/** The fields of a plain notification email (no body, link, actor, project or unsubscribe link). */
export function notificationEmailData(overrides: Partial<NotificationEmailData> = {}): NotificationEmailData {
  return {
    typeLabel: 'Mentioned',
    title: 'Shot 010',
    preview: 'Shot 010',
    body: null,
    url: null,
    actor: null,
    project: null,
    when: 'just now',
    why: 'Because you were mentioned.',
    settingsUrl: 'http://concierge.test/account/notifications',
    unsubscribeUrl: null,
    ...overrides,
  };
}
