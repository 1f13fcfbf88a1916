package io.pipeio.server;

import java.io.IOException;

import com.sun.jna.Memory;

/**
 * Counts the lines a stopping server leaves in an <em>in</em> pipe it is about to remove,
 * with none slipping past the count. A client may write until the server's last reader of
 * the pipe is closed, and what it wrote after the last look goes with the pipe's buffer;
 * a stop that counted by reading would make room for more with every read. So the pipe is
 * first filled to the brim with bytes of the server's own, none of them a newline: full,
 * it takes nothing more from any client (a client's write waits, and fails once the
 * server lets go of the pipe, so the client knows that line was not taken). What it holds
 * is then looked at through a {@link PipePeek}, without taking it.
 * <p>
 * Only for a pipe no one can open any more (it has no name left): the filler must never
 * reach another reader.
 *
 * @author pipe-io
 */
final class InPipeSeal {

	/** Any byte but a newline would do; a text line never holds this one. */
	private static final byte FILLER = 0;

	/** Sizes to fill with, largest first; the last fills a page to its last byte. */
	private static final int[] FILL_SIZES = { 64 * 1024, 4096, 512, 64, 8, 1 };

	private InPipeSeal() {
	}

	/** The filler, only ever read: made once, with the first stop that needs it. */
	private static final class Filler {

		static final Memory BYTES = new Memory(FILL_SIZES[0]);

		static {
			BYTES.setMemory(0, FILL_SIZES[0], FILLER);
		}

	}

	/**
	 * Seal the pipe and count the lines it holds: each newline ends one, and a last line
	 * without its newline counts too.
	 * @param fifo the pipe, still open
	 * @param reader a non-blocking reader of it, whose reads left the pipe at the start
	 * of a line, or inside the rest of a line counted already
	 * @param midLine whether the pipe starts inside the rest of a line counted already
	 * @param buffer a buffer to read into
	 * @return the lines
	 * @throws IOException if a call fails
	 */
	static long count(FifoDescriptor fifo, int reader, boolean midLine, byte[] buffer) throws IOException {
		int before = PosixPoll.unreadBytes(reader);
		int writer = fifo.openNonBlockingWriter();
		try {
			// A stop of thousands of idle channels does this for each.
			int size = PipePeek.shrink(writer, before);
			long filled = fill(writer, size - (long) before);
			int held = PosixPoll.unreadBytes(reader);
			if (before == 0 && held == filled) {
				return 0; // nothing but the filler
			}
			return count(reader, before, held, filled, midLine, buffer);
		}
		finally {
			Posix.close(writer);
		}
	}

	private static long count(int reader, int before, int held, long filled, boolean midLine, byte[] buffer)
			throws IOException {
		try (PipePeek peek = PipePeek.open()) {
			if (!peek.holdAllOf(reader)) {
				// A pipe larger than this user may make one (pipe-max-size, or the
				// pages of a user with thousands of pipes): counted by reading, which
				// makes room again, so a client may still slip a line in at the end.
				return countByReading(reader, midLine, buffer);
			}
			return count(peek, reader, held, before, held - before - filled, midLine, buffer);
		}
	}

	/** Fill the pipe until not one more byte fits; room is what it had for more. */
	private static long fill(int writer, long room) throws IOException {
		Memory filler = Filler.BYTES;
		long filled = 0;
		for (int size : FILL_SIZES) {
			int written;
			// Full once the room is filled, unless a client wrote meanwhile: then the
			// writes go on until one finds no room.
			while (filled < room && (written = Posix.writeNow(writer, filler, size)) > 0) {
				filled += written;
			}
		}
		return filled;
	}

	/**
	 * Count the lines in what the sealed pipe holds: the clients' bytes first, then the
	 * filler, and between the filler's writes the lines of a client that wrote while it
	 * was being written (a write of a line up to a page is never split).
	 */
	private static long count(PipePeek peek, int reader, int held, int before, long intruded, boolean midLine,
			byte[] buffer) throws IOException {
		int seen = peek.copy(reader, held);
		long lines = 0;
		byte lastOfClients = '\n';
		byte lastBeforeFiller = '\n';
		int position = 0;
		int read;
		while (position < seen && (read = peek.read(buffer, Math.min(buffer.length, seen - position))) > 0) {
			for (int i = 0; i < read; i++) {
				byte b = buffer[i];
				if (b == '\n') {
					lines++;
				}
				if (b != FILLER) {
					lastBeforeFiller = b;
				}
				if (position + i == before - 1) {
					lastOfClients = b;
				}
			}
			position += read;
		}
		// Nobody wrote while the filler was written (all but always): the clients' bytes
		// are exactly those there before, whatever they hold.
		byte last = (intruded == 0) ? lastOfClients : lastBeforeFiller;
		if (last != '\n') {
			lines++;
		}
		return lessTheRest(lines, midLine);
	}

	/**
	 * Count the lines a pipe holds by reading them, for a pipe no client can add to any
	 * more (or one that cannot be sealed), the same way as {@link #count}.
	 * @param reader a non-blocking reader of it
	 * @param midLine whether the pipe starts inside the rest of a line counted already
	 * @param buffer a buffer to read into
	 * @return the lines
	 * @throws IOException if a read fails
	 */
	static long countByReading(int reader, boolean midLine, byte[] buffer) throws IOException {
		return lessTheRest(Posix.countLines(reader, buffer, 0, Posix.MAX_COUNTED), midLine);
	}

	/** The rest of a line counted already ends the first line counted here. */
	private static long lessTheRest(long lines, boolean midLine) {
		return midLine ? Math.max(0, lines - 1) : lines;
	}

}
