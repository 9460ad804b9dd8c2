import { it } from 'vitest';
import { FAULT_CASES } from './cases';
import type { FaultCaseId } from './cases';

/** A test for one case of the table (its title: the id and the fault, as docs/FAULTS.md lists them). */
export function faultCase(id: FaultCaseId, fn: () => Promise<void>, timeoutMs = 120_000): void {
  it(`${id}: ${FAULT_CASES[id].fault}`, fn, timeoutMs);
}
