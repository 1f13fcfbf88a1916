package io.pipeio.server;

import java.io.IOException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * What a writer of an <em>out</em> pipe does as it lets go of the pipe: the lines it
 * wrote that no client read wait in the pipe's buffer, which the kernel frees with the
 * last descriptor. If no client holds the pipe open for reading then, they are lost, and
 * are counted as dropped (they were counted as sent too); while one does, they are its to
 * read. Only whole lines are counted: a line the pipe took part of, in a write cut short,
 * is counted by the writer with the lines it did not write ({@link CutBatch}). Nothing
 * here waits, so a stop is not held up. The writer counts the same way what a pipe
 * deleted or replaced on disk keeps when it moves to the new one ({@link #count}), and
 * throws away the lines a plug-in that died left unread, for the next one to start at the
 * next line ({@link #discard}).
 *
 * @author pipe-io
 */
final class UnreadOutLines {

	private UnreadOutLines() {
	}

	/**
	 * Close the server's own descriptors of an out pipe, counting the whole lines that go
	 * with them.
	 * @param fifo the pipe's checked descriptor, still open
	 * @param closeOwn closes every descriptor of the pipe the server holds, {@code fifo}
	 * included
	 * @param lostLines where to count and tell
	 * @param reason why the writer lets go
	 * @param bufferSize the size of the buffer to read with
	 */
	static void close(FifoDescriptor fifo, Runnable closeOwn, LostLines lostLines, DropReason reason, int bufferSize) {
		int writer;
		try {
			if (fifo.isEmpty()) {
				// Nothing to count, and no need for the two opens below, which cost a
				// stop of thousands of channels most of its time.
				closeOwn.run();
				return;
			}
			// A writer of our own keeps the buffer once our readers are closed; the
			// descriptor is a reader, so this open does not wait.
			writer = fifo.openNonBlockingWriter();
		}
		catch (IOException ex) {
			closeOwn.run(); // closed already: nothing to look at
			return;
		}
		try {
			closeOwn.run();
			lostLines.unread(reason, count(writer, bufferSize));
		}
		catch (IOException ex) {
			// not counted, but let go of all the same
		}
		finally {
			Posix.close(writer);
		}
	}

	/**
	 * Count the whole lines left in a pipe nobody reads any more (bounded, like a pipe's
	 * size). A last line without its newline is not one of them: the writer that cut it
	 * writes it again to the pipe it moves to, or counted it with the lines it did not
	 * write, and a cut line a writer before it left was counted by that writer.
	 * @param writer a writer of the pipe, the server's readers of it closed
	 * @param bufferSize the size of the buffer to read with
	 * @return the lines; 0 while a client holds the pipe open for reading, as what is
	 * left is its to read
	 */
	static long count(int writer, int bufferSize) throws IOException {
		if (PosixPoll.hasReaders(writer)) {
			return 0;
		}
		int reader = Posix.open("/proc/self/fd/" + writer, Posix.O_RDONLY | Posix.O_NONBLOCK);
		try {
			byte[] buffer = new byte[bufferSize];
			return wholeLines(reader, buffer);
		}
		finally {
			Posix.close(reader);
		}
	}

	/** Read what is there without waiting, and count its newlines. */
	private static long wholeLines(int reader, byte[] buffer) throws IOException {
		long lines = 0;
		long total = 0;
		int read;
		while (total < Posix.MAX_COUNTED && (read = Posix.readNow(reader, buffer)) > 0) {
			for (int i = 0; i < read; i++) {
				if (buffer[i] == '\n') {
					lines++;
				}
			}
			total += read;
		}
		return lines;
	}

	/**
	 * Read and throw away what waits unread in an <em>out</em> pipe, counting its lines
	 * as dropped ({@link DropReason#ABANDONED}).
	 * @param fifo the pipe
	 * @param lostLines where to count and tell
	 * @param bufferSize the size of the buffer to read with
	 * @param cutLast whether a last line without its newline counts too: not while the
	 * writer may still write the rest of it, which the next discard counts by its newline
	 * @return the lines thrown away
	 */
	static long discard(FifoDescriptor fifo, LostLines lostLines, int bufferSize, boolean cutLast) throws IOException {
		int reader = fifo.openNonBlockingReader();
		try {
			byte[] buffer = new byte[bufferSize];
			long lines = cutLast ? Posix.countLines(reader, buffer, 0, Posix.MAX_COUNTED) : wholeLines(reader, buffer);
			lostLines.unread(DropReason.ABANDONED, lines);
			return lines;
		}
		finally {
			Posix.close(reader);
		}
	}

	/**
	 * Throw away what waits unread in an <em>out</em> pipe, and what the writer still
	 * writes there, until nothing is queued or being written any more, or the wait is
	 * over.
	 * @param discard throws away what the pipe holds now, returning its lines
	 * @param queuedBytes the bytes still queued or being written
	 * @param waitNanos how long to wait for the writer at most
	 * @return the lines thrown away
	 */
	static long discardOnceWritten(Discard discard, LongSupplier queuedBytes, long waitNanos) throws IOException {
		long deadline = System.nanoTime() + waitNanos;
		long discarded = 0;
		while (true) {
			// Asked before the discard, not after: a line the writer finished between a
			// discard and the question would be left for the next client to read, as a
			// request nobody waits for, whose answer then goes to the next request.
			boolean last = queuedBytes.getAsLong() == 0 || System.nanoTime() - deadline >= 0;
			// A line the writer is in the middle of is counted once, by its newline in a
			// later discard; counted as cut too, it would be counted twice.
			discarded += discard.discard(last);
			if (last) {
				return discarded;
			}
			LockSupport.parkNanos(1_000_000); // the writer wakes no one when it is done
		}
	}

	/**
	 * Throws away what an out pipe holds now.
	 */
	@FunctionalInterface
	interface Discard {

		/**
		 * @param cutLast whether a last line without its newline counts too: only in the
		 * last discard, once the writer is done (or no longer waited for)
		 * @return the lines thrown away
		 * @throws IOException if the pipe cannot be read
		 */
		long discard(boolean cutLast) throws IOException;

	}

}
