const css = `
  .avatar-drop { width: 128px; height: 128px; border-radius: 50%; background: #e5e7eb; display: flex; align-items: center;
    justify-content: center; cursor: pointer; overflow: hidden; border: 2px dashed transparent; font-size: 2.4rem;
    color: #4b5563; padding: 0; margin: 0; }
  .avatar-drop:focus-visible, .avatar-drop.dragging { border-color: #2563eb; outline: none; }
  .avatar-drop img { width: 100%; height: 100%; object-fit: cover; }
  .avatar-drop.busy { opacity: .5; }
  #avatar-remove { background: #6b7280; }
`;

/**
 * The profile-picture part of the account page: drop an image onto the thumbnail, or click it (or
 * press Enter) to browse. Behaviour in /assets/avatar.js; the page includes this once.
 */
export function AvatarSection(props: { avatarUrl: string | null; initials: string }) {
  return (
    <section id="avatar-section" aria-labelledby="avatar-heading">
      <style>{css}</style>
      <h2 id="avatar-heading">Profile picture</h2>
      <button
        type="button"
        id="avatar-drop"
        class="avatar-drop"
        aria-label="Change your profile picture: drop an image here, or press to choose a file"
      >
        <img id="avatar-image" src={props.avatarUrl ?? ''} alt="You" hidden={!props.avatarUrl} />
        <span id="avatar-initials" hidden={!!props.avatarUrl}>
          {props.initials}
        </span>
      </button>
      <input
        id="avatar-file"
        type="file"
        accept="image/jpeg,image/png,image/webp,image/gif,image/avif"
        hidden
      />
      <p class="muted">
        Drag and drop a picture onto the thumbnail, or click it to choose one. JPEG, PNG, WebP, GIF or AVIF,
        at most 10 MiB; it is cropped to a square.
      </p>
      <button type="button" id="avatar-remove" hidden={!props.avatarUrl}>
        Remove picture
      </button>
      <p id="avatar-status" role="status" />
      <script src="/assets/avatar.js" defer />
    </section>
  );
}

/** Up to two initials for the empty thumbnail. */
export function initialsOf(user: { firstName: string; lastName: string; username: string }): string {
  const letters = [user.firstName, user.lastName].map((n) => [...n.trim()][0] ?? '').join('');
  return (letters || [...user.username][0] || '?').toUpperCase();
}

/** The avatar section as the account page's sections receive it (`accountSections`). */
export function AvatarAccountSection(props: {
  me: { avatarUrl: string | null; firstName: string; lastName: string; username: string };
}) {
  return <AvatarSection avatarUrl={props.me.avatarUrl} initials={initialsOf(props.me)} />;
}
