/**
 * Words of one language left inside the other's text. Not a dictionary: a list of common words
 * that are never words of the other language, enough to catch a sentence left untranslated. What
 * a machine reads inside a text (a command line, a configuration key, a quoted value, a code) is
 * taken out first; the glossary's borrowed words (docs/glossary.md) are allowed on both sides.
 */

/** Words Indonesian and English share, or that Indonesian borrows as they are (docs/glossary.md). */
export const SHARED = new Set(['printer', 'ups', 'online', 'offline', 'batch', 'pc', 'film', 'data', 'server', 'token', 'status', 'total', 'level', 'normal', 'modem', 'bypass', 'dashboard', 'email', 'internet', 'browser', 'telegram', 'prometheus', 'mosquitto', 'windows', 'linux', 'usb', 'ipp', 'snmp', 'nut', 'mqtt', 'tls', 'json', 'csv', 'sqlite']);

const ENGLISH = `the is are was were be been being and or of to from with for not this that these those it its has have had will would
can cannot could should must may on in at by as an if then than when where which who what why how there here no yes all any each every
more less some only also yet after before until since about into out over under again already still just now please check fix run
start stop wait add see use read write open close keys key listed above below missing expected object error failed found unknown card
cards blank blanks ribbon queue queued print printed printing spoiled verify held stopped empty low supply supplies battery mains power
station agent office store day days hours minutes seconds left new old none roll rolls cover reason record records answer answered
did does do done went goes given gives give get got keep kept made make number numbers give between without within because so but
too very same other another one two three first last next time times today yesterday week month year shelf hopper cut off`;

const INDONESIAN = `yang dan di ke dari untuk tidak ini itu dengan kartu pita habis sudah belum akan bisa ada lagi atau pada oleh saat setelah
sebelum hari cetak tercetak rusak blangko blanko antrean stasiun kantor petugas periksa tunggu jalankan baterai listrik padam gulungan
sisa stok perlu sedang dicetak mencetak menunggu lihat tambahkan kabupaten provinsi kali baru dalam tanpa masih hanya juga setiap semua
kiriman diterima dikirim terima kirim catat dicatat gudang pinjaman bulan minggu tahun jumlah sampai lebih kurang berapa mengapa bila
jika maka karena agar supaya sehingga tetapi namun sebagai adalah merupakan menjadi oleh para`;

const wordSet = (s: string) => new Set(s.split(/\s+/).filter(Boolean));
export const ENGLISH_WORDS = wordSet(ENGLISH);
export const INDONESIAN_WORDS = wordSet(INDONESIAN);

/** The text without what a machine reads in it: quoted values, command lines, keys, flags and codes. */
export function withoutCode(text: string): string {
  return (
    text
      // `code`, "a value", 'a value', {a JSON shape}, [a list of fields]
      .replace(/`[^`]*`|"[^"]*"|“[^”]*”|'[^']*'|\{[^}]*\}|\[[^\]]*\]/g, ' ')
      // a command line: station-agent and what follows it, up to the end of its clause
      .replace(/\b(sudo |npm |npx )?(station-agent|run|upsdrvctl|systemctl|journalctl|timedatectl)\b[^;,)\n]*/g, (m) => (/^(sudo |npm |npx )|^(station-agent|upsdrvctl|systemctl|journalctl|timedatectl)/.test(m) ? ' ' : m))
      // a key and its value: printer.driver: none
      .replace(/\S+\.\S+:\s*\w+/g, ' ')
      // URLs, paths, keys (a.b), flags (--x), codes with - _ / = : @, numbers
      .replace(/\S*(?:[./_=:@<>{}[\]]|\d)\S*/g, ' ')
      .replace(/(^|[\s(])--?\w[\w-]*( [A-Z]+\b)?/g, ' ')
      .replace(/\b\w+-\w+(?:-\w+)*\b/g, ' ')
  );
}

/** The other language's words found in a text (lower case, each once). */
export function foreignWords(text: string, lang: 'id' | 'en'): string[] {
  const other = lang === 'id' ? ENGLISH_WORDS : INDONESIAN_WORDS;
  const found = new Set<string>();
  for (const raw of withoutCode(text).split(/[^A-Za-zÀ-ÿ]+/)) {
    // An acronym (UPS, NIK, PLN, ID) is a name, not a word of either language.
    if (!raw || (raw.length > 1 && raw === raw.toUpperCase())) continue;
    const w = raw.toLowerCase();
    if (!SHARED.has(w) && other.has(w)) found.add(w);
  }
  return [...found];
}
