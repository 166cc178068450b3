import { errorMessages } from '../api/errors';

/** The API's error messages, announced to screen readers. */
export function Errors({ error, testId }: { error: unknown; testId?: string }) {
  const messages = errorMessages(error);
  if (!messages.length) return null;
  return (
    <div role="alert" className="error" data-testid={testId ?? 'api-error'}>
      {messages.map((m, i) => (
        <p key={i}>{m}</p>
      ))}
    </div>
  );
}
