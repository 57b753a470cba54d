/**
 * Worker-thread entry (bundled to dist/validationWorker.js): validates one byte range of a JSONL file
 * and posts progress and a mergeable partial result back. See validate.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { validateRange, type WorkerJob, type WorkerMessage } from './validate';

const port = parentPort;
if (port) {
  const job = workerData as WorkerJob;
  let pendingBytes = 0;
  let last = Date.now();
  const post = (m: WorkerMessage): void => port.postMessage(m);
  validateRange(job, {
    onBytes: (n) => {
      pendingBytes += n;
      const now = Date.now();
      if (now - last >= 50) {
        post({ type: 'progress', bytes: pendingBytes });
        pendingBytes = 0;
        last = now;
      }
    },
  }).then(
    (partial) => {
      if (pendingBytes > 0) post({ type: 'progress', bytes: pendingBytes });
      post({ type: 'done', partial });
    },
    (err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
}
