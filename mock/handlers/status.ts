/** Service status and self-description. */
import type { Handler } from './types.ts';

/** Only HEAD is routed; GET gets 405 from the router (obs. 12a, 12b). */
const headStatus: Handler = () => ({ status: 200, body: {} });

/** Serves this kit's own description (the real service serves its Swagger 2.0 file, obs. 12c). */
const getApiDescription: Handler = (context) => ({
  status: 200,
  text: { body: context.spec.source, contentType: 'application/x-yaml' },
});

/** Handlers of the status operations, by operationId. */
export const statusHandlers: Record<string, Handler> = { headStatus, getApiDescription };
