// What every pod_failed finding adds after its decisive lines: how far the queue got, what GET /metadata
// answered, the backend's error about the job, and which logs could not be read.
import type { Analysis } from '../analysis';
import { backendErrorEvidence, brokerEvidence, logProblems, metadataEvidence } from '../diagnoseEvidence';

export function failureContext(a: Analysis): string[] {
  return [...brokerEvidence(a), metadataEvidence(a), backendErrorEvidence(a), ...logProblems(a)];
}
