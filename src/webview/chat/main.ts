import type { FromChatWebview, ToChatWebview } from '../../shared/protocol';

interface VsCodeApi {
  postMessage(message: FromChatWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('app');

window.addEventListener('message', (event: MessageEvent<ToChatWebview>) => {
  const msg = event.data;
  switch (msg.type) {
    case 'chat/init':
      if (root) root.dataset.ready = 'true';
      break;
  }
});

vscode.postMessage({ type: 'ready' });
