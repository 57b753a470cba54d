import * as vscode from 'vscode';
import { Log } from '../platform/log';
import { webviewHtml, webviewOptions } from '../platform/webviewHtml';
import type { ChatSession } from './chatSession';
import { ChatSurface } from './surface';

/** The chat UI's HTML shell (same for the view and the panels). */
export function chatHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  return webviewHtml(webview, extensionUri, {
    script: 'chat.js',
    styles: ['dist/webview/codicon.css', 'media/chat.css'],
    title: 'Socratune Chat',
    body: '<div id="app" class="chat-app" data-ready="false"></div>',
  });
}

/** The Chat webview view in the Socratune container. */
export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private surface: ChatSurface | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly resolved = new vscode.EventEmitter<vscode.WebviewView>();
  readonly onDidResolve = this.resolved.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly session: ChatSession,
    private readonly log: Log,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.disposeSurface();
    this.view = view;
    view.webview.options = webviewOptions(this.extensionUri);
    const surface = new ChatSurface('view', view.webview, this.log, (m, from) => void this.session.handle(m, from));
    this.surface = surface;
    const attached = this.session.attach(surface);
    view.webview.html = chatHtml(view.webview, this.extensionUri);
    const subs = [
      attached,
      surface,
      // Hidden without retained context: the webview is destroyed; it sends chat/ready again when shown.
      view.onDidChangeVisibility(() => {
        if (!view.visible) surface.reset();
      }),
      view.onDidDispose(() => {
        if (this.view === view) {
          this.view = undefined;
          this.disposeSurface();
        }
      }),
    ];
    this.disposables.push(...subs);
    this.resolved.fire(view);
  }

  get isResolved(): boolean {
    return this.view !== undefined;
  }

  get webviewView(): vscode.WebviewView | undefined {
    return this.view;
  }

  /** The surface (for tests: post simulated webview messages through the validated path). */
  get chatSurface(): ChatSurface | undefined {
    return this.surface;
  }

  private disposeSurface(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
    this.surface = undefined;
  }

  dispose(): void {
    this.disposeSurface();
    this.resolved.dispose();
  }
}
