#!/usr/bin/env node
// pipe-io client (Node.js standard library only).
//
// Usage: node client.js [DIR]      (DIR defaults to ${TMPDIR:-/tmp}/pipe-io)
//        node client.js --stdio    (plug-in mode: each line in, the line upper-cased out)
//
// Each channel is two FIFOs: write a request line to DIR/<channel>.in, read the reply line
// from DIR/<channel>.out. Exit status: 0 = all checks passed, 1 = a check failed, a pipe is
// not a FIFO, no server is there or it went away, 2 = timed out (the server does not answer).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { O_RDONLY, O_WRONLY, O_NONBLOCK } = fs.constants;

if (process.argv[2] === '--stdio') {
  plugin();
  return;
}

const dir = process.argv[2] || path.join(process.env.TMPDIR || '/tmp', 'pipe-io');
const TIMEOUT_MS = 10_000;

// Plug-in mode: answer each request line with the line upper-cased, as the sample's upper channel
// does, until EOF (the host stopped, or died). One reply line per request: the n-th reply answers
// the n-th request. Not node:readline: it also splits on '\r', which would turn one request into
// two replies.
function plugin() {
  console.error('node plug-in ready');
  // The host went away (EPIPE; Node ignores SIGPIPE): end with one line, not an unhandled
  // 'error' event and its stack trace.
  process.stdout.on('error', (err) => {
    console.error(`node plug-in: ${err.message}`);
    process.exit(1);
  });
  // The line being read, as the chunks it came in, joined once at its newline: joining them at
  // each chunk, and looking through all of it for '\n' again, took a long line quadratic time.
  let pending = [];
  process.stdin.on('data', (chunk) => {
    let start = 0;
    let nl;
    let room = true;
    while ((nl = chunk.indexOf(0x0a, start)) >= 0) {
      pending.push(chunk.subarray(start, nl));
      room = process.stdout.write(Buffer.concat(pending).toString('utf8').toUpperCase() + '\n') && room;
      pending = [];
      start = nl + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
    if (!room) {
      // Writes to a pipe are queued in memory: read on once the host has taken them.
      process.stdin.pause();
      process.stdout.once('drain', () => process.stdin.resume());
    }
  });
  // A last line without newline is incomplete: the host drops it too. stdout is ended,
  // not the process: replies still queued reach the host first, then Node exits (0).
  process.stdin.on('end', () => process.stdout.end());
}

// Overall timeout: if a reply never comes, give up and exit.
const timer = setTimeout(() => {
  console.error(`timed out after ${TIMEOUT_MS / 1000} s (is the server running on ${dir}?)`);
  process.exit(2);
}, TIMEOUT_MS);

// Open a FIFO with O_NONBLOCK. Why not fs.open/createReadStream: those run blocking
// open()/read() calls on libuv's thread pool, and an open() that blocks (FIFO present, no server)
// keeps even process.exit() from finishing. A non-blocking open returns at once.
// No O_CREAT: a missing FIFO is an error, never a new regular file. fstat then refuses anything
// that is not a FIFO, on the file just opened and before a byte is written.
function openFifo(file, flags) {
  let fd;
  try {
    fd = fs.openSync(file, flags | O_NONBLOCK);
  } catch (err) {
    // A write-only non-blocking open fails with ENXIO when nobody has the FIFO open for
    // reading, i.e. no server. (With the server running, it holds both FIFOs open.)
    throw err.code === 'ENXIO' ? new Error(`no server is reading ${file}`) : err;
  }
  if (!fs.fstatSync(fd).isFIFO()) {
    fs.closeSync(fd);
    throw new Error(`${file} is not a FIFO (is the server running on this directory?)`);
  }
  return fd;
}

// Read one line from a non-blocking FIFO, without the newline. A byte at a time: a larger read
// could take the start of the line behind it, another reader's, and a pipe cannot be given bytes
// back. While the pipe is empty (EAGAIN) it looks again a moment later, so nothing waits on a
// libuv thread and the timeout still fires.
function readLine(fd, channel) {
  return new Promise((resolve, reject) => {
    const bytes = [];
    const one = Buffer.alloc(1);
    const next = () => {
      for (;;) {
        let n;
        try {
          n = fs.readSync(fd, one, 0, 1, null);
        } catch (err) {
          if (err.code === 'EAGAIN') setTimeout(next, 1);
          else reject(err);
          return;
        }
        if (n === 0) { // every writer left: the server is gone
          const gone = new Error(`${channel}.out closed before a full reply line arrived: the server went away`);
          gone.serverGone = true;
          reject(gone);
          return;
        }
        if (one[0] === 0x0a) {
          resolve(Buffer.from(bytes));
          return;
        }
        bytes.push(one[0]);
      }
    };
    next();
  });
}

// Write bytes to a non-blocking FIFO: one write(2) for a whole short line (up to 4096 bytes it
// is never split or mixed with another client's); while the pipe is full (EAGAIN) it tries again
// a moment later.
function writeAll(fd, bytes) {
  return new Promise((resolve, reject) => {
    let offset = 0;
    const next = () => {
      while (offset < bytes.length) {
        try {
          offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
        } catch (err) {
          if (err.code === 'EAGAIN') setTimeout(next, 1);
          else reject(err);
          return;
        }
      }
      resolve();
    };
    next();
  });
}

// Send one line to a channel; resolve with the reply line (a Buffer, without the newline).
async function request(channel, line) {
  if (String(line).includes('\n')) {
    // it would be two requests, and the second's reply would answer the next call
    throw new Error('a line must not contain a newline');
  }
  const pipeIn = openFifo(path.join(dir, `${channel}.in`), O_WRONLY);
  let pipeOut;
  try {
    pipeOut = openFifo(path.join(dir, `${channel}.out`), O_RDONLY);
    await writeAll(pipeIn, Buffer.from(`${line}\n`));
    return await readLine(pipeOut, channel);
  } finally {
    fs.closeSync(pipeIn); // close both FIFOs
    if (pipeOut !== undefined) fs.closeSync(pipeOut);
  }
}

const checks = {
  echo: async () => {
    const reply = await request('echo', 'hello pipe-io');
    return [reply.equals(Buffer.from('hello pipe-io')), reply]; // byte-exact
  },
  upper: async () => {
    const reply = await request('upper', 'héllo wörld');
    return [reply.toString('utf8') === 'HÉLLO WÖRLD', reply];
  },
  calc: async () => {
    const reply = await request('calc', JSON.stringify({ op: 'add', a: 1, b: 2 }));
    let answer;
    try {
      answer = JSON.parse(reply);
    } catch { // not JSON: an unexpected reply, shown as such
      return [false, reply];
    }
    return [answer?.result === 3, reply]; // numeric: 3 and 3.0 both parse to 3
  },
};

(async () => {
  let ok = true;
  for (const [name, check] of Object.entries(checks)) {
    try {
      const [passed, reply] = await check();
      if (passed) console.log(`${name}: ok`);
      else { console.error(`${name}: FAILED: unexpected reply ${JSON.stringify(reply.toString())}`); ok = false; }
    } catch (err) { // no server, missing FIFO, not a FIFO, ...
      console.error(`${name}: FAILED: ${err.message}`);
      ok = false;
      // Stop here, as every example does: the server is gone for the other channels too, whose
      // FIFOs nobody holds any more (an open that blocks would wait for the timeout).
      if (err.serverGone) break;
    }
  }
  clearTimeout(timer);
  process.exit(ok ? 0 : 1);
})();
