/** What `concierge help` prints; every command the CLI knows. */
export const usage = `Usage: concierge <command> [options]

Commands:
  migrate                      Apply pending database migrations and exit.
  config check                 Validate the configuration (config/default.yaml, the file named by
                               CONCIERGE_CONFIG, PORT, DATABASE_URL) exactly as start-up does.
  user create --username U --email E [--first F] [--last L] [--admin] --password-stdin
                               Create a local user; the password is read from stdin, e.g.
                               printf '%s' "$PASSWORD" | concierge user create ... --password-stdin
  digest run [--user U] [--now ISO]
                               Run due digest emails once (into the outbox), as the every-minute job
                               does; --user runs that user's digest now; --now picks who is due and
                               what is included as of that instant, and the emails still go out now.
  help                         Show this text.

Exit codes: 0 success, 1 the command failed, 2 the command was called wrongly.
`;
