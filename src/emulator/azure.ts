/**
 * The `azure` flavor: Azure OpenAI's v1 fine-tuning API as Microsoft documents it where it differs from OpenAI's
 * (providers.md §1.1). The paths and shapes are OpenAI's (an Azure client reaches them at `{endpoint}/openai/v1/`
 * through a path-rewriting front); what differs: the body field `trainingType` (`standard`, `globalstandard`,
 * `developerTier`; echoed on the job), Azure's suffix rule (at most 40 of a-z A-Z 0-9 - _, no "."), and checkpoint IDs
 * as Azure deploys them (`ftchkpt-<32 hex>`).
 */
import { createHash } from 'node:crypto';
import { invalidRequest } from './errors';
import { optString, type JsonObject } from './params';

const TRAINING_TYPES = ['standard', 'globalstandard', 'developerTier'];

/** Reads and removes Azure's own create fields (so the OpenAI checks see the rest); checks the suffix by Azure's rule. */
export function readAzureCreate(body: JsonObject): { trainingType?: string } {
  const trainingType = optString(body, 'trainingType');
  delete body.trainingType;
  if (trainingType !== undefined && !TRAINING_TYPES.some((t) => t.toLowerCase() === trainingType.toLowerCase()))
    throw invalidRequest(
      `Invalid value for 'trainingType': '${trainingType}'. Supported values are: ${TRAINING_TYPES.join(', ')}.`,
      'trainingType',
      'invalid_value',
    );
  const suffix = optString(body, 'suffix');
  if (suffix !== undefined && !/^[A-Za-z0-9_-]{1,40}$/.test(suffix))
    throw invalidRequest("Invalid 'suffix': it may have at most 40 characters of a-z, A-Z, 0-9, '-' and '_' (no '.').", 'suffix', 'invalid_value');
  return trainingType !== undefined ? { trainingType } : {};
}

/** `ftchkpt-<32 hex>` for an Azure job's checkpoint, undefined for other flavors. */
export function azureCheckpointId(flavorData: Record<string, unknown> | undefined, jobId: string, epoch: number): string | undefined {
  if (flavorData?.azure !== true) return undefined;
  return `ftchkpt-${createHash('sha256').update(`${jobId}\u0000checkpoint\u0000${epoch}`).digest('hex').slice(0, 32)}`;
}
