import type { FromChatWebview } from '../../shared/protocol';

/** What the view keeps across hide/show and reloads on its own (the host's snapshot restores the rest). */
export interface ViewState {
  draft: string;
  /** The user turn being edited through the composer (Up on an empty composer). */
  editing?: string;
  historyOpen?: boolean;
}

interface VsCodeApi {
  postMessage(message: FromChatWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api: VsCodeApi = acquireVsCodeApi();

export function post(m: FromChatWebview): void {
  api.postMessage(m);
}

export function loadState(): ViewState {
  const s = api.getState();
  if (typeof s === 'object' && s !== null && typeof (s as ViewState).draft === 'string') return s as ViewState;
  return { draft: '' };
}

export function saveState(s: ViewState): void {
  api.setState(s);
}
