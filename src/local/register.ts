import * as vscode from 'vscode';
import type { JobsApi } from '../jobs/register';
import type { Services } from '../platform/services';
import type { ExportRecipeArgs } from './exportRecipe';
import type { ImportedLog, ImportLogArgs } from './importLog';
import type { LocalRunHandle, RunRecipeArgs } from './runRecipe';
import type { Detection, ProbeOutputs } from '../core/local/detect';
import type { Recipe } from '../core/local/recipe';
import type { LocalRuns } from './runs';
import type { BringHomeArgs, BringHomeResult } from './bringHome';
import type { ChatWithAdapterArgs } from './serveAdapter';

/** Command ids of the local-training capability; package.json contributes the same ids. */
export const LocalCommands = {
  importTrainingLog: 'socratune.importTrainingLog',
  exportLocalRecipe: 'socratune.exportLocalRecipe',
  runLocalRecipe: 'socratune.runLocalRecipe',
  chatWithAdapter: 'socratune.chatWithAdapter',
  detectLocalTrainers: 'socratune.detectLocalTrainers',
  bringHome: 'socratune.bringHome',
} as const;

/**
 * Local training (issue 12), VS Code side: **Import Training Log…** (a log drawn as training curves), **Export Local
 * Recipe…** (the active dataset as a recipe folder for MLX-LM, Unsloth, Axolotl or TRL) and **Run Local Recipe…** (its
 * run.sh as a task, shown and followed in the Jobs tree; Cancel and Chat on its row through `jobs.provideLocalRuns`).
 * Everything loads on first use (chunks); the run folders are scanned once the Jobs store first loads, so runs are
 * found again after a window reload.
 */
export function registerLocal(services: Services, jobs: Pick<JobsApi, 'store' | 'provideLocalRuns' | 'backendHost'>): void {
  let runs: Promise<LocalRuns> | undefined;
  const localRuns = () =>
    (runs ??= import('./runs.js').then((m) => {
      const r = new m.LocalRuns(services, jobs.store);
      services.context.subscriptions.push(r);
      return r;
    }));
  const chatWithAdapter = async (args: ChatWithAdapterArgs & { jobId?: string }): Promise<boolean> => {
    const r = await localRuns();
    const jobId = args.jobId ?? (await r.pickFinished());
    if (!jobId) return false;
    const m = await import('./serveAdapter.js');
    return m.chatWithAdapter(services, r, jobId, args);
  };
  let scanned = false;
  const scan = jobs.store.onDidChange(() => {
    if (scanned || !jobs.store.loaded) return;
    scanned = true;
    void localRuns()
      .then((r) => r.discover())
      .catch((err: unknown) => services.log.warn(`Local runs: cannot scan .socratune/runs: ${String(err)}`));
  });
  services.context.subscriptions.push(
    { dispose: () => scan.dispose() },
    jobs.provideLocalRuns({
      cancel: async (jobId) => (await localRuns()).cancel(jobId),
      chatWith: (jobId) => chatWithAdapter({ jobId }),
      refresh: async () => void (await (await localRuns()).discover()),
    }),
    vscode.commands.registerCommand(LocalCommands.chatWithAdapter, (args?: ChatWithAdapterArgs & { jobId?: string }) => chatWithAdapter(args ?? {})),
    vscode.commands.registerCommand(LocalCommands.bringHome, async (arg?: BringHomeArgs & { kind?: string }): Promise<BringHomeResult> => {
      const { bringHome } = await import('./bringHome.js');
      // A Jobs-tree row passes { kind, jobId } (a checkpoint row also { checkpoint: { step } }).
      return bringHome(services, await localRuns(), await jobs.backendHost.resolve(), arg ?? {});
    }),
    vscode.commands.registerCommand(LocalCommands.importTrainingLog, async (args?: ImportLogArgs): Promise<ImportedLog | undefined> => {
      const { importTrainingLog } = await import('./importLog.js');
      return importTrainingLog(services, args);
    }),
    vscode.commands.registerCommand(LocalCommands.runLocalRecipe, async (args?: RunRecipeArgs): Promise<LocalRunHandle | undefined> =>
      (await localRuns()).start(args ?? {}),
    ),
    vscode.commands.registerCommand(LocalCommands.exportLocalRecipe, (args?: ExportRecipeArgs) => exportRecipeCommand(services, args)),
    vscode.commands.registerCommand(LocalCommands.detectLocalTrainers, async (args?: { probes?: ProbeOutputs }): Promise<Detection> => {
      const { showDetection } = await import('./detectTrainers.js');
      return showDetection(() => exportRecipeCommand(services), args?.probes);
    }),
  );
}

/** Export Local Recipe…: with args (tests, automation) a refusal throws; from the palette it is shown. */
async function exportRecipeCommand(services: Services, args?: ExportRecipeArgs): Promise<Recipe | undefined> {
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
}
