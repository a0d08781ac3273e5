/**
 * wazo-auth-kit's JavaScript API: the wazo-auth mock for a frontend's own tests (`startMock`). The
 * conformance suite is run with the command line (`npx wazo-auth-kit test`). Also `wazo-auth-kit/mock`.
 */
export { startMock } from './mock/start-mock.ts';
export type {
  BehaviourFault,
  BehaviourFaultView,
  InjectedFault,
  LogLevel,
  OperationFault,
  StartMockOptions,
  TlsMode,
  UserEntry,
  WazoAuthMock,
} from './mock/start-mock.ts';
