package io.pipeio.server;

import org.jspecify.annotations.Nullable;

/**
 * The mark set in a channel's current <em>in</em> pipe and not reached yet (see
 * {@link InputFence}), and where the bytes the reader feeds its framer cross it. Crossing
 * happens with the dispatch lock held, between two lines; a mark set while another waits
 * is merged with it.
 *
 * @author pipe-io
 */
final class InputFences {

	/** Read on every chunk without the lock; written under it. */
	private volatile @Nullable InputFence pending;

	private final Object lock = new Object();

	/**
	 * Set a mark.
	 * @param framer the framer of the current pipe
	 * @param position how many bytes of its stream come before the mark
	 * @param reached run once the mark is reached
	 * @return the mark
	 */
	InputFence add(LineFramer framer, long position, Runnable reached) {
		InputFence fence = new InputFence(framer, position, reached);
		synchronized (this.lock) {
			InputFence earlier = this.pending;
			this.pending = (earlier != null) ? earlier.and(fence) : fence;
		}
		return fence;
	}

	/**
	 * Feed a chunk to its framer; a mark inside it or at its end (or one a chunk before
	 * it passed already) is reached between the bytes before and after it, and one set
	 * while the chunk was handled, once it is.
	 * @param framer the framer of the pipe the chunk came from
	 * @param chunk the bytes
	 * @param length how many
	 */
	void feed(LineFramer framer, byte[] chunk, int length) {
		InputFence fence = this.pending;
		if (fence != null && fence.isIn(framer) && fence.position() - framer.position() <= length) {
			int head = (int) Math.max(0, fence.position() - framer.position());
			boolean fedRest = false;
			try {
				framer.feed(chunk, 0, head);
				reach(fence, framer);
				fedRest = true;
				framer.feed(chunk, head, length - head);
			}
			finally {
				if (!fedRest) {
					// The rest of the chunk is lost with what was thrown, as a chunk fed
					// whole is: the stream stands after it all the same, or every later
					// mark in it would be reached that many bytes late.
					framer.skip(length - head);
				}
			}
		}
		else {
			framer.feed(chunk, 0, length);
		}
		reachIfPassed(framer);
	}

	/**
	 * Reach the mark if every byte before it was fed: at the end of a chunk or of the
	 * stream.
	 * @param framer the framer whose bytes were fed
	 */
	void reachIfPassed(LineFramer framer) {
		InputFence fence = this.pending;
		if (fence != null && fence.isIn(framer) && framer.position() >= fence.position()) {
			reach(fence, framer);
		}
	}

	/**
	 * Reach the mark pending now, if every byte before it was fed and it is, or includes,
	 * the given one.
	 * @param fence a mark just set
	 */
	void reachIfPassed(InputFence fence) {
		LineFramer framer = fence.framer();
		if (framer != null) {
			reachIfPassed(framer);
		}
	}

	/**
	 * The bytes after the mark come from writers that were not there when it was set, so
	 * a partial line before it is dropped, as when every writer leaves; then the mark's
	 * action runs.
	 */
	private void reach(InputFence fence, LineFramer framer) {
		framer.endOfStream();
		clear(fence);
		fence.reach();
	}

	/**
	 * The reader of a framer ended without reaching the mark set in its stream: its
	 * thread died. The bytes it took and had not handled went with it; those still in its
	 * pipe are read by its successor on the same pipe, if there is one, so the mark moves
	 * there, as many bytes into the successor's stream as it was past the bytes the dead
	 * reader took: the lines written before it are still handled before it. With no
	 * successor (its pipe was replaced on disk, or it was a retired reader) nobody reads
	 * those bytes any more, and the mark is reached at once rather than never.
	 * @param ended the framer of the reader that ended
	 * @param taken how many bytes that reader took from its pipe
	 * @param successor the framer of the reader that reads the pipe on, or {@code null}
	 * @return the mark moved to the successor, which may have handled every byte before
	 * it already; {@code null} if there was none or it was reached
	 */
	@Nullable InputFence handOver(LineFramer ended, long taken, @Nullable LineFramer successor) {
		InputFence left;
		InputFence moved = null;
		synchronized (this.lock) {
			left = this.pending;
			if (left == null || !left.isIn(ended)) {
				return null;
			}
			if (successor != null) {
				moved = new InputFence(successor, Math.max(0, left.position() - taken), left::reach);
			}
			this.pending = moved;
		}
		if (moved == null) {
			left.reach();
		}
		return moved;
	}

	/**
	 * The channel starts again: a mark of its last run is never reached, so what waited
	 * for it waits no more.
	 */
	void release() {
		InputFence left = this.pending;
		if (left != null) {
			clear(left);
			left.reach();
		}
	}

	private void clear(InputFence fence) {
		synchronized (this.lock) {
			if (this.pending == fence) {
				this.pending = null;
			}
		}
	}

}
