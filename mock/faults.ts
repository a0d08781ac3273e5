/**
 * Injected faults. Two kinds:
 * - operation faults, set at run time through `/_mock/faults`: a forced status and/or a latency on one
 *   operation, optionally for the next `times` calls only;
 * - named behaviour faults (reserved for `--fault NAME`, a later issue): each makes the mock break
 *   exactly one rule. Handlers read them from `HandlerContext.faults`; none is defined yet.
 */

/** A forced answer or delay for one operation. */
export interface OperationFault {
  operationId: string;
  /** Status to answer instead of running the handler. */
  status?: number;
  /** Delay before answering, in milliseconds. */
  latencyMs?: number;
  /** How many more calls it applies to; unlimited when absent. */
  times?: number;
}

/** The names of behaviour faults; empty until `--fault` lands. */
export type BehaviourFault = never;

/** The operation faults currently armed. */
export class FaultRegistry {
  private readonly byOperation = new Map<string, OperationFault>();

  set(fault: OperationFault): void {
    this.byOperation.set(fault.operationId, { ...fault });
  }

  /** Takes the fault for one call of an operation, counting it down. */
  take(operationId: string): OperationFault | undefined {
    const fault = this.byOperation.get(operationId);
    if (!fault) return undefined;
    if (fault.times !== undefined) {
      fault.times -= 1;
      if (fault.times <= 0) this.byOperation.delete(operationId);
    }
    return fault;
  }

  list(): OperationFault[] {
    return [...this.byOperation.values()].map((f) => ({ ...f }));
  }

  clear(): void {
    this.byOperation.clear();
  }
}
