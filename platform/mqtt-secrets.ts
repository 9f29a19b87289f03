import { readKeyFile, readSecretFile, UnreadableFileError } from '../hal/secret-file.js';
import type { MqttSection } from '../telemetry/config.js';
import { ConfigError, type ConfigProblem } from '../core/errors.js';

/**
 * Secrets and TLS material of the mqtt section (the agent's and the dashboard's), read from the
 * files it names. They are kept apart from the configuration object so that logging the
 * configuration can never print them.
 */
export interface MqttSecrets {
  password?: Buffer;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export function readMqttSecrets(mqtt: Pick<MqttSection, 'passwordFile' | 'ca' | 'cert' | 'key'>, source: string): MqttSecrets {
  const problems: ConfigProblem[] = [];
  const read = (key: 'passwordFile' | 'ca' | 'cert' | 'key', reader: (file: string) => Buffer): Buffer | undefined => {
    const file = mqtt[key];
    if (file === undefined) return undefined;
    try {
      return reader(file);
    } catch (err) {
      if (!(err instanceof UnreadableFileError)) throw err;
      problems.push({ path: `mqtt.${key}`, message: err.message });
      return undefined;
    }
  };
  const secrets: MqttSecrets = { password: read('passwordFile', readSecretFile), ca: read('ca', readKeyFile), cert: read('cert', readKeyFile), key: read('key', readKeyFile) };
  if (problems.length > 0) throw new ConfigError(source, problems);
  return secrets;
}
