/**
 * The one message protocol between the extension host and Socratune's webviews (types only, plus
 * runtime guards so that nothing the webview sends is trusted without checking).
 */

/** Host → chat webview. */
export type ToChatWebview =
  | { type: 'chat/init'; version: number };

/** Chat webview → host. */
export type FromChatWebview =
  | { type: 'ready' };

export const PROTOCOL_VERSION = 1;

export function isFromChatWebview(value: unknown): value is FromChatWebview {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  switch (type) {
    case 'ready':
      return true;
    default:
      return false;
  }
}
