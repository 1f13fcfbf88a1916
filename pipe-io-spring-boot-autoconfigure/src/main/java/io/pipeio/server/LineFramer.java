package io.pipeio.server;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a byte stream into lines on {@code \n}. Complete lines inside a chunk are passed
 * on without copying. A line that spans chunks is assembled: up to {@value #SMALL_LIMIT}
 * bytes in one reused buffer; beyond that as a list of pieces joined once into an array
 * of the exact size, which the handler may keep ({@link Sink#ownedLine}), so a large line
 * costs about twice its size in memory rather than the three times of a doubling buffer
 * plus the handler's copy. Nothing grows past the max message size: a longer line is
 * discarded up to its newline and reported with its size.
 *
 * @author pipe-io
 */
final class LineFramer {

	/** Lines up to this size are assembled in the reused buffer. */
	static final int SMALL_LIMIT = 64 * 1024;

	/** What a channel's first partial line takes at least. */
	private static final int FIRST_PENDING = 256;

	private static final byte[] NONE = new byte[0];

	private final int maxMessageSize;

	private final Sink sink;

	/**
	 * A line split over reads, assembled here; empty until one is (a channel whose lines
	 * each arrive whole never needs it, and thousands of channels may be idle).
	 */
	private byte[] pending = NONE;

	private int pendingLength;

	/** Pieces of a line longer than {@link #SMALL_LIMIT}, in order. */
	private final List<byte[]> pieces = new ArrayList<>();

	private long piecesLength;

	private boolean discarding;

	/**
	 * Discarding the rest of a line whose start was lost, not an over-size one: nothing
	 * to report.
	 */
	private boolean silent;

	private long discarded;

	/** The run of the channel the framer's reader belongs to. */
	int generation;

	/** How many bytes were fed or refused: where the stream stands. */
	private long position;

	/**
	 * Where the bytes not framed yet begin: after the last line passed on, or the last
	 * bytes kept of a partial one. A failure in the middle of a chunk lost the rest.
	 */
	private long framed;

	LineFramer(int maxMessageSize, Sink sink) {
		this.maxMessageSize = maxMessageSize;
		this.sink = sink;
	}

	/**
	 * Feed the next bytes of the stream.
	 * @param chunk the bytes
	 * @param offset where they start
	 * @param length how many
	 */
	void feed(byte[] chunk, int offset, int length) {
		this.position += length;
		long streamStart = this.position - length - offset;
		int position = offset;
		int end = offset + length;
		while (position < end) {
			int newline = Newlines.indexOf(chunk, position, end);
			if (newline < 0) {
				append(chunk, position, end - position);
				this.framed = this.position;
				return;
			}
			complete(chunk, position, newline - position, streamStart + newline + 1);
			position = newline + 1;
		}
	}

	/**
	 * Start afresh after a failure lost the rest of a chunk: forget the partial line, and
	 * if the lost bytes ended inside a line, skip the rest of that line quietly.
	 * @param midLine whether the next bytes continue a line whose start was lost
	 */
	void resync(boolean midLine) {
		reset();
		this.discarding = midLine;
		this.silent = midLine;
		this.discarded = 0;
		this.framed = this.position;
	}

	/**
	 * A failure cut the framing of a chunk short (an {@code OutOfMemoryError} while a
	 * long line was assembled): the bytes of it not framed yet are lost. Start afresh
	 * after them as {@link #resync} does, and count what was lost.
	 * @param chunk the chunk being fed
	 * @param length its length
	 * @param end where the stream stands after the chunk, also if the failure came before
	 * all of it was fed
	 * @return the lines lost: the one being framed when the failure came, each after it
	 * that the chunk ends, and the one it ends inside (its rest is skipped quietly); none
	 * if the chunk was framed whole before the failure came
	 */
	long cut(byte[] chunk, int length, long end) {
		this.position = Math.max(this.position, end);
		long unframed = this.position - this.framed;
		if (unframed <= 0 || length == 0) {
			return 0;
		}
		long lines = 0;
		for (int i = length - (int) Math.min(unframed, length); i < length; i++) {
			if (chunk[i] == '\n') {
				lines++;
			}
		}
		boolean midLine = chunk[length - 1] != '\n';
		if (midLine) {
			lines++;
		}
		if (this.discarding && this.silent) {
			// the line whose rest was being skipped was counted when it was cut
			lines--;
		}
		resync(midLine);
		return lines;
	}

	/**
	 * A stop refused a chunk read after the bytes fed so far: forget it, and skip the
	 * rest of a line it ends inside quietly, since that line is counted now.
	 * @param chunk the bytes
	 * @param length how many
	 * @return the lines lost with the chunk: each it ends (but the one being skipped
	 * quietly, counted when it was cut), and the one it ends inside
	 */
	long refuse(byte[] chunk, int length) {
		this.position += length;
		if (length == 0) {
			return 0;
		}
		int position = 0;
		if (this.discarding && this.silent) {
			int newline = Newlines.indexOf(chunk, 0, length);
			position = (newline < 0) ? length : newline + 1;
		}
		long lines = 0;
		for (int i = position; i < length; i++) {
			if (chunk[i] == '\n') {
				lines++;
			}
		}
		boolean cut = chunk[length - 1] != '\n';
		if (cut && position < length) {
			lines++;
		}
		resync(cut);
		return lines;
	}

	/**
	 * A stop leaves the stream here, no more bytes to be fed: forget the partial line.
	 * @return whether there was one that nobody counted (one skipped quietly was counted
	 * when it was cut)
	 */
	boolean abandonPartialLine() {
		boolean uncounted = partialLength() > 0 || (this.discarding && !this.silent);
		resync(false);
		return uncounted;
	}

	/**
	 * The stream ended: every writer left. A partial line can no longer be completed and
	 * is reported as {@link Sink#incomplete} (or, for a line already over the limit, as
	 * {@link Sink#tooLarge}); the next bytes start a new line.
	 */
	void endOfStream() {
		if (this.discarding) {
			if (!this.silent) {
				this.sink.tooLarge(this.discarded);
			}
		}
		else if (partialLength() > 0) {
			byte[] partial = join(this.pending, 0, 0);
			reset();
			this.sink.incomplete(partial);
		}
		resync(false);
	}

	/**
	 * Bytes of the stream lost without being fed, with a failure that cut a chunk short:
	 * the stream stands after them (see {@link #resync}).
	 * @param length how many
	 */
	void skip(int length) {
		this.position += length;
	}

	/**
	 * @return how many bytes of the stream were fed, refused or skipped so far
	 */
	long position() {
		return this.position;
	}

	/**
	 * @return whether a partial line is waiting for its newline
	 */
	boolean hasPartialLine() {
		return partialLength() > 0 || this.discarding;
	}

	private long partialLength() {
		return this.pendingLength + this.piecesLength;
	}

	/**
	 * Pass on a line that ends here. The framer is done with it before the sink is told:
	 * a failure in the sink loses none of the lines after it.
	 * @param lineEnd where the stream stands after the line's newline
	 */
	private void complete(byte[] chunk, int start, int length, long lineEnd) {
		long total = partialLength() + length;
		if (this.discarding) {
			boolean report = !this.silent;
			long size = this.discarded + length;
			this.silent = false;
			this.discarding = false;
			this.discarded = 0;
			this.framed = lineEnd;
			if (report) {
				this.sink.tooLarge(size);
			}
		}
		else if (total > this.maxMessageSize) {
			reset();
			this.framed = lineEnd;
			this.sink.tooLarge(total);
		}
		else if (partialLength() == 0) {
			this.framed = lineEnd;
			this.sink.line(chunk, start, length);
		}
		else if (total <= SMALL_LIMIT) {
			append(chunk, start, length);
			int lineLength = this.pendingLength;
			reset();
			this.framed = lineEnd;
			this.sink.line(this.pending, 0, lineLength);
		}
		else {
			byte[] line = join(chunk, start, length);
			reset();
			this.framed = lineEnd;
			this.sink.ownedLine(line);
		}
	}

	private void append(byte[] chunk, int start, int length) {
		long needed = partialLength() + length;
		if (this.discarding || needed > this.maxMessageSize) {
			this.discarded = this.discarding ? this.discarded + length : needed;
			this.discarding = true;
			reset();
			return;
		}
		if (!this.pieces.isEmpty() || needed > SMALL_LIMIT) {
			if (this.pieces.isEmpty() && this.pendingLength > 0) {
				this.pieces.add(Arrays.copyOf(this.pending, this.pendingLength));
				this.piecesLength = this.pendingLength;
				this.pendingLength = 0;
			}
			this.pieces.add(Arrays.copyOfRange(chunk, start, start + length));
			this.piecesLength += length;
			return;
		}
		if (needed > this.pending.length) {
			this.pending = Arrays.copyOf(this.pending,
					(int) Math.min(SMALL_LIMIT, Math.max(needed, Math.max(FIRST_PENDING, this.pending.length * 2L))));
		}
		System.arraycopy(chunk, start, this.pending, this.pendingLength, length);
		this.pendingLength = (int) needed;
	}

	private byte[] join(byte[] chunk, int start, int length) {
		byte[] line = new byte[(int) (partialLength() + length)];
		System.arraycopy(this.pending, 0, line, 0, this.pendingLength);
		int position = this.pendingLength;
		for (byte[] piece : this.pieces) {
			System.arraycopy(piece, 0, line, position, piece.length);
			position += piece.length;
		}
		System.arraycopy(chunk, start, line, position, length);
		return line;
	}

	private void reset() {
		this.pendingLength = 0;
		this.pieces.clear();
		this.piecesLength = 0;
	}

	/**
	 * Receives what the framer finds.
	 */
	interface Sink {

		/**
		 * A complete line, valid during the call only.
		 * @param buffer the buffer
		 * @param offset where the line starts
		 * @param length its length without the newline
		 */
		void line(byte[] buffer, int offset, int length);

		/**
		 * A complete line in an array of its own, which the receiver may keep.
		 * @param line the line without the newline
		 */
		default void ownedLine(byte[] line) {
			line(line, 0, line.length);
		}

		/**
		 * A line longer than the max message size was discarded.
		 * @param size its size in bytes without the newline
		 */
		void tooLarge(long size);

		/**
		 * The stream ended inside a line: every writer left before its newline.
		 * @param partial the bytes of the unfinished line
		 */
		default void incomplete(byte[] partial) {
		}

	}

}
