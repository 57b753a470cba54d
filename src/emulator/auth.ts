import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors';

export const DEMO_KEY = 'sk-emulator-demo';

/** Checks `Authorization: Bearer <key>` against the accepted keys; throws OpenAI's 401 otherwise. */
export function authenticate(req: IncomingMessage, keys: ReadonlySet<string>): string {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!match) {
    throw new ApiError(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth " +
        "(i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser " +
        'and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.',
      'invalid_request_error',
    );
  }
  const key = match[1].trim();
  if (!keys.has(key)) {
    throw new ApiError(
      401,
      `Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      'invalid_request_error',
      null,
      'invalid_api_key',
    );
  }
  return key;
}

/** Same masking OpenAI applies in its 401 message: first 3 and last 4 characters. */
export function maskKey(key: string): string {
  if (key.length <= 8) return '*'.repeat(key.length);
  return `${key.slice(0, 3)}${'*'.repeat(Math.min(key.length - 7, 20))}${key.slice(-4)}`;
}
