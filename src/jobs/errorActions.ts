import * as vscode from 'vscode';
import { Commands } from '../constants';
import { OPENAI_WIND_DOWN, type BackendErrorInfo, type ErrorAction } from '../core/backends/errors';
import { JobCommands } from './commandIds';

/** What each suggested fix does, as a button/command. */
export const ERROR_ACTIONS: Readonly<Record<ErrorAction, { title: string; command: vscode.Command }>> = {
  setApiKey: { title: 'Set API Key', command: { title: 'Set API Key', command: Commands.setApiKey } },
  chooseBackend: { title: 'Choose Backend…', command: { title: 'Choose Backend…', command: Commands.selectProvider } },
  openSettings: { title: 'Open Settings', command: { title: 'Open Settings', command: 'workbench.action.openSettings', arguments: ['socratune'] } },
  windDownInfo: { title: 'Learn More', command: { title: 'Learn More', command: 'vscode.open', arguments: [vscode.Uri.parse(OPENAI_WIND_DOWN.url)] } },
  retry: { title: 'Retry', command: { title: 'Retry', command: JobCommands.refresh } },
  showLog: { title: 'Show Log', command: { title: 'Show Log', command: Commands.showLog } },
};

/** Show an explained backend error as a notification with its fix-it buttons. */
export async function showBackendError(info: BackendErrorInfo, prefix = ''): Promise<void> {
  const actions = info.actions.map((a) => ERROR_ACTIONS[a]);
  const choice = await vscode.window.showErrorMessage(`${prefix}${info.message}`, ...actions.map((a) => a.title));
  const picked = actions.find((a) => a.title === choice);
  if (picked) await vscode.commands.executeCommand(picked.command.command, ...(picked.command.arguments ?? []));
}
