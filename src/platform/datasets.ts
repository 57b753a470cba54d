import * as vscode from 'vscode';
import type { DatasetRef } from '../core/dataset/repository';
import type { Origin } from '../core/dataset/types';

export type { DatasetRef };

/** One example another capability hands to the dataset (chat's "Add to Training Set"). */
export interface ExampleInput {
  readonly user: string;
  readonly assistant: string;
  /** The caller's system prompt; the dataset's training system prompt always wins (noted in the log). */
  readonly system?: string;
  readonly origin: Origin;
  /** Target dataset folder; default the active dataset (chosen or created when there is none). */
  readonly datasetFolder?: string;
}

/** Where an existing example is: its file and 1-based line. */
export interface ExampleLocation {
  readonly split: 'train' | 'validation';
  readonly line?: number;
  readonly id?: string;
  readonly kind: 'exact' | 'near';
  readonly similarity?: number;
}

export interface AddedToDataset {
  readonly id: string;
  readonly datasetName: string;
  readonly datasetFolder: string;
  readonly line?: number;
  /** An existing example this one duplicates (exact or near), most similar first. */
  readonly duplicateOf?: ExampleLocation;
}

/** What `findDuplicate` looks for: this prompt and answer, in the active dataset or `datasetFolder`. */
export interface DuplicateQuery {
  readonly user: string;
  readonly assistant: string;
  readonly datasetFolder?: string;
  /** Also return the most similar answer when there is no exact duplicate (`kind: 'near'`). */
  readonly near?: boolean;
}

/**
 * The dataset capability as other capabilities reach it (`services.datasets`): typed calls, not command strings.
 * The folder setting (`socratune.dataset.folder`) is honoured by every call.
 */
export interface Datasets {
  /** Every dataset with a train.jsonl, the active one first. */
  list(): Promise<DatasetRef[]>;
  /** The active dataset, or undefined when none is set or its folder is gone. */
  active(): Promise<DatasetRef | undefined>;
  /** Append one example. Undefined when the user dismissed the dataset picker (nothing written); throws with a message for bad input. */
  add(example: ExampleInput): Promise<AddedToDataset | undefined>;
  /**
   * The existing example of the active dataset (or `datasetFolder`) with this exact user/assistant pair, if any;
   * with `near`, else the example whose answer is most like this one.
   */
  findDuplicate(example: DuplicateQuery): Promise<ExampleLocation | undefined>;
  /** Fires with a dataset folder after its examples changed (adds, removes, hand edits). */
  readonly onDidChange: vscode.Event<vscode.Uri>;
}

/**
 * `services.datasets` before and after the dataset capability registers: created with the other services, bound by
 * `registerDataset`. A call before that fails with a message (it cannot happen in the wired extension).
 */
export class DatasetsPort implements Datasets, vscode.Disposable {
  private impl: Omit<Datasets, 'onDidChange'> | undefined;
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  bind(impl: Omit<Datasets, 'onDidChange'>, onDidChange: vscode.Event<vscode.Uri>): vscode.Disposable {
    this.impl = impl;
    return onDidChange((u) => this.changed.fire(u));
  }

  private need(): Omit<Datasets, 'onDidChange'> {
    if (!this.impl) throw new Error('The dataset capability is not registered yet.');
    return this.impl;
  }

  list(): Promise<DatasetRef[]> {
    return this.need().list();
  }
  active(): Promise<DatasetRef | undefined> {
    return this.need().active();
  }
  add(example: ExampleInput): Promise<AddedToDataset | undefined> {
    return this.need().add(example);
  }
  findDuplicate(example: DuplicateQuery): Promise<ExampleLocation | undefined> {
    return this.need().findDuplicate(example);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
