import { readFileSync } from 'node:fs';
import { ConfigError, type ConfigProblem } from '../../platform/errors.js';
import type { Config } from './schema.js';

/**
 * Secrets and TLS material, read from the files the configuration names. They are kept
 * apart from the Config object so that logging the configuration can never print them.
 */
export interface MqttSecrets {
  password?: Buffer;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export function readMqttSecrets(mqtt: Config['mqtt'], source: string): MqttSecrets {
  const problems: ConfigProblem[] = [];
  const read = (key: 'passwordFile' | 'ca' | 'cert' | 'key'): Buffer | undefined => {
    const file = mqtt[key];
    if (file === undefined) return undefined;
    try {
      return readFileSync(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied for this user' : code;
      problems.push({ path: `mqtt.${key}`, message: `cannot read ${file}: ${why}` });
      return undefined;
    }
  };
  const passwordBytes = read('passwordFile');
  const secrets: MqttSecrets = { ca: read('ca'), cert: read('cert'), key: read('key') };
  if (passwordBytes !== undefined) {
    // A trailing newline from `echo pass > file` is not part of the password.
    const password = passwordBytes.toString('utf8').replace(/\r?\n$/, '');
    if (password.length === 0) problems.push({ path: 'mqtt.passwordFile', message: `${mqtt.passwordFile} is empty` });
    secrets.password = Buffer.from(password, 'utf8');
  }
  if (problems.length > 0) throw new ConfigError(source, problems);
  return secrets;
}
