import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { SocratuneApi } from '../../../src/extension';
import type { ImportedLog } from '../../../src/local/importLog';
import { activateSocratune, waitFor } from '../support/host';

/** Import Training Log…: a real MLX-LM / HF Trainer log excerpt (test/fixtures/trainer-logs) drawn in the curves webview. */
describe('local: import training log', function () {
  this.timeout(60_000);
  let api: SocratuneApi;
  const fixture = (name: string) => vscode.Uri.joinPath(api.services.context.extensionUri, 'test', 'fixtures', 'trainer-logs', name);
  before(async () => {
    api = await activateSocratune();
  });

  it('draws an MLX-LM log: the series has its train and validation points and the webview renders them', async () => {
    const r = await vscode.commands.executeCommand<ImportedLog>('socratune.importTrainingLog', { uri: fixture('mlx-lm-330-cuda.log') });
    try {
      assert.equal(r.result.format, 'mlx');
      assert.deepEqual(r.series?.points, [
        { step: 1, validLoss: 2.936 },
        { step: 10, trainLoss: 2.662, learningRate: 0.00001 },
        { step: 20, trainLoss: 2.101, learningRate: 0.00001 },
        { step: 30, trainLoss: 1.781, learningRate: 0.00001 },
        { step: 40, trainLoss: 1.505, learningRate: 0.00001 },
        { step: 50, trainLoss: 1.585, learningRate: 0.00001 },
      ]);
      assert.equal(r.series?.totalSteps, 100);
      const rendered = await waitFor('the curves webview rendered the imported log', () => r.panel?.lastRendered, 30_000);
      assert.deepEqual([rendered.series, rendered.points], [1, 6]);
      assert.equal(rendered.learningRate, true, 'the learning-rate chart is shown for a log that has one');
    } finally {
      r.panel?.dispose();
    }
  });

  it('a Hugging Face log with nan: ordinal steps said in the series, the problem line in its note', async () => {
    const r = await vscode.commands.executeCommand<ImportedLog>('socratune.importTrainingLog', { uri: fixture('hf-vicuna-11-inf-nan.log') });
    try {
      assert.equal(r.result.format, 'hf');
      assert.match(r.series!.hyperparameters, /steps are the order of the loss lines/);
      assert.match(r.series!.note!, /inf at log line 2: loss is Infinity at step 2 — \{'loss': inf/);
      // The inf/nan losses are no points; the learning rates logged beside them are.
      assert.deepEqual(
        r.series!.points.map((p) => [p.step, p.trainLoss]),
        [
          [1, 240023.775],
          [2, undefined],
          [3, undefined],
        ],
      );
      assert.ok(r.series!.points.every((p) => p.learningRate !== undefined && p.learningRate > 0));
    } finally {
      r.panel?.dispose();
    }
  });

  it('a log without a loss line opens nothing and says so', async () => {
    const r = await vscode.commands.executeCommand<ImportedLog>('socratune.importTrainingLog', { uri: fixture('mlx-examples-841-resume-crash.log') });
    assert.equal(r.series, undefined);
    assert.equal(r.panel, undefined);
    assert.equal(r.result.problems[0]?.kind, 'crash');
  });
});
