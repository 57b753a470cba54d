import * as vscode from 'vscode';
import type { FineTuneBackend } from '../core/backends/types';
import type { ChatEntrySlot, EntrySlot, EvalEntry } from '../platform/services';
import { SECTION } from '../platform/settings';
import { ModelCommands } from './commandIds';

/**
 * Actions on a model ID shared by the Jobs and Models trees. Chat belongs to the chat capability, reached through
 * its typed entry point (`services.chatEntry`); without one the model becomes the default chat model.
 */

/** The model name to send in chat requests (an Azure deployment for Azure fine-tunes), or undefined after telling the user why not. */
export async function chatModelFor(backend: FineTuneBackend, modelId: string): Promise<string | undefined> {
  let target = backend.chatTarget(modelId);
  // A backend with a deploy step knows serving only as of its last look (a deployment may have become READY since):
  // ask it afresh before saying no.
  if (!target.ok && backend.deploy) target = (await backend.chatTargets().catch(() => [])).find((t) => t.id === modelId)?.target ?? target;
  if (target.ok) return target.model;
  // A backend with its own deploy step (Fireworks) offers it; Azure deployments are named by hand.
  const action = backend.deploy ? 'Deploy…' : 'Set Deployment…';
  const choice = await vscode.window.showWarningMessage(target.message, action);
  if (choice === action) await vscode.commands.executeCommand(backend.deploy ? ModelCommands.deploy : ModelCommands.setAzureDeployment, { modelId });
  return undefined;
}

export async function setDefaultChatModel(model: string): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update('chat.defaultModel', model, vscode.ConfigurationTarget.Global);
}

export async function chatWith(chat: ChatEntrySlot, backend: FineTuneBackend, modelId: string): Promise<boolean> {
  const model = await chatModelFor(backend, modelId);
  if (!model) return false;
  const entry = chat.current;
  if (entry) {
    await entry.chatWith(model);
    return true;
  }
  await setDefaultChatModel(model);
  void vscode.window.showInformationMessage(`Socratune chat now uses ${model} by default.`);
  return true;
}

export async function compareModels(chat: ChatEntrySlot, backend: FineTuneBackend, a: string, b: string): Promise<boolean> {
  const modelA = await chatModelFor(backend, a);
  const modelB = modelA ? await chatModelFor(backend, b) : undefined;
  if (!modelA || !modelB) return false;
  const entry = chat.current;
  if (entry) {
    await entry.compareWith(modelA, modelB);
    return true;
  }
  void vscode.window.showInformationMessage(
    `Side-by-side comparison needs the chat view's compare mode, which is not available. Chat with ${modelA} and ${modelB} one after the other instead.`,
  );
  return false;
}

/** "Evaluate Models…" from a tree row: the model (as chat sends it) pre-selected as a contestant. */
export async function evaluateModel(evaluation: EntrySlot<EvalEntry>, backend: FineTuneBackend, modelId: string): Promise<boolean> {
  const model = await chatModelFor(backend, modelId);
  if (!model) return false;
  const entry = evaluation.current;
  if (!entry) {
    void vscode.window.showInformationMessage('Evaluating models needs the evaluation feature, which is not available in this build.');
    return false;
  }
  await entry.evaluateWith(model);
  return true;
}

export async function copyModelId(modelId: string): Promise<void> {
  await vscode.env.clipboard.writeText(modelId);
  vscode.window.setStatusBarMessage(`Copied ${modelId}`, 3000);
}
