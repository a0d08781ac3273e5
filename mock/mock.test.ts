/**
 * Runs the mock's spec-backed test cases (mock/tests/*.cases.ts) in one process. Each test process
 * pays about a second for tsx, the YAML parse of the spec and ajv; grouping these files keeps
 * `npm run test:unit` fast. Each case file starts its own server and scopes its hooks in a `describe`.
 */
import './tests/validate.cases.ts';
import './tests/config.cases.ts';
import './tests/http-tokens.cases.ts';
import './tests/http-users.cases.ts';
import './tests/http-tenants.cases.ts';
import './tests/http-saml-config.cases.ts';
import './tests/http-routing.cases.ts';
import './tests/robustness.cases.ts';
import './tests/seed-tutorial.cases.ts';
import './tests/replay.cases.ts';
import './tests/state-page.cases.ts';
