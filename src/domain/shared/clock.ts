/** Injected everywhere time matters, so tests and the CLI (`--now`) can set it. */
export type Clock = () => Date;

/** The wall clock. */
export const systemClock: Clock = () => new Date();
