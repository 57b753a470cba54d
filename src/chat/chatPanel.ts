import * as vscode from 'vscode';
import type { LazyHost } from '../platform/lazyHost';
import { Log } from '../platform/log';
import { webviewOptions } from '../platform/webviewHtml';
import { chatHtml } from './chatViewProvider';
import type { ChatSession } from './chatSession';
import { ChatSurface } from './surface';

export const CHAT_PANEL_TYPE = 'socratune.chatPanel';

/**
 * "Open Chat in Editor": the same chat (same session and conversation) in an editor tab. Panels are
 * restored after a window reload by a serializer; their state comes from the session's snapshot.
 */
export class ChatPanels implements vscode.Disposable {
  private readonly panels = new Set<vscode.WebviewPanel>();
  private readonly subs: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly session: ChatSession,
    private readonly log: Log,
    views: LazyHost,
  ) {
    this.subs.push(
      views.panelSerializer(CHAT_PANEL_TYPE, {
        deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
          this.setup(panel);
        },
      }),
    );
  }

  open(): vscode.WebviewPanel {
    const existing = [...this.panels][0];
    if (existing) {
      existing.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(CHAT_PANEL_TYPE, 'Socratune Chat', vscode.ViewColumn.Active, {
      ...webviewOptions(this.extensionUri),
      retainContextWhenHidden: false,
    });
    this.setup(panel);
    return panel;
  }

  get count(): number {
    return this.panels.size;
  }

  private setup(panel: vscode.WebviewPanel): void {
    panel.webview.options = webviewOptions(this.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'socratune.svg');
    const surface = new ChatSurface('panel', panel.webview, this.log, (m, from) => void this.session.handle(m, from));
    const attached = this.session.attach(surface);
    panel.webview.html = chatHtml(panel.webview, this.extensionUri);
    this.panels.add(panel);
    const subs: vscode.Disposable[] = [
      panel.onDidChangeViewState(() => {
        if (!panel.visible) surface.reset();
      }),
    ];
    panel.onDidDispose(() => {
      this.panels.delete(panel);
      attached.dispose();
      surface.dispose();
      for (const d of subs) d.dispose();
    });
  }

  dispose(): void {
    for (const p of [...this.panels]) p.dispose();
    for (const d of this.subs.splice(0)) d.dispose();
  }
}
