/**
 * Addresses a web page listens on (the dashboard, the station page) and the Host header check
 * that keeps a page bound to loopback from being reached through a name pointed at it.
 */
import { isIP } from 'node:net';
import { z } from 'zod';

/** host:port; the host is an address to bind, not a URL. */
export const listenSchema = () => z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'expected HOST:PORT, e.g. "127.0.0.1:8080" or "0.0.0.0:8080"')
  .refine((s) => {
    const port = Number(s.slice(s.lastIndexOf(':') + 1));
    return port >= 1 && port <= 65535;
  }, 'the port must be 1 to 65535');

export function splitListen(listen: string): { host: string; port: number } {
  const i = listen.lastIndexOf(':');
  return { host: listen.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(listen.slice(i + 1)) };
}

/** Only an address that cannot be anything but this PC: a name like "127.example.com" is not one. */
export function isLoopback(listen: string): boolean {
  const { host } = splitListen(listen);
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

/** A request's Host header naming this PC (127.x, localhost, [::1]), with or without a port. */
export function loopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.replace(/:\d+$/, '');
  return name === 'localhost' || name === '[::1]' || (isIP(name) === 4 && name.startsWith('127.'));
}
