/**
 * Azure OpenAI through the v1 API (`{endpoint}/openai/v1/`, `api-key` header; the base URL and header
 * are set by src/core/config/client.ts). Fine-tuned model IDs look like `<base>.ft-<32 hex>`.
 *
 * Chat is different from OpenAI: Azure serves a fine-tuned model only after it is *deployed* (an ARM
 * call that needs an Entra token, not the API key, and that starts hourly hosting charges), and
 * chat requests name the **deployment**, not the model. Socratune therefore does not deploy on its own:
 * the user deploys in the Azure portal / `az cognitiveservices account deployment create` and tells
 * Socratune which deployment serves which model (the `deployments` map).
 */
import { AZURE_TUNABLE, catalogEntry, catalogModel, isPast } from './catalog';
import { OPENAI_API_CAPABILITIES, OpenAIShapeBackend, OpenAIShapeOptions } from './openaiShape';
import { AZURE_RULES, type LaunchRules } from './rules';
import { normalizeCheckpoint } from './normalize';
import type { BackendCapabilities, ChatTarget, JobCheckpoint, TunableModel } from './types';

export interface AzureOptions extends OpenAIShapeOptions {
  /** Fine-tuned model ID (or checkpoint ID) → deployment name, set by the user. */
  readonly deployments?: Readonly<Record<string, string>>;
}

export const AZURE_DEPLOY_DOC = 'https://learn.microsoft.com/azure/ai-foundry/openai/how-to/fine-tuning-deploy';

/** Why `name` (trimmed) cannot be an Azure deployment name, or undefined. Empty is accepted: it means "no deployment". */
export function deploymentNameError(name: string): string | undefined {
  return /^[A-Za-z0-9._-]*$/.test(name.trim()) ? undefined : 'Deployment names use letters, digits, ".", "_" and "-".';
}

export class AzureBackend extends OpenAIShapeBackend {
  readonly kind = 'azure' as const;
  readonly capabilities: BackendCapabilities = {
    ...OPENAI_API_CAPABILITIES,
    // Not documented for Azure fine-tuning jobs: the local job manifest carries the same facts.
    metadata: false,
    needsDeployment: true,
    deleteModels: false,
  };
  readonly launchRules: LaunchRules = AZURE_RULES;
  private readonly deployments: Readonly<Record<string, string>>;

  constructor(
    opts: AzureOptions,
    private readonly now: () => number = Date.now,
  ) {
    super(opts, 'Azure OpenAI');
    this.deployments = opts.deployments ?? {};
  }

  /**
   * Models whose catalog entry says `capabilities.fine_tune`, else Socratune's table of Azure's documented list; with
   * the table's retirement dates, and without models whose training has retired.
   */
  async tunableModels(signal?: AbortSignal): Promise<TunableModel[]> {
    return (await this.offered(signal)).filter((m) => !isPast(m.trainingEnds, this.now()) && !isPast(m.shutdownDate, this.now()));
  }

  private async offered(signal?: AbortSignal): Promise<TunableModel[]> {
    const listed = await this.rawModels(signal);
    const flagged = (listed ?? [])
      .map((m) => m as { id?: unknown; capabilities?: { fine_tune?: unknown } })
      .filter((m) => typeof m.id === 'string' && m.capabilities?.fine_tune === true)
      .map((m) => m.id as string);
    if (flagged.length > 0) {
      return flagged.map((id) => {
        const e = catalogEntry(AZURE_TUNABLE, id);
        return e ? catalogModel(e, true) : { id, label: id, methods: ['supervised'], listed: true };
      });
    }
    return AZURE_TUNABLE.map((e) => catalogModel(e, false));
  }

  /**
   * Azure deploys a checkpoint by its own ID (`ftchkpt-<hex>`, the deployment's `model.name`), not by the
   * `fine_tuned_model_checkpoint` name: that ID is what a deployment is mapped to and what the chat picker offers.
   */
  protected override checkpoint(raw: unknown, jobId: string): JobCheckpoint {
    const c = normalizeCheckpoint(raw, jobId);
    return /^ftchkpt-/i.test(c.id) ? { ...c, modelId: c.id } : c;
  }

  deploymentFor(modelId: string): string | undefined {
    return this.deployments[modelId];
  }

  chatTarget(modelId: string): ChatTarget {
    const deployment = this.deployments[modelId];
    if (deployment) return { ok: true, model: deployment, note: `Azure deployment "${deployment}" serving ${modelId}` };
    // A base model name may itself be a deployment name the user created.
    if (!/\.ft-|^ftchkpt-/i.test(modelId)) return { ok: true, model: modelId };
    return {
      ok: false,
      reason: 'needs-deployment',
      message:
        `Azure serves a fine-tuned model only through a deployment, and chat requests name the deployment, not "${modelId}". ` +
        'Deploy it (Azure portal, or `az cognitiveservices account deployment create`; deployments bill hourly), then run ' +
        `"Socratune: Set Azure Deployment for Model…" to tell Socratune the deployment name. ${AZURE_DEPLOY_DOC}`,
    };
  }
}
