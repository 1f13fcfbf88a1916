package io.pipeio.server;

import java.io.IOException;

/**
 * What a writer of an <em>out</em> pipe does as it lets go of the pipe: the lines it
 * wrote that no client read wait in the pipe's buffer, which the kernel frees with the
 * last descriptor. If no client holds the pipe open for reading then, they are lost, and
 * are counted as dropped (they were counted as sent too); while one does, they are its to
 * read. Only whole lines are counted: a line the pipe took part of, in a write cut short,
 * is counted by the writer with the lines it did not write ({@link LostLines}). Nothing
 * here waits, so a stop is not held up.
 *
 * @author pipe-io
 */
final class UnreadOutLines {

	/** At most this much is read to count lines: a pipe's largest size. */
	private static final int MAX_COUNTED = 1024 * 1024;

	private UnreadOutLines() {
	}

	/**
	 * Close the server's own descriptors of an out pipe, counting the whole lines that go
	 * with them.
	 * @param fifo the pipe's checked descriptor, still open
	 * @param closeOwn closes every descriptor of the pipe the server holds, {@code fifo}
	 * included
	 * @param statistics where to count
	 * @param reason why the writer lets go
	 * @param bufferSize the size of the buffer to read with
	 */
	static void close(FifoDescriptor fifo, Runnable closeOwn, ChannelStatistics statistics, DropReason reason,
			int bufferSize) {
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
			if (Posix.hasReaders(writer)) {
				return; // a client still reads the pipe: what is left is its
			}
			int reader = Posix.open("/proc/self/fd/" + writer, Posix.O_RDONLY | Posix.O_NONBLOCK);
			try {
				long lines = wholeLines(reader, new byte[bufferSize]);
				if (lines > 0) {
					statistics.recordDropped(reason, lines);
				}
			}
			finally {
				Posix.close(reader);
			}
		}
		catch (IOException ex) {
			// not counted, but let go of all the same
		}
		finally {
			Posix.close(writer);
		}
	}

	/** Read what is there without waiting, and count its newlines. */
	private static long wholeLines(int reader, byte[] buffer) throws IOException {
		long lines = 0;
		long total = 0;
		int read;
		while (total < MAX_COUNTED && (read = Posix.readNow(reader, buffer)) > 0) {
			for (int i = 0; i < read; i++) {
				if (buffer[i] == '\n') {
					lines++;
				}
			}
			total += read;
		}
		return lines;
	}

}
