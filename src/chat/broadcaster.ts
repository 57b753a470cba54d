import * as vscode from 'vscode';
import { ToChatWebview } from '../shared/protocol';

/** Anything the chat posts to: a sidebar view or an editor panel (`ChatSurface`). */
export interface ChatSink {
  post(m: ToChatWebview): void;
}

/**
 * Fans every host → webview message out to the attached surfaces (the sidebar view and editor panels show the
 * same conversation). `tap` sees every message too, targeted snapshots included (SocratuneApi's test seam).
 */
export class ChatBroadcaster {
  private readonly sinks = new Set<ChatSink>();

  constructor(private readonly tap?: (m: ToChatWebview) => void) {}

  attach(sink: ChatSink): vscode.Disposable {
    this.sinks.add(sink);
    return new vscode.Disposable(() => this.sinks.delete(sink));
  }

  post(m: ToChatWebview): void {
    for (const s of this.sinks) s.post(m);
    this.tap?.(m);
  }

  /** To one surface only (the snapshot answering its `chat/ready`). */
  postTo(sink: ChatSink, m: ToChatWebview): void {
    sink.post(m);
    this.tap?.(m);
  }

  notice(level: 'info' | 'warning' | 'error', message: string): void {
    this.post({ type: 'chat/notice', level, message });
  }
}
