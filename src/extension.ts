import * as vscode from 'vscode';
import type { SocratuneApi } from './capabilities';
import { isTokenizerLoaded } from './core/validation/loadTokenizer';
import { registerLazyContributions } from './platform/lazyHost';

export type { SocratuneApi } from './capabilities';

/** What `activate()` returns: the activation figures, and the capabilities' handles once they load (tests only). */
export interface ActivationApi {
  readonly activatedInMs: number;
  /** Whether the tokenizer (BPE ranks, MBs) had been loaded when activate() returned: it must not be. */
  readonly tokenizerLoadedAtActivation: boolean;
  /** Whether any capability's code had been loaded when activate() returned: it must not be. */
  readonly capabilitiesLoadedAtActivation: boolean;
  /** Loads the capabilities (if nothing has yet) and returns their handles. */
  load(): Promise<SocratuneApi>;
}

/**
 * Activation registers what package.json contributes, with handlers that load the capabilities on first use
 * (src/capabilities.ts, a chunk of its own: see scripts/lib/split-cjs.mjs), and nothing more. First use is a
 * command, a Socratune view shown, a panel restored after a reload, or a dataset file open or present in the
 * workspace (the dataset status bar, diagnostics and code lenses are then in use).
 */
export function activate(context: vscode.ExtensionContext): ActivationApi {
  const started = performance.now();
  const logChannel = vscode.window.createOutputChannel('Socratune', { log: true });
  context.subscriptions.push(logChannel);
  let loading: Promise<SocratuneApi> | undefined;
  const figures = { activatedInMs: 0, tokenizerLoadedAtActivation: false };
  const load = (): Promise<SocratuneApi> =>
    (loading ??= import('./capabilities.js').then((m) => {
      host.disposeCommandStubs();
      return m.registerCapabilities(context, host, figures);
    }));
  const host = registerLazyContributions(context, logChannel, load);
  const loadForDatasets = (): void => {
    load().catch((err: unknown) => logChannel.error(`Socratune could not load: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));
  };
  const isDataset = (d: vscode.TextDocument): boolean => d.languageId === 'jsonl' || /[\\/]\.socratune[\\/]/.test(d.uri.path);
  if (vscode.workspace.textDocuments.some(isDataset)) setTimeout(loadForDatasets, 0);
  else {
    const opened = vscode.workspace.onDidOpenTextDocument((d) => {
      if (!isDataset(d)) return;
      opened.dispose();
      loadForDatasets();
    });
    context.subscriptions.push(opened);
    vscode.workspace.findFiles('.socratune/datasets/*/train.jsonl', undefined, 1).then((found) => found.length > 0 && loadForDatasets(), loadForDatasets);
  }
  figures.activatedInMs = performance.now() - started;
  figures.tokenizerLoadedAtActivation = isTokenizerLoaded();
  // The benchmark (bench/extension.bench.ts) reads this line from the real extension host's log.
  logChannel.info(`Socratune activated in ${figures.activatedInMs.toFixed(2)} ms (tokenizer ${figures.tokenizerLoadedAtActivation ? 'loaded' : 'not loaded'})`);
  return { ...figures, capabilitiesLoadedAtActivation: loading !== undefined, load };
}

export function deactivate(): void {
  // Everything registered is in context.subscriptions and disposed by VS Code.
}
