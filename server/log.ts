/**
 * Structured JSON logs (pino). One logger is created in `main.ts` from the config and
 * injected; features take a child logger named after themselves.
 *
 * @module
 */
import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export function createLogger(level: LogLevel, name = 'dialer'): Logger {
  return pino({ name, level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime });
}

/** A logger that drops everything: tests and benches. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
