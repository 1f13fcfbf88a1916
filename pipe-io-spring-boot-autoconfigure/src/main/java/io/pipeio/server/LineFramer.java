package io.pipeio.server;

/**
 * Splits a byte stream into lines on {@code \n}. Complete lines inside a chunk are passed on
 * without copying; only a line that spans chunks is assembled in a buffer, which never grows past
 * the max message size: a longer line is discarded up to its newline and reported with its size.
 *
 * @author pipe-io
 */
final class LineFramer {

	/** A partial-line buffer larger than this is released after use, not kept for the next line. */
	private static final int RETAINED_CAPACITY = 64 * 1024;

	private final int maxMessageSize;

	private final Sink sink;

	private byte[] pending = new byte[0];

	private int pendingLength;

	private boolean discarding;

	private long discarded;

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
		int position = offset;
		int end = offset + length;
		while (position < end) {
			int newline = indexOfNewline(chunk, position, end);
			if (newline < 0) {
				append(chunk, position, end - position);
				return;
			}
			complete(chunk, position, newline - position);
			position = newline + 1;
		}
	}

	/** @return whether a partial line is waiting for its newline */
	boolean hasPartialLine() {
		return this.pendingLength > 0 || this.discarding;
	}

	private void complete(byte[] chunk, int start, int length) {
		if (this.discarding) {
			this.sink.tooLarge(this.discarded + length);
			this.discarding = false;
			this.discarded = 0;
		}
		else if (this.pendingLength == 0) {
			if (length > this.maxMessageSize) {
				this.sink.tooLarge(length);
			}
			else {
				this.sink.line(chunk, start, length);
			}
		}
		else if ((long) this.pendingLength + length > this.maxMessageSize) {
			this.sink.tooLarge((long) this.pendingLength + length);
			resetPending();
		}
		else {
			append(chunk, start, length);
			this.sink.line(this.pending, 0, this.pendingLength);
			resetPending();
		}
	}

	private void append(byte[] chunk, int start, int length) {
		if (this.discarding) {
			this.discarded += length;
			return;
		}
		int needed = this.pendingLength + length;
		if (needed > this.maxMessageSize || needed < 0) {
			this.discarding = true;
			this.discarded = (long) this.pendingLength + length;
			resetPending();
			return;
		}
		if (needed > this.pending.length) {
			int capacity = (int) Math.min(this.maxMessageSize, Math.max(needed, this.pending.length * 2L));
			this.pending = java.util.Arrays.copyOf(this.pending, Math.max(capacity, 256));
		}
		System.arraycopy(chunk, start, this.pending, this.pendingLength, length);
		this.pendingLength = needed;
	}

	private void resetPending() {
		this.pendingLength = 0;
		if (this.pending.length > RETAINED_CAPACITY) {
			this.pending = new byte[0];
		}
	}

	private static int indexOfNewline(byte[] bytes, int from, int to) {
		for (int i = from; i < to; i++) {
			if (bytes[i] == '\n') {
				return i;
			}
		}
		return -1;
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
		 * A line longer than the max message size was discarded.
		 * @param size its size in bytes without the newline
		 */
		void tooLarge(long size);

	}

}
