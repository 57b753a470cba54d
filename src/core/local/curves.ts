/**
 * A parsed trainer log as the Training Curves panel's points (src/core/jobs/metrics.ts MetricPoint): train loss →
 * trainLoss, eval/val loss → validLoss, merged by step. After a restart the later run's value wins at a step both
 * runs logged (that is what the resumed adapter continues from). The learning rate → learningRate (its own chart).
 */
import { mergePoints, type MetricPoint } from '../jobs/metrics';
import type { TrainerLogResult } from './trainerLog';

export function logToMetricPoints(log: TrainerLogResult): MetricPoint[] {
  return mergePoints(
    log.train.map((p) => ({ step: p.step, trainLoss: p.loss })),
    log.eval.map((p) => ({ step: p.step, validLoss: p.loss })),
    log.lr.map((p) => ({ step: p.step, learningRate: p.lr })),
  );
}
