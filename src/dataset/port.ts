import * as path from 'node:path';
import * as vscode from 'vscode';
import { datasetAt } from '../core/dataset/repository';
import { checkPassageText } from '../core/dataset/prepare';
import type { AddedToDataset, DuplicateQuery, ExampleInput, ExampleLocation } from '../platform/datasets';
import { DatasetService, OpenDataset, UserError } from './service';

/** The dataset to write to: `folder`, else the active one (chosen or created when there is none; undefined = dismissed). */
async function target(svc: DatasetService, folder: string | undefined, interactive: boolean): Promise<OpenDataset | undefined> {
  return folder ? svc.openAt(vscode.Uri.file(folder)) : svc.ensureActive(interactive);
}

/** Append one example from another capability (chat). Shared by `services.datasets.add` and `socratune.addExample`. */
export async function addOne(
  svc: DatasetService,
  ex: ExampleInput & { source?: { file: string; startLine: number; endLine: number } },
): Promise<AddedToDataset | undefined> {
  const problem = checkPassageText(ex.assistant) ?? (ex.user.trim() ? undefined : { message: 'The user prompt is empty. Nothing was written.' });
  if (problem) throw new UserError(problem.message);
  const ds = await target(svc, ex.datasetFolder, true);
  if (!ds) return undefined; // the user dismissed the dataset picker: nothing written
  // The dataset's training system prompt (or its "none") always wins, so one dataset never mixes prompts;
  // a different system prompt from the caller (e.g. the chat's) is only noted in the log.
  if (ex.system !== undefined && ex.system !== ds.store.settings.systemPrompt)
    svc.s.log.info(`addExample: the caller's system prompt differs from the training system prompt of “${ds.store.name}”; the dataset's is used.`);
  const dup = ds.catalog.findDuplicates(ex.assistant)[0];
  const [added] = await svc.add(ds, [{ user: ex.user, assistant: ex.assistant, origin: ex.origin, source: ex.source }]);
  return {
    id: added.id,
    datasetName: ds.store.name,
    datasetFolder: ds.uri.fsPath,
    line: added.line,
    ...(dup ? { duplicateOf: { split: dup.ref.split, line: dup.ref.line, id: dup.ref.id, kind: dup.kind, similarity: dup.similarity } } : {}),
  };
}

/**
 * An existing example with exactly this prompt and answer (what chat refuses to add twice); with `near`, else the
 * example whose answer is most like this one (an exact answer under another prompt counts as near), which chat asks about.
 */
export async function findDuplicate(svc: DatasetService, ex: DuplicateQuery): Promise<ExampleLocation | undefined> {
  const ds = ex.datasetFolder ? await svc.openAt(vscode.Uri.file(ex.datasetFolder)) : await svc.active();
  if (!ds) return undefined;
  const matches = ds.catalog.findDuplicates(ex.assistant);
  const hit = matches.find((m) => m.kind === 'exact' && m.ref.user.trim() === ex.user.trim());
  if (hit) return { split: hit.ref.split, line: hit.ref.line, id: hit.ref.id, kind: 'exact', similarity: 1 };
  const near = ex.near ? matches[0] : undefined;
  return near ? { split: near.ref.split, line: near.ref.line, id: near.ref.id, kind: 'near', similarity: near.similarity } : undefined;
}

/** Binds `services.datasets` to this capability. */
export function bindDatasetsPort(svc: DatasetService): vscode.Disposable {
  return svc.s.datasets.bind(
    {
      list: () => svc.repository.list(),
      active: async () => {
        const uri = svc.s.activeDataset.uri;
        return uri ? datasetAt(path.resolve(uri.fsPath), true) : undefined;
      },
      add: (ex) => addOne(svc, ex),
      findDuplicate: (ex) => findDuplicate(svc, ex),
    },
    svc.onDidChange,
  );
}
