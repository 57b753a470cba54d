import type { FineTuneJob, JobCheckpoint } from '../core/backends/types';
import { ManifestStore, readJobMetadata, sha256Hex } from '../core/jobs/manifest';
import type { DatasetRef } from '../core/dataset/repository';
import type { BoundPrompt, ModelPrompts } from '../platform/modelPrompts';

/**
 * Binds each fine-tuned model (and its checkpoints) to the system prompt it was trained with, so chat
 * addresses it the same way. Source of truth: the local job manifest; otherwise the job's metadata
 * prompt hash matched against the prompts of the datasets the dataset repository lists (custom folder included). A prompt the user set by hand is never
 * replaced.
 */
export class PromptBinder {
  constructor(
    private readonly prompts: ModelPrompts,
    private readonly manifests: ManifestStore,
    private readonly datasets: { list(): Promise<DatasetRef[]> },
  ) {}

  async promptForJob(job: FineTuneJob): Promise<{ systemPrompt: string; datasetName?: string } | undefined> {
    const m = await this.manifests.load(job.id);
    if (m?.systemPrompt) return { systemPrompt: m.systemPrompt.text, datasetName: m.dataset.name };
    const md = readJobMetadata(job.metadata);
    if (!md.promptSha256) return undefined;
    for (const ds of await this.datasets.list()) {
      if (ds.systemPrompt !== undefined && sha256Hex(ds.systemPrompt) === md.promptSha256)
        return { systemPrompt: ds.systemPrompt, datasetName: md.datasetName ?? ds.name };
    }
    return undefined;
  }

  /** Returns the model IDs newly bound. */
  async bindJob(job: FineTuneJob, checkpoints: readonly JobCheckpoint[] = []): Promise<string[]> {
    const ids = [job.fineTunedModel, ...checkpoints.map((c) => c.modelId)].filter((x): x is string => !!x);
    if (ids.every((id) => this.prompts.get(id) !== undefined)) return [];
    const p = await this.promptForJob(job);
    if (!p) return [];
    const bound: BoundPrompt = { systemPrompt: p.systemPrompt, source: 'job', datasetName: p.datasetName };
    const done: string[] = [];
    for (const id of ids) {
      // Checked at write time: a binding made meanwhile (by the user, say) is never replaced.
      if (this.prompts.get(id) !== undefined) continue;
      await this.prompts.set(id, bound);
      done.push(id);
    }
    return done;
  }
}
