/**
 * Runs `work` in one database transaction with stores bound to it: everything it writes, outbox
 * emails included, commits together or not at all. Each use case names the stores it needs as `S`.
 */
export type Transact<S> = <T>(work: (stores: S) => Promise<T>) => Promise<T>;
