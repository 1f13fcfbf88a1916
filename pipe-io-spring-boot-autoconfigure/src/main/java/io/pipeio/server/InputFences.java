package io.pipeio.server;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The marks set in a channel's current <em>in</em> pipe and not reached yet (see
 * {@link InputFence}), and where the bytes the reader feeds its framer cross them.
 * Crossing happens with the dispatch lock held, between two lines. Marks set one after
 * another in the same pipe are reached one after another, each at its own place; a mark
 * set in a pipe other than the one of the marks waiting (the pipe was replaced on disk
 * meanwhile) is merged with them, as the two streams have no order between them.
 *
 * @author pipe-io
 */
final class InputFences {

	/**
	 * The first mark to reach; read on every chunk without the lock, written under it.
	 */
	private volatile @Nullable InputFence pending;

	/**
	 * The marks after {@link #pending}, in the same framer, in order; made for the second
	 * mark. Guarded by {@link #lock}.
	 */
	private @Nullable ArrayDeque<InputFence> later;

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
			InputFence first = this.pending;
			if (first == null) {
				this.pending = fence;
				return fence;
			}
			InputFence last = (this.later != null && !this.later.isEmpty()) ? this.later.peekLast() : first;
			if (last.isIn(framer) && position >= last.position()) {
				laterQueue().add(fence);
			}
			else {
				InputFence merged = first;
				for (InputFence next : takeLater()) {
					merged = merged.and(next);
				}
				this.pending = merged.and(fence);
			}
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
		int fed = 0;
		InputFence fence;
		while ((fence = this.pending) != null && fence.isIn(framer)
				&& fence.position() - framer.position() <= length - fed) {
			int from = fed;
			fed += (int) Math.max(0, fence.position() - framer.position());
			boolean crossed = false;
			try {
				framer.feed(chunk, from, fed - from);
				reach(fence, framer);
				crossed = true;
			}
			finally {
				if (!crossed) {
					// The rest of the chunk is lost with what was thrown, as a chunk fed
					// whole is (and counted by whoever catches it): the stream stands
					// after it all the same, or every later mark in it would be reached
					// that many bytes late.
					framer.skip(length - fed);
				}
			}
		}
		framer.feed(chunk, fed, length - fed);
		reachIfPassed(framer);
	}

	/**
	 * Reach the marks every byte before which was fed: at the end of a chunk or of the
	 * stream.
	 * @param framer the framer whose bytes were fed
	 */
	void reachIfPassed(LineFramer framer) {
		InputFence fence;
		while ((fence = this.pending) != null && fence.isIn(framer) && framer.position() >= fence.position()) {
			reach(fence, framer);
		}
	}

	/**
	 * Reach the marks pending now every byte before which was fed, if the given one is
	 * among them.
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
	 * The reader of a framer ended without reaching the marks set in its stream: its
	 * thread died. The bytes it took and had not handled went with it; those still in its
	 * pipe are read by its successor on the same pipe, if there is one, so the marks move
	 * there, each as many bytes into the successor's stream as it was past the bytes the
	 * dead reader took: the lines written before it are still handled before it. With no
	 * successor (its pipe was replaced on disk, or it was a retired reader) nobody reads
	 * those bytes any more, and the marks are reached at once rather than never.
	 * @param ended the framer of the reader that ended
	 * @param taken how many bytes that reader took from its pipe
	 * @param successor the framer of the reader that reads the pipe on, or {@code null}
	 * @return the first mark moved to the successor, which may have handled every byte
	 * before it already; {@code null} if there was none or they were reached
	 */
	@Nullable InputFence handOver(LineFramer ended, long taken, @Nullable LineFramer successor) {
		List<InputFence> left = new ArrayList<>();
		InputFence moved = null;
		synchronized (this.lock) {
			InputFence first = this.pending;
			if (first == null || !first.isIn(ended)) {
				return null;
			}
			left.add(first);
			left.addAll(takeLater());
			if (successor != null) {
				for (InputFence fence : left) {
					InputFence successors = new InputFence(successor, Math.max(0, fence.position() - taken),
							fence::reach);
					if (moved == null) {
						moved = successors;
					}
					else {
						laterQueue().add(successors);
					}
				}
			}
			this.pending = moved;
		}
		if (moved == null) {
			left.forEach(InputFence::reach);
		}
		return moved;
	}

	/**
	 * The channel starts again: a mark of its last run is never reached, so what waited
	 * for it waits no more.
	 */
	void release() {
		List<InputFence> left = new ArrayList<>();
		synchronized (this.lock) {
			if (this.pending != null) {
				left.add(this.pending);
				left.addAll(takeLater());
				this.pending = null;
			}
		}
		left.forEach(InputFence::reach);
	}

	/** The mark was reached: the next one is pending. */
	private void clear(InputFence fence) {
		synchronized (this.lock) {
			if (this.pending == fence) {
				this.pending = (this.later != null) ? this.later.poll() : null;
			}
		}
	}

	/** Take the marks after the first; under the lock. */
	private List<InputFence> takeLater() {
		if (this.later == null || this.later.isEmpty()) {
			return List.of();
		}
		List<InputFence> taken = new ArrayList<>(this.later);
		this.later.clear();
		return taken;
	}

	private ArrayDeque<InputFence> laterQueue() {
		if (this.later == null) {
			this.later = new ArrayDeque<>(2);
		}
		return this.later;
	}

}
