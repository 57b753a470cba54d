import * as vscode from 'vscode';
import { registerChat } from './chat/chatViewProvider';
import { registerJobs } from './jobs/jobsView';
import { registerModels } from './models/modelsView';
import { Services, createServices } from './platform/services';
import { registerDemoKey } from './settings/demoKey';
import { registerSettings } from './settings/register';

/** What `activate()` returns: handles for integration tests, never used by other extensions. */
export interface SocratuneApi {
  readonly activatedInMs: number;
  /** Shared services (log, keys, profile, client…) for integration tests. */
  readonly services: Services;
  readonly demoKey: ReturnType<typeof registerDemoKey>;
  readonly chat: ReturnType<typeof registerChat>;
  readonly jobsView: ReturnType<typeof registerJobs>;
  readonly modelsView: ReturnType<typeof registerModels>;
}

/** Wiring only: construct services, register each capability. Nothing slow happens here. */
export function activate(context: vscode.ExtensionContext): SocratuneApi {
  const started = performance.now();
  const services = createServices(context);
  registerSettings(services);
  const demoKey = registerDemoKey(services);
  const chat = registerChat(services);
  const jobsView = registerJobs(services);
  const modelsView = registerModels(services);
  const activatedInMs = performance.now() - started;
  services.log.info(`Socratune activated in ${activatedInMs.toFixed(1)} ms`);
  return { activatedInMs, services, demoKey, chat, jobsView, modelsView };
}

export function deactivate(): void {
  // Everything registered is in context.subscriptions and disposed by VS Code.
}
