/** The validators the dashboard uses, for tests to check what is really published. */
export { payloadErrors, schemaValidators } from '../../telemetry/validate.js';
