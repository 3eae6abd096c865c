// The root logger: pino writing JSON lines to stdout. Parts get `log.child({ part })`.

import { pino, type Logger, type LevelWithSilent } from 'pino'

export type { Logger }
export type LogLevel = LevelWithSilent

export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

export function createLogger(level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      // Belt and braces: secrets never reach a log line even if a caller logs a whole object.
      redact: { paths: ['password', '*.password', 'authorization', '*.authorization', 'headers.authorization'], censor: '[redacted]' },
    },
    destination ?? pino.destination({ sync: false }),
  )
}
