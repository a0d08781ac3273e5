/**
 * Area service: status, self-description and routing. Facts: obs. 12a–12c, 12g.
 */
import { parse } from 'yaml';
import { covers } from './covers.ts';
import { expect, should, test } from './fixtures.ts';

const allow = (value: string | undefined) => (value ?? '').split(',').map((m) => m.trim().toUpperCase()).filter(Boolean);

test('HEAD /status answers 200', covers('STATUS-HEAD'), async ({ api }) => {
  // obs. 12a (only HEAD is routed there)
  const res = await api.head('/status');
  expect(res.status, res.describe()).toBe(200);
});

test('a known path with an unsupported method gets 405 with an Allow header', covers('ROUTING-405-ALLOW'), async ({ api }) => {
  // obs. 12b (GET /status → Allow: HEAD, OPTIONS), 12g (GET /token → Allow: OPTIONS, POST)
  const status = await api.get('/status');
  expect(status.status, status.describe()).toBe(405);
  expect(allow(status.header('allow')), `Allow on GET /status: ${status.describe()}`).toContain('HEAD');
  expect(allow(status.header('allow')), 'Allow does not offer the refused method').not.toContain('GET');
  const token = await api.get('/token');
  expect(token.status, token.describe()).toBe(405);
  expect(allow(token.header('allow')), `Allow on GET /token: ${token.describe()}`).toContain('POST');
  expect(allow(token.header('allow')), 'Allow does not offer the refused method').not.toContain('GET');
});

test(
  'GET /api/api.yml serves the API description as YAML',
  covers('API-DESCRIPTION'),
  should(async ({ api }) => {
    // obs. 12c: the real service serves its Swagger 2.0 file as application/x-yaml.
    const res = await api.get('/api/api.yml');
    expect(res.status, res.describe()).toBe(200);
    expect(res.header('content-type') ?? '', 'a YAML media type').toMatch(/yaml/i);
    const document = parse(res.text) as { swagger?: unknown; openapi?: unknown; paths?: Record<string, unknown> };
    expect(Boolean(document?.swagger ?? document?.openapi), 'a Swagger or OpenAPI document').toBe(true);
    expect(Object.keys(document.paths ?? {}), 'it describes /token').toContain('/token');
  }),
);
