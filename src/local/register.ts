import * as vscode from 'vscode';
import type { Services } from '../platform/services';
import type { ExportRecipeArgs } from './exportRecipe';
import type { ImportedLog, ImportLogArgs } from './importLog';
import type { LocalRunHandle, RunRecipeArgs } from './runRecipe';
import type { Recipe } from '../core/local/recipe';

/** Command ids of the local-training capability; package.json contributes the same ids. */
export const LocalCommands = {
  importTrainingLog: 'socratune.importTrainingLog',
  exportLocalRecipe: 'socratune.exportLocalRecipe',
  runLocalRecipe: 'socratune.runLocalRecipe',
} as const;

/**
 * Local training (issue 12), VS Code side. So far: **Import Training Log…** — a log written by MLX-LM or a Hugging Face
 * Trainer-based tool drawn as training curves — and **Export Local Recipe…** — the active dataset as a recipe folder
 * for MLX-LM, Unsloth, Axolotl or TRL. Both load on first use (chunks), not at activation.
 */
export function registerLocal(services: Services): void {
  services.context.subscriptions.push(
    vscode.commands.registerCommand(LocalCommands.importTrainingLog, async (args?: ImportLogArgs): Promise<ImportedLog | undefined> => {
      const { importTrainingLog } = await import('./importLog.js');
      return importTrainingLog(services, args);
    }),
    vscode.commands.registerCommand(LocalCommands.runLocalRecipe, async (args?: RunRecipeArgs): Promise<LocalRunHandle | undefined> => {
      const { runRecipe } = await import('./runRecipe.js');
      return runRecipe(services, args);
    }),
    vscode.commands.registerCommand(LocalCommands.exportLocalRecipe, async (args?: ExportRecipeArgs): Promise<Recipe | undefined> => {
      const { exportRecipe } = await import('./exportRecipe.js');
      const { RecipeError } = await import('../core/local/recipe.js');
      try {
        const recipe = await exportRecipe(services, args);
        if (recipe && !args)
          void vscode.window.showInformationMessage(`Recipe written to ${recipe.dir}: run its run.sh (${recipe.command}, ${recipe.totalSteps} steps).`);
        return recipe;
      } catch (err) {
        if (!(err instanceof RecipeError)) throw err;
        if (args) throw err;
        void vscode.window.showErrorMessage(err.message);
        return undefined;
      }
    }),
  );
}
