import { strict as assert } from 'node:assert';
import { statSync } from 'node:fs';
import * as vscode from 'vscode';
import type { Recipe } from '../../../src/core/local/recipe';
import { activateSocratune, workspaceRoot } from '../support/host';

/** Export Local Recipe…: a dataset folder → .socratune/runs/<name>/ in the workspace, never overwriting. */
describe('local: export recipe', function () {
  this.timeout(60_000);
  const root = () => workspaceRoot();
  const ds = () => vscode.Uri.joinPath(root(), '.socratune', 'datasets', 'export-test');
  const runs = () => vscode.Uri.joinPath(root(), '.socratune', 'runs');
  const ex = JSON.stringify({
    messages: [
      { role: 'system', content: 'You are my journal.' },
      { role: 'user', content: 'q' },
      { role: 'assistant', content: 'a' },
    ],
  });
  const write = (uri: vscode.Uri, text: string) => vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  const read = async (uri: vscode.Uri) => new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const exists = async (uri: vscode.Uri) =>
    vscode.workspace.fs.stat(uri).then(
      () => true,
      () => false,
    );

  before(async () => {
    await activateSocratune();
    await vscode.workspace.fs.createDirectory(ds());
    await write(vscode.Uri.joinPath(ds(), 'train.jsonl'), Array.from({ length: 12 }, () => ex).join('\n') + '\n');
    await write(vscode.Uri.joinPath(ds(), 'dataset.json'), JSON.stringify({ name: 'export-test', systemPrompt: 'You are my journal.' }));
  });
  after(async () => {
    await vscode.workspace.fs.delete(ds(), { recursive: true, useTrash: false });
    if (await exists(runs())) await vscode.workspace.fs.delete(runs(), { recursive: true, useTrash: false });
  });

  it('writes the Axolotl recipe with the bound system prompt and an executable run.sh', async () => {
    const r = await vscode.commands.executeCommand<Recipe>('socratune.exportLocalRecipe', {
      datasetDir: ds(),
      trainer: 'axolotl',
      baseModel: 'Qwen/Qwen2.5-0.5B-Instruct',
      name: 'export-axolotl',
      hyperparameters: { epochs: 2, batchSize: 4 },
    });
    assert.equal(r.dir, '.socratune/runs/export-axolotl');
    const dir = vscode.Uri.joinPath(runs(), 'export-axolotl');
    assert.match(await read(vscode.Uri.joinPath(dir, 'axolotl.yaml')), /^base_model: Qwen\/Qwen2\.5-0\.5B-Instruct$/m);
    assert.match(await read(vscode.Uri.joinPath(dir, 'axolotl.yaml')), /^num_epochs: 2$/m);
    assert.equal(await read(vscode.Uri.joinPath(dir, 'system_prompt.txt')), 'You are my journal.');
    assert.equal((await read(vscode.Uri.joinPath(dir, 'data', 'train.jsonl'))).split('\n').filter(Boolean).length, 12);
    assert.equal(statSync(vscode.Uri.joinPath(dir, 'run.sh').fsPath).mode & 0o111, 0o111);
    assert.equal((JSON.parse(await read(vscode.Uri.joinPath(dir, 'recipe.json'))) as { totalSteps: number }).totalSteps, 6);
  });

  it('never overwrites a run folder, and writes nothing for a recipe it refuses', async () => {
    const args = { datasetDir: ds(), trainer: 'axolotl', baseModel: 'Qwen/Qwen2.5-0.5B-Instruct', name: 'export-axolotl' };
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('socratune.exportLocalRecipe', args)), /already exists/);
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('socratune.exportLocalRecipe', { ...args, trainer: 'mlx', name: 'export-mlx' })),
      /MLX-LM needs a validation set/,
    );
    assert.equal(await exists(vscode.Uri.joinPath(runs(), 'export-mlx')), false);
  });
});
