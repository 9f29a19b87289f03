#!/usr/bin/env node
/**
 * A stand-in for deploy/windows/printer-helper.ps1, for tests on Linux: the same JSON-lines
 * protocol, answering from a state file that the test writes (argv[2]) and re-reading it on every
 * request. The answers are the recorded shapes in test/fixtures/windows/, filled in by the test.
 * It plays the spooler's part too: a card printed goes into the queue, stays there for
 * `state.job.polls` looks, then leaves it as the test says (printed, with event 307 logged; or
 * deleted; or held by an error). And it misbehaves on demand: dies, hangs, writes garbage.
 * Like the real helper it answers one request at a time, in order: a slow answer holds back every
 * request behind it, and a hang all of them.
 *
 * State file: {
 *   hello?: object                     answer to hello (default: protocol 1)
 *   printer: {found, printer}          answer to printer
 *   vendor: {bidi, fargo}              answer to vendor
 *   logEnabled?: boolean, eventXml: string (template with {{jobId}} {{document}} {{printer}} {{bytes}})
 *   job?: {polls: number, end: 'printed' | 'deleted' | 'kept' | 'vanish', firstId?: number, statusMask?: number, unseen?: boolean}
 *   refuse?: {[op]: {type, message, stage}}    answer ok:false
 *   hang?: string[]        ops never answered (nor anything after them)
 *   slow?: {[op]: ms}      ops answered after this long (what follows waits)
 *   garbage?: string[]     ops answered with a line of garbage
 *   die?: string[]         ops on which the helper exits (code 3, a line on stderr)
 *   dieAtStart?: boolean   exits before reading anything
 *   noiseAtStart?: string  a line written before any answer (what a PowerShell warning would be)
 *   dieEvery?: number      exits after this many answers (a helper that keeps dying)
 * }
 * Its own memory (the queue, the log) lives in `${stateFile}.spooler.json`, so it outlives a restart;
 * the ops it read, one a line, in `${stateFile}.heard`.
 */
import { appendFileSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

/**
 * Runs the stand-in on the given streams: a process's own (below), or pipes in the test's process
 * (test/support/windows-printer.ts), so unit tests start no process. In the test's process a slow
 * answer waits on `io.setTimer` (the test's clock, so a manual one moves the helper's time too).
 */
export function runStandin(file, io) {
  const later = io.setTimer ?? ((fn, ms) => void setTimeout(fn, ms));
  const read = () => JSON.parse(readFileSync(file, 'utf8'));
  const memFile = `${file}.spooler.json`;
  const mem = existsSync(memFile) ? JSON.parse(readFileSync(memFile, 'utf8')) : { nextId: 40, queue: [], log: [] };
  const saveMem = () => writeFileSync(memFile, JSON.stringify(mem));

  let dead = false;
  let rl;
  const exit = (code) => {
    if (dead) return;
    dead = true;
    rl?.close();
    io.exit(code);
  };
  let state = read();
  if (state.dieAtStart) {
    io.stderr.write('Add-Type : Cannot add type. Compilation errors occurred.\n');
    exit(1);
    return;
  }
  if (state.noiseAtStart) io.stdout.write(`${state.noiseAtStart}\n`);

  let answered = 0;
  const send = (o) => io.stdout.write(`${JSON.stringify(o)}\n`);
  const PRINTING = 0x10;

  function tick(job) {
    // One look at the queue moves the card along.
    job.looks += 1;
    if (job.looks < job.polls) return;
    if (job.end === 'printed' || job.end === 'vanish') {
      mem.queue = mem.queue.filter((j) => j !== job);
      if (job.end === 'printed') mem.log.push({ id: 307, jobId: job.JobId, document: job.Document });
    } else if (job.end === 'deleted') {
      if (job.StatusMask & 0x4) mem.queue = mem.queue.filter((j) => j !== job);
      else job.StatusMask = 0x4;
    } else if (job.end === 'kept') {
      job.StatusMask = 0x80 | 0x1000;
    } else if (job.end === 'error') {
      job.StatusMask = 0x2 | 0x40;
    }
  }

  function answer(req) {
    const op = req.op;
    if (state.refuse?.[op]) return { id: req.id, ok: false, error: state.refuse[op] };
    switch (op) {
      case 'hello':
        return { id: req.id, ok: true, result: state.hello ?? { helper: 'stand-in', protocol: 1, powershell: '5.1.19041.4522', clr: '4.0.30319.42000' } };
      case 'printer':
        return { id: req.id, ok: true, result: state.printer };
      case 'vendor':
        return { id: req.id, ok: true, result: state.vendor };
      case 'jobs': {
        const rows = mem.queue.filter((j) => j.printer === req.printer).map(({ JobId, Document, StatusMask }) => ({ JobId, Document, StatusMask, JobStatus: null }));
        for (const j of [...mem.queue]) tick(j);
        saveMem();
        return { id: req.id, ok: true, result: { jobs: rows } };
      }
      case 'print': {
        if (typeof req.png !== 'string' || !Buffer.from(req.png, 'base64').subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex'))) {
          return { id: req.id, ok: false, error: { type: 'System.ArgumentException', message: 'Parameter is not valid.', stage: 'prepare' } };
        }
        // What a printer would get: the image's size from its IHDR (bytes 16..24), kept for the test to see.
        const png = Buffer.from(req.png, 'base64');
        if (png.length >= 24) (mem.cards ??= []).push({ document: req.name, width: png.readUInt32BE(16), height: png.readUInt32BE(20) });
        const j = state.job ?? { polls: 2, end: 'printed' };
        const job = { JobId: j.firstId ?? mem.nextId++, Document: req.name, StatusMask: j.statusMask ?? PRINTING, printer: req.printer, looks: 0, polls: j.polls, end: j.end };
        // polls 0: the card left the queue before anyone looked (printed and logged, or gone).
        if (j.polls > 0) mem.queue.push(job);
        else if (j.end === 'printed') mem.log.push({ id: 307, jobId: job.JobId, document: job.Document });
        saveMem();
        return { id: req.id, ok: true, result: { jobs: j.unseen ? [] : [{ JobId: job.JobId, Document: job.Document, StatusMask: job.StatusMask, JobStatus: 'Printing' }] } };
      }
      case 'history': {
        const tpl = state.eventXml ?? '';
        const fill = (e) => tpl.replace('{{jobId}}', String(e.jobId)).replace('{{document}}', e.document).replace('{{printer}}', req.printer).replace('{{bytes}}', '81865');
        return { id: req.id, ok: true, result: { logEnabled: state.logEnabled ?? true, events: state.logEnabled === false ? [] : mem.log.slice(-(req.max ?? 500)).map((e) => ({ id: e.id, xml: fill(e) })) } };
      }
      default:
        return { id: req.id, ok: false, error: { type: 'System.Management.Automation.RuntimeException', message: `unknown operation '${op}'`, stage: null } };
    }
  }

  const lines = [];
  let busy = false; // answering a slow request
  let stuck = false; // hung: it reads nothing more
  const next = () => {
    while (!busy && !stuck && !dead && lines.length > 0) take(lines.shift());
  };
  const reply = (req) => {
    send(answer(req));
    answered += 1;
    if (state.dieEvery && answered >= state.dieEvery) exit(4);
  };

  function take(line) {
    if (line.trim() === '') return;
    state = read();
    const req = JSON.parse(line);
    // What it was asked, in order, so a test can wait until a request reached it.
    appendFileSync(`${file}.heard`, `${req.op}\n`);
    if (state.die?.includes(req.op)) {
      io.stderr.write(`Get-CimInstance : The RPC server is unavailable.\n`);
      exit(3);
      return;
    }
    if (state.hang?.includes(req.op)) {
      stuck = true;
      return;
    }
    if (state.garbage?.includes(req.op)) {
      io.stdout.write('WARNING: The names of some imported commands include unapproved verbs\n');
      return;
    }
    const ms = state.slow?.[req.op];
    if (ms) {
      busy = true;
      later(() => {
        busy = false;
        if (dead) return;
        reply(req);
        next();
      }, ms);
      return;
    }
    reply(req);
  }

  rl = createInterface({ input: io.stdin });
  rl.on('line', (line) => {
    lines.push(line);
    next();
  });
  rl.on('close', () => exit(0));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runStandin(process.argv[2], { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, exit: (code) => process.exit(code) });
}
