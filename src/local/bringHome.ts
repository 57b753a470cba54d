/**
 * "Bring Home (Download Weights)…" on a succeeded Together LoRA fine-tune: after a confirmation that says the size
 * Together announces and where it goes, stream the adapter archive (`/finetune/download`) into
 * `.socratune/runs/<name>/`, unpack it into `adapter/`, and write a `recipe.json` marking the run as downloaded from
 * Together (job, model, base model) with the bound system prompt, plus a `run-state.json` saying it ended well, so
 * the folder is a finished local run: its Jobs row appears and "Chat with This Adapter" serves it.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BackendError } from '../core/backends/openaiShape';
import { TogetherBackend } from '../core/backends/together';
import type { FineTuneJob } from '../core/backends/types';
import { writeFileDurable } from '../core/fs/durable';
import { ArchiveError, adapterFolder, readWeightsArchive } from '../core/local/archive';
import { localJobId } from '../core/local/localJob';
import type { BackendResolution } from '../core/jobs/jobsStore';
import type { Services } from '../platform/services';
import { RUN_STATE_FILE, type LocalRuns } from './runs';
import { chatWithAdapter, type ChatWithAdapterArgs } from './serveAdapter';

export interface BringHomeArgs {
  /** The Together job (`ft-…`); a Jobs-tree row passes `{ jobId }` (a checkpoint row also its step). */
  readonly jobId?: string;
  readonly checkpoint?: { readonly step: number };
  /** The run folder's name (default: from the job's suffix and id). */
  readonly name?: string;
  /** Skip the confirmation (tests, automation). */
  readonly yes?: boolean;
  /** After the download, serve and chat with these answers instead of offering the button; false = do not offer. */
  readonly chat?: ChatWithAdapterArgs | false;
}

export type BringHomeResult =
  | { readonly status: 'downloaded'; readonly dir: string; readonly jobId: string; readonly bytes: number; readonly chatted?: boolean }
  | { readonly status: 'cancelled' }
  | { readonly status: 'blocked'; readonly message: string };

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function blocked(message: string, quiet: boolean): BringHomeResult {
  if (!quiet) void vscode.window.showWarningMessage(message);
  return { status: 'blocked', message };
}

const size = (b: number | undefined) => (b === undefined ? 'size not announced' : b < 1e6 ? `${(b / 1e3).toFixed(1)} kB` : `${(b / 1e6).toFixed(1)} MB`);

function defaultName(job: FineTuneJob, step?: number): string {
  const stem = `together-${job.suffix ? `${job.suffix}-` : ''}${job.id.replace(/^ft-/, '').slice(0, 8)}${step !== undefined ? `-step${step}` : ''}`;
  return stem.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 64);
}

/** Checks what can be refused before anything is asked or written: the backend, the job, the folder. */
async function prepare(
  backend: BackendResolution,
  args: BringHomeArgs,
): Promise<{ b: TogetherBackend; job: FineTuneJob; name: string; dir: string } | { message: string }> {
  if (!backend.ok) return { message: backend.error.message };
  const b = backend.backend;
  if (!(b instanceof TogetherBackend)) return { message: `Bring Home downloads weights from Together AI; ${b.label} offers no weights download in Socratune.` };
  if (!args.jobId) return { message: 'Bring Home needs a Together fine-tune: run it from a succeeded job in the Jobs view.' };
  const job = await b.getJob(args.jobId);
  if (job.status !== 'succeeded') return { message: `${job.id} is ${job.status}: Together has weights to download only once the job completed.` };
  const type = (job.raw as { training_type?: { type?: unknown } } | undefined)?.training_type?.type;
  if (type !== 'Lora')
    return {
      message: `${job.id} is a full fine-tune: Bring Home downloads LoRA adapters (a full model is many GB and is not served by Chat with This Adapter).`,
    };
  const name = args.name ?? defaultName(job, args.checkpoint?.step);
  if (!NAME.test(name)) return { message: `Run name "${name}" must be 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit.` };
  const root = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!root || root.scheme !== 'file') return { message: 'Open a folder first: the weights go into its .socratune/runs/.' };
  const dir = path.join(root.fsPath, '.socratune', 'runs', name);
  if (existsSync(dir)) return { message: `.socratune/runs/${name}/ exists already: choose another name or delete that folder.` };
  return { b, job, name, dir };
}

