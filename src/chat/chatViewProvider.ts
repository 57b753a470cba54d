import * as vscode from 'vscode';
import { Views } from '../constants';
import { Services } from '../platform/services';
import { webviewHtml, webviewOptions } from '../platform/webviewHtml';
import { FromChatWebview, PROTOCOL_VERSION, ToChatWebview, isFromChatWebview } from '../shared/protocol';

/** The Chat webview view in the Socratune container. */
export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly resolved = new vscode.EventEmitter<vscode.WebviewView>();
  readonly onDidResolve = this.resolved.event;

  constructor(private readonly s: Services) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = webviewOptions(this.s.context.extensionUri);
    view.webview.html = webviewHtml(view.webview, this.s.context.extensionUri, {
      script: 'chat.js',
      styles: ['media/chat.css'],
      title: 'Socratune Chat',
    });
    this.disposables.push(
      view.webview.onDidReceiveMessage((m: unknown) => {
        if (!isFromChatWebview(m)) {
          this.s.log.warn('Chat webview sent an invalid message; ignored.');
          return;
        }
        this.onMessage(m);
      }),
      view.onDidDispose(() => {
        if (this.view === view) this.view = undefined;
      }),
    );
    this.resolved.fire(view);
  }

  get isResolved(): boolean {
    return this.view !== undefined;
  }

  private onMessage(m: FromChatWebview): void {
    switch (m.type) {
      case 'ready':
        this.post({ type: 'chat/init', version: PROTOCOL_VERSION });
        break;
      default: {
        const never: never = m.type;
        return never;
      }
    }
  }

  private post(m: ToChatWebview): void {
    void this.view?.webview.postMessage(m);
  }

  dispose(): void {
    this.resolved.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

export function registerChat(s: Services): ChatViewProvider {
  const provider = new ChatViewProvider(s);
  s.context.subscriptions.push(provider, vscode.window.registerWebviewViewProvider(Views.chat, provider, { webviewOptions: { retainContextWhenHidden: false } }));
  return provider;
}
