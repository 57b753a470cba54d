import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** A fresh CSP nonce per render (crypto-random, never Math.random). */
export function nonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * HTML shell for a webview: strict CSP (no inline script or style, no eval, no remote anything),
 * one nonce'd script from `dist/webview`, styles from `media/`.
 */
export function webviewHtml(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  opts: { script: string; styles: string[]; title: string; body?: string },
): string {
  const n = nonce();
  const scriptUri = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', opts.script));
  const styleLinks = opts.styles
    .map((s) => `<link rel="stylesheet" href="${webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...s.split('/')))}">`)
    .join('\n    ');
  const csp = [
    `default-src 'none'`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `script-src 'nonce-${n}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${csp}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${styleLinks}
    <title>${opts.title}</title>
  </head>
  <body>
    ${opts.body ?? '<div id="app"></div>'}
    <script nonce="${n}" src="${scriptUri}"></script>
  </body>
</html>`;
}

/** Webview options limited to the bundle and media folders. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}
