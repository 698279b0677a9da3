import { z } from 'zod';

// The `notifications` section: the type catalog and the workspace defaults of digests. The catalog's
// default is the documented set of a production-tracking studio; config/default.yaml repeats it.

const channels = z.strictObject({
  inbox: z.boolean().default(true),
  email: z.boolean().default(false),
  digest: z.boolean().default(false),
});

const notificationType = z.strictObject({
  /** Stable id the host platform posts, e.g. `task.assigned`. */
  type: z
    .string()
    .regex(
      /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*$/,
      'expected lowercase words separated by dots, e.g. task.assigned',
    )
    .max(64),
  label: z.string().min(1).max(80),
  description: z.string().min(1).max(300),
  /** Workspace default channels; an administrator can change them at /api/v1/admin/notification-defaults. */
  channels: channels.prefault({}),
  /** Locked types cannot be switched off by users nor administrators (security notices). */
  locked: z.boolean().default(false),
  /** Whether the type may go into the digest email. */
  digestible: z.boolean().default(true),
});

/** The documented default catalog for a production-tracking studio. */
export const defaultNotificationTypes: z.input<typeof notificationType>[] = [
  {
    type: 'task.assigned',
    label: 'Assigned to a task',
    description: 'Someone assigned you to a task.',
    channels: { inbox: true, email: true, digest: false },
  },
  {
    type: 'task.unassigned',
    label: 'Removed from a task',
    description: 'Someone removed you from a task you were assigned to.',
    channels: { inbox: true, email: false, digest: true },
  },
  {
    type: 'comment.followed',
    label: 'Note or reply',
    description: 'A note or a reply was posted on something you follow.',
    channels: { inbox: true, email: false, digest: true },
  },
  {
    type: 'mention',
    label: 'Mentioned',
    description: 'Someone mentioned you in a note, a reply or a review.',
    channels: { inbox: true, email: true, digest: false },
  },
  {
    type: 'status.changed',
    label: 'Status changed',
    description: 'The status of a task, shot or asset you follow changed.',
    channels: { inbox: true, email: false, digest: true },
  },
  {
    type: 'version.published',
    label: 'Version published',
    description: 'A new version was published on something you follow.',
    channels: { inbox: true, email: false, digest: true },
  },
  {
    type: 'review.ready',
    label: 'Ready for review',
    description: 'Work you review is ready for your review.',
    channels: { inbox: true, email: true, digest: false },
  },
  {
    type: 'due.approaching',
    label: 'Due date approaching',
    description: 'A task assigned to you is due soon.',
    channels: { inbox: true, email: true, digest: false },
  },
  {
    type: 'security.new-sign-in',
    label: 'New sign-in',
    description: 'Your account was signed in to from a new device or browser.',
    channels: { inbox: true, email: true, digest: false },
    locked: true,
    digestible: false,
  },
  {
    type: 'security.credentials-changed',
    label: 'Password or email changed',
    description: 'The password or the email address of your account was changed.',
    channels: { inbox: true, email: true, digest: false },
    locked: true,
    digestible: false,
  },
  {
    type: 'security.api-key-created',
    label: 'API key created',
    description: 'A personal API key was created on your account.',
    channels: { inbox: true, email: true, digest: false },
    locked: true,
    digestible: false,
  },
];

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time HH:MM, e.g. 08:00');

export const notificationsSchema = z
  .strictObject({
    types: z
      .array(notificationType)
      .min(1, 'configure at least one notification type')
      .default(() => defaultNotificationTypes.map((t) => notificationType.parse(t)))
      .refine((types) => new Set(types.map((t) => t.type)).size === types.length, {
        message: 'each notification type must appear once',
      })
      .refine((types) => types.every((t) => t.digestible || !t.channels.digest), {
        message: 'a type with digestible: false cannot have channels.digest: true',
      }),
    /** The digest schedule of users who never chose one (the time zone is each user's own). */
    digest: z
      .strictObject({
        frequency: z.enum(['daily', 'weekly', 'off']).default('daily'),
        time: hhmm.default('08:00'),
        /** ISO weekday for weekly digests: 1 = Monday … 7 = Sunday. */
        weekday: z.number().int().min(1).max(7).default(1),
      })
      .prefault({}),
    /** Emails sent per notification carry List-Id `<type>.<listIdDomain>`; default: publicUrl's host. */
    listIdDomain: z
      .string()
      .regex(/^[a-z0-9.-]+$/i, 'expected a domain name')
      .optional(),
  })
  .prefault({});
