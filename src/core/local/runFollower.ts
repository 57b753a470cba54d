/**
 * Following a local run from its log on disk (the file run.sh tees into): read what was appended since the last poll,
 * feed the incremental parser, and derive what the Jobs tree shows (state, step of total, loss, ETA, problems).
 * Works after a window reload too: a new follower re-reads the file from the start.
 */
import { open, stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { TrainerLogParser, type LogProblem, type TrainerLogFormat, type TrainerLogResult } from './trainerLog';

export type RunState = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface RunExit {
  code: number | null;
  signal?: string | null;
  /** The user pressed Cancel (the process tree was stopped on purpose). */
  cancelled?: boolean;
}

export interface RunStatus {
  state: RunState;
  step?: number;
  total?: number;
  trainLoss?: number;
  evalLoss?: number;
  /** Seconds left at the pace so far, when step and total are known. */
  etaSeconds?: number;
  problems: LogProblem[];
  /** One line for the tree / a notification: the failure or the first problem, with its log line. */
  message?: string;
}

export class LogFollower {
  private parser: TrainerLogParser;
  private decoder = new StringDecoder('utf8');
  private offset = 0;

  constructor(
    private readonly file: string,
    private readonly format: TrainerLogFormat | 'auto' = 'auto',
  ) {
    this.parser = new TrainerLogParser(format);
  }

  /** Read what the file gained since the last poll (a missing file is an empty log; a truncated one starts over). */
  async poll(): Promise<TrainerLogResult> {
    let size: number;
    try {
      size = (await stat(this.file)).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return this.parser.result();
      throw err;
    }
    if (size < this.offset) {
      this.parser = new TrainerLogParser(this.format);
      this.decoder = new StringDecoder('utf8');
      this.offset = 0;
    }
    if (size > this.offset) {
      const fh = await open(this.file, 'r');
      try {
        const buf = Buffer.alloc(size - this.offset);
        const { bytesRead } = await fh.read(buf, 0, buf.length, this.offset);
        this.offset += bytesRead;
        this.parser.feed(this.decoder.write(buf.subarray(0, bytesRead)));
      } finally {
        await fh.close();
      }
    }
    return this.parser.result();
  }

  /** The process ended: parse the last unterminated line too. */
  async finish(): Promise<TrainerLogResult> {
    await this.poll();
    this.parser.feed(this.decoder.end());
    this.parser.end();
    return this.parser.result();
  }
}

function describe(p: LogProblem): string {
  const last = p.lines.at(-1)?.trim();
  return last && !p.message.includes(last) ? `${p.message} (log line ${p.line}): ${last}` : `${p.message} (log line ${p.line})`;
}

/**
 * The status of a run from its parsed log and, once it ended, its exit. `elapsedSeconds` (since the first step
 * started) gives the ETA. Without an exit (e.g. after a reload, when the process is not ours) a crash in the log means
 * failed and reaching the announced total means succeeded; otherwise it is running.
 */
export function runStatus(log: TrainerLogResult, exit?: RunExit, elapsedSeconds?: number): RunStatus {
  const step = log.progress?.step ?? log.train.at(-1)?.step;
  const total = log.progress?.total;
  const crash = log.problems.find((p) => p.kind === 'crash');
  let state: RunState;
  if (exit?.cancelled) state = 'cancelled';
  else if (exit) state = exit.code === 0 && !crash ? 'succeeded' : 'failed';
  else if (crash) state = 'failed';
  else state = total !== undefined && step !== undefined && step >= total ? 'succeeded' : 'running';
  const status: RunStatus = { state, problems: log.problems };
  if (step !== undefined) status.step = step;
  if (total !== undefined) status.total = total;
  const lastTrain = log.train.at(-1);
  if (lastTrain) status.trainLoss = lastTrain.loss;
  const lastEval = log.eval.at(-1);
  if (lastEval) status.evalLoss = lastEval.loss;
  if (state === 'running' && step && total && elapsedSeconds !== undefined && step < total)
    status.etaSeconds = Math.round((elapsedSeconds / step) * (total - step));
  const nonFinite = log.problems.find((p) => p.kind === 'nan' || p.kind === 'inf');
  if (state === 'failed')
    status.message = crash ? describe(crash) : `the trainer exited with ${exit?.signal ? `signal ${exit.signal}` : `code ${String(exit?.code)}`}`;
  else if (state === 'cancelled') status.message = 'cancelled';
  if (nonFinite) status.message = status.message ? `${status.message}; ${describe(nonFinite)}` : describe(nonFinite);
  return status;
}
