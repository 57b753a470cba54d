import * as vscode from 'vscode';
import { Log } from '../platform/log';
import { FromChatWebview, PROTOCOL_VERSION, ToChatWebview } from '../shared/protocol';
import { validateFromChatWebview } from '../shared/protocolValidate';

/**
 * One place the chat is shown (the sidebar view or an editor panel). Owns the ready handshake: nothing is
 * posted until the webview says `chat/ready` (a hidden view's webview is destroyed and re-created, so each
 * `chat/ready` is answered with a full snapshot by the session, then deltas resume).
 */
export class ChatSurface implements vscode.Disposable {
  private ready = false;
  private readonly subs: vscode.Disposable[] = [];

  constructor(
    readonly kind: 'view' | 'panel',
    private readonly webview: vscode.Webview,
    private readonly log: Log,
    private readonly onMessage: (m: FromChatWebview, from: ChatSurface) => void,
  ) {
    this.subs.push(webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)));
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Every message from the webview (and from tests' simulated messages) enters here. */
  receive(raw: unknown): boolean {
    const v = validateFromChatWebview(raw);
    if (!v.ok) {
      this.log.warn(`Chat ${this.kind}: rejected a webview message (${v.reason}).`);
      return false;
    }
    if (v.message.type === 'chat/ready') {
      if (v.message.version !== PROTOCOL_VERSION) this.log.warn(`Chat ${this.kind}: webview protocol ${v.message.version}, host ${PROTOCOL_VERSION}.`);
      this.ready = true;
    }
    this.onMessage(v.message, this);
    return true;
  }

  /** The webview went away (hidden without retained context, or disposed): wait for the next ready. */
  reset(): void {
    this.ready = false;
  }

  post(m: ToChatWebview): void {
    if (!this.ready) return;
    try {
      this.webview.postMessage(m).then(
        (delivered) => {
          if (!delivered) this.ready = false;
        },
        () => {
          this.ready = false;
        },
      );
    } catch {
      // The webview was disposed between the check and the post: it will send chat/ready if it comes back.
      this.ready = false;
    }
  }

  dispose(): void {
    this.ready = false;
    for (const d of this.subs.splice(0)) d.dispose();
  }
}
