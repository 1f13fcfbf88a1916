package io.pipeio.server;

/**
 * What a {@link SendQueue} holds against its bounds: lines and bytes queued, and bytes
 * the writer took and is still writing. Counting those too makes the byte bound a bound
 * on the memory of the whole send path, not only of the queue: the writer takes
 * everything queued at once, so it may hold as much again while it is blocked on a full
 * pipe.
 * <p>
 * Guarded by the queue's lock. For {@link OverflowPolicy#FAIL} the totals are also
 * published for reading without the lock, so the reader can tell a reply that will not
 * fit while collecting it; when and how often a line did not fit are read without it too.
 *
 * @author pipe-io
 */
final class SendQueueBounds {

	private final int capacity;

	private final long maxBytes;

	private final boolean published;

	private long queuedBytes;

	private long writingBytes;

	private volatile int publishedLines;

	private volatile long publishedBytes;

	/** When a line first did not fit since the writer last made progress, or 0. */
	private volatile long fullSinceMillis;

	/** How many times a line did not fit; only moves on (and wraps around). */
	private volatile int fullCount;

	SendQueueBounds(PipeServerSettings settings) {
		this.capacity = settings.getSendQueueCapacity();
		this.maxBytes = settings.getSendQueueMaxBytes();
		this.published = settings.getOverflow() == OverflowPolicy.FAIL;
	}

	/**
	 * Whether a line does not fit: the queue holds {@code capacity} lines, or the bytes
	 * held and the line's exceed the bound while anything is held. A line longer than the
	 * bound therefore goes alone once nothing else waits; it could never go otherwise.
	 * @param lines lines queued
	 * @param length the new line's length
	 * @return whether it does not fit
	 */
	boolean isFull(int lines, int length) {
		long held = this.queuedBytes + this.writingBytes;
		return lines >= this.capacity || (held > 0 && held + length > this.maxBytes);
	}

	/**
	 * Whether a line would fit once every queued line was dropped: not while the bytes
	 * being written leave no room for it, and those cannot be dropped.
	 * @param length the line's length
	 * @return whether dropping queued lines can make room for it
	 */
	boolean fitsOnceEmptied(int length) {
		return this.writingBytes == 0 || this.writingBytes + length <= this.maxBytes;
	}

	/**
	 * Whether a line would fit once the lines collected before it were queued, judged
	 * without the lock (other senders may fill the queue meanwhile); with
	 * {@link OverflowPolicy#FAIL} only.
	 * @param linesBefore lines collected before it
	 * @param bytesBefore their bytes
	 * @param length the line's length
	 * @return whether it seems to fit
	 */
	boolean seemsToFit(int linesBefore, long bytesBefore, int length) {
		long held = this.publishedBytes + bytesBefore;
		return this.publishedLines + linesBefore < this.capacity && (held == 0 || held + length <= this.maxBytes);
	}

	/**
	 * A line was queued ({@code length} positive) or dropped from the queue (negative).
	 */
	void queued(int lines, int length) {
		this.queuedBytes += length;
		publish(lines);
	}

	/** The writer took every queued line. */
	void taken() {
		this.writingBytes = this.queuedBytes;
		this.queuedBytes = 0;
		publish(0);
	}

	/**
	 * The writer is back for more: what it took last is written.
	 * @param lines lines queued
	 * @return whether bytes were freed
	 */
	boolean written(int lines) {
		if (this.fullSinceMillis != 0) {
			this.fullSinceMillis = 0; // it wrote, so a client reads
		}
		if (this.writingBytes == 0) {
			return false;
		}
		this.writingBytes = 0;
		publish(lines);
		return true;
	}

	/** Nothing is held any more: the writer is gone. */
	void cleared() {
		this.queuedBytes = 0;
		this.writingBytes = 0;
		this.fullSinceMillis = 0;
		publish(0);
	}

	/** A line did not fit. */
	void full() {
		if (this.fullSinceMillis == 0) {
			this.fullSinceMillis = System.currentTimeMillis();
		}
		this.fullCount++; // under the lock: no update is lost
	}

	/**
	 * @return the bytes queued and being written
	 */
	long held() {
		return this.queuedBytes + this.writingBytes;
	}

	/**
	 * @return when a line first did not fit since the writer last made progress, or 0
	 */
	long fullSinceMillis() {
		return this.fullSinceMillis;
	}

	/**
	 * @return how many times a line did not fit
	 */
	int fullCount() {
		return this.fullCount;
	}

	private void publish(int lines) {
		if (this.published) {
			this.publishedLines = lines;
			this.publishedBytes = this.queuedBytes + this.writingBytes;
		}
	}

}
