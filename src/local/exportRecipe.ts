/**
 * Export Local Recipe…: the active dataset + a trainer + a base model → `.socratune/runs/<name>/` (dataset in the form
 * the trainer reads, its config, system prompt, run.sh, recipe.json), to run here or on another machine. Never
 * overwrites a run folder; bad input writes nothing.
 */
import { chmod } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FILES } from '../core/dataset/types';
import {
  DEFAULT_LOCAL_HYPERPARAMETERS,
  RecipeError,
  buildRecipe,
  formatLocalHyperparameters,
  parseLocalHyperparameters,
  type LocalHyperparameters,
  type LocalTrainer,
  type Recipe,
} from '../core/local/recipe';
import type { Services } from '../platform/services';
import { uriExists } from '../platform/fs';

export interface ExportRecipeArgs {
  /** Dataset folder (default: the active dataset). */
  datasetDir?: vscode.Uri;
  trainer?: LocalTrainer;
  baseModel?: string;
  name?: string;
  hyperparameters?: Partial<LocalHyperparameters>;
}

const TRAINERS: Array<{ label: string; detail: string; trainer: LocalTrainer }> = [
  { label: 'MLX-LM', detail: 'Mac with Apple silicon (mlx_lm.lora)', trainer: 'mlx' },
  { label: 'Unsloth', detail: 'NVIDIA GPU, Linux or WSL (unsloth train)', trainer: 'unsloth' },
  { label: 'Axolotl', detail: 'NVIDIA GPU, single or multi-GPU (axolotl train)', trainer: 'axolotl' },
  { label: 'TRL', detail: 'NVIDIA GPU (Hugging Face TRL SFTTrainer script)', trainer: 'trl' },
];

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
  } catch (err) {
    if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') return undefined;
    throw err;
  }
}

async function ask(
  args: ExportRecipeArgs,
  datasetName: string,
): Promise<{ trainer: LocalTrainer; baseModel: string; name: string; hyperparameters: LocalHyperparameters } | undefined> {
  const trainer = args.trainer ?? (await vscode.window.showQuickPick(TRAINERS, { title: 'Export Local Recipe: trainer' }))?.trainer;
  if (!trainer) return undefined;
  const baseModel =
    args.baseModel ??
    (await vscode.window.showInputBox({
      title: 'Export Local Recipe: base model',
      prompt: 'Hugging Face model id or local path',
      value: 'Qwen/Qwen2.5-1.5B-Instruct',
    }));
  if (!baseModel) return undefined;
  const stamp = new Date().toISOString().slice(0, 10);
  const name = args.name ?? (await vscode.window.showInputBox({ title: 'Export Local Recipe: run name', value: `${datasetName}-${trainer}-${stamp}` }));
  if (!name) return undefined;
  // Asked along with the run name (the palette); automation that names the run gets the defaults it does not override.
  const hyperparameters =
    args.hyperparameters || args.name !== undefined ? { ...DEFAULT_LOCAL_HYPERPARAMETERS, ...args.hyperparameters } : await askHyperparameters();
  return hyperparameters && { trainer, baseModel, name, hyperparameters };
}

/** Epochs (→ MLX iterations), batch, learning rate, LoRA rank / alpha / dropout, max sequence length, assistant turns only. */
async function askHyperparameters(): Promise<LocalHyperparameters | undefined> {
  const text = await vscode.window.showInputBox({
    title: 'Export Local Recipe: hyperparameters',
    prompt:
      'epochs (MLX-LM: iterations = examples × epochs / batch), batch, learning rate, LoRA rank / alpha / dropout, max tokens, train on assistant turns only',
    value: formatLocalHyperparameters(DEFAULT_LOCAL_HYPERPARAMETERS),
    validateInput: (v) => {
      try {
        parseLocalHyperparameters(v);
        return undefined;
      } catch (err) {
        return err instanceof RecipeError ? err.message : String(err);
      }
    },
  });
  return text === undefined ? undefined : parseLocalHyperparameters(text);
}

/** Returns the recipe written, or undefined when cancelled. Throws (after telling the user) on bad input. */
export async function exportRecipe(services: Services, args: ExportRecipeArgs = {}): Promise<Recipe | undefined> {
  const datasetDir = args.datasetDir ?? services.activeDataset.uri;
  const root = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!datasetDir || !root) throw new RecipeError('Open a workspace and select a dataset first (Socratune: Select Dataset…).');
  const train = await readText(vscode.Uri.joinPath(datasetDir, FILES.train));
  if (train === undefined) throw new RecipeError(`${path.basename(datasetDir.path)} has no ${FILES.train}.`);
  const validation = await readText(vscode.Uri.joinPath(datasetDir, FILES.validation));
  const settingsText = await readText(vscode.Uri.joinPath(datasetDir, FILES.settings));
  const systemPrompt = settingsText ? (JSON.parse(settingsText) as { systemPrompt?: unknown }).systemPrompt : undefined;
  const datasetName = path.basename(datasetDir.path);
  const answers = await ask(args, datasetName);
  if (!answers) return undefined;
  const recipe = buildRecipe({
    ...answers,
    trainJsonl: train,
    ...(validation !== undefined ? { validationJsonl: validation } : {}),
    ...(typeof systemPrompt === 'string' && systemPrompt ? { systemPrompt } : {}),
    datasetName,
  });
  const dir = vscode.Uri.joinPath(root, ...recipe.dir.split('/'));
  if (await uriExists(dir)) throw new RecipeError(`${recipe.dir} already exists: choose another run name (a recipe is never overwritten).`);
  for (const f of recipe.files) {
    const uri = vscode.Uri.joinPath(root, ...f.path.split('/'));
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(f.content));
    if (f.executable && uri.scheme === 'file') await chmod(uri.fsPath, 0o755);
  }
  services.log.info(`Exported local recipe ${recipe.dir} (${answers.trainer}, ${recipe.totalSteps} steps).`);
  return recipe;
}
