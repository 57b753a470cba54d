import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { logToMetricPoints } from '../../../src/core/local/curves';
import { parseTrainerLog } from '../../../src/core/local/trainerLog';
import type { SocratuneApi } from '../../../src/extension';
import type { LocalRunHandle } from '../../../src/local/runRecipe';
import { activateSocratune, waitFor, workspaceRoot } from '../support/host';

/**
 * Local runs in the Jobs tree: run.sh (a VS Code task) starts the stand-in trainer
 * (test/fixtures/trainer-logs/standin-trainer.mjs), which replays a real MLX-LM log into train.log; the row follows it
 * (running · step n/100 · loss · ETA → succeeded), the Training Curves panel draws the log's points, Cancel from the
 * row stops the process tree, and a run found on disk (as after a window reload) is followed and cancellable.
 */
describe('local: runs in the Jobs tree (stand-in trainer)', function () {
  this.timeout(120_000);
  let api: SocratuneApi;
  let fixtures: string;
  const runsDir = () => path.join(workspaceRoot().fsPath, '.socratune', 'runs');
  const isAlive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  /** A run folder as Export Local Recipe writes it, whose run.sh starts the stand-in instead of mlx_lm.lora. */
  function runFolder(name: string, fixture: string, extra: string): string {
    const dir = path.join(runsDir(), name);
    mkdirSync(path.join(dir, 'data'), { recursive: true });
    const recipe = {
      name,
      trainer: 'mlx',
      baseModel: 'meta-llama/Llama-3.2-3B-Instruct',
      dataset: 'journal',
      examples: 12,
      validationExamples: 2,
      hyperparameters: {
        epochs: 3,
        batchSize: 4,
        learningRate: 0.0001,
        loraRank: 16,
        loraAlpha: 32,
        loraDropout: 0.05,
        maxSeqLength: 2048,
        assistantOnly: true,
      },
      totalSteps: 100,
      adapterDir: 'adapters',
    };
    writeFileSync(path.join(dir, 'recipe.json'), JSON.stringify(recipe));
    writeFileSync(path.join(dir, 'system_prompt.txt'), 'You are a gentle Socratic journaling partner.');
    const sh = `#!/usr/bin/env bash\nset -euo pipefail\ncd "$(dirname "$0")"\nexec "${process.execPath}" "${fixtures}/standin-trainer.mjs" "${fixtures}/${fixture}" train.log ${extra}\n`;
    writeFileSync(path.join(dir, 'run.sh'), sh, { mode: 0o755 });
    return dir;
  }
  async function row(jobId: string): Promise<vscode.TreeItem | undefined> {
    const root = await api.jobs.tree.getChildren();
    const el = root.find((e) => e.kind === 'job' && e.jobId === jobId);
    return el ? api.jobs.tree.getTreeItem(el) : undefined;
  }
  const description = async (jobId: string) => String((await row(jobId))?.description ?? '');

  before(async () => {
    api = await activateSocratune();
    fixtures = vscode.Uri.joinPath(api.services.context.extensionUri, 'test', 'fixtures', 'trainer-logs').fsPath;
  });
  after(async () => {
    await vscode.workspace.fs.delete(vscode.Uri.file(runsDir()), { recursive: true, useTrash: false }).then(undefined, () => undefined);
  });

  it('a run shows as a Jobs row that follows its log to succeeded, and its curves are the log’s points', async () => {
    const dir = runFolder('tree-ok', 'mlx-lm-330-cuda.log', '--delay 150');
    const run = await vscode.commands.executeCommand<LocalRunHandle>('socratune.runLocalRecipe', { dir: vscode.Uri.file(dir), pollMs: 50 });
    const seen = new Set<string>();
    const running = await waitFor('a running row with step and loss', async () => {
      const d = await description('local:tree-ok');
      if (d) seen.add(d);
      return /^running · step \d+\/100 · loss \d\.\d\d · (ETA \d+ min · )?meta-llama\/Llama-3\.2-3B-Instruct · local:tree-ok$/.test(d) && d;
    }).catch((err: unknown) => assert.fail(`${String(err)}; rows seen: ${[...seen].join(' | ')}`));
    assert.ok(running);
    const final = await run.done;
    assert.equal(final.state, 'succeeded');
    const done = await waitFor('the succeeded row', async () =>
      (await description('local:tree-ok')).startsWith('succeeded · meta-llama/Llama-3.2-3B-Instruct'),
    );
    assert.ok(done, [...seen].join(' | '));
    const job = api.jobs.store.job('local:tree-ok')!;
    assert.deepEqual([job.status, job.method, job.suffix], ['succeeded', 'LoRA · MLX-LM (local)', 'tree-ok']);
    const state = JSON.parse(readFileSync(path.join(dir, 'run-state.json'), 'utf8')) as { pid?: number; exit?: { code: number } };
    assert.equal(state.exit?.code, 0);
    assert.ok(state.pid! > 0);
    const expected = logToMetricPoints(parseTrainerLog(readFileSync(path.join(fixtures, 'mlx-lm-330-cuda.log'), 'utf8')));
    const panel = await api.jobs.showTrainingCurves(['local:tree-ok']);
    try {
      assert.ok(panel);
      const [series] = await panel.snapshot();
      assert.deepEqual(series!.points, expected);
      assert.equal(series!.totalSteps, 100);
      assert.equal(series!.live, false);
    } finally {
      panel?.dispose();
    }
  });

  it('Cancel on the row stops the trainer and its child; the row says cancelled', async () => {
    const dir = runFolder('tree-cancel', 'mlx-examples-557-mixtral.log', '--delay 5 --hang');
    const run = await vscode.commands.executeCommand<LocalRunHandle>('socratune.runLocalRecipe', { dir: vscode.Uri.file(dir), pollMs: 50 });
    await waitFor('the whole log replayed in the row', async () => /step 110\b/.test(await description('local:tree-cancel')), 30_000);
    const pidsFile = path.join(dir, 'train.log.pids');
    const pids = await waitFor('the stand-in wrote its pids', () => existsSync(pidsFile) && readFileSync(pidsFile, 'utf8').trim().split('\n').map(Number));
    assert.ok(pids.every(isAlive));
    await vscode.commands.executeCommand('socratune.jobs.cancel', { jobId: 'local:tree-cancel' });
    assert.equal((await run.done).state, 'cancelled');
    await waitFor('trainer and child are gone', () => pids.every((p) => !isAlive(p)), 10_000);
    await waitFor('the cancelled row', async () => (await description('local:tree-cancel')).startsWith('cancelled · '));
  });

  it('a run found on disk (as after a window reload) is followed from its log and Cancel stops its process group', async () => {
    const dir = runFolder('tree-reload', 'mlx-examples-557-mixtral.log', '');
    // The trainer another window started: its own process group, its run-state.json, no task of ours.
    const trainer = spawn(
      process.execPath,
      [path.join(fixtures, 'standin-trainer.mjs'), path.join(fixtures, 'mlx-examples-557-mixtral.log'), 'train.log', '--delay', '5', '--hang'],
      {
        cwd: dir,
        detached: true,
        stdio: 'ignore',
      },
    );
    trainer.unref();
    writeFileSync(path.join(dir, 'run-state.json'), JSON.stringify({ startedAt: Date.now(), pid: trainer.pid }));
    await vscode.commands.executeCommand('socratune.jobs.refresh');
    await waitFor('the found run in the tree, followed to step 110', async () => /^running · step 110\b/.test(await description('local:tree-reload')), 30_000);
    const pids = readFileSync(path.join(dir, 'train.log.pids'), 'utf8').trim().split('\n').map(Number);
    await vscode.commands.executeCommand('socratune.jobs.cancel', { jobId: 'local:tree-reload' });
    await waitFor('trainer and child are gone', () => pids.every((p) => !isAlive(p)), 10_000);
    await waitFor('the cancelled row', async () => (await description('local:tree-reload')).startsWith('cancelled · '), 10_000);
    const state = JSON.parse(readFileSync(path.join(dir, 'run-state.json'), 'utf8')) as { exit?: { cancelled?: boolean } };
    assert.equal(state.exit?.cancelled, true);
  });
});
