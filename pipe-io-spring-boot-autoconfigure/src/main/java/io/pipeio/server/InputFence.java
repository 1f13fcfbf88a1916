package io.pipeio.server;

import org.jspecify.annotations.Nullable;

/**
 * A mark at the end of what a channel's <em>in</em> pipe held when
 * {@link PipeServer#fenceInput(Runnable)} was called: the bytes before it were written
 * before that call, the bytes after it since. A plug-in host sets one when its process
 * exits, so that the lines the process left unread are never taken for its successor's.
 * <p>
 * The channel reads the pipe across the mark as it would across the departure of every
 * client: a partial line there is dropped ({@link DropReason#INCOMPLETE}) rather than
 * completed by later bytes. The action given with the mark runs on the thread that
 * handles lines, after the last line before the mark and before the first one after it,
 * so it can change how the lines after the mark are taken. Marks set one after another
 * are reached one after another, each at its own place in the pipe (unless the pipe was
 * replaced on disk between them: the earlier ones are then reached with the later one).
 *
 * @author pipe-io
 */
public final class InputFence {

	/** A mark already reached: the channel was not running, or nothing was unread. */
	static final InputFence REACHED = new InputFence(null, 0, () -> {
	});

	private final @Nullable LineFramer framer;

	private final long position;

	private final Runnable reached;

	private volatile boolean passed;

	/**
	 * Create a mark.
	 * @param framer the framer of the pipe it is set in
	 * @param position how many bytes of that pipe come before it, counted from the
	 * framer's first
	 * @param reached run once the reader reaches it
	 */
	InputFence(@Nullable LineFramer framer, long position, Runnable reached) {
		this.framer = framer;
		this.position = position;
		this.reached = reached;
		this.passed = (framer == null);
	}

	/**
	 * Whether every line before the mark was handled (and a partial line there dropped).
	 * @return whether the reader reached the mark
	 */
	public boolean isReached() {
		return this.passed;
	}

	@Nullable LineFramer framer() {
		return this.framer;
	}

	boolean isIn(LineFramer framer) {
		return this.framer == framer;
	}

	long position() {
		return this.position;
	}

	/**
	 * A mark set while this one waits: one mark as far as both, in the later one's pipe,
	 * that reaches this one and then {@code later}.
	 */
	InputFence and(InputFence later) {
		long position = (later.framer == this.framer) ? Math.max(this.position, later.position) : later.position;
		return new InputFence(later.framer, position, () -> {
			reach();
			later.reach();
		});
	}

	/**
	 * The reader reached the mark, or the channel started again without reaching it: mark
	 * it passed, then run its action, once.
	 */
	synchronized void reach() {
		if (!this.passed) {
			this.passed = true;
			this.reached.run();
		}
	}

}
