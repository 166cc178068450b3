import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs; one logger per process, children per request carry the request id. */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ['req.headers.authorization', '*.passportNumber', '*.dateOfBirth', 'authorization'],
      censor: '[redacted]',
    },
  });
}
