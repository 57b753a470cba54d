import * as vscode from 'vscode';
import { ClientOptions, ClientResult, createClient } from '../core/config/client';
import { BackendProfile } from '../core/config/profile';
import { Log } from './log';
import { ApiKeys } from './secrets';
import { readProfile } from './settings';

/** What every capability receives from `activate()`: no globals, everything disposable via the context. */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: Log;
  readonly keys: ApiKeys;
  profile(): BackendProfile;
  /** An `openai` client for the active profile, or why there is none. */
  client(opts?: ClientOptions): Promise<ClientResult>;
}

export function createServices(context: vscode.ExtensionContext): Services {
  const log = new Log();
  const keys = new ApiKeys(context.secrets, log);
  context.subscriptions.push(log, keys);
  return {
    context,
    log,
    keys,
    profile: readProfile,
    async client(opts?: ClientOptions) {
      const profile = readProfile();
      const key = await keys.get(profile.provider);
      return createClient(profile, key, opts);
    },
  };
}
