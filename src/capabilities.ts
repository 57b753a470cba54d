import * as vscode from 'vscode';
import { registerChat } from './chat/register';
import { DatasetApi, registerDataset } from './dataset';
import { EvalApi, registerEval } from './eval/register';
import { JobsApi, registerJobs } from './jobs/register';
import { registerLocal } from './local/register';
import { ModelsApi, registerModels } from './models/register';
import type { LazyHost } from './platform/lazyHost';
import { Services, createServices } from './platform/services';
import { registerDemoKey } from './settings/demoKey';
import { registerSettings } from './settings/register';
import { ValidationApi, registerValidation } from './validation/register';
import { registerWalkthrough } from './walkthrough/register';

/** What the capabilities return when they load: handles for integration tests, never used by other extensions. */
export interface SocratuneApi {
  readonly activatedInMs: number;
  /** Whether the tokenizer (BPE ranks, MBs) had been loaded when activate() returned: it must not be. */
  readonly tokenizerLoadedAtActivation: boolean;
  /** Shared services (log, keys, profile, client…) for integration tests. */
  readonly services: Services;
  readonly demoKey: ReturnType<typeof registerDemoKey>;
  readonly chat: ReturnType<typeof registerChat>;
  readonly jobsView: JobsApi['view'];
  readonly modelsView: ModelsApi['view'];
  /** Fine-tune jobs: store, scheduler, backend, wizard entry point, notifications, curves. */
  readonly jobs: JobsApi;
  readonly models: ModelsApi;
  /** Dataset authoring: store, catalog, active dataset (add selection, import, provenance, privacy, split, export). */
  readonly dataset: DatasetApi;
  /** Dataset validation: diagnostics, Validate Dataset command/report, status bar item. */
  readonly validation: ValidationApi;
  /** Evaluate Models: run/resume an evaluation, the blind-rating panel. */
  readonly eval: EvalApi;
}

/** How activation went (src/extension.ts), reported with the capabilities' handles. */
export interface ActivationFigures {
  readonly activatedInMs: number;
  readonly tokenizerLoadedAtActivation: boolean;
}

/**
 * Wiring only: construct services, register each capability. Runs on first use (a command, a view, a restored
 * panel, a dataset in the workspace), never during activation; nothing slow happens here either.
 */
export function registerCapabilities(context: vscode.ExtensionContext, host: LazyHost, figures: ActivationFigures): SocratuneApi {
  const started = performance.now();
  const services = createServices(context, host);
  registerSettings(services);
  const demoKey = registerDemoKey(services);
  const dataset = registerDataset(services);
  const chat = registerChat(services);
  const jobs = registerJobs(services);
  const models = registerModels(services, jobs);
  const validation = registerValidation(services);
  registerWalkthrough(services);
  registerLocal(services);
  const evaluation = registerEval(services);
  services.log.info(`Socratune capabilities loaded in ${(performance.now() - started).toFixed(2)} ms`);
  return {
    ...figures,
    services,
    demoKey,
    chat,
    jobsView: jobs.view,
    modelsView: models.view,
    jobs,
    models,
    validation,
    dataset,
    eval: evaluation,
  };
}
