import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { LocalRunHandle } from '../../../src/local/runRecipe';
import { activateSocratune, waitFor, workspaceRoot } from '../support/host';

/**
 * Run Local Recipe…: run.sh as a VS Code task, where run.sh starts the stand-in trainer
 * (test/fixtures/trainer-logs/standin-trainer.mjs) replaying a real log into train.log; followed to the end, and Cancel.
 */
describe('local: run recipe (stand-in trainer as a VS Code task)', function () {
  this.timeout(90_000);
  let fixtures: string;
  const runDir = (name: string) => vscode.Uri.joinPath(workspaceRoot(), '.socratune', 'runs', name);
  const isAlive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  async function recipe(name: string, fixture: string, extra: string): Promise<vscode.Uri> {
    const dir = runDir(name);
    const sh = `#!/usr/bin/env bash\nset -euo pipefail\ncd "$(dirname "$0")"\nexec "${process.execPath}" "${fixtures}/standin-trainer.mjs" "${fixtures}/${fixture}" train.log ${extra}\n`;
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(dir, 'run.sh'), new TextEncoder().encode(sh));
    return dir;
  }

  before(async () => {
    const api = await activateSocratune();
    fixtures = vscode.Uri.joinPath(api.services.context.extensionUri, 'test', 'fixtures', 'trainer-logs').fsPath;
  });
  after(async () => {
    const runs = vscode.Uri.joinPath(workspaceRoot(), '.socratune', 'runs');
    await vscode.workspace.fs.delete(runs, { recursive: true, useTrash: false }).then(undefined, () => undefined);
  });

  it('follows the log while the task runs and ends succeeded with the whole log’s points', async () => {
    const dir = await recipe('standin-ok', 'mlx-lm-330-cuda.log', '--delay 20');
    const run = await vscode.commands.executeCommand<LocalRunHandle>('socratune.runLocalRecipe', { dir, pollMs: 50 });
    const seen = new Set<number>();
    const sub = run.onDidChange((s) => s.step !== undefined && seen.add(s.step));
    const final = await run.done;
    sub.dispose();
    assert.deepEqual([final.state, final.step, final.total, final.trainLoss, final.evalLoss], ['succeeded', 50, 100, 1.585, 2.936]);
    assert.ok(seen.size >= 2, `steps seen while running: ${[...seen].join(', ')}`);
  });

  it('Cancel stops the trainer and its child process; the run is cancelled', async () => {
    const dir = await recipe('standin-cancel', 'mlx-examples-557-mixtral.log', '--delay 5 --hang');
    const run = await vscode.commands.executeCommand<LocalRunHandle>('socratune.runLocalRecipe', { dir, pollMs: 50 });
    await waitFor('the whole log replayed', () => run.status().step === 110, 30_000);
    const pidsFile = `${run.logFile}.pids`;
    const pids = await waitFor(
      'the stand-in wrote its pids',
      () => existsSync(pidsFile) && readFileSync(pidsFile, 'utf8').trim().split('\n').map(Number),
      10_000,
    );
    assert.ok(pids.length === 2 && pids.every(isAlive), 'trainer and its child run');
    run.cancel();
    const final = await run.done;
    assert.equal(final.state, 'cancelled');
    assert.equal(final.step, 110);
    await waitFor('trainer and child are gone', () => pids.every((p) => !isAlive(p)), 10_000);
  });
});
