import { scanDatasetPrivacy } from '../core/jobs/privacy';
import type { DatasetRef, PrivacyReport } from '../core/jobs/wizard';

/** The privacy scanner the wizard runs before uploading (the dataset capability's PII scanner). */
export function privacyScanFor(): (ds: DatasetRef, signal?: AbortSignal) => Promise<PrivacyReport> {
  return scanDatasetPrivacy;
}
