/**
 * An mqtt.js client on a socket we open: plain TCP for mqtt://, TLS for mqtts://. The agent, the
 * dashboard and diagnose all connect through `connectMqtt`.
 *
 * `mqtt.connect` first loads every transport mqtt.js has (WebSocket with its HTTP, HTTPS and zlib,
 * SOCKS with DNS, TLS), whichever the URL names; a station only ever speaks MQTT over TCP or TLS,
 * so it builds mqtt.js's client on its own stream and Node's TLS loads only for mqtts://
 * (scripts/bench-footprint.ts measures what the others cost an idle agent). The client is
 * mqtt.js's own, from its main entry: that entry loads the transports only inside `connect()`,
 * which nothing here calls (and the bundle leaves out: scripts/bundle-policy.ts). The protocol,
 * keepalive and acknowledgements are all still its work.
 */
import { connect as tcpConnect, isIP, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { MqttClient, type IClientOptions } from 'mqtt';
import type { Text } from '../core/i18n.js';

/** Where to connect: host, port, and whether over TLS. */
export interface BrokerAddress {
  host: string;
  port: number;
  tls: boolean;
}

/**
 * mqtt://HOST[:PORT] or mqtts://HOST[:PORT] (the forms mqtt.url takes). A client certificate
 * means TLS even under mqtt://, as mqtt.js has always taken it.
 */
export function brokerAddress(url: string, clientCertificate = false): BrokerAddress {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`"${url}" is not a broker URL: expected mqtt://HOST:PORT or mqtts://HOST:PORT`);
  }
  if ((u.protocol !== 'mqtt:' && u.protocol !== 'mqtts:') || u.search !== '' || u.hash !== '') {
    throw new Error(`"${url}" is not a broker URL: expected mqtt://HOST:PORT or mqtts://HOST:PORT`);
  }
  const tls = u.protocol === 'mqtts:' || clientCertificate;
  // An IPv6 address is written in brackets in a URL and without them to a socket.
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost';
  return { host, port: u.port === '' ? (tls ? 8883 : 1883) : Number(u.port), tls };
}

