import * as vscode from 'vscode';
import { ClientOptions, ClientResult, createClient } from '../core/config/client';
import { BackendProfile } from '../core/config/profile';
import { ActiveDataset } from './activeDataset';
import { DatasetsPort } from './datasets';
import { Log } from './log';
import { ModelPrompts } from './modelPrompts';
import { ApiKeys } from './secrets';
import { readProfile } from './settings';

/** What every capability receives from `activate()`: no globals, everything disposable via the context. */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: Log;
  readonly keys: ApiKeys;
  readonly activeDataset: ActiveDataset;
  readonly modelPrompts: ModelPrompts;
  /** The dataset capability (list, active, add, findDuplicate); bound by `registerDataset`. */
  readonly datasets: DatasetsPort;
  profile(): BackendProfile;
  /** An `openai` client for the active profile, or why there is none. */
  client(opts?: ClientOptions): Promise<ClientResult>;
}

export function createServices(context: vscode.ExtensionContext): Services {
  const log = new Log();
  const keys = new ApiKeys(context.secrets, log);
  const activeDataset = new ActiveDataset(context.workspaceState);
  const modelPrompts = new ModelPrompts(context.globalState);
  const datasets = new DatasetsPort();
  context.subscriptions.push(log, keys, activeDataset, modelPrompts, datasets);
  return {
    context,
    log,
    keys,
    activeDataset,
    modelPrompts,
    datasets,
    profile: readProfile,
    async client(opts?: ClientOptions) {
      const profile = readProfile();
      const key = await keys.get(profile.provider);
      return createClient(profile, key, opts);
    },
  };
}
