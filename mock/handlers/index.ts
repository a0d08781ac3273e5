/** Every handler, keyed by the spec's operationId. */
import type { ApiSpec } from '../../spec/loader.ts';
import { emailHandlers } from './emails.ts';
import { passwordResetHandlers } from './password-reset.ts';
import { backendHandlers } from './backends.ts';
import { groupHandlers } from './groups.ts';
import { policyHandlers } from './policies.ts';
import { configHandlers } from './config.ts';
import { externalHandlers } from './external.ts';
import { mobileHandlers } from './mobile.ts';
import { sessionHandlers } from './sessions.ts';
import { tenantSessionHandlers } from './tenant-sessions.ts';
import { statusHandlers } from './status.ts';
import { tenantHandlers } from './tenants.ts';
import { tokenHandlers } from './tokens.ts';
import type { Handler } from './types.ts';
import { userHandlers } from './users.ts';

export type { Handler, HandlerContext, HandlerResult } from './types.ts';

/** operationId → handler. */
export const handlers: Readonly<Record<string, Handler>> = {
  ...tokenHandlers,
  ...userHandlers,
  ...sessionHandlers,
  ...statusHandlers,
  ...tenantHandlers,
  ...emailHandlers,
  ...passwordResetHandlers,
  ...backendHandlers,
  ...policyHandlers,
  ...groupHandlers,
  ...configHandlers,
  ...tenantSessionHandlers,
  ...externalHandlers,
  ...mobileHandlers,
};

/** The spec's operations that have no handler (the mock refuses to start with any). */
export function unhandledOperations(spec: ApiSpec): string[] {
  return spec.operations.map((o) => o.operationId).filter((id) => !(id in handlers));
}
