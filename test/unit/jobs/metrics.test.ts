import { strict as assert } from 'node:assert';
import { normalizeEvent } from '../../../src/core/backends/normalize';
import { decodeResultsFile, mergePoints, parseResultsCsv, pointsFromCheckpoints, pointsFromEvents, totalSteps } from '../../../src/core/jobs/metrics';
import { normalizeCheckpoint } from '../../../src/core/backends/normalize';

const CSV = 'step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy\n1,1.52347,0.0,,\n2,0.57719,0.0,,\n3,3.63525,0.0,,\n4,1.72257,0.0,2.1,0.5\n';

describe('results CSV', () => {
  it('parses plain CSV with empty cells as no value', () => {
    const r = parseResultsCsv(CSV);
    assert.equal(r.points.length, 4);
    assert.deepEqual(r.points[0], { step: 1, trainLoss: 1.52347, trainAccuracy: 0 });
    assert.deepEqual(r.points[3], { step: 4, trainLoss: 1.72257, trainAccuracy: 0, validLoss: 2.1, validAccuracy: 0.5 });
    assert.deepEqual(r.skippedLines, []);
  });

  it('decodes base64-encoded CSV (as the cookbook does), with or without line wrapping', () => {
    const b64 = Buffer.from(CSV).toString('base64');
    assert.equal(decodeResultsFile(b64), CSV);
    const wrapped = b64.replace(/(.{60})/g, '$1\n');
    assert.equal(decodeResultsFile(Buffer.from(wrapped)), CSV);
    assert.equal(parseResultsCsv(Buffer.from(b64)).points.length, 4);
  });

  it('leaves plain CSV alone even though it could look like base64', () => {
    assert.equal(decodeResultsFile(CSV), CSV);
    assert.equal(decodeResultsFile('\uFEFF' + CSV), CSV);
  });

  it('treats -1 (Azure) and NaN as no value, reads full_valid columns, reports bad rows', () => {
    const csv =
      'step,train_loss,train_mean_token_accuracy,valid_loss,valid_mean_token_accuracy,full_valid_loss,full_valid_mean_token_accuracy\r\n' +
      '10,0.5,0.8,-1,-1,0.7,0.75\r\n' +
      '11,0.4,nan,,,,\r\n' +
      'garbage\r\n' +
      ',0.3,0.9,,,,\r\n';
    const r = parseResultsCsv(csv);
    assert.deepEqual(r.points, [
      { step: 10, trainLoss: 0.5, trainAccuracy: 0.8, fullValidLoss: 0.7, fullValidAccuracy: 0.75 },
      { step: 11, trainLoss: 0.4 },
    ]);
    assert.deepEqual(r.skippedLines, [4, 5]);
  });

  it('handles quoted headers and an empty file', () => {
    assert.equal(parseResultsCsv('"step","train_loss"\n"1","0.25"\n').points[0]?.trainLoss, 0.25);
    assert.deepEqual(parseResultsCsv('').points, []);
    assert.deepEqual(parseResultsCsv('not,a,results,file\n1,2,3,4').points, []);
  });
});

describe('metrics from events and checkpoints', () => {
  const ev = (id: string, t: number, data: unknown, type = 'metrics') =>
    normalizeEvent({ id, object: 'fine_tuning.job.event', created_at: t, level: 'info', message: 'Step', type, data });

  it('reads metrics events in any order, deduped by step', () => {
    const events = [
      ev('e3', 300, { step: 3, train_loss: 0.3, total_steps: 10 }),
      ev('e1', 100, { step: 1, train_loss: 1.0, train_mean_token_accuracy: 0.5 }),
      ev('m', 150, null, 'message'),
      ev('e2', 200, { step: 2, train_loss: 0.6, valid_loss: 0.9, full_valid_loss: 0.8, valid_mean_token_accuracy: 0.55, full_valid_mean_token_accuracy: 0.6 }),
      ev('e2b', 250, { step: 2, train_loss: 0.61 }),
    ];
    const pts = pointsFromEvents(events);
    assert.deepEqual(
      pts.map((p) => p.step),
      [1, 2, 3],
    );
    assert.equal(pts[1].trainLoss, 0.61);
    assert.equal(pts[1].fullValidLoss, 0.8);
    assert.equal(pts[1].validAccuracy, 0.55);
    assert.equal(totalSteps(events), 10);
  });

  it('merges sources: later ones fill gaps and win', () => {
    const merged = mergePoints(
      [{ step: 1, trainLoss: 1 }],
      [
        { step: 1, validLoss: 2 },
        { step: 2, trainLoss: 0.5 },
      ],
    );
    assert.deepEqual(merged, [
      { step: 1, trainLoss: 1, validLoss: 2 },
      { step: 2, trainLoss: 0.5 },
    ]);
  });

  it('turns checkpoints into points at their step', () => {
    const cp = normalizeCheckpoint(
      {
        id: 'ftckpt_1',
        created_at: 1,
        fine_tuned_model_checkpoint: 'ft:x:o::a:ckpt-step-8',
        step_number: 8,
        metrics: { train_loss: 0.2, full_valid_loss: 0.3 },
      },
      'ftjob-1',
    );
    assert.deepEqual(pointsFromCheckpoints([cp]), [{ step: 8, trainLoss: 0.2, fullValidLoss: 0.3 }]);
  });
});
