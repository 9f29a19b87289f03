/**
 * The Indonesian of the schemas' own messages (a `.regex()`, `.refine()` or `message:` written in
 * a configuration schema, in English as zod carries it): a configuration error read under
 * `--lang id` is Indonesian through and through. Each entry matches one message, its varying part
 * captured; test/unit/config-messages.test.ts finds every such message in the source and fails on
 * one without its Indonesian here.
 */
/** The names a message is made with, in Indonesian. */
const NAMES: Record<string, string> = { 'station id': 'id stasiun', province: 'provinsi', regency: 'kabupaten/kota', vendor: 'vendor', product: 'produk' };
const name = (en: string | undefined) => (en === undefined ? '' : (NAMES[en] ?? en));

const MESSAGES: readonly [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^(.+) must be topic-safe: letters, digits, "\.", "_" or "-" \(no "\/", "\+", "#" or spaces\)$/, (m) => `${name(m[1])} harus aman untuk topik: huruf, angka, ".", "_" atau "-" (tanpa "/", "+", "#" atau spasi)`],
  [/^expected an IANA time zone/, () => 'harus zona waktu IANA: Asia/Jakarta (WIB), Asia/Makassar (WITA) atau Asia/Jayapura (WIT)'],
  [/^healthSeconds must be at least pollSeconds$/, () => 'healthSeconds harus paling sedikit sama dengan pollSeconds'],
  [/^listening beyond this PC needs (\S+) \(a file holding the access token\)$/, (m) => `melayani di luar PC ini memerlukan ${m[1]} (berkas berisi token akses)`],
  [/^an office id is letters, digits/, () => 'id kantor terdiri dari huruf, angka, ".", "_" atau "-", misalnya "5371-DINAS"'],
  [/^a station id: letters, digits/, () => 'id stasiun: huruf, angka, ".", "_" atau "-"'],
  [/^a PC either keeps the store book/, () => 'satu PC mencatat buku gudang (store: true) atau mengambil tumpukan dari gudang (keptAtStore: true), tidak keduanya: printer di PC gudang mengambil dari bukunya sendiri'],
  [/^expected a USB (\S+) id of 4 hex digits, e\.g\. "0x051d"$/, (m) => `harus id ${name(m[1])} USB berupa 4 digit heksadesimal, misalnya "0x051d"`],
  [/^expected http:\/\/HOST\[:PORT\]\[\/PATH\] or https:\/\/\.\.\.$/, () => 'harus http://HOST[:PORT][/PATH] atau https://...'],
  [/^16 digits$/, () => '16 angka'],
  [/^an IPP-style keyword such as "media-jam"$/, () => 'kata kunci gaya IPP, misalnya "media-jam"'],
  [/^expected ipp:\/\/HOST\[:PORT\]\/PATH, e\.g\. (\S+) \(a CUPS queue\) or (\S+)$/, (m) => `harus ipp://HOST[:PORT]/PATH, misalnya ${m[1]} (antrean CUPS) atau ${m[2]}`],
  [/^the printer name as Windows shows it, e\.g\. "(.+)"$/, (m) => `nama printer seperti yang ditampilkan Windows, misalnya "${m[1]}"`],
  [/^expected the printer's address or name, e\.g\. (\S+) \(no scheme, no path\)$/, (m) => `harus alamat atau nama printer, misalnya ${m[1]} (tanpa skema, tanpa path)`],
  [/^no user or password in the URL \(it would be logged\): put the user in (\S+) and the password in the file named by (\S+)$/, (m) => `jangan ada user atau kata sandi di URL (akan tercatat di log): tulis user di ${m[1]} dan kata sandi di berkas yang disebut ${m[2]}`],
  [/^expected topic levels like "ektp\/v1"/, () => 'harus tingkat topik seperti "ektp/v1" (tanpa "+", "#", spasi, atau "/" di awal atau akhir)'],
  [/^cert and key go together/, () => '`cert` dan `key` berpasangan: isi keduanya untuk sertifikat klien, atau tidak sama sekali'],
  [/^passwordFile needs a username$/, () => 'passwordFile memerlukan username'],
  [/^username needs passwordFile/, () => 'username memerlukan passwordFile (kata sandi dibaca dari berkas)'],
  [/^give either username and passwordFile or bearerTokenFile, not both$/, () => 'isi username dan passwordFile, atau bearerTokenFile, tidak keduanya'],
  [/^letters, digits, "\.", "_", ":" or "-"$/, () => 'huruf, angka, ".", "_", ":" atau "-"'],
  [/^expected a code like "53" or "5371"$/, () => 'harus kode seperti "53" atau "5371"'],
  [/^the dashboard connects to the province's broker: /, () => 'dasbor tersambung ke broker provinsi: harus mqtt://HOST:PORT atau mqtts://HOST:PORT'],
  [/^expected HOST:PORT, e\.g\. /, () => 'harus HOST:PORT, misalnya "127.0.0.1:8080" atau "0.0.0.0:8080"'],
  [/^expected http:\/\/HOST:PORT or https:\/\/HOST:PORT, e\.g\. "(.+)"$/, (m) => `harus http://HOST:PORT atau https://HOST:PORT, misalnya "${m[1]}"`],
  [/^the port must be 1 to 65535$/, () => 'port harus 1 sampai 65535'],
  [/^expected "embedded", mqtt:\/\/HOST:PORT or mqtts:\/\/HOST:PORT$/, () => 'harus "embedded", mqtt://HOST:PORT atau mqtts://HOST:PORT'],
  [/^version 2c needs communityFile/, () => 'versi 2c memerlukan communityFile: berkas berisi community printer'],
  [/^version 3 needs user/, () => 'versi 3 memerlukan user: nama user yang diatur di printer'],
  [/^authProtocol needs authKeyFile/, () => 'authProtocol memerlukan authKeyFile: berkas berisi frasa sandi autentikasi'],
  [/^authKeyFile needs authProtocol: one of (.+)$/, (m) => `authKeyFile memerlukan authProtocol: salah satu dari ${m[1]}`],
  [/^privacy \(privProtocol\) needs authentication too/, () => 'privasi (privProtocol) juga memerlukan autentikasi: isi authProtocol dan authKeyFile'],
  [/^privProtocol needs privKeyFile/, () => 'privProtocol memerlukan privKeyFile: berkas berisi frasa sandi privasi'],
  [/^privKeyFile needs privProtocol: one of (.+)$/, (m) => `privKeyFile memerlukan privProtocol: salah satu dari ${m[1]}`],
];

/** A schema's own message in Indonesian; undefined for one not listed (it is then said as written). */
export function schemaMessageId(en: string): string | undefined {
  for (const [re, id] of MESSAGES) {
    const m = en.match(re);
    if (m) return id(m);
  }
  return undefined;
}