/** The URL of a broker listening at `host` (an IPv6 address in brackets) and `port`. */
export function brokerUrl(host: string, port: number): string {
  return `mqtt://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * What `connectMqtt` takes: the mqtt.js client options the agent, the dashboard and diagnose set
 * (the socket's own options, such as servername or a SOCKS proxy, are this module's business),
 * and the TLS material.
 */
export type MqttOptions = Pick<
  IClientOptions,
  'clientId' | 'username' | 'password' | 'keepalive' | 'protocolVersion' | 'properties' | 'clean' | 'writeCache' | 'reconnectPeriod' | 'connectTimeout' | 'resubscribe' | 'will'
> & { ca?: Buffer; cert?: Buffer; key?: Buffer };

/** Where every error of a client goes, for its whole life: a log and the link's status, or a report. */
export type MqttErrorSink = (err: Error & { code?: unknown }) => void;

/**
 * The stream mqtt.js speaks MQTT on: a TCP socket, or a TLS one for mqtts:// or a client
 * certificate. mqtt.js calls it for each connection and reports the socket's errors (each with
 * its code: refused, reset, a certificate not trusted).
 */
export function streamTo(address: BrokerAddress, secrets: Pick<MqttOptions, 'ca' | 'cert' | 'key'>): () => Socket | TLSSocket {
  return () => {
    if (!address.tls) return tcpConnect({ host: address.host, port: address.port });
    // Loaded here, so a station on plain MQTT never loads Node's TLS.
    return process.getBuiltinModule('node:tls').connect({
      host: address.host,
      port: address.port,
      // SNI and the certificate's name check go by the host name (not for an address).
      ...(isIP(address.host) === 0 ? { servername: address.host } : {}),
      ca: secrets.ca,
      cert: secrets.cert,
      key: secrets.key,
      rejectUnauthorized: true,
    });
  };
}

/**
 * A client that connects at once (the CONNECT goes out when the socket is up), like
 * `mqtt.connect(url, options)` for an mqtt:// or mqtts:// URL. Connection problems come as the
 * client's `error` events, with the socket's or the TLS library's code; every one of them also
 * reaches `onError`, which stays listening for the client's life: an `error` event with no
 * listener would throw inside mqtt.js and end the process, and one that nobody reads would hide
 * why a broker is unreachable.
 */
export function connectMqtt(url: string, options: MqttOptions, onError: MqttErrorSink): MqttClient {
  const address = brokerAddress(url, options.cert !== undefined && options.key !== undefined);
  const { ca, cert, key, ...clientOptions } = options;
  const client = new MqttClient(streamTo(address, { ca, cert, key }), { ...clientOptions, protocol: address.tls ? 'mqtts' : 'mqtt', host: address.host, port: address.port });
  client.on('error', onError);
  return client;
}

const say = (id: string, en: string): Text => ({ id, en });

/**
 * What a technician should check about an MQTT connection error, in both languages: the log
 * and the health payload take the English, the diagnose report the reader's language. One
 * function, so the two languages cannot come to cover different cases.
 */
export function explainMqttError(err: Error & { code?: unknown }, url: string): Text {
  const code = err.code;
  if (code === 4 || code === 134) {
    return say(
      'broker menolak login (nama pengguna atau kata sandi salah): periksa mqtt.username dan mqtt.passwordFile',
      'the broker refused the login (bad username or password): check mqtt.username and mqtt.passwordFile',
    );
  }
  if (code === 5 || code === 135) {
    return say(
      'broker menolak login (tidak diizinkan; Mosquitto juga menjawab begini untuk kata sandi yang salah): periksa mqtt.username dan mqtt.passwordFile, lalu berkas kata sandi dan ACL di broker',
      "the broker refused the login (not authorised; Mosquitto says this for a wrong password too): check mqtt.username and mqtt.passwordFile, then the broker's password file and ACL",
    );
  }
  if (code === 'ECONNREFUSED') {
    return say(`tidak ada yang menerima sambungan di ${url}: periksa mqtt.url dan pastikan broker berjalan`, `nothing accepts connections at ${url}: check mqtt.url and that the broker is running`);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return say(`nama host broker di ${url} tidak dikenal: periksa mqtt.url dan DNS`, `the broker host in ${url} cannot be resolved: check mqtt.url and DNS`);
  }
  if (code === 'ECONNRESET' && url.startsWith('mqtts:')) {
    return say(
      'broker menutup sambungan TLS: periksa mqtt.cert dan mqtt.key (sertifikat klien yang tidak diterima broker)',
      'the broker closed the TLS connection: check mqtt.cert and mqtt.key (a client certificate the broker does not accept)',
    );
  }
  if (typeof code === 'string' && /CERT|SELF_SIGNED|TLS|SSL|UNABLE_TO|ISSUER|ALTNAME/.test(code)) {
    return say(
      `sertifikat TLS broker tidak diterima (${code}): periksa mqtt.ca, dan pastikan mqtt.url menyebut host yang tertulis di sertifikat itu`,
      `the broker's TLS certificate was not accepted (${code}): check mqtt.ca, and that mqtt.url names the host the certificate was made for`,
    );
  }
  if (/wrong version number|packet length too long/i.test(err.message)) {
    return say(
      `${err.message}: mqtts:// ke listener biasa, atau sebaliknya? periksa mqtt.url`,
      `${err.message}: mqtts:// to a plain listener, or the other way round? check mqtt.url`,
    );
  }
  return say(`${err.message}: periksa mqtt.url dan jaringan`, `${err.message}: check mqtt.url and the network`);
}

/** Resolves on the CONNACK; rejects with the first error, or if the connection closes first. */
export function whenConnected(client: MqttClient): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const settle = (err?: Error) => {
      client.off('connect', onConnect);
      client.off('error', settle);
      client.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onConnect = () => settle();
    const onClose = () => settle(Object.assign(new Error('connection closed'), { code: 'ECONNREFUSED' }));
    client.on('connect', onConnect);
    client.on('error', settle);
    client.on('close', onClose);
  });
}
