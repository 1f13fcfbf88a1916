package io.pipeio.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.sun.jna.Memory;
import org.jspecify.annotations.Nullable;

/**
 * The batch of lines an {@link EventLoopWriter} is writing, and how far it got. Lines are
 * encoded with their newlines in chunks of up to the buffer size and written without
 * blocking; a chunk the pipe did not take whole is kept until it has room, and the batch
 * can tell which of its lines a pipe took whole, for a writer that ends or moves to a
 * re-created pipe.
 * <p>
 * Kept apart from the writer so that the writer is about who writes and when (one thread
 * at a time, the loop's report of room, the end), and this about what goes into the pipe.
 * Used only by the thread holding the writer's {@code writing} flag, so nothing here is
 * guarded.
 *
 * @author pipe-io
 */
final class WritingBatch {

	private static final byte NEWLINE = '\n';

	/** The smallest encoding buffer; it grows with the batches, up to the buffer size. */
	private static final int MIN_BUFFER = 1024;

	private final int bufferSize;

	private final List<Object> lines = new ArrayList<>();

	private long bytes;

	private int lineIndex;

	private int lineOffset;

	private byte @Nullable [] unwritten;

	private int unwrittenStart;

	/** Where the chunk in {@link #unwritten} began: a line, and how much of it before. */
	private int chunkLine;

	private int chunkOffset;

	/**
	 * The writer's own: any thread that sends may write, and a buffer per thread would
	 * stay with every application thread that ever sent.
	 */
	private @Nullable NativeBuffer buffer;

	WritingBatch(int bufferSize) {
		this.bufferSize = bufferSize;
	}

	/**
	 * @return the lines of the batch, as queued (a line, or one whose sender waits); the
	 * queue moves the next batch into this list, once it was emptied
	 */
	List<Object> lines() {
		return this.lines;
	}

	/**
	 * Begin writing the lines just moved into {@link #lines()}, from the first.
	 */
	void begin() {
		this.lineIndex = 0;
		this.lineOffset = 0;
		long total = 0;
		for (Object entry : this.lines) {
			total += QueuedLines.lineOf(entry).length;
		}
		this.bytes = total;
	}

	/**
	 * @return the bytes of the batch's lines, without their newlines
	 */
	long bytes() {
		return this.bytes;
	}

	/**
	 * @return whether the pipe took every line of the batch
	 */
	boolean isWritten() {
		return this.unwritten == null && this.lineIndex >= this.lines.size();
	}

	/**
	 * Write the rest of the chunk the pipe did not take whole, or else the next chunk.
	 * @param fifo the pipe, opened non-blocking
	 * @return {@code false} if the pipe is full: what it did not take is kept until it
	 * has room
	 * @throws IOException if writing fails
	 */
	boolean writeNext(FifoDescriptor fifo) throws IOException {
		return (this.unwritten != null) ? writeUnwritten(fifo) : writeChunk(fifo);
	}

	private boolean writeChunk(FifoDescriptor fifo) throws IOException {
		NativeBuffer buffer = buffer();
		int firstLine = this.lineIndex;
		int firstOffset = this.lineOffset;
		int length = encode(buffer.bytes);
		buffer.copyToMemory(buffer.bytes, 0, length);
		int written = write(fifo, buffer.memory, length);
		if (written < length) {
			this.unwritten = Arrays.copyOf(buffer.bytes, length);
			this.unwrittenStart = written;
			this.chunkLine = firstLine;
			this.chunkOffset = firstOffset;
			return false;
		}
		return true;
	}

	private boolean writeUnwritten(FifoDescriptor fifo) throws IOException {
		byte[] rest = this.unwritten;
		if (rest == null) {
			return true;
		}
		int length = rest.length - this.unwrittenStart;
		NativeBuffer buffer = buffer();
		buffer.copyToMemory(rest, this.unwrittenStart, length);
		int written = write(fifo, buffer.memory, length);
		this.unwrittenStart += written;
		if (written < length) {
			return false;
		}
		this.unwritten = null;
		return true;
	}

	/** Encode the next lines of the batch, up to the buffer's size. */
	private int encode(byte[] target) {
		int length = 0;
		while (length < target.length && this.lineIndex < this.lines.size()) {
			byte[] line = QueuedLines.lineOf(this.lines.get(this.lineIndex));
			if (this.lineOffset < line.length) {
				int count = Math.min(target.length - length, line.length - this.lineOffset);
				System.arraycopy(line, this.lineOffset, target, length, count);
				length += count;
				this.lineOffset += count;
			}
			else {
				target[length++] = NEWLINE;
				this.lineIndex++;
				this.lineOffset = 0;
			}
		}
		return length;
	}

	/**
	 * @return the bytes the pipe took, fewer than {@code length} when it is full
	 */
	private static int write(FifoDescriptor fifo, Memory memory, int length) throws IOException {
		// A pipe takes what fits: a short write means it is full, and trying again only
		// costs a call that fails with EAGAIN. The loop reports when there is room.
		int written = Posix.writeNow(fifo.descriptor(), memory, length);
		return Math.max(written, 0);
	}

	/**
	 * @return how many of the batch's first lines the pipe took whole
	 */
	int wholeLines() {
		int whole = (this.unwritten != null)
				? QueuedLines.firstNotTaken(this.lines, this.chunkLine, (long) this.chunkOffset + this.unwrittenStart)
				: this.lineIndex;
		return Math.min(whole, this.lines.size());
	}

	/**
	 * After a switch to a re-created pipe, go on from the first line the old pipe did not
	 * take whole: the lines it took are its readers' (or counted lost with it), and the
	 * new pipe's readers get whole lines only, never the rest of one begun in the old.
	 */
	void resumeAtFirstUnwrittenLine() {
		if (this.unwritten == null) {
			return;
		}
		// The bytes of the chunk's first line written before the chunk count as taken.
		this.lineIndex = QueuedLines.firstNotTaken(this.lines, this.chunkLine,
				(long) this.chunkOffset + this.unwrittenStart);
		this.lineOffset = 0;
		this.unwritten = null;
		this.unwrittenStart = 0;
	}

	/** Forget the batch: the writer ended, and accounted for its lines. */
	void clear() {
		this.lines.clear();
		this.unwritten = null;
	}

	/** The buffer, as large as the batch being written needs, within the buffer size. */
	private NativeBuffer buffer() {
		NativeBuffer current = this.buffer;
		int wanted = (int) Math.min(this.bufferSize, Math.max(MIN_BUFFER, this.bytes + this.lines.size()));
		if (current == null || current.bytes.length < wanted) {
			current = new NativeBuffer(wanted);
			this.buffer = current;
		}
		return current;
	}

}