/** Unpack the adapter into `<dir>/adapter/` (the archive's folder holding adapter_config.json becomes it). */
async function unpack(dir: string, archive: string): Promise<number> {
  const files = readWeightsArchive(await readFile(archive));
  const folder = adapterFolder(files);
  if (folder === undefined) throw new ArchiveError('The download holds no adapter_config.json: it is not a LoRA adapter Socratune can serve.');
  const prefix = folder ? `${folder}/` : '';
  const mine = files.filter((f) => f.path.startsWith(prefix));
  for (const f of mine) {
    const target = path.join(dir, 'adapter', ...f.path.slice(prefix.length).split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFileDurable(target, f.data);
  }
  return mine.length;
}

async function writeRun(services: Services, dir: string, name: string, job: FineTuneJob, archive: string, step?: number): Promise<void> {
  const bound = job.fineTunedModel ? services.modelPrompts.get(job.fineTunedModel) : undefined;
  const recipe = {
    name,
    baseModel: job.baseModel,
    dataset: bound?.datasetName ?? null,
    systemPrompt: bound?.systemPrompt ?? null,
    adapterDir: 'adapter',
    ...(job.hyperparameters.nEpochs !== undefined ? { hyperparameters: { epochs: job.hyperparameters.nEpochs } } : {}),
    downloadedFrom: { provider: 'together', jobId: job.id, model: job.fineTunedModel ?? null, checkpoint: step ?? 'adapter', archive: path.basename(archive) },
  };
  await writeFileDurable(path.join(dir, 'recipe.json'), JSON.stringify(recipe, null, 2) + '\n');
  if (bound?.systemPrompt) await writeFileDurable(path.join(dir, 'system_prompt.txt'), bound.systemPrompt);
  const now = Date.now();
  await writeFileDurable(path.join(dir, RUN_STATE_FILE), JSON.stringify({ startedAt: now, endedAt: now, exit: { code: 0 } }, null, 2) + '\n');
}

function question(job: FineTuneJob, name: string, bytes: number | undefined): string {
  return (
    `Download the LoRA adapter of ${job.fineTunedModel ?? job.id} from Together (${size(bytes)}) into .socratune/runs/${name}/? ` +
    `Socratune unpacks it into adapter/ and writes recipe.json (downloaded from Together, base ${job.baseModel}, the bound prompt), ` +
    'then offers Chat with This Adapter. A download is not billed.'
  );
}

/** The command: refuse early, confirm with the size, download with progress (cancellable), unpack, register the run, offer chat. */
export async function bringHome(services: Services, runs: LocalRuns, backend: BackendResolution, args: BringHomeArgs): Promise<BringHomeResult> {
  const quiet = args.yes === true;
  const p = await prepare(backend, args).catch((err: unknown) => {
    if (err instanceof BackendError) return { message: err.info.message };
    throw err;
  });
  if ('message' in p) return blocked(p.message, quiet);
  const { b, job, name, dir } = p;
  await mkdir(dir, { recursive: true });
  const archive = path.join(dir, `${job.id}${args.checkpoint ? `-step-${args.checkpoint.step}` : ''}-adapter.tar.zst`);
  const go = 'Download';
  const cancel = new AbortController();
  const confirm = async (bytes: number | undefined) =>
    quiet || (await vscode.window.showInformationMessage(question(job, name, bytes), { modal: true }, go)) === go;
  try {
    const r = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Bringing ${job.id} home`, cancellable: true },
      (progress, token) => {
        token.onCancellationRequested(() => cancel.abort());
        let shown = 0;
        return b.downloadWeights({
          jobId: job.id,
          dest: archive,
          ...(args.checkpoint ? { checkpointStep: args.checkpoint.step } : { checkpoint: 'adapter' as const }),
          signal: cancel.signal,
          confirm,
          onProgress: (done, total) => {
            const pct = total ? (done / total) * 100 : 0;
            progress.report({ message: `${size(done)}${total ? ` of ${size(total)}` : ''}`, ...(total ? { increment: pct - shown } : {}) });
            shown = pct;
          },
        });
      },
    );
    if (r.status === 'declined') {
      await rm(dir, { recursive: true, force: true });
      return { status: 'cancelled' };
    }
    const n = await unpack(dir, archive);
    await writeRun(services, dir, name, job, archive, args.checkpoint?.step);
    services.log.info(`Bring Home ${job.id}: ${r.bytes} bytes → ${dir} (${n} adapter files).`);
    await runs.discover();
    return { status: 'downloaded', dir, jobId: localJobId(name), bytes: r.bytes, ...(await offerChat(services, runs, name, args)) };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    if (cancel.signal.aborted) return { status: 'cancelled' };
    if (err instanceof ArchiveError || err instanceof BackendError) return blocked(err instanceof BackendError ? err.info.message : err.message, false);
    throw err;
  }
}

async function offerChat(services: Services, runs: LocalRuns, name: string, args: BringHomeArgs): Promise<{ chatted?: boolean }> {
  const jobId = localJobId(name);
  if (args.chat) return { chatted: await chatWithAdapter(services, runs, jobId, args.chat) };
  if (args.chat === false) return {};
  const chat = 'Chat with This Adapter';
  void vscode.window.showInformationMessage(`${name}: the adapter is in .socratune/runs/${name}/adapter/.`, chat).then(async (c) => {
    if (c === chat) await chatWithAdapter(services, runs, jobId);
  });
  return {};
}
