import * as vscode from 'vscode';
import { decodeSettingsText } from '../core/dataset/schema';
import { uriExists } from '../platform/fs';

export interface DatasetFiles {
  /** Dataset name (dataset.json "name", else the folder name, else the file name). */
  name: string;
  folder?: vscode.Uri;
  train: vscode.Uri;
  validation?: vscode.Uri;
}

function basename(uri: vscode.Uri): string {
  return uri.path.split('/').filter(Boolean).pop() ?? uri.path;
}

async function datasetName(folder: vscode.Uri): Promise<string> {
  try {
    const raw = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, 'dataset.json'));
    const settings = decodeSettingsText(Buffer.from(raw).toString('utf8'));
    if (settings.ok && settings.value.name?.trim()) return settings.value.name.trim();
  } catch {
    // no or unreadable dataset.json: the folder name will do
  }
  return basename(folder);
}

/** The files of a dataset folder (train.jsonl, optional validation.jsonl). */
export async function filesOfFolder(folder: vscode.Uri): Promise<DatasetFiles> {
  const validation = vscode.Uri.joinPath(folder, 'validation.jsonl');
  return {
    name: await datasetName(folder),
    folder,
    train: vscode.Uri.joinPath(folder, 'train.jsonl'),
    ...((await uriExists(validation)) ? { validation } : {}),
  };
}

/** A single JSONL file chosen by the user: validated alone (validation*.jsonl counts as a validation file). */
export function filesOfFile(file: vscode.Uri): DatasetFiles {
  return { name: basename(file), train: file };
}

export async function isDirectory(uri: vscode.Uri): Promise<boolean> {
  try {
    return ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.Directory) !== 0;
  } catch {
    return false;
  }
}
