/** Where the CLI writes, and how it hears of signals: the process, or a test. */
export interface CliIo {
  out (s: string): void
  err (s: string): void
  /** `serve` drains on these (SIGTERM, SIGINT). */
  onSignal?: (handler: (signal: string) => void) => void
}
