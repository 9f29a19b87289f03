/**
 * Reading the files a configuration names for secrets and key material (a broker password, a
 * upsd password, a bearer token, a CA or a client key), one way for every reader: the agent's
 * MQTT section, the NUT and HTTP drivers, the dashboard's token. A failure says why in words a
 * technician acts on; the caller says which key named the file.
 */
import { readFileSync } from 'node:fs';

export class UnreadableFileError extends Error {
  constructor(
    readonly file: string,
    /** Why, in words: "no such file", "permission denied for this user", "it is empty", ... */
    readonly why: string,
  ) {
    super(`cannot read ${file}: ${why}`);
    this.name = 'UnreadableFileError';
  }
}

function why(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied for this user';
  if (code === 'EISDIR') return 'it is a folder, not a file';
  return code ?? (err as Error).message;
}

/** The file's bytes as they are (a PEM certificate or key). */
export function readKeyFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new UnreadableFileError(file, why(err));
  }
}

/**
 * A secret written as text: the line break an editor or `echo secret > file` leaves at the end
 * is not part of it. An empty secret is refused, never sent as "no password".
 */
export function readSecretFile(file: string): Buffer {
  const text = readKeyFile(file).toString('utf8').replace(/[\r\n]+$/, '');
  if (text.length === 0) throw new UnreadableFileError(file, 'it is empty');
  return Buffer.from(text, 'utf8');
}
