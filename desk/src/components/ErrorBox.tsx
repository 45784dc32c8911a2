import { ApiError, NoAnswer } from '../api.js';
import { ERROR } from '../labels.js';

/** A refusal or failure as the window reads it: the label, the service's code and message, each field named. */
export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  if (error instanceof ApiError) {
    return (
      <div class="error" role="alert" data-code={error.code}>
        <strong>{ERROR[error.code] ?? '请求被拒绝'}</strong> <code>{error.code}</code>
        <div>{error.message}</div>
        {error.details.length > 0 && (
          <ul>
            {error.details.map((detail) => (
              <li key={`${detail.path}:${detail.message}`}>
                <code>{detail.path}</code>：{detail.message}
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  if (error instanceof NoAnswer) {
    return (
      <div class="error" role="alert" data-code="NO_ANSWER">
        <strong>未收到应答</strong> {error.message}
      </div>
    );
  }
  return (
    <div class="error" role="alert">
      <strong>出错了</strong> {error instanceof Error ? error.message : String(error)}
    </div>
  );
}
