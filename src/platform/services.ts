import * as vscode from 'vscode';
import { ClientOptions, ClientResult, createClient } from '../core/config/client';
import { BackendProfile } from '../core/config/profile';
import { ActiveDataset } from './activeDataset';
import { DatasetsPort } from './datasets';
import type { LazyHost } from './lazyHost';
import { Log } from './log';
import { ModelPrompts } from './modelPrompts';
import { OnboardingContext } from './onboarding';
import { ApiKeys } from './secrets';
import { readProfile } from './settings';

/**
 * How other capabilities open the chat (the Jobs and Models trees, job notifications): a typed entry point
 * instead of `executeCommand('socratune.chatWith', …)`. Models are the names chat sends (an Azure deployment
 * for an Azure fine-tune). Provided by the chat capability (src/chat/register.ts).
 */
export interface ChatEntry {
  chatWith(model: string): Promise<void>;
  compareWith(modelA: string, modelB: string): Promise<void>;
}

/**
 * How other capabilities show a dataset's validation report (the launch wizard's "Validate Dataset" button).
 * Provided by the validation capability (src/validation/register.ts).
 */
export interface ValidationEntry {
  showReport(datasetFolder: vscode.Uri): Promise<void>;
}

/** Where a capability provides its entry point; `current` is undefined until (or unless) it does. */
export class EntrySlot<T> {
  private entry: T | undefined;
  get current(): T | undefined {
    return this.entry;
  }
  provide(entry: T): vscode.Disposable {
    this.entry = entry;
    return new vscode.Disposable(() => {
      if (this.entry === entry) this.entry = undefined;
    });
  }
}

export type ChatEntrySlot = EntrySlot<ChatEntry>;

/** What every capability receives from `activate()`: no globals, everything disposable via the context. */
export interface Services {
  readonly context: vscode.ExtensionContext;
  /** The views and panel serializers registered at activation: capabilities bind their providers here. */
  readonly views: LazyHost;
  readonly log: Log;
  readonly keys: ApiKeys;
  readonly activeDataset: ActiveDataset;
  readonly modelPrompts: ModelPrompts;
  /** The dataset capability (list, active, add, findDuplicate); bound by `registerDataset`. */
  readonly datasets: DatasetsPort;
  /** Open the chat with a model, or compare two (see `ChatEntry`). */
  readonly chatEntry: ChatEntrySlot;
  /** Show a dataset's validation report (see `ValidationEntry`). */
  readonly validationEntry: EntrySlot<ValidationEntry>;
  /** Onboarding context keys (walkthrough steps, the Jobs welcome's Set API Key). */
  readonly onboarding: OnboardingContext;
  profile(): BackendProfile;
  /** An `openai` client for the active profile, or why there is none. */
  client(opts?: ClientOptions): Promise<ClientResult>;
}

export function createServices(context: vscode.ExtensionContext, views: LazyHost): Services {
  const log = new Log(views.logChannel);
  const keys = new ApiKeys(context.secrets, log);
  const activeDataset = new ActiveDataset(context.workspaceState);
  const modelPrompts = new ModelPrompts(context.globalState);
  const datasets = new DatasetsPort();
  context.subscriptions.push(log, keys, activeDataset, modelPrompts, datasets);
  return {
    context,
    views,
    log,
    keys,
    activeDataset,
    modelPrompts,
    datasets,
    chatEntry: new EntrySlot<ChatEntry>(),
    validationEntry: new EntrySlot<ValidationEntry>(),
    onboarding: new OnboardingContext(log),
    profile: readProfile,
    async client(opts?: ClientOptions) {
      const profile = readProfile();
      const key = await keys.get(profile.provider);
      return createClient(profile, key, opts);
    },
  };
}
